"""The engine: plan -> code -> check/fix -> render -> export, over one lecture workspace.

The CLI and the notebook magics are thin layers over `Engine`. Every step reads
what the workspace already holds and skips it, so an interrupted run resumes
without repeating paid requests or finished renders.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from . import autofix, coder, planner, safety
from .config import Settings
from .confine import SandboxSettings
from .errors import ConfigError, NotRecorded, RenderError
from .files import atomic_copy
from .model_client import ModelClient
from .plan import Storyboard, StoryboardSection, slugify
from .render import RenderOutcome, render_file, stop_all_renders
from .render import warm_up as _warm_render_server
from .video import concat_videos, keyframes, lecture_cues, probe, write_srt
from .workspace import Workspace

Progress = Callable[[str, str], None]


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
class LectureResult:
    workspace: Workspace
    sections: list[SectionResult] = field(default_factory=list)
    video: Path | None = None
    subtitles: Path | None = None
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def failed(self) -> list[SectionResult]:
        return [s for s in self.sections if not s.ok]


class Engine:
    def __init__(self, settings: Settings, client: ModelClient | Callable[[], ModelClient] | None,
                 progress: Progress | None = None):
        """`client` may be a factory: it is called on first use, so a cached or passing render
        never needs a model (or a key). If it raises ConfigError, sections render without auto-fix."""
        self.settings = settings
        self._client = client
        self._client_lock = threading.Lock()
        self.no_model_reason = "no model is configured"
        self.progress = progress or (lambda stage, message: None)
        self.cancelled = threading.Event()

    def warm_up(self) -> None:
        """Start the render server now, so manim loads while the model plans and writes code.
        Only for runs that will render: a status or usage command must not start a process."""
        _warm_render_server(self.settings.api_key_env)

    @property
    def client(self) -> ModelClient | None:
        # Locked: two failing renders may ask at once, and a second client would lose the first's usage.
        with self._client_lock:
            if callable(self._client):
                try:
                    self._client = self._client()
                except ConfigError as exc:
                    self._client, self.no_model_reason = None, str(exc)
            return self._client

    @property
    def used_client(self) -> ModelClient | None:
        """The client if one was made (whose usage is to be recorded)."""
        return None if callable(self._client) else self._client

    # planning and code -------------------------------------------------
    def plan(self, ws: Workspace, *, audience: str, sections: int, goals: str = "") -> Storyboard:
        wanted = {"audience": audience, "sections": sections, "goals": goals}
        planned = ws.state.get("plan_options")
        if ws.outline is not None and planned and planned != wanted:  # resuming: the plan is kept, say so
            changed = ", ".join(f"{k} {planned.get(k)!r}" for k in wanted if planned.get(k) != wanted[k])
            self.progress("plan", f"kept the existing plan (made with {changed}); to plan again with the new "
                                  f"options, delete {ws.dir}")
        if ws.outline is None:
            self.progress("plan", "writing the outline")
            ws.set_plan("outline", planner.make_outline(self.client, ws.state["topic"], audience=audience,
                                                        sections=sections, goals=goals))
            ws.set(plan_options=wanted)
        if ws.storyboard is None:
            self.progress("plan", "writing the storyboard")
            ws.set_plan("storyboard", planner.make_storyboard(self.client, ws.outline))
        return ws.storyboard

    def write_code(self, ws: Workspace) -> None:
        missing = [s for s in ws.storyboard.sections if ws.read_code(s.id) is None]
        if not missing:
            return
        self.progress("code", f"writing code for {len(missing)} section(s) in parallel")

        def done(section, code):
            ws.write_code(section.id, code, "generated")
            self.progress("code", f"section {section.id} written")

        coder.write_all(self.client, missing, ws.state["topic"], on_done=done)

    # rendering ---------------------------------------------------------
    def render_all(self, ws: Workspace, quality: str = "preview", only: list[str] | None = None) -> list[SectionResult]:
        """Sections in parallel, up to `settings.workers`; `only` picks some by id."""
        sections = [s for s in ws.storyboard.sections if not only or s.id in only]
        workers = max(1, min(self.settings.workers, len(sections)))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="c2v-render")
        try:
            return list(pool.map(lambda s: self.build_section(ws, s, quality), sections))
        except KeyboardInterrupt:
            # Threads cannot be interrupted, but their renders can: kill them so the
            # threads return at once, and record nothing for the half-done sections.
            self.cancelled.set()
            stop_all_renders()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self.cancelled.clear()

    def build_section(self, ws: Workspace, section: StoryboardSection, quality: str = "preview") -> SectionResult:
        """Check, fix if needed, and render one section; unchanged code is not rendered again."""
        code = ws.read_code(section.id)
        cached = self.cached(ws, section.id, code, quality)
        if cached:
            if ws.section(section.id).get("error"):  # reverted to code that rendered: not failing now
                ws.record(section.id, error=None)
            self.progress("cached", f"section {section.id} unchanged, using its {quality}")
            return cached
        self.progress("render", f"section {section.id}: rendering ({quality})")
        started = time.monotonic()
        outcome = self._render(ws, section.id, code, quality)
        fix = _FixSummary()
        if self.cancelled.is_set():  # killed by an interrupt: not the code's fault, do not fix it
            pass
        elif not outcome.ok and self.client is None:
            fix = _FixSummary(blocked=self.no_model_reason, needs_model=True)
        elif not outcome.ok:
            code, outcome, fix = self._fix(ws, section, code, outcome, quality)
        result = self._finish(ws, section.id, code, quality, outcome, fix, time.monotonic() - started)
        state = "done" if result.ok else f"failed: {result.error}"
        self.progress("render", f"section {section.id} {state} ({result.seconds:.1f} s)")
        return result

    def _render(self, ws, section_id, code, quality) -> RenderOutcome:
        def progress(done: int, total: int) -> None:
            self.progress("render", f"section {section_id}: animation {done}/{total}")

        return self._render_path(ws.code_path(section_id), code, ws.media_dir(section_id), quality,
                                 dry_run_only=False, on_progress=progress)

    def _fix(self, ws, section, code, failure, quality):
        self.progress("fix", f"section {section.id}: {failure.error} (line {failure.line}); repairing")
        check_path = ws.code_path(section.id).with_suffix(".check.py")

        def check(candidate: str) -> RenderOutcome:
            # Validate out of place so sections/<id>.py only ever holds code that was accepted.
            check_path.write_text(candidate, encoding="utf-8")
            try:
                return self._render_path(check_path, candidate, ws.media_dir(section.id), quality, dry_run_only=True)
            finally:
                check_path.unlink(missing_ok=True)

        report = autofix.refine(code, failure, section=section, topic=ws.state["topic"], client=self.client,
                                check=check, limits=self.settings.fix_attempts, cancelled=self.cancelled)
        record = report.to_dict()
        if report.ok:  # what it changed, so the section's view can show the diff on later (cached) runs
            record.update(before=code, after=report.code)
        ws.record(section.id, fix=record)
        fix = _FixSummary(len(report.attempts), str(report.model_error or ""),
                          isinstance(report.model_error, NotRecorded))
        if not report.ok:  # the file keeps the code as it was, so the error is that code's own
            return code, failure, fix
        ws.write_code(section.id, report.code, "auto-fix")
        return report.code, self._render(ws, section.id, report.code, quality), fix

    def _render_path(self, path, code, media_dir, quality, *, dry_run_only, on_progress=None) -> RenderOutcome:
        if self.cancelled.is_set():  # interrupted: start nothing new in this thread
            raise KeyboardInterrupt
        findings = [] if self.settings.trust else safety.check_code(code, allow=self.settings.allow_imports)
        if findings:  # treated like any other error: the fix loop may remove it
            return RenderOutcome(False, 0.0, error_type="UnsafeCode", line=findings[0].line,
                                 message="; ".join(f"line {f.line}: {f.message}" for f in findings)
                                 + " (a lecture never needs this; --trust skips this check)")
        outcome = render_file(path, quality=quality, media_dir=media_dir, timeout=self.settings.render_timeout,
                              sandbox=SandboxSettings(enabled=self.settings.confine, key_env=self.settings.api_key_env,
                                                      memory_gb=self.settings.render_memory_gb),
                              dry_run_only=dry_run_only, on_progress=on_progress)
        if outcome.ok and not dry_run_only and (outcome.video is None or not Path(outcome.video).exists()):
            # manim writes a PNG instead when nothing moves; a lecture section needs a video (fixable).
            return RenderOutcome(False, outcome.seconds, error_type="NoVideo", log=outcome.log,
                                 message="the scene rendered no video: construct() has no play() or wait()")
        return outcome

    def _finish(self, ws, section_id, code, quality, outcome, fix, seconds) -> SectionResult:
        if self.cancelled.is_set():  # killed by an interrupt: not the code's fault, record nothing
            return SectionResult(section_id, False, seconds=seconds, error="interrupted")
        if not outcome.ok:
            ws.record(section_id, error={"message": outcome.error, "line": outcome.line, "log": outcome.log[-20000:],
                                         "hash": content_hash(code, quality), "timed_out": outcome.timed_out,
                                         "fix_blocked": fix.blocked, "needs_model": fix.needs_model})
            return SectionResult(section_id, False, seconds=seconds, fix_attempts=fix.attempts, error=outcome.error,
                                 line=outcome.line, log=outcome.log, timed_out=outcome.timed_out,
                                 fix_blocked=fix.blocked, needs_model=fix.needs_model)
        video = atomic_copy(outcome.video, ws.preview_path(section_id, quality))
        duration = probe(video).duration
        starts = _first_starts(outcome.block_starts)
        if quality == "preview":  # the notebook's strip: the last frame of each lecture-line block
            n_blocks = len(ws.storyboard.section(section_id).lecture_lines)
            keyframes(video, starts or None, duration, n_blocks, ws.keyframes_dir(section_id))
        record = {"hash": content_hash(code, quality), "video": str(video.relative_to(ws.dir)),
                  "duration": duration, "block_starts": starts,
                  "seconds": round(seconds, 3), "fix_attempts": fix.attempts}
        ws.record(section_id, error=None, **{f"render_{quality}": record})
        if quality == "preview":
            ws.archive_preview(section_id, record)
        return SectionResult(section_id, True, video, duration, seconds, fix_attempts=fix.attempts)

    def cached(self, ws, section_id, code, quality) -> SectionResult | None:
        """The recorded render of exactly this code at this quality, if its video is still there
        (for previews, also one rendered earlier: going back to old code is instant)."""
        record, wanted = ws.section(section_id).get(f"render_{quality}"), content_hash(code, quality)
        if (not record or record.get("hash") != wanted) and quality == "preview":
            record = ws.restore_preview(section_id, wanted)
        if not record or record.get("hash") != wanted:
            return None
        video = ws.preview_path(section_id, quality)  # rebuilt: a path in lecture.json is never followed
        if not video.is_file():
            return None
        return SectionResult(section_id, True, video, record["duration"], 0.0, cached=True)

    # export --------------------------------------------------------------
    def export(self, ws: Workspace, results: list[SectionResult], quality: str = "preview") -> tuple[Path, Path]:
        """Join the sections' videos in storyboard order, with subtitles timed to the blocks."""
        self.progress("export", f"joining {len(results)} section(s)")
        video_path, srt_path = ws.export_paths()
        try:
            concat_videos([r.video for r in results], video_path)
        except ValueError as exc:  # a preview deleted by hand, an unreadable part
            raise RenderError(f"could not join the sections: {exc}; delete a damaged preview, "
                              "then render again") from exc
        cue_input = []
        for section, result in zip(ws.storyboard.sections, results):
            starts = ws.section(section.id).get(f"render_{quality}", {}).get("block_starts")
            cue_input.append((result.duration, section.lecture_lines, starts))
        write_srt(lecture_cues(cue_input), srt_path)
        return video_path, srt_path


