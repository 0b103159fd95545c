"""Runs one section's scene in its own process (forked by `render/renderer.py`; never imported by the kernel).

Entry point: `run_job` in the child (also `python -m code2video_nb.render.child.render_worker JOB.json` by hand).
The job (`render_job.RenderJob`) names the file, the scene class, the quality and where to write.
A check pass (manim's `dry_run` with animations skipped: the whole construct, no frames) runs
alone for a fix's check, and before the frames only when the job wants keyframes first
(`check_first`; then in the same process, which saves a second manim import); otherwise the render
is the only pass. It writes a `RenderResult` with the video path, the duration, the lecture-line
block start times, or the error with every traceback frame, so the parent can tell which line of
the section failed without parsing text. A critic job (`critique`) runs the check pass
instrumented (`critic_instrument.py`) and adds what was on screen after each play/wait (`shots`)
and the frame's layout (`stage`).
"""

from __future__ import annotations

import errno
import gc
import os
import runpy
import sys
import tempfile
import traceback
from dataclasses import replace
from pathlib import Path
from typing import Any

from manim import tempconfig  # at import: the forkserver preloads this module, so renders start warm

from ...sandbox import audit_hook
from ...sandbox.confine import apply as apply_confinement
from . import critic_instrument, movie_cache, render_job, svg_scratch, tex_lookup, text_geometry
from .block_frames import BlockFrames
from .block_pacing import BlockPacing
from .dry_run import draw_nothing, untweened
from .render_job import Frame, KeyframesDrawn, PlaysDone, ProgressEvent, RenderJob, RenderResult, progress_line

render_job.prepare_job_reader()  # once, in the warm server
# What the warm server has imported (manim: some 130,000 objects) is never garbage; frozen, a
# render's collections do not walk it, nor touch (and so copy) its memory pages after the fork.
gc.freeze()

QUALITIES = {"preview": "low_quality", "final": "high_quality"}


SECTION_MODULE = "__code2video_section__"  # the run name of a section file: its own code is keyed by code


def run(job: RenderJob) -> RenderResult:
    tex_lookup.use_shared(job.tex_cache)  # formulas and texts another render already made
    if job.dry_run_only:  # a text's outlines as an earlier run read them
        # Check passes only: a rebuilt text pickles unlike a parsed one, so in a render it would
        # change the plays' movie keys (`movie_cache`) between the first render and the next.
        text_geometry.install((job.tex_cache or {}).get("outlines"))
    namespace = runpy.run_path(job.file, run_name=SECTION_MODULE)
    scene_class = namespace[job.scene]
    base = {
        "quality": QUALITIES[job.quality],
        "media_dir": job.media_dir,
        "verbosity": "WARNING",
        "progress_bar": "none",
        "disable_caching": False,
        "max_files_cached": job.max_cached_plays,  # partial movies per section and quality
        "assets_dir": job.assets_dir,  # `assets/<file>` is the lecture's (TeachingScene.asset)
    }
    if job.critique:  # the check pass, recording what is on screen after each play/wait
        with tempconfig({**base, "dry_run": True}):
            return _result(ok=True, **critic_instrument.observe(scene_class, job.file))
    known = [] if job.dry_run_only else list(job.reuse_keys)
    expected = job.plays_hint  # plays in the last render
    if not job.dry_run_only and (not job.check_first or (known and 2 * len(known) >= expected)):
        # The render is the only pass: it reports a failing line as well as a check pass would (the
        # same traceback frames) and draws the keyframes on its way. A check pass first pays only
        # when someone shows the keyframes before the video (`check_first`), and not even then when
        # most plays are unchanged since the last render (render_prefix.py): the render runs
        # through those as cheaply as a check pass would, and its keyframes arrive about as soon.
        return _render(job, scene_class, base, known, keyframes=True, total=expected)
    written, plays = _check(job, scene_class, base)
    if job.dry_run_only:  # a fix's check; or the code so far, drawn while the rest is written (stream_draw.py)
        return _result(ok=True, keyframes=[int(p.stem) for p in written])
    return _render(job, scene_class, base, known, written=written, total=plays)


