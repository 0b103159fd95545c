"""Render one section's code out of process, with a time limit.

Generated code is untrusted and may hang or crash, so it runs in a child process
(`render_worker`) in its own process group: on time-out the whole group (manim,
latex, dvisvgm) is killed and the caller carries on. The result says where the
code failed: the innermost traceback frame in the scene's own code (a frame inside a base
class the section file defines inline is the caller's fault, like one inside manim).
"""

from __future__ import annotations

import ast
import multiprocessing
import os
import re
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from .. import assets
from ..config import Settings
from ..errors import RenderError
from ..parse import parse
from ..sandbox import safety
from ..sandbox.confine import SandboxSettings, confinement_for, describe_exit, scrubbed_environ
from . import render_prefix
from .child.render_job import (
    BoundaryError,
    Frame,
    KeyframesDrawn,
    PlaysDone,
    RenderJob,
    RenderResult,
    read_progress,
    result_from_json,
    to_json,
)
from .mp_internals import forkserver_pid, main_module_hidden
from .render_key import picture_salt
from .tex_cache import TexCache


@dataclass
class RenderOutcome:
    ok: bool
    seconds: float
    video: Path | None = None
    duration: float = 0.0
    block_starts: list[tuple[int, float]] = field(default_factory=list)
    error_type: str = ""
    message: str = ""
    line: int | None = None  # the section's own line that failed, 1-based
    log: str = ""
    timed_out: bool = False
    # A critic run's record, as the render process wrote it (untrusted: critic/critique.py checks it).
    shots: list = field(default_factory=list)
    stage: dict | None = None
    # The last frame of each lecture-line block, drawn by the check pass (k.png, in block order);
    # empty for a scene without blocks, whose keyframes are cut from the video instead.
    keyframes: list[Path] = field(default_factory=list)
    plays: int = 0  # play()/wait() calls in the scene, and how many reused their movie from an earlier render
    reused_plays: int = 0
    warm: bool = False  # the render process began with manim imported (forked from the warm server)

    @property
    def error(self) -> str:
        """One line: the error as Python prints its last traceback line."""
        return f"{self.error_type}: {self.message}".strip(": ")


def find_scene_class(source: str) -> str:
    """The scene to render: a class with construct() that no other class in the file extends.

    Found with ast, not by name, so paper-style files with an inline base class work.
    """
    tree = parse(source)
    classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
    extended = {b.id for c in classes for b in c.bases if isinstance(b, ast.Name)}
    leaves = [c.name for c in classes if c.name not in extended and _defines(c, "construct")]
    if not leaves:
        raise RenderError("the section defines no Scene subclass with a construct() method")
    return leaves[-1]


def _defines(cls: ast.ClassDef, method: str) -> bool:
    return any(isinstance(n, ast.FunctionDef) and n.name == method for n in cls.body)


Progress = Callable[[int, int], None]  # (animations done, animations in the scene)
Keyframes = Callable[[list[Path]], None]  # the check pass's keyframes, before the video renders


def unsafe_outcome(code: str, settings: Settings) -> RenderOutcome | None:
    """The static safety check before anything runs: its findings as a failed outcome, which the
    fix loop may repair like any error (None when the code passes, or under --trust)."""
    findings = [] if settings.trust else safety.check_code(code, allow=settings.allow_imports)
    if not findings:
        return None
    return RenderOutcome(False, 0.0, error_type="UnsafeCode", line=findings[0].line,
                         message="; ".join(f"line {f.line}: {f.message}" for f in findings)
                         + " (a lecture never needs this; --trust skips this check)")


def sandbox_for(settings: Settings) -> SandboxSettings:
    return SandboxSettings(enabled=settings.confine, key_env=settings.api_key_env, memory_gb=settings.render_memory_gb)


