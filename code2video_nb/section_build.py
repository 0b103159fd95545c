"""Building one section: check, auto-fix if needed, render, keyframes, and the record of it.

`SectionBuilder` is what a section cell, a panel Render and each of `Engine.render_all`'s
workers run. Unchanged code is never rendered twice (`cached`, keyed by `content_hash`), a
failed section is a `SectionResult` with its error and line, never an exception, and what
auto-fix could not do is said (`fix_blocked`, `needs_model`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from . import autofix, coder, lecture_quiz, picture_paths, static_fix
from .config import Settings
from .critic.critique import keep_render_record
from .early_fix import Asked, EarlyFix, EarlyFixes, worth_asking
from .errors import ConfigError, EndpointError, NarrationError, NotRecorded
from .files import atomic_copy
from .language import lecture_language
from .model_client import ModelClient
from .narration import Narrator, SectionNarration, mux_narration, narrator_for
from .plan import StoryboardSection
from .progress_events import SectionEvent, report
from .render.render_key import content_hash
from .render.renderer import Renderer, RenderOptions, RenderOutcome, render_file, sandbox_for, unsafe_outcome
from .section_state import ErrorRecord, FixRecord, RenderRecord
from .stream_draw import EarlyDrawing, FirstPicture
from .video import keyframes, probe
from .workspace import Workspace

Progress = Callable[[str, str], None]
# Runs before a section's render (`generate`'s layout critic, `critic/improve.BeforeRender`):
# (workspace, section, code) -> (the code to render, a failure its check pass found, or None).
BeforeRender = Callable[[Workspace, StoryboardSection, str], tuple[str, RenderOutcome | None]]
DRAWN_EARLY = "drawn-early"  # in a section's media folder: the check passes over its code so far
# (section id, its keyframes in the workspace): shown before the video exists (`block_frames.py`).
KeyframesListener = Callable[[str, list[Path]], None]


@dataclass
class SectionResult:
    id: str
    ok: bool
    video: Path | None = None
    duration: float = 0.0
    seconds: float = 0.0
    cached: bool = False
    fix_attempts: int = 0
    error: str = ""
    line: int | None = None  # the section file's line that failed, 1-based
    log: str = ""
    timed_out: bool = False
    # Why auto-fix could not run or finish, if it could not; `needs_model`: no model was there to ask
    # (no key, or a recording without a reply for this code), as opposed to a model that failed.
    fix_blocked: str = ""
    needs_model: bool = False


@dataclass
class _FixSummary:
    """What auto-fix did for one build: its attempts, and why it could not run or finish."""
    attempts: int = 0
    blocked: str = ""
    needs_model: bool = False


class LazyModel:
    """The model client, made on first use: a cached or passing render never needs a model (or a
    key). If making it raises ConfigError, `get()` is None and `no_model_reason` says why."""

    def __init__(self, client: ModelClient | Callable[[], ModelClient] | None):
        self._client = client
        self._lock = threading.Lock()
        self.no_model_reason = "no model is configured"

    def get(self) -> ModelClient | None:
        # Locked: two failing renders may ask at once, and a second client would lose the first's usage.
        with self._lock:
            if callable(self._client):
                try:
                    self._client = self._client()
                except ConfigError as exc:
                    self._client, self.no_model_reason = None, str(exc)
            return self._client

    @property
    def made(self) -> ModelClient | None:
        """The client if one was made (whose usage is to be recorded)."""
        return None if callable(self._client) else self._client


class SectionBuilder:
    def __init__(self, settings: Settings, model: LazyModel, progress: Progress | None = None,
                 cancelled: threading.Event | None = None, renderer: Renderer | None = None,
                 on_keyframes: KeyframesListener | None = None):
        self.settings = settings
        self.model = model
        self.progress = progress or (lambda stage, message: None)
        self.cancelled = cancelled or threading.Event()  # set by an interrupt: start nothing new
        self.renderer = renderer or render_file  # the out-of-process manim render; tests pass their own
        self.on_keyframes = on_keyframes  # None: no one shows keyframes early, so no check pass first
        # Renders (CPU) are bounded, not builds: a build waiting for its fix reply holds no slot,
        # so other sections render meanwhile.
        self.render_slots = threading.BoundedSemaphore(max(1, settings.workers))
        # Narration (narration.py): None, and why, when off or no voice is installed.
        self.narrator, self.silent_reason = narrator_for(settings)
        self.before_render: BeforeRender | None = None  # its check pass stands in for the render's
        self.first_picture = FirstPicture()  # the line said when the run's first keyframe is on disk
        self.drawing: EarlyDrawing | None = None  # sections drawn while their code streams (`early_drawing`)
        self.early_fixes = EarlyFixes()  # a failing block's fix, asked while its code streams (`early_fix.py`)

    @property
    def client(self) -> ModelClient | None:
        return self.model.get()

    @property
    def no_model_reason(self) -> str:
        return self.model.no_model_reason

    def build(self, ws: Workspace, section: StoryboardSection, quality: str = "preview") -> SectionResult:
        """Check, fix if needed, and render one section; unchanged code is not rendered again."""
        code = ws.read_code(section.id)
        code = picture_paths.bring_in(ws, section.id, code, self.progress)  # pictures from outside: copied in
        cached = self.cached(ws, section.id, code, quality)
        if cached:
            if ws.section_state(section.id).error:  # reverted to code that rendered: not failing now
                ws.record_error(section.id, None)
            self._report("cached", f"section {section.id} unchanged, using its {quality}",
                         SectionEvent(section.id, "cached"))
            return cached
        started = time.monotonic()
        code, outcome, narration = self._attempt(ws, section, code, quality)
        static = None
        if not outcome.ok and not self.cancelled.is_set():
            # The static pass (static_fix.py) reads the installed manim in this process, which costs
            # about what a short render does, so it waits for a failure: code that renders needs none.
            code, static = self._static_fix(ws, section.id, code)
            if static is not None and (cached := self.cached(ws, section.id, code, quality)):
                return cached  # the repaired code rendered before
            if static is not None:
                code, outcome, narration = self._attempt(ws, section, code, quality)
        fix = _FixSummary()
        if self.cancelled.is_set():  # killed by an interrupt: not the code's fault, do not fix it
            pass
        elif not outcome.ok and self.client is None:
            fix = _FixSummary(blocked=self.no_model_reason, needs_model=True)
        elif not outcome.ok:
            code, outcome, fix = self._fix(ws, section, code, outcome, quality, static, narration)
        result = self._finish(ws, section.id, code, quality, outcome, fix, time.monotonic() - started, narration)
        self._supersede(section.id)  # failed or not: a picture of its code so far would come too late
        self._early_fix_unused(section.id, self.early_fixes.claim(section.id))  # asked, and the code passed
        state = "done" if result.ok else f"failed: {result.error}"
        reused = outcome.reused_plays if result.ok else 0
        if reused:
            state += f", {reused} of {outcome.plays} animations unchanged"
        self._report("render", f"section {section.id} {state} ({result.seconds:.1f} s)", SectionEvent(
            section.id, "done" if result.ok else "failed", line=result.line, reused=reused, plays=outcome.plays,
            seconds=result.seconds, detail="" if result.ok else result.error))
        return result

    def _report(self, stage: str, message: str, event: SectionEvent | None = None) -> None:
        report(self.progress, stage, message, event)

    def _attempt(self, ws, section, code, quality) -> tuple[str, RenderOutcome, SectionNarration | None]:
        """`before_render` (its check may fail, or its critic change the code), then the render."""
        code, failure = self._before_render(ws, section, code)
        for problem in lecture_quiz.keep_edited_quiz(ws, section, code):  # edited in the header: into the plan
            self._report("quiz", f"section {section.id}: {problem}; that question is left out")
        narration = self._narrate(ws, section, code)  # audio first: the blocks are paced to it
        self._report("render", f"section {section.id}: rendering ({quality})", SectionEvent(section.id, "rendering"))
        return code, failure or self._render(ws, section.id, code, quality, narration), narration

    def _before_render(self, ws, section, code) -> tuple[str, RenderOutcome | None]:
        """`before_render` (if any), in a render slot: it runs the scene too."""
        if self.before_render is None:
            return code, None
        with self.render_slots:
            if self.cancelled.is_set():
                raise KeyboardInterrupt
            self._report("critic", "", SectionEvent(section.id, "checking"))
            return self.before_render(ws, section, code)

    def narrator_of(self, ws) -> tuple[Narrator | None, str]:
        """The narrator for this lecture's language (`Narrator.in_language`), or None and why."""
        if self.narrator is None:
            return None, self.silent_reason
        return self.narrator.in_language(lecture_language(ws.lecture).tag)

    def _narrate(self, ws, section, code) -> SectionNarration | None:
        """The section's lines spoken (cached lines are not synthesized again); a voice that fails
        is said, and the section renders without sound rather than not at all."""
        narrator, silent = self.narrator_of(ws)
        if narrator is None:
            if silent and self.narrator is not None:  # no voice for the language: said once a section
                self._report("narration", f"section {section.id}: {silent}",
                             SectionEvent(section.id, "narrating", detail="silent: no voice for the language"))
            return None
        try:
            narration = narrator.narrate(ws, section, code)
        except (NarrationError, EndpointError, ConfigError) as exc:
            self._report("narration", f"section {section.id}: no narration ({exc}); rendering without sound",
                         SectionEvent(section.id, "narrating", detail=f"no narration ({exc})"))
            return None
        if narration.synthesized:
            self._report("narration", f"section {section.id}: {narration.synthesized} line(s) spoken by "
                                      f"{narration.voice} in {narration.seconds:.1f} s",
                         SectionEvent(section.id, "narrating", detail=f"{narration.synthesized} line(s) spoken"))
        return narration

    def narration_key(self, ws, section_id, code) -> str:
        """What the section's narration would be, as a key, without synthesizing it ("" if silent)."""
        narrator, _ = self.narrator_of(ws)
        if narrator is None or ws.storyboard is None:
            return ""
        return narrator.key_for(ws.storyboard.section(section_id), code)

    # drawing while the code is written (stream_draw.py) ----------------------------------------
    def early_drawing(self, ws: Workspace) -> EarlyDrawing:
        """Each section drawn block by block while its code streams in, in free render slots."""
        self.early_fixes = EarlyFixes()  # code written anew: its failures are new
        self.drawing = EarlyDrawing(lambda section, code, stop: self.draw_prefix(ws, section, code, stop),
                                    lambda section_id, paths: self.show_drawn(ws, section_id, paths, early=True),
                                    self.render_slots)
        return self.drawing

    def draw_prefix(self, ws: Workspace, section: StoryboardSection, code: str,
                    stop: threading.Event | None = None) -> list[Path] | None:
        """The check pass over a section's code so far (its complete blocks), drawing their keyframes
        in a media folder of its own; None when it failed, which is said to no one: the whole code is
        checked, reported and fixed by the build. The caller holds a render slot; `stop` kills the pass
        (the code is complete: the build needs the CPU). The TeX it compiles
        goes to the shared cache, so the build's render finds it there. The code has the header the
        section's file will have (`coder.with_header`): a failure's line is the build's own."""
        section_id, code = section.id, coder.with_header(section, code)
        if self.cancelled.is_set() or unsafe_outcome(code, self.settings) is not None:
            return None
        path = ws.code_path(section_id).with_suffix(".prefix.py")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(code, encoding="utf-8")
        try:
            outcome = self.renderer(path, RenderOptions(
                ws.media_dir(section_id) / DRAWN_EARLY, self.settings.render_timeout, dry_run_only=True,
                on_keyframes=lambda paths: None, sandbox=sandbox_for(self.settings), stop=stop))
        finally:
            path.unlink(missing_ok=True)
        if not outcome.ok:
            self._fix_early(ws, section_id, code, outcome)
        return outcome.keyframes if outcome.ok else None

    def _fix_early(self, ws: Workspace, section_id: str, code: str, outcome: RenderOutcome) -> None:
        """A block of the code so far fails: the fix the build would ask first is asked now
        (`early_fix.py`), said to no one, unless the build has asked already."""
        asked = worth_asking(code, outcome)
        if asked is None or self.settings.fix_attempts[0] < 1 or self.cancelled.is_set():
            return
        client = self.client
        if client is None:
            return

        def ask(asked: Asked):
            return autofix.ask_fix(client, asked.code, asked.scope, asked.outcome, section_id)

        def unchanged(code: str) -> bool:  # the build's static pass would leave it as it is
            return not static_fix.repair(code, _learned_renames(ws, section_id)).fixes

        self.early_fixes.offer(section_id, asked, lambda asked: EarlyFix(asked, ask, unchanged, self.cancelled))

    def show_drawn(self, ws: Workspace, section_id: str, paths: list[Path], early: bool = False) -> list[Path]:
        """Keyframes drawn (from the code so far: `early`, or the build's): into the workspace, then told
        as an event with them (the notebook's display) and, the run's first, as a line (the CLI's)."""
        if not early:
            self._supersede(section_id)
        here = ws.put_keyframes(section_id, paths)
        if not here:
            return here
        blocks = f"block {here[0].stem}" if len(here) == 1 else f"blocks {here[0].stem}–{here[-1].stem}"
        self._report("draw", self.first_picture.line(here),
                     SectionEvent(section_id, "drawn", keyframes=tuple(here), detail=f"{blocks} drawn"))
        return here

    def _supersede(self, section_id: str) -> None:
        """The build has its own pictures, or has ended: nothing drawn from its code so far after this."""
        if self.drawing is not None:
            self.drawing.supersede(section_id)

    def _render(self, ws, section_id, code, quality, narration: SectionNarration | None = None) -> RenderOutcome:
        def progress(done: int, total: int) -> None:
            self._report("render", f"section {section_id}: animation {done}/{total}",
                         SectionEvent(section_id, "rendering", done=done, total=total))

        listener = self.on_keyframes

        def keyframes(paths: list[Path]) -> None:  # the check pass is done; the frames are rendering
            self._report("render", f"section {section_id}: keyframes drawn, rendering the video",
                         SectionEvent(section_id, "rendering", detail="keyframes drawn"))
            here = self.show_drawn(ws, section_id, paths)
            if listener is not None:  # passed on only when there is one
                listener(section_id, here)

        return self._render_path(ws.code_path(section_id), code, ws.media_dir(section_id), quality,
                                 dry_run_only=False, on_progress=progress, record_layout=self._records_layout(quality),
                                 on_keyframes=keyframes if quality == "preview" and self.on_keyframes else None,
                                 pacing=narration.pacing() if narration else ())

    def _static_fix(self, ws, section_id, code) -> tuple[str, FixRecord | None]:
        """Repair what surely fails and has one repair (static_fix.py), once a render failed and before
        any request. Recorded like a fix, and written as a version of its own ("static fix")."""
        result = static_fix.repair(code, _learned_renames(ws, section_id))
        if not result.fixes:
            return code, None
        self._report("fix", f"section {section_id}: {len(result.fixes)} static fix(es) before rendering",
                     SectionEvent(section_id, "fixing", detail=f"{len(result.fixes)} static fix(es)"))
        record = result.record(code)
        ws.write_code(section_id, result.code, "static fix")
        ws.record_fix(section_id, record)
        return result.code, record

    def _fix(self, ws, section, code, failure, quality, static: FixRecord | None = None, narration=None):
        self._report("fix", f"section {section.id}: {failure.error} (line {failure.line}); repairing",
                     SectionEvent(section.id, "fixing", line=failure.line, detail=failure.error))
        check_path = ws.code_path(section.id).with_suffix(".check.py")

        media = ws.media_dir(section.id)
        # With the critic before the render, a candidate's check is the critic's instrumented run, kept
        # (`keep_render_record`): the critique of the fixed code that follows runs no scene of its own.
        critique = self.before_render is not None

        def check(candidate: str) -> RenderOutcome:
            # Validate out of place so sections/<id>.py only ever holds code that was accepted.
            check_path.write_text(candidate, encoding="utf-8")
            try:
                outcome = self._render_path(check_path, candidate, media, quality, dry_run_only=True,
                                            critique=critique)
                if critique and outcome.ok:
                    keep_render_record(outcome, check_path, settings=self.settings, media_dir=media)
                return outcome
            finally:
                check_path.unlink(missing_ok=True)

        client = self.client
        assert client is not None  # build() asks for a fix only when there is a model
        early = self.early_fixes.claim(section.id)  # its first request, if asked while the code was written
        report = autofix.refine(code, failure, section=section, topic=ws.lecture.topic, client=client,
                                check=check, limits=self.settings.fix_attempts, cancelled=self.cancelled,
                                language=lecture_language(ws.lecture), early=early.take if early else None)
        self._early_fix_unused(section.id, early)
        record = report.record()
        if static is not None:  # this build's static fix stays in the record, before auto-fix's attempts
            record = replace(record, attempts=static.attempts + record.attempts)
            code_before = static.before
        else:
            code_before = code
        if report.ok:  # what it changed, so the section's view can show the diff on later (cached) runs
            record = replace(record, before=code_before, after=report.code)
        ws.record_fix(section.id, record)
        fix = _FixSummary(len(report.attempts), str(report.model_error or ""),
                          isinstance(report.model_error, NotRecorded))
        if not report.ok:  # the file keeps the code as it was, so the error is that code's own
            return code, failure, fix
        ws.write_code(section.id, report.code, "auto-fix")
        code, failure = self._before_render(ws, section, report.code)  # the fixed code is critiqued too
        return code, failure or self._render(ws, section.id, code, quality, narration), fix

    def _early_fix_unused(self, section_id: str, early: EarlyFix | None) -> None:
        """Say what a fix asked while the code was written cost when the build did not use it."""
        if early is not None and not early.used and early.spent:
            self._report("fix", f"section {section_id}: the fix asked while its code was written "
                                f"({early.spent} tokens) did not fit the complete code; not used")

    def _render_path(self, path, code, media_dir, quality, *, dry_run_only, on_progress=None,
                     on_keyframes=None, pacing: tuple[float, ...] = (), record_layout=False,
                     critique=False) -> RenderOutcome:
        refused = unsafe_outcome(code, self.settings)
        if refused is not None:  # treated like any other error: the fix loop may remove it
            return refused
        with self.render_slots:
            if self.cancelled.is_set():  # interrupted (maybe while waiting for the slot): start nothing new
                raise KeyboardInterrupt
            options = RenderOptions(media_dir, self.settings.render_timeout, quality=quality,
                                    sandbox=sandbox_for(self.settings), dry_run_only=dry_run_only,
                                    on_progress=on_progress, on_keyframes=on_keyframes,
                                    max_cached_plays=self.settings.cached_plays, pacing=pacing,
                                    record_layout=record_layout, critique=critique)
            outcome = self.renderer(path, options)
        if outcome.ok and not dry_run_only and (outcome.video is None or not Path(outcome.video).exists()):
            # manim writes a PNG instead when nothing moves; a lecture section needs a video (fixable).
            return RenderOutcome(False, outcome.seconds, error_type="NoVideo", log=outcome.log,
                                 message="the scene rendered no video: construct() has no play() or wait()")
        return outcome

    def _finish(self, ws, section_id, code, quality, outcome, fix, seconds, narration=None) -> SectionResult:
        if self.cancelled.is_set():  # killed by an interrupt: not the code's fault, record nothing
            return SectionResult(section_id, False, seconds=seconds, error="interrupted")
        if not outcome.ok:
            ws.record_error(section_id, ErrorRecord(
                outcome.error, outcome.line, outcome.log[-20000:], hash=content_hash(code, quality),
                timed_out=outcome.timed_out, fix_blocked=fix.blocked, needs_model=fix.needs_model))
            if quality == "preview":  # keyframes shown early belong to code that failed: the record's come back
                recorded = ws.section_state(section_id).render(quality)
                if recorded is not None:
                    ws.restore_preview(section_id, recorded.hash)
            return SectionResult(section_id, False, seconds=seconds, fix_attempts=fix.attempts, error=outcome.error,
                                 line=outcome.line, log=outcome.log, timed_out=outcome.timed_out,
                                 fix_blocked=fix.blocked, needs_model=fix.needs_model)
        video = atomic_copy(outcome.video, ws.preview_path(section_id, quality))
        duration = probe(video).duration
        starts = _first_starts(outcome.block_starts)
        if quality == "preview":  # the notebook's strip: the last frame of each lecture-line block
            self._keep_keyframes(ws, section_id, outcome, video, starts, duration)
        if narration is not None:  # each line at its block's real start, as long as the picture
            mux_narration(video, narration.placed(starts, duration), ws.media_dir(section_id) / f"narration-{quality}")
        key = narration.key if narration is not None else ""
        record = RenderRecord(content_hash(code, quality, key), str(video.relative_to(ws.dir)), duration, starts,
                              seconds=round(seconds, 3), fix_attempts=fix.attempts, narration=key)
        ws.record_render(section_id, quality, record)
        if quality == "preview":
            ws.archive_preview(section_id, record)
        if outcome.stage is not None:  # the layout, recorded on the render's way
            self._keep_layout(ws, section_id, outcome)
        return SectionResult(section_id, True, video, duration, seconds, fix_attempts=fix.attempts)

    def _records_layout(self, quality: str) -> bool:
        """A preview records the critic's facts on its way (for the price of a few hooks, not a run
        of its own) unless the critic is off or has critiqued this build already (`before_render`)."""
        return quality == "preview" and self.settings.critic_rounds > 0 and self.before_render is None

    def _keep_layout(self, ws, section_id, outcome) -> None:
        """The render's record, kept for the critic in this process: whoever critiques this code next
        (`render FILE.py`'s findings, a notebook's cards) runs the rules without a run of its own."""
        keep_render_record(outcome, ws.code_path(section_id), settings=self.settings,
                           media_dir=ws.media_dir(section_id))

    def _keep_keyframes(self, ws, section_id, outcome, video, starts, duration) -> None:
        """The check pass's keyframes; for a scene without lecture-line blocks, cut from the video."""
        if outcome.keyframes:
            self.show_drawn(ws, section_id, outcome.keyframes)
            return
        n_blocks = len(ws.storyboard.section(section_id).lecture_lines)
        cut = keyframes(video, starts or None, duration, n_blocks, ws.keyframes_dir(section_id))
        self._report("draw", self.first_picture.line(cut), SectionEvent(section_id, "drawn", keyframes=tuple(cut)))

    def cached(self, ws, section_id, code, quality) -> SectionResult | None:
        return cached_result(ws, section_id, code, quality, self.narration_key(ws, section_id, code))


