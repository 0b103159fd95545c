"""Benchmark: what bringing pictures in costs a build (`picture_paths.bring_in`, run before every one).

    python benchmarks/picture_paths_benchmark.py [--runs 200]

Times, on the demo lecture's section 3 (about 60 lines):

  no pictures     the code as generated: every build pays this (parse, find no load)
  own pictures    three loads of the lecture's own `assets/<file>`: found, checked, left
  first build     three loads from outside (two found, one missing): copied in, boxed, recorded
                  (one run each, in a fresh lecture: later builds are the "own pictures" case)

and the render child's side (`svg_scratch`): copying an SVG from outside the render's folders
before manim parses it, against manim's own parse of the same SVG. Figures, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from conftest import demo_cassette  # noqa: E402

from code2video_nb import picture_paths  # noqa: E402
from code2video_nb.plan import Storyboard  # noqa: E402
from code2video_nb.replies import code_in_reply  # noqa: E402
from code2video_nb.workspace import Workspace  # noqa: E402

SVG = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
       + "".join(f'<circle cx="{k % 10}" cy="{k // 10}" r="0.4" fill="#ffcc00"/>' for k in range(100)) + "</svg>")


def lecture(root: Path, code: str) -> Workspace:
    ws = Workspace.create(root, "bench", "Bench")
    ws.set_storyboard(Storyboard.from_dict({"sections": [
        {"id": "1", "title": "t", "lecture_lines": ["a"], "animations": ["a"]}]}))
    ws.write_code("1", code, "generated")
    return ws


def with_loads(code: str, paths: list[str]) -> str:
    loads = "".join(f'        p{k} = SVGMobject("{p}")\n' for k, p in enumerate(paths))
    head, tail = code.split("    def construct(self):\n", 1)
    return f"{head}    def construct(self):\n{loads}{tail}"


def timed(runs: int, work) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def line(name: str, times: list[float]) -> None:
    print(f"{name:<14} median {statistics.median(times):7.2f} ms   min {min(times):7.2f}   max {max(times):7.2f}"
          f"   ({len(times)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    code = code_in_reply(next(i["reply"] for i in demo_cassette()["interactions"] if i["stage"] == "code:3"),
                         scene=True)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        outside = root / "downloads"
        outside.mkdir()
        for name in ("rocket", "planet"):
            (outside / f"{name}.svg").write_text(SVG)

        ws = lecture(root / "plain", code)
        line("no pictures", timed(args.runs, lambda: picture_paths.bring_in(ws, "1", code)))

        own = with_loads(code, ["assets/rocket.svg", "assets/planet.svg", "assets/rocket.svg"])
        ws = lecture(root / "own", own)
        (ws.dir / "assets").mkdir()
        for name in ("rocket", "planet"):
            (ws.dir / "assets" / f"{name}.svg").write_text(SVG)
        line("own pictures", timed(args.runs, lambda: picture_paths.bring_in(ws, "1", own)))

        far = with_loads(code, [str(outside / "rocket.svg"), str(outside / "planet.svg"), "/nowhere/moon.svg"])
        firsts = []
        for k in range(min(args.runs, 30)):
            ws = lecture(root / f"first-{k}", far)
            firsts += timed(1, lambda: picture_paths.bring_in(ws, "1", far))
        line("first build", firsts)

        from manim import SVGMobject

        from code2video_nb.render.child import svg_scratch

        parse = timed(min(args.runs, 30), lambda: SVGMobject(str(outside / "rocket.svg"), use_svg_cache=False))
        line("manim's parse", parse)
        svg_scratch.install((str(root / "render"),), str(root / "scratch"))
        scratch = timed(min(args.runs, 30), lambda: SVGMobject(str(outside / "rocket.svg"), use_svg_cache=False))
        line("with scratch", scratch)


if __name__ == "__main__":
    main()