@dataclass
class _FixSummary:
    """What auto-fix did for one build: its attempts, and why it could not run or finish."""
    attempts: int = 0
    blocked: str = ""
    needs_model: bool = False


# Read without importing manim or the scene module: the engine's process never imports manim.
_MANIM_VERSION = importlib.metadata.version("manim")
_TEACHING_SCENE_SOURCE = (Path(__file__).parent / "teaching_scene.py").read_text(encoding="utf-8")


# Environment variables that change the picture: a render made with another value is another render.
PICTURE_ENV = ("CODE2VIDEO_DEBUG_GRID",)


def content_hash(code: str, quality: str) -> str:
    """What a render depends on: the code, the quality, the versions that draw it, and the
    settings that change the picture (the debug grid)."""
    parts = [code, quality, _MANIM_VERSION, _TEACHING_SCENE_SOURCE,
             *(f"{name}={os.environ.get(name, '')}" for name in PICTURE_ENV)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _first_starts(block_starts: list[tuple[int, float]]) -> list[float]:
    """Seconds at which each lecture-line block first starts, in block order."""
    first: dict[int, float] = {}
    for k, t in block_starts:
        first.setdefault(k, t)
    return [first[k] for k in sorted(first)]


def generate(topic: str, *, out: Path, settings: Settings, client: ModelClient, audience: str = "university students",
             sections: int = 4, goals: str = "", quality: str = "preview", render: bool = True,
             progress: Progress | None = None) -> LectureResult:
    """The whole flow for one topic; rerunning it resumes from the workspace."""
    planner.check_topic(topic)
    ws = Workspace.create(out, slugify(topic), topic)
    engine = Engine(settings, client, progress)
    if render:
        engine.warm_up()
    result, clock = LectureResult(ws), time.monotonic()
    try:
        engine.plan(ws, audience=audience, sections=sections, goals=goals)
        result.timings["plan"] = time.monotonic() - clock
        clock = time.monotonic()
        engine.write_code(ws)
        result.timings["code"] = time.monotonic() - clock
        if render:
            clock = time.monotonic()
            result.sections = engine.render_all(ws, quality)
            result.timings["render"] = time.monotonic() - clock
            if not result.failed:
                clock = time.monotonic()
                result.video, result.subtitles = engine.export(ws, result.sections, quality)
                result.timings["export"] = time.monotonic() - clock
    finally:  # what was paid for is recorded, even when the run stops half-way
        ws.add_usage(client.usage_by_stage())
    return result