def _check(job: RenderJob, scene_class, base: dict) -> tuple[list[Path], int]:
    """The check pass: manim's dry_run writes no file but still draws every frame, so also skip
    animations (each jumps to its end state) and drawing (`dry_run.py`). The whole construct still
    runs, which is where generated code fails; it costs a fraction of a render, and draws each
    lecture-line block's keyframe on the way (`block_frames.py`), announced at once."""
    with tempconfig({**base, "dry_run": True}):
        check = scene_class(skip_animations=True)
        draw_nothing(check)
        check.play = untweened(check.play)
        frames = BlockFrames(check, Path(job.keyframes)) if job.keyframes else None
        BlockPacing(check, list(job.block_minimums))  # after BlockFrames: a keyframe shows the padded end
        check.render()
        written = frames.finish() if frames else []
    if written:  # the strip can be shown before any frame is drawn
        _announce(job.progress, KeyframesDrawn(tuple(int(p.stem) for p in written)))
    return written, check.renderer.num_plays


def _render(job: RenderJob, scene_class, base: dict, known: list[str], *, written=(), keyframes=False,
            total: int = 0) -> RenderResult:
    """Frames, in the same process as the check pass (which saves a second manim import). The
    partial movies of unchanged plays are reused (`movie_cache.py`): the `known` first plays
    without even computing their keys."""
    progress = _progress_writer(job.progress, total=total)
    movie_cache.use_fast_keys(SECTION_MODULE, known)
    with tempconfig(base):
        scene = scene_class()
        frames = BlockFrames(scene, Path(job.keyframes)) if keyframes and job.keyframes else None
        BlockPacing(scene, list(job.block_minimums))
        reused = movie_cache.reuse(scene, len(known))
        lines = movie_cache.construct_lines(scene, job.file)
        _count_plays(scene, progress)
        # The critic's record, taken on the render's way rather than in a run of its own.
        recorder = critic_instrument.Recorder(scene, job.file, drawing=True) if job.record_layout else None
        try:
            scene.render()
        finally:
            if recorder is not None:
                recorder.detach()
        video = scene.renderer.file_writer.movie_file_path
    if frames is not None:
        written = frames.finish()
        _announce(job.progress, KeyframesDrawn(tuple(int(p.stem) for p in written)))
    return _result(
        ok=True,
        video=str(video) if video else None,
        duration=float(scene.renderer.time),
        block_starts=[(k, t) for k, t in getattr(scene, "block_start_times", [])],
        keyframes=[int(p.stem) for p in written],
        plays=int(scene.renderer.num_plays),
        reused_plays=len(reused),
        keys=[str(k) for k in scene.renderer.animations_hashes],  # each play's movie, for render_prefix
        lines=lines,
        **(recorder.record() if recorder is not None else {}),
    )


def _result(*, ok: bool, block_starts=(), shots=(), keyframes=(), keys=(), lines=(), **fields: Any) -> RenderResult:
    """A RenderResult from the JSON-ready values the scene's helpers give (`critic_instrument.observe`
    and `Recorder.record` hand over `shots`, `stage`, `duration`, `block_starts` as dicts and lists)."""
    return RenderResult(ok, block_starts=tuple((int(k), float(t)) for k, t in block_starts), shots=tuple(shots),
                        keyframes=tuple(keyframes), keys=tuple(keys), lines=tuple(lines), **fields)


def _announce(path: str | None, event: ProgressEvent) -> None:
    """An event on the progress file the parent polls (`render_job.read_progress`)."""
    if path:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(progress_line(event))


def _progress_writer(path: str | None, total: int):
    """Announces `PlaysDone` after each play; the check pass counted the animations (or the last
    render did, when there is no check pass: an estimate, never below what is done)."""
    def write(done: int) -> None:
        _announce(path, PlaysDone(done, max(done, total)))

    write(0)
    return write