def cached_result(ws: Workspace, section_id: str, code: str, quality: str,
                  narration: str | None = None) -> SectionResult | None:
    """The recorded render of exactly this code at this quality, if its video is still there
    (for previews, also one rendered earlier: going back to old code is instant). `narration`:
    the key of the narration it must carry ("" none); None: any render of this code. Reads the
    workspace only: no render, no model."""
    record = ws.section_state(section_id).render(quality)
    wanted = content_hash(code, quality, narration if narration is not None else
                          (record.narration if record is not None else ""))
    if (record is None or record.hash != wanted) and quality == "preview":
        record = ws.restore_preview(section_id, wanted)
    if record is None or record.hash != wanted:
        return None
    video = ws.preview_path(section_id, quality)  # rebuilt: a path in lecture.json is never followed
    if not video.is_file():
        return None
    return SectionResult(section_id, True, video, record.duration, 0.0, cached=True)


def _learned_renames(ws: Workspace, section_id: str) -> dict[str, str]:
    """Renames (old -> new manim name) that auto-fix made in the lecture's other sections; the
    static pass's own are taken out (its `before` is re-repaired), so only the model's are left."""
    renames: dict[str, str] = {}
    for other in ws.storyboard.sections if ws.storyboard else []:
        fix = ws.section_state(other.id).fix if other.id != section_id else None
        if fix and fix.ok and fix.before is not None and fix.after is not None and fix.model_attempts:
            renames.update(static_fix.learned_renames(static_fix.repair(fix.before).code, fix.after))
    return renames


def _first_starts(block_starts: list[tuple[int, float]]) -> list[float]:
    """Seconds at which each lecture-line block first starts, in block order."""
    first: dict[int, float] = {}
    for k, t in block_starts:
        first.setdefault(k, t)
    return [first[k] for k in sorted(first)]
