"""What the magics do, as plain methods over the engine: plan a lecture into section cells, run
one section cell. `magics.py` only parses arguments and calls these; the settings come from there.

The session coordinates; each concern is a module of its own:
- `lecture_client.py`: the model client (a recording first, the one-line missing-key error);
- `open_lectures.py`: one `Workspace` per lecture folder, and the lecture last used;
- `lecture_planning.py`: what `%%code2video` asks of the engine, and its closing line;
- `section_runner.py`: one section built and what to show for it (also used by the cards,
  the pictures and the panel);
- `cell_delivery.py`: how the section cells reach the notebook (the extension, or the panel
  and a `set_next_input` chain), and how a cell takes its fixed code;
- `lecture_panel.py`: the widget panel; `reviews.py`: the critic's cards; `pictures.py`: the plan's pictures.
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

    from .panel import SectionPanel
    from .pictures import PictureBoard

from ..engine import Engine
from ..errors import ConfigError
from ..files import disk_errors
from ..model_client import ModelClient
from ..plan import slugify
from ..planner import check_topic
from ..usage_record import recording_usage
from ..workspace import Workspace
from . import cells, lecture_planning, pictures, previews, reviews, sync  # sync: panel ⇄ cells agree
from .bridge import FrontendBridge
from .cell_delivery import CellDelivery
from .failures import exception_line
from .lecture_client import lecture_client
from .lecture_panel import show_panel
from .lecture_planning import LectureRequest
from .open_lectures import OpenLectures
from .progress import EarlyKeyframes, LazyProgress, ProgressView
from .quiz_widget import show as show_quiz  # the students' questions under a section's preview
from .run_config import RunConfig
from .section_runner import SectionRunner, outcome_line


@dataclass
class NotebookSession:
    shell: InteractiveShell
    bridge: FrontendBridge
    configure: Callable[[], RunConfig]  # read at each use, so a panel click sees today's %config
    critic: Callable[[Path], list] | None = None  # section file -> findings; None: the layout critic (tests)
    lectures: OpenLectures = field(default_factory=OpenLectures)
    panels: dict[str, SectionPanel] = field(default_factory=dict)  # lecture -> its panel, kept for its buttons
    pictures: dict[str, PictureBoard] = field(default_factory=dict)  # lecture -> its board, kept alive
    runner: SectionRunner = field(init=False)
    delivery: CellDelivery = field(init=False)  # how the section cells reach the notebook

    def __post_init__(self) -> None:
        self.runner = SectionRunner(self.configure, self.bridge, self.client)
        self.delivery = CellDelivery(self.shell, self.bridge)

    def client(self, config: RunConfig, ws: Workspace) -> ModelClient:
        """Raises ConfigError (one line: how to set the key) when no model is configured."""
        return lecture_client(config, ws)

    def workspace(self, lecture: str | None) -> Workspace:
        """A planned lecture (None: the last one used), or a one-line ConfigError."""
        return self.lectures.planned(self.configure().root, lecture)

    # %%code2video ---------------------------------------------------------------
    def plan_lecture(self, request: LectureRequest, config: RunConfig | None = None) -> Workspace:
        with disk_errors():  # a full disk or a read-only root: one line, like every engine error
            return self._plan_lecture(request, config or self.configure())

    def _plan_lecture(self, request: LectureRequest, config: RunConfig) -> Workspace:
        source = request.source()
        topic = check_topic(request.topic or (source.title if source else ""))
        ws = self.lectures.open(Path(config.root) / slugify(topic), topic)
        self.lectures.current = ws.slug
        if config.replay:  # its section cells keep answering from the same recording
            ws.set_lecture(replay=config.replay)
        if request.critic is not None:  # so are its cells' critic cards (on or off)
            ws.set_lecture(critic=request.critic)
        client = self.client(config, ws)
        progress = ProgressView(f"code2video: {topic}")
        started = time.monotonic()
        try:
            with recording_usage(ws, lambda: client):
                results = lecture_planning.plan_and_build(Engine(config.settings, client, progress), ws, request,
                                                          config, source, progress.expect)
                reviews.critique_all(self, ws, results, progress)
        except BaseException as exc:  # the display ends with the outcome, never mid-stage
            progress.done(f"stopped: {exception_line(exc)}", ok=False)
            raise
        progress.done(lecture_planning.summary(ws, results, time.monotonic() - started),
                      ok=all(r.ok for r in results), where=previews.place(self.bridge))
        display(Markdown(lecture_planning.plan_markdown(ws)))
        board = pictures.show(self.runner, ws, config.settings.assets_dir)  # each section's pictures, to swap
        if board is not None:
            self.pictures[ws.slug] = board
        self.deliver_cells(ws)
        return ws

    def deliver_cells(self, ws: Workspace, only: list[str] | None = None) -> None:
        """The section cells of `ws` (`only`: these sections'), as the front end takes them."""
        self.delivery.deliver(ws, self.runner, self.show_panel, only)

    def show_panel(self, ws: Workspace) -> None:
        show_panel(self, ws)

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
            result, new_code, tokens = self.runner.build(ws, section_id, code, progress, on_keyframes=strip)
        except BaseException as exc:  # never leave the display saying "repairing"
            progress.close(f"stopped: {exception_line(exc)}", ok=False)
            strip.settle([])
            raise
        progress.close(outcome_line(result), result.ok)
        views = self.runner.views(ws, result, code, new_code, tokens)
        for view in strip.settle(views):  # the strip shown while the video rendered took its own place
            display(view)
        show_quiz(ws, section_id, new_code if result.ok else None)  # under the preview, before the cards
        reviews.cell_cards(self, ws, section_id, new_code if result.ok else None)
        if taking:
            sync.take(self.bridge, self.shell, ws, section_id, body, new_code, taking)
        elif new_code != body:
            self.delivery.update_cell(ws, section_id, body, new_code)
        else:
            self.delivery.offer_next(ws, section_id)
        reviews.follow(self, ws, section_id, new_code, views, result.ok)