def _count_plays(scene, progress) -> None:
    """Report after each play() of this scene; wraps the instance, so manim is untouched."""
    play = scene.play

    def counted(*args, **kwargs):
        result = play(*args, **kwargs)
        progress(scene.renderer.num_plays)
        return result

    scene.play = counted


def describe(exc: BaseException, job: RenderJob | None = None) -> RenderResult:
    frames = [Frame(f.filename, f.lineno, f.name, f.line) for f in traceback.extract_tb(exc.__traceback__)]
    if isinstance(exc, SyntaxError) and exc.lineno:
        # The failing line of a syntax error is not a frame: it is where parsing stopped.
        frames.append(Frame(exc.filename, exc.lineno, "<module>", exc.text))
    message, limits = str(exc), job.confine if job else None
    if isinstance(exc, MemoryError) and limits:
        limit = limits.memory_bytes / 1024**3
        message = f"the scene used more than {limit:g} GB of memory and was stopped ({message or 'out of memory'})"
    elif isinstance(exc, OSError) and exc.errno == errno.EFBIG and limits:
        limit = limits.file_bytes / 1024**3
        message = f"the scene wrote a file larger than {limit:g} GB and was stopped ({message})"
    return RenderResult(False, error_type=type(exc).__name__, message=message, frames=tuple(frames),
                        traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))


def run_job(job_file: str, log_file: str, cwd: str, *, warm: bool = False) -> None:
    """Entry point in a forked (or spawned) child: own process group, output to the log file,
    confined (`confine.py`, then the audit hook) before the scene is imported. `warm`: the child
    began with manim imported (reported, so a test sees the warm server is really used)."""
    os.setsid()  # so the parent can kill us together with latex and dvisvgm
    log = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.chdir(cwd)
    job = render_job.job_from_json(Path(job_file).read_text())
    refusals = _confine(job)
    sys.exit(_finish(job, refusals, warm=warm))


def _confine(job: RenderJob):
    """Apply the job's confinement; returns what lists the audit hook's refusals."""
    tempfile.tempdir = job.temp_dir  # the forkserver may have cached another one
    if job.confine is None:
        sys.stderr.write("code2video: rendering WITHOUT runtime confinement (--unconfined)\n")
        return lambda: []
    conf = job.confine
    applied = apply_confinement(conf)
    for note in applied.notes:  # a layer the OS does not offer: said in the log, not silently skipped
        sys.stderr.write(f"code2video sandbox: {note}\n")
    refusals = audit_hook.install(conf.writable, conf.tools)
    svg_scratch.install(conf.writable, job.temp_dir)  # manim's x_.svg beside any SVG: in our own folder
    return refusals


def _finish(job: RenderJob, refusals, *, warm: bool = False) -> int:
    try:
        result = run(job)
    except BaseException as exc:  # noqa: BLE001 - whatever the scene raises is reported, not re-raised
        result = describe(exc, job)
    refused = refusals()
    if refused:  # reported even when the scene caught the PermissionError and carried on
        result = RenderResult(False, error_type="SandboxRefused",
                              message=f"the render sandbox refused {refused[0].what}",
                              frames=tuple(Frame(**f) for f in refused[0].frames),
                              traceback="".join(f"refused: {r.what}\n" for r in refused))
    if not result.ok:
        sys.stderr.write(result.traceback)
    Path(job.result).write_text(render_job.to_json(replace(result, warm=warm)))
    return 0 if result.ok else 1


def main(argv: list[str]) -> int:
    """By hand, for debugging: runs the job unconfined in this process."""
    try:
        job = render_job.job_from_json(Path(argv[1]).read_text())
    except (OSError, render_job.BoundaryError) as exc:
        sys.stderr.write(f"render_worker: {argv[1]}: {exc} (write the job with render_job.to_json)\n")
        return 2
    return _finish(job, lambda: [])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
