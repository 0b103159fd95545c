"""Benchmark: what the shared TeX and text cache saves. Each demo section is rendered from a cold
media folder twice: with an empty shared cache (latex, dvisvgm and Pango run), then with the
cache another render filled (every formula and text copied in).

    python benchmarks/tex_cache_benchmark.py [--repeat 3]

Prints per section and pass (the check pass alone, as auto-fix runs it, and a whole preview
render) the median wall time cold and warm (and the fastest run of each, the steadier figure on a
busy machine), then what one lookup costs in the render process.
Figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from code2video_nb.render.renderer import render_file, warm_up

from demo_sections import demo_sections  # benchmarks/ is on the path when run as a script


def timed(path: Path, media: Path, cache: Path, *, dry_run_only: bool) -> float:
    os.environ["CODE2VIDEO_TEX_CACHE_DIR"] = str(cache)
    outcome = render_file(path, media_dir=media, timeout=240, dry_run_only=dry_run_only)
    if not outcome.ok:
        raise SystemExit(f"{path.name} failed: {outcome.error}\n{outcome.log[-2000:]}")
    return outcome.seconds


def render_figures(tmp: Path, repeat: int) -> None:
    print(f"{'section':<8} {'pass':<7} {'formulas':>8} {'texts':>6} {'cold':>7} {'warm':>7} {'saved':>7}"
          f"   {'(fastest: cold':>14} {'warm)':>6}")
    for path in demo_sections(tmp):
        for name, dry in (("check", True), ("render", False)):
            cold, warm = [], []
            for run in range(repeat):
                cache, where = tmp / f"cache-{path.stem}-{name}-{run}", tmp / f"{path.stem}-{name}-{run}"
                cold.append(timed(path, where / "cold", cache, dry_run_only=dry))
                warm.append(timed(path, where / "warm", cache, dry_run_only=dry))
            counts = [len(list((where / "cold" / kind).glob("*.svg"))) for kind in ("Tex", "texts")]
            c, w = statistics.median(cold), statistics.median(warm)
            print(f"{path.stem:<8} {name:<7} {counts[0]:>8} {counts[1]:>6} {c:>6.2f}s {w:>6.2f}s {c - w:>6.2f}s"
                  f"   {min(cold):>13.2f}s {min(warm):>5.2f}s")


def lookup_cost(tmp: Path, count: int = 50) -> None:
    """In this process, as in a render child: `count` formulas found in the shared folder and
    copied into a new media folder, then the same ones already in that media folder."""
    from manim import MathTex, logger, tempconfig
    from manim.mobject.text import tex_mobject

    from code2video_nb.render.child.tex_lookup import use_shared
    from code2video_nb.render.tex_cache import TexCache

    logger.setLevel("WARNING")
    cache, calls = TexCache(tmp / "lookup-cache"), []
    compile_svg = tex_mobject.tex_to_svg_file
    tex_mobject.tex_to_svg_file = lambda *args, **kwargs: calls.append((args, kwargs)) or compile_svg(*args, **kwargs)
    with tempconfig({"media_dir": str(tmp / "lookup-fill")}):
        for k in range(count):  # to fill the cache and learn the arguments MathTex passes
            MathTex(rf"\det(A - {k}\lambda I) = 0")
    tex_mobject.tex_to_svg_file = compile_svg
    cache.publish(tmp / "lookup-fill", since=0)
    use_shared(cache.for_job())
    with tempconfig({"media_dir": str(tmp / "lookup-render")}):
        for label in ("in the shared folder, copied in", "already in the media folder"):
            seconds = []
            for args, kwargs in calls:
                started = time.perf_counter()
                found = tex_mobject.tex_to_svg_file(*args, **kwargs)
                seconds.append(time.perf_counter() - started)
                assert not found.with_suffix(".tex").exists()  # latex did not run
            print(f"lookup, {label}: median {statistics.median(seconds) * 1e6:.0f} µs, "
                  f"max {max(seconds) * 1e6:.0f} µs per formula ({len(seconds)} formulas)")
    tex_mobject.tex_to_svg_file = compile_svg


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    warm_up(wait=True)
    print(f"median of {args.repeat} runs, cold media folder each\n")
    with tempfile.TemporaryDirectory() as tmp:
        render_figures(Path(tmp), args.repeat)
        print()
        lookup_cost(Path(tmp))


if __name__ == "__main__":
    main()