@dataclass(frozen=True)
class RenderOptions:
    """How to render a section file (`render_file`, or any `Renderer`).

    `dry_run_only`: only run the scene as the check pass does. The child runs confined
    (`confine.py`) unless `sandbox.enabled` is off. `critique`: the dry run only, instrumented for
    the critic (the outcome's `shots` and `stage`); `record_layout`: a full render records the same
    on its way (no run of its own). A full render draws each lecture-line block's keyframe
    (`media_dir/keyframes/<k>.png`): given `on_keyframes`, in a check pass first, handed over while
    the frames are still rendering; without, on the render's way (a separate check pass would only
    repeat the scene: the render names a failing line as well). `dry_run_only` with `on_keyframes`:
    the check pass draws them too (a section's code so far, while the rest is written:
    `stream_draw.py`). Partial movies of plays that did
    not change are reused from `media_dir` (`movie_cache.py`), at most `max_cached_plays` kept.
    `pacing`: each lecture-line block's minimum length in seconds (its narration's), padded in the
    child (`block_pacing.py`). `lecture`: the folder the scene's `assets/<file>` paths are relative
    to, when the file is a copy kept elsewhere (a critic's patched candidate); by default the
    file's lecture (`lecture_folder`)."""
    media_dir: Path
    timeout: float
    quality: str = "preview"
    dry_run_only: bool = False
    on_progress: Progress | None = None
    on_keyframes: Keyframes | None = None
    max_cached_plays: int = 100
    sandbox: SandboxSettings = field(default_factory=SandboxSettings)
    critique: bool = False
    record_layout: bool = False
    pacing: tuple[float, ...] = ()
    lecture: Path | None = None
    stop: threading.Event | None = None  # set: the run is killed at once, its outcome "Stopped" (not wanted any more)

    @property
    def check_only(self) -> bool:
        """No frames: a check pass (a fix's check) or the critic's instrumented one."""
        return self.dry_run_only or self.critique


class Renderer(Protocol):
    """What a SectionBuilder renders a section file with, passed in as the model client is:
    `render_file` (out of process, manim) unless a caller brings its own (a test that checks the
    engine's orchestration without manim)."""

    def __call__(self, path: Path, options: RenderOptions) -> RenderOutcome: ...


def render_file(path: Path, options: RenderOptions | None = None, /, **keywords: Any) -> RenderOutcome:
    """Render frames, or only check the scene, as `options` say (or keywords, the fields of
    `RenderOptions`: `render_file(path, media_dir=…, timeout=…, dry_run_only=True)`); never raises
    for the scene's own errors."""
    if options is None:
        options = RenderOptions(**keywords)
    elif keywords:
        raise TypeError(f"render_file takes options or keywords, not both (got {', '.join(keywords)})")
    return _render(Path(path).resolve(), options)


def _render(path: Path, options: RenderOptions) -> RenderOutcome:
    started, timeout, sandbox, quality = time.monotonic(), options.timeout, options.sandbox, options.quality
    try:
        code = path.read_text()
        scene = find_scene_class(code)
    except SyntaxError as exc:
        return RenderOutcome(False, 0.0, error_type="SyntaxError", message=str(exc.msg), line=exc.lineno,
                             log=f"SyntaxError: {exc.msg} (line {exc.lineno})")
    except RenderError as exc:
        return RenderOutcome(False, 0.0, error_type="RenderError", message=str(exc), log=str(exc))
    media_dir = Path(options.media_dir).resolve()
    media_dir.mkdir(parents=True, exist_ok=True)
    environ = scrubbed_environ(dict(os.environ), sandbox.key_env)
    shared, since = TexCache.from_env(), time.time()  # TeX and texts any render made (tex_cache.py)
    with tempfile.TemporaryDirectory(prefix="c2v-job-") as tmp:
        (Path(tmp) / "tmp").mkdir()
        confinement = confinement_for([media_dir, tmp], environ=environ, sandbox=sandbox,
                                      cpu_seconds=timeout + 30) if sandbox.enabled else None
        last = render_prefix.read_log(media_dir, quality)  # the last full render's plays
        salt = picture_salt(quality, options.pacing)
        job = _job(path, code, scene, media_dir, Path(tmp), options, confinement=confinement, shared=shared,
                   last=last, salt=salt)
        Path(tmp, "job.json").write_text(to_json(job))
        environ["TMPDIR"] = job.temp_dir
        reader = _ProgressReader(Path(tmp) / "progress.txt", media_dir / KEYFRAMES, options.on_progress,
                                 options.on_keyframes)
        log, timed_out, exitcode = _run_worker(Path(tmp), cwd=media_dir, environ=environ, key_env=sandbox.key_env,
                                               timeout=timeout, reader=reader, stop=options.stop)
        result = _read_result(Path(job.result))
        if shared:  # by the parent, after the child: it never writes where other renders read
            shared.publish(media_dir, since)
    elapsed = time.monotonic() - started
    if timed_out:
        return RenderOutcome(False, elapsed, error_type="RenderTimeout", timed_out=True, log=log,
                             message=f"the scene ran longer than {timeout:.0f} s and was stopped")
    if result is None and options.stop is not None and options.stop.is_set():
        return RenderOutcome(False, elapsed, error_type="Stopped", message="stopped: no longer wanted", log=log)
    if result is None and (why := describe_exit(exitcode, confinement)):
        return RenderOutcome(False, elapsed, error_type="ResourceLimit", message=why, log=log)
    outcome = _outcome(result, path, code, media_dir, log, elapsed)
    if outcome.ok and not options.check_only and isinstance(result, RenderResult):  # for the next render's prefix
        render_prefix.write_log(media_dir, quality, code, salt, list(result.keys), list(result.lines))
    return outcome


