"""What the magics do, as plain methods over the engine: plan a lecture into section
cells, run one section cell, report status and usage, export.

`magics.py` only parses arguments and calls these; the settings come from there.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from IPython.display import Markdown, display

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell

from ..cassette import recorded_options
from ..config import Settings
from ..engine import Engine, SectionResult
from ..errors import ConfigError
from ..files import disk_errors
from ..model_client import ModelClient, build_client
from ..plan import slugify
from ..planner import check_topic
from ..sources import Source, read_source, source_from_markdown
from ..workspace import Workspace, lecture_dir
from . import cells, pictures, previews, reviews, sync  # reviews: the critic's cards; sync: panel ⇄ cells agree
from .bridge import FrontendBridge, status_display
from .failures import cell_line, exception_line
from .progress import EarlyKeyframes, LazyProgress, ProgressView
from .section_view import section_views


@dataclass
class LectureRequest:
    topic: str
    goals: str = ""
    sections: int | None = None  # None: a recording's own count, else default_sections
    audience: str = "university students"
    render: bool = True
    default_sections: int = 4
    critic: bool | None = None  # --critic / --no-critic: kept for the lecture's cells (None: as it was)
    notes: str = ""  # --from: a teacher's notes (a path) the lecture follows
    cell_notes: str = ""  # the cell body itself, when it is notes rather than a topic (`sources.is_notes`)

    def source(self) -> Source | None:
        if self.notes:
            return read_source(Path(self.notes))
        if self.cell_notes:
            return source_from_markdown(self.cell_notes, name="the cell's notes")
        return None


@dataclass
class RunConfig:
    """The effective settings for one magic call (flags > %config > environment)."""

    settings: Settings
    root: Path
    replay: str = ""  # a cassette path, or "demo": answer from a recording instead of a model
    embed_limit_bytes: int = 8_000_000  # larger previews are linked, not embedded
    critic: bool = True  # the layout critic's suggestions under each rendered section (%config Code2Video.critic)
    link_previews: bool = True  # JupyterLab serving the notebook's folder: previews play from there (display.py)


@dataclass
class NotebookSession:
    shell: InteractiveShell
    bridge: FrontendBridge
    configure: Callable[[], RunConfig]  # read at each use, so a panel click sees today's %config
    offered: set = field(default_factory=set)  # (lecture, section) cells already chained via set_next_input
    panels: dict = field(default_factory=dict)  # lecture -> SectionPanel (fallback), kept alive for its buttons
    current: str | None = None  # the last lecture used, for `%c2v` commands without one
    opened: dict = field(default_factory=dict)  # folder -> Workspace: one object per lecture, so no lost updates
    critic: Callable | None = None  # section file -> findings; None: the layout critic (tests pass their own)
    pictures: dict = field(default_factory=dict)  # lecture -> PictureBoard under its plan, kept for its buttons

    # plumbing -----------------------------------------------------------------
    def client(self, config: RunConfig, ws: Workspace) -> ModelClient:
        """Raises ConfigError (one line: how to set the key) when no model is configured."""
        replay = config.replay or ws.lecture.replay
        try:
            # A replayed lecture answers from its recording; what the recording lacks (a fix for
            # the user's own edit) goes to the live model when a key is set.
            return build_client(config.settings, log_path=ws.log_path,
                                replay=replay or None, live_after_replay=True)
        except ConfigError as exc:
            env = config.settings.api_key_env
            if f"{env} is not set" not in str(exc):
                raise
            raise ConfigError(f"{env} is not set; use %env {env}=<your key>, or --replay demo") from None

    def workspace(self, lecture: str | None) -> Workspace:
        lecture = lecture or self.current
        root = self.configure().root
        if not lecture:
            raise ConfigError("no lecture yet: run a %%code2video cell first, or name one: %c2v status <lecture>")
        ws = self._open(lecture_dir(Path(root), lecture))
        if ws.storyboard is None:
            raise ConfigError(f"no planned lecture '{lecture}' under {root}/ — run its %%code2video cell first")
        self.current = lecture
        return ws

    def _open(self, folder: Path, topic: str | None = None) -> Workspace:
        key = folder.resolve()
        if key not in self.opened:
            self.opened[key] = Workspace.create(folder.parent, folder.name, topic) if topic else Workspace(folder)
        return self.opened[key]

    # %%code2video ---------------------------------------------------------------
    def plan_lecture(self, request: LectureRequest, config: RunConfig | None = None) -> Workspace:
        with disk_errors():  # a full disk or a read-only root: one line, like every engine error
            return self._plan_lecture(request, config or self.configure())

    def _plan_lecture(self, request: LectureRequest, config: RunConfig) -> Workspace:
        source = request.source()
        topic = check_topic(request.topic or (source.title if source else ""))
        ws = self._open(Path(config.root) / slugify(topic), topic)
        self.current = ws.slug
        if config.replay:  # its section cells keep answering from the same recording
            ws.set_lecture(replay=config.replay)
        if request.critic is not None:  # so are its cells' critic cards (on or off)
            ws.set_lecture(critic=request.critic)
        client = self.client(config, ws)
        progress = ProgressView(f"code2video: {topic}")
        engine = Engine(config.settings, client, progress)
        started = time.monotonic()
        sections = (request.sections or recorded_options(config.replay).get("sections")
                    or (None if source else request.default_sections))  # notes: one section per part
        try:
            engine.plan(ws, audience=request.audience, sections=sections, goals=request.goals, source=source)
            progress.expect(ws.planned().sections)  # a row per section, in order, from now on
            if request.render:  # each section renders as soon as its code arrives
                results = engine.write_and_build(ws).results
            else:
                engine.write_code(ws)
                results = []
            reviews.critique_all(self, ws, results, progress)
        except BaseException as exc:  # the display ends with the outcome, never mid-stage
            progress.done(f"stopped: {exception_line(exc)}", ok=False)
            raise
        finally:
            ws.add_usage(client.usage_by_stage())
        failed = [r for r in results if not r.ok]
        progress.done(f"{len(ws.planned().sections)} sections planned"
                      + (f", {len(results) - len(failed)} rendered" if results else "")
                      + (f", {len(failed)} failed ({_failed_list(failed)}: run its cell to see why)" if failed else "")
                      + f" in {time.monotonic() - started:.0f} s", ok=not failed, where=previews.place(self.bridge))
        display(Markdown(_plan_markdown(ws)))
        pictures.show(self, ws, config.settings.assets_dir)  # each section's pictures, to swap
        self.deliver_cells(ws)
        return ws

    def deliver_cells(self, ws: Workspace, only: list[str] | None = None) -> None:
        """Real cells through the extension when it answered; otherwise the panel and a
        set_next_input chain. While the state is unknown, never both comm and set_next_input.
        `only`: these sections' cells (files opened into a lecture), else every section's."""
        chosen = [s for s in ws.planned().sections if only is None or s.id in only]
        if self.bridge.state != "absent":
            specs = [cells.cell_spec(ws.slug, s.id, code, previews.rendered(self, ws, s.id, code))
                     for s in chosen for code in [ws.code(s.id)]]
            status = status_display(f"Inserting {len(specs)} section cells below…")
            self.bridge.insert_cells(specs, on_reply=lambda reply: _report_insert(status, reply, len(specs)))
        if self.bridge.state != "ready":
            self.show_panel(ws)
        if self.bridge.state == "absent" and chosen:
            self.offer(ws, ws.planned().sections.index(chosen[0]))

    def offer(self, ws: Workspace, index: int) -> None:
        """Chain real cells where front ends apply one set_next_input per execution."""
        sections = ws.planned().sections
        if index >= len(sections) or (ws.slug, sections[index].id) in self.offered:
            return
        self.offered.add((ws.slug, sections[index].id))
        section = sections[index]
        self.shell.set_next_input(cells.cell_source(ws.slug, section.id, ws.code(section.id)))

    def show_panel(self, ws: Workspace) -> None:
        from .panel import PanelResult, SectionPanel

        def render(section_id: str, code: str) -> PanelResult:
            before = ws.read_code(section_id)
            result, new_code, tokens = self._build(ws, section_id, code, reason=sync.PANEL_EDIT)
            views = self._views(ws, result, code, new_code, tokens)
            sync.after_panel_render(self.bridge, ws, section_id, before, new_code, result.ok,
                                    note=lambda text: panel.note(section_id, text))  # tell the section cell
            reviews.panel_cards(self, ws, panel, section_id, new_code if result.ok else None)
            return PanelResult(code=new_code, views=views, status=repr(views[-1]) if result.ok else "failed")

        sections = [(s.id, s.title, ws.code(s.id)) for s in ws.planned().sections]
        panel = SectionPanel(ws.slug, sections, render)
        for section_id, _title, code in sections:  # what was rendered shows at once; nothing renders here
            panel.show(section_id, *sync.current_views(ws, section_id, code, self._views))
            reviews.panel_cards(self, ws, panel, section_id, code, run=False)
        self.panels[ws.slug] = panel
        panel.display()  # with its static rendering: outlives the kernel

    # %%c2v_section --------------------------------------------------------------
    def run_section(self, line: str, body: str) -> None:
        lecture, section_id = cells.parse_target(line)
        ws = self.workspace(lecture)
        known = [s.id for s in ws.planned().sections]
        if section_id not in known:
            raise ConfigError(f"lecture '{lecture}' has no section '{section_id}' (sections: {', '.join(known)})")
        taking = sync.panel_version_for(ws, section_id, body)  # an older cell takes the panel's newer code
        sync.show_notice(ws.slug, section_id, needed=bool(taking) or ws.slug in self.panels or reviews.on(self, ws))
        code = taking.code if taking else body
        progress = LazyProgress(f"Section {section_id}")
        strip = EarlyKeyframes(ws.planned().section(section_id).lecture_lines)
        try:
            result, new_code, tokens = self._build(ws, section_id, code, progress, on_keyframes=strip)
        except BaseException as exc:  # never leave the display saying "repairing"
            progress.close(f"stopped: {exception_line(exc)}", ok=False)
            strip.settle([])
            raise
        progress.close(_summary(result), result.ok)
        views = self._views(ws, result, code, new_code, tokens)
        for view in strip.settle(views):  # the strip shown while the video rendered took its own place
            display(view)
        reviews.cell_cards(self, ws, section_id, new_code if result.ok else None)
        if taking:
            sync.take(self.bridge, self.shell, ws, section_id, body, new_code, taking)
        elif new_code != body:
            self.update_cell(ws, section_id, body, new_code)
        elif self.bridge.state == "absent":
            index = [s.id for s in ws.planned().sections].index(section_id)
            self.offer(ws, index + 1)
        reviews.follow(self, ws, section_id, new_code, views, result.ok)

    def update_cell(self, ws: Workspace, section_id: str, old_code: str, new_code: str) -> None:
        """Auto-fix changed the code: the cell is updated, never silently and never over an edit."""
        old, new = cells.cell_source(ws.slug, section_id, old_code), cells.cell_source(ws.slug, section_id, new_code)
        if self.bridge.state == "ready":
            status = status_display("Updating this cell with the fixed code…")
            self.bridge.replace_source(ws.slug, section_id, new, old, on_reply=lambda r: _report_replace(status, r))
        else:
            self.shell.set_next_input(new, replace=True)

    def _build(self, ws: Workspace, section_id: str, code: str,
               progress: Callable[[str, str], None] | None = None,
               reason: str = "notebook edit", on_keyframes=None) -> tuple[SectionResult, str, int]:
        """Write the cell's code and render it; the model is asked only if a fix is needed.
        Returns the result, the code now in the section (auto-fix may have changed it) and
        the tokens this build spent. `on_keyframes`: the strip, as soon as it is drawn."""
        with disk_errors():  # a full disk or a read-only folder: one line, like every engine error
            return self._build_section(ws, section_id, code, progress, reason, on_keyframes)

    def _build_section(self, ws: Workspace, section_id: str, code: str,
                       progress: Callable[[str, str], None] | None,
                       reason: str = "notebook edit", on_keyframes=None) -> tuple[SectionResult, str, int]:
        config = self.configure()
        if ws.read_code(section_id) != code:
            ws.write_code(section_id, code, reason)  # "notebook edit" from a cell, "panel edit" from the panel
        # The model (and its key) is needed only if the render fails and needs a fix.
        engine = Engine(config.settings, lambda: self.client(config, ws), progress, on_keyframes=on_keyframes)
        try:
            result = engine.build_section(ws, ws.planned().section(section_id), "preview")
        finally:
            if engine.used_client is not None:
                ws.add_usage(engine.used_client.usage_by_stage())
        spent = engine.used_client.total().tokens if engine.used_client is not None else 0
        return result, ws.code(section_id), spent

    def _views(self, ws: Workspace, result: SectionResult, old_code: str, new_code: str, tokens: int,
               limit: int | None = None) -> list:
        """`limit`: embed previews up to this size (None: `previews.embed_limit`; 0: played from the folder)."""
        config = self.configure()
        limit = previews.embed_limit(self, ws) if limit is None else limit
        replayed = bool(config.replay or ws.lecture.replay)
        views = section_views(ws, result, old_code, new_code, tokens, embed_limit_bytes=limit,
                              key_env=config.settings.api_key_env, replayed=replayed)
        return views if result.ok else views + previews.last_good(ws, result.id, limit)



def _summary(result: SectionResult) -> str:
    """The progress display's last line: the outcome, never a stage still "repairing"."""
    if result.ok and result.cached:
        return f"section {result.id}: unchanged, cached preview"
    fixed = f" after {result.fix_attempts} fix attempt(s)" if result.fix_attempts else ""
    if result.ok:
        return f"section {result.id} rendered{fixed} in {result.seconds:.1f} s"
    where = f" at line {cell_line(result.line)} of the cell" if result.line else ""
    return f"section {result.id} failed{where}{fixed} ({result.error.split(':')[0]}) — see below"