def _job(path: Path, code: str, scene: str, media_dir: Path, tmp: Path, options: RenderOptions, *,
         confinement, shared: TexCache | None, last, salt: str) -> RenderJob:
    """What the child is told (`render_job.RenderJob`): the job folder `tmp` holds its result,
    progress file, temp folder and staged pictures."""
    frames = not options.check_only
    return RenderJob(
        file=str(path), scene=scene, quality=options.quality, media_dir=str(media_dir),
        result=str(tmp / "result.json"), temp_dir=str(tmp / "tmp"), progress=str(tmp / "progress.txt"),
        dry_run_only=options.check_only, critique=options.critique,
        check_first=options.on_keyframes is not None,  # the keyframes are wanted before the video
        record_layout=options.record_layout and frames,
        keyframes=str(media_dir / KEYFRAMES) if frames or options.on_keyframes else None,
        max_cached_plays=options.max_cached_plays, block_minimums=tuple(float(m) for m in options.pacing),
        reuse_keys=tuple(render_prefix.reusable(last, code, salt)) if frames else (),
        plays_hint=len(last.keys) if last else 0,
        assets_dir=str(assets.stage(code, options.lecture or lecture_folder(path), tmp)),  # `assets/<file>`
        confine=confinement, tex_cache=shared.for_job() if shared else None)  # the cache: read-only to the child


def lecture_folder(section_file: Path) -> Path:
    """The folder a section's `assets/<file>` paths are relative to: the lecture's, for a file in
    its sections/ folder; else the file's own folder (a section file critiqued on its own)."""
    folder = Path(section_file).parent
    return folder.parent if folder.name == "sections" else folder


# Renders in flight, so an interrupt in the main thread can stop the ones running in worker threads.
_live: set = set()
_live_lock = threading.Lock()


def stop_all_renders() -> int:
    """Kill every render in flight (the caller was interrupted); returns how many."""
    with _live_lock:
        procs = list(_live)
    for proc in procs:
        _kill_group(proc)
    return len(procs)


def _context():
    """A forkserver that has imported manim once: each render forks from it warm, which saves
    the ~1 s manim import per render and per fix check, yet still runs in its own process."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")  # same code path, just not warm
    context = multiprocessing.get_context("forkserver")
    # render_worker imports manim at module level; warm_server first keeps IPython out of the server
    context.set_forkserver_preload(["code2video_nb.render.child.warm_server",
                                    "code2video_nb.render.child.render_worker"])
    return context


def _child(job_file: str, log_file: str, cwd: str, environ: dict) -> None:
    """Runs in the child. Importing the worker here keeps manim out of the caller's process;
    in a warm forkserver child it is already imported (`warm`, reported in the result)."""
    warm = "manim" in sys.modules
    os.environ.clear()
    os.environ.update(environ)
    from .child.render_worker import run_job

    run_job(job_file, log_file, cwd, warm=warm)


def warm_up(key_env: str = "OPENAI_API_KEY", *, wait: bool = False) -> None:
    """Start the warm render process now, in the background (it imports manim itself), so the
    first render does not wait for it. Costs the caller a few milliseconds; idempotent.
    `wait`: return once it is ready (a child forked from it has run), e.g. to time a render alone."""
    context = _context()
    _ensure_forkserver(context, key_env)
    if wait and context.get_start_method() == "forkserver":
        proc = context.Process(target=_ready, name="code2video-warm-up")
        with main_module_hidden():
            proc.start()
        proc.join()


def _ready() -> None:
    """A child that does nothing: the server forks it only after importing manim."""


_start_lock = threading.Lock()


def _ensure_forkserver(context, key_env: str) -> None:
    """Start the forkserver (if it is not running) with the secrets taken out of the environment
    it inherits: every render is forked from it, and a process can read its own initial
    environment (/proc/self/environ) whatever it is given later. Every render calls this, so a
    running server costs one system call and leaves os.environ alone."""
    if context.get_start_method() != "forkserver":
        return
    from multiprocessing import forkserver

    with _start_lock:
        if _alive(forkserver_pid()):
            return
        secrets = {k: v for k, v in os.environ.items() if k not in scrubbed_environ(dict(os.environ), key_env)}
        for name in secrets:
            del os.environ[name]
        try:
            forkserver.ensure_running()
        finally:
            os.environ.update(secrets)


def _alive(pid: int | None) -> bool:
    """Whether our child `pid` is still running, without reaping it (ensure_running does that)."""
    if pid is None:
        return False
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    except ChildProcessError:
        return False


def _run_worker(tmp: Path, *, cwd: Path, environ: dict, key_env: str, timeout: float,
                reader: _ProgressReader, stop: threading.Event | None = None) -> tuple[str, bool, int | None]:
    """Run the worker; poll its progress file while waiting. Output goes to a file, not a
    pipe, so a chatty scene can never block on a full pipe while we poll."""
    cwd.mkdir(parents=True, exist_ok=True)
    log_path = tmp / "worker.log"
    # The forkserver's environment is from when it started; a render gets the caller's current
    # one (less its secrets), so `%env CODE2VIDEO_DEBUG_GRID=1` or a changed PATH apply to the next render.
    context = _context()
    _ensure_forkserver(context, key_env)
    proc = context.Process(target=_child, args=(str(tmp / "job.json"), str(log_path), str(cwd), environ),
                           name="code2video-render")
    with main_module_hidden():  # a user's script without a main guard must not run again in the child
        proc.start()
    with _live_lock:
        _live.add(proc)
    try:
        timed_out = _wait(proc, timeout, reader, stop)
    except BaseException:  # KeyboardInterrupt in the caller: leave no orphan renders behind
        _kill_group(proc)
        proc.join()
        raise
    finally:
        with _live_lock:
            _live.discard(proc)
    log = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
    return log, timed_out, proc.exitcode


def _wait(proc, timeout: float, reader: _ProgressReader, stop: threading.Event | None = None) -> bool:
    """True if the render was killed at its time limit (`stop` set: killed, not wanted any more)."""
    deadline = time.monotonic() + timeout
    while True:
        # Polled often: the keyframes are shown the moment the check pass has drawn them.
        proc.join(timeout=min(0.05, max(0.01, deadline - time.monotonic())))
        if proc.exitcode is not None:
            reader.poll()  # the last word, however fast it ran
            return False
        if time.monotonic() >= deadline or (stop is not None and stop.is_set()):
            _kill_group(proc)
            proc.join()
            return not (stop is not None and stop.is_set())
        reader.poll()


def _kill_group(proc) -> None:
    """The worker leads its own process group (it calls setsid first), so latex dies with it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):  # ended already, or not yet its own group
        proc.kill()


KEYFRAMES = "keyframes"  # the check pass's keyframes, in the section's media folder


class _ProgressReader:
    """Reads the events the render child appends to its progress file (`render_job.read_progress`):
    the plays done after each animation, and the blocks whose keyframes the check pass drew."""

    def __init__(self, path: Path, keyframes_dir: Path, on_progress: Progress | None,
                 on_keyframes: Keyframes | None):
        self.path, self.keyframes_dir = path, keyframes_dir
        self.on_progress, self.on_keyframes = on_progress, on_keyframes
        self.reported: PlaysDone | None = None
        self.keyframes_told = False

    def poll(self) -> None:
        if (self.on_progress is None and self.on_keyframes is None) or not self.path.exists():
            return
        events = read_progress(self.path.read_text())
        drawn = [event for event in events if isinstance(event, KeyframesDrawn)]
        if drawn and not self.keyframes_told and self.on_keyframes is not None:
            self.keyframes_told = True
            self.on_keyframes(keyframe_paths(self.keyframes_dir, list(drawn[-1].blocks)))
        counts = [event for event in events if isinstance(event, PlaysDone)]
        latest = counts[-1] if counts else None
        if latest and latest != self.reported and self.on_progress is not None:
            self.on_progress(latest.done, latest.total)
        self.reported = latest or self.reported