def _failed_list(failed: list[SectionResult]) -> str:
    return ", ".join(f"section {r.id}" + (f" at line {cell_line(r.line)}" if r.line else "") for r in failed)


def _plan_markdown(ws: Workspace) -> str:
    parts = [f"**{ws.lecture.topic}** — lecture `{ws.slug}`"]
    for s in ws.planned().sections:
        lines = "; ".join(s.lecture_lines)
        parts.append(f"- **{s.id}. {s.title}** — {lines}" + cells.cited_markdown(s, "\n  "))
    return "\n".join(parts)


def _report_insert(status, reply: dict, n: int) -> None:
    if reply.get("op") == "ok":
        replaced = reply.get("replaced") or 0  # an earlier run's cells right below the magic
        verb = (f"Inserted {n} section cells below" if not replaced else f"Replaced the {n} section cells below"
                if replaced == n else f"Replaced the {replaced} section cells below with {n}")
        status.update(f"{verb} ✓ — each shows its preview once rendered; edit one and run it to render again.")
    else:
        status.update(f"Could not insert the cells ({reply.get('op')}: {reply.get('message', '')}); "
                      "use the panel above or `%c2v notebook lecture.ipynb`.")


def _report_replace(status, reply: dict) -> None:
    if reply.get("op") == "ok":
        status.update("This cell now holds the fixed code ✓")
    elif reply.get("op") == "conflict":
        status.update("The cell was edited meanwhile, so the fix was not written into it; "
                      "the diff above shows it.")
    else:
        status.update(f"Could not update the cell: {reply.get('message', reply.get('op'))}")