def keyframe_paths(folder: Path, blocks) -> list[Path]:
    """`folder/<k>.png` for the block numbers the child named, if they exist (its word is checked)."""
    numbers = [int(k) for k in blocks if str(k).isdigit() and 0 < int(k) <= 100] if isinstance(blocks, list) else []
    return [p for p in (folder / f"{k}.png" for k in sorted(set(numbers))) if p.is_file()]


def _read_result(path: Path) -> RenderResult | BoundaryError | None:
    """The child's result; None when it wrote none (or not even JSON), the error when a field is
    wrong (the result file is the scene's to write, too)."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return None
    try:
        return result_from_json(text)
    except BoundaryError as exc:
        return None if exc.truncated else exc


def _outcome(result: RenderResult | BoundaryError | None, path: Path, code: str, media_dir: Path, log: str,
             elapsed: float) -> RenderOutcome:
    if result is None:  # the worker died without a word: a segfault, out of memory, os._exit
        return RenderOutcome(False, elapsed, error_type="Crash", log=log,
                             message="the render process died without reporting an error; see the log")
    if isinstance(result, BoundaryError):
        return RenderOutcome(False, elapsed, error_type="RenderError", log=log,
                             message=f"the render process reported a result that does not read as one: {result}")
    if result.ok:
        video = Path(result.video).resolve() if result.video else None
        if video and media_dir not in video.parents:  # the result file is the scene's to write, too
            return RenderOutcome(False, elapsed, error_type="RenderError", log=log,
                                 message=f"the render reported a video outside its media folder ({video})")
        frames = keyframe_paths(media_dir / KEYFRAMES, list(result.keyframes))
        return RenderOutcome(True, elapsed, video, result.duration, list(result.block_starts), log=log,
                             shots=list(result.shots), stage=result.stage, keyframes=frames, plays=_count(result.plays),
                             reused_plays=_count(result.reused_plays), warm=result.warm)
    return RenderOutcome(False, elapsed, error_type=result.error_type, message=_explain(result),
                         line=section_line(list(result.frames), path, code), log=result.traceback or log,
                         warm=result.warm)


def _count(value) -> int:
    return value if isinstance(value, int) and 0 <= value < 1_000_000 else 0


MISSING_TEX = ("LaTeX is not installed, so MathTex/Tex cannot render: run scripts/install.sh (or apt-get install "
               "texlive-latex-base texlive-latex-extra texlive-fonts-recommended texlive-science dvisvgm), "
               "or use Text instead")


def _explain(result: RenderResult) -> str:
    """Add what to do where the error alone does not say it (the fix prompt sees this too)."""
    message = result.message
    if result.error_type == "FileNotFoundError" and re.search(r"'(latex|xelatex|dvisvgm)'", message):
        return f"{message} — {MISSING_TEX}"
    return message


def section_line(frames: list[Frame], path: Path, source: str | None = None) -> int | None:
    """The innermost frame in the scene's own code: errors raised deep inside manim, numpy,
    LaTeX, our teaching_scene.py or a base class the file defines inline (`source` names them)
    point at the scene's line that called them, since that call is what a fix must change."""
    own = [f.line for f in frames if f.line is not None and f.file and Path(f.file).resolve() == path]
    helpers = helper_lines(source) if source else []
    for line in reversed(own):
        if not any(start <= line <= end for start, end in helpers):
            return line
    return own[-1] if own else None  # only a helper's own code ran (manim called it)


def helper_lines(source: str) -> list[tuple[int, int]]:
    """Line ranges of the classes the scene class extends inside the file (a paper-style inline
    TeachingScene): their methods are trusted helpers, not the scene's code. A method the scene
    class defines itself, or a module-level function, is the scene's own and stays the fault's home."""
    try:
        tree, scene = parse(source), find_scene_class(source)
    except (SyntaxError, RenderError):
        return []
    classes = {n.name: n for n in tree.body if isinstance(n, ast.ClassDef)}
    bases: set[str] = set()
    todo = [scene]
    while todo:  # the scene's ancestors defined in this file, transitively
        for base in classes[todo.pop()].bases:
            if isinstance(base, ast.Name) and base.id in classes and base.id not in bases | {scene}:
                bases.add(base.id)
                todo.append(base.id)
    return [(classes[name].lineno, classes[name].end_lineno or classes[name].lineno) for name in bases]
