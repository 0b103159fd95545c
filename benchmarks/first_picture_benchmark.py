"""Benchmark: how long a teacher waits, from Enter, for the first picture, the first section's
preview and the whole lecture (issue 24's done-when).

    python benchmarks/first_picture_benchmark.py [--latency 1+12] [--lecture demo|four|both] [--runs 1]

Runs `code2video generate` as a user types it, in its own process, against the scripted
OpenAI-compatible server answering with a model's pace (`--latency`: seconds per request +
seconds per 1000 completion tokens; the issue's figures are at 1+12), defaults on (the layout
critic, narration where espeak-ng is installed), no reply cache. Two lectures: the demo's three
sections (its section 2 carries a seeded bug that auto-fix repairs), and the same topic in four
sections (the demo's three and a fourth written here). The lecture folder is watched from here
every 20 ms: the first keyframe (`keyframes/<id>/<k>.png`), the first section's preview
(`previews/1.mp4`), and the end of the command (the lecture's video joined). The CLI's own
"first picture" line, if it prints one, is timed too. TeX compiled by one run is reused by the
next (the shared TeX cache, in a folder of this benchmark's own): one warm-up run first, so each
run measured pays what a teacher's second lecture does. Figures, not a test.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from code2video_nb.scripted_server import Latency, ScriptedServer, parse_latency

DEMO = json.loads(resources.files("code2video_nb").joinpath("demo", "eigenvectors.json").read_text())

# The fourth section of the four-section lecture: written for this benchmark, in the demo's shape.
FOURTH_OUTLINE = {"id": "4", "title": "Finding the eigenvectors",
                  "content": "For each eigenvalue, solve (A − λI)v = 0; each gives its own line of eigenvectors.",
                  "example": "λ = 3 gives (1, 0); λ = 2 gives (1, −1)"}
FOURTH_STORYBOARD = {
    "id": "4", "title": "Finding the eigenvectors",
    "lecture_lines": ["Subtract λ from the diagonal of A", "Solve (A − λI)v = 0 for v",
                      "Each eigenvalue gives its own line"],
    "animations": ["Write A − 3I as a matrix", "Write the equation and its solution v = (1, 0)",
                   "Draw the two eigenvector lines through the origin"],
    "narration": ["Take an eigenvalue, three, and subtract it from the diagonal of A.",
                  "Now solve A minus three I times v equals zero: v is one, zero.",
                  "Each eigenvalue gives its own line: the x axis for three, the line through one, minus one for two."],
}
FOURTH_CODE = '''Here is the scene for section 4.

```python
from manim import *
from code2video_nb.teaching_scene import TeachingScene

LECTURE_LINES = [
    "Subtract λ from the diagonal of A",
    "Solve (A − λI)v = 0 for v",
    "Each eigenvalue gives its own line",
]


class Section4Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("Finding the eigenvectors", LECTURE_LINES)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        shifted = MathTex(r"A - 3I = \\begin{bmatrix} 0 & 1 \\\\ 0 & -1 \\end{bmatrix}").scale(0.7)
        self.place_at_grid(shifted, "A4")
        self.play(Write(shifted), run_time=1)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        solve = MathTex(r"(A - 3I)\\,\\vec{v} = 0 \\Rightarrow \\vec{v} = (1, 0)").scale(0.7)
        self.place_at_grid(solve, "B4")
        self.play(FadeIn(solve, shift=UP * 0.2), run_time=0.8)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        plane = NumberPlane(x_range=[-3, 3, 1], y_range=[-3, 3, 1],
                            background_line_style={"stroke_opacity": 0.3})
        self.place_in_area(plane, "D2", "F5", scale_factor=0.9)
        first = Line(plane.c2p(-3, 0), plane.c2p(3, 0), color=GREEN)
        second = Line(plane.c2p(-2.5, 2.5), plane.c2p(2.5, -2.5), color=BLUE)
        self.play(Create(plane), run_time=0.8)
        self.play(Create(first), Create(second), run_time=1)
        self.wait(1)
```
'''


def lecture_script(sections: int) -> dict:
    """The demo's cassette, or (4) the same topic in four sections: the fourth added to the
    outline and the storyboard, with its code."""
    if sections == 3:
        return DEMO
    script = copy.deepcopy(DEMO)
    script["lecture"]["sections"] = 4
    for item in script["interactions"]:
        if item["stage"] in ("outline", "storyboard"):
            item["reply"] = _with_fourth(item["reply"], FOURTH_OUTLINE if item["stage"] == "outline"
                                         else FOURTH_STORYBOARD)
            item["usage"]["completion_tokens"] = int(item["usage"]["completion_tokens"] * 4 / 3)
    script["interactions"].append({"stage": "code:4", "reply": FOURTH_CODE,
                                   "usage": {"prompt_tokens": 610, "completion_tokens": 470}})
    return script


def _with_fourth(reply: str, entry: dict) -> str:
    """The reply's JSON with `entry` as its last section, in the same fenced shape."""
    head, _, rest = reply.partition("```json\n")
    body, _, tail = rest.partition("\n```")
    plan = json.loads(body)
    plan["sections"].append(entry)
    return f"{head}```json\n{json.dumps(plan, indent=2, ensure_ascii=False)}\n```{tail}"


@dataclass
class Run:
    """Seconds from Enter to each moment (None: it never happened)."""
    keyframe: float | None = None
    preview: float | None = None
    lecture: float | None = None
    said: float | None = None  # the CLI's own "first picture" line
    said_line: str = ""
    exit_code: int | None = None
    stderr: list[str] = field(default_factory=list)
    stdout: list[str] = field(default_factory=list)  # the CLI's report: each section's build time
    timeline: list[tuple[float, str]] = field(default_factory=list)  # (seconds from Enter, what): `--timeline`

    @property
    def builds(self) -> str:
        """Each section's build time as the CLI reported it (check, critic rounds, narration, render)."""
        return ", ".join(line.strip().removeprefix("section ") for line in self.stdout
                         if line.strip().startswith("section "))


def run_once(script: dict, out: Path, latency: Latency, tex_cache: Path, pythonpath: str) -> Run:
    meta = script["lecture"]
    server = ScriptedServer(latency=latency).script_cassette(script).start()
    env = {**os.environ, "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "sk-benchmark",
           "CODE2VIDEO_TEX_CACHE_DIR": str(tex_cache), "PYTHONPATH": pythonpath}
    command = [sys.executable, "-m", "code2video_nb.launch", "generate", meta["topic"], "--out", str(out),
               "--sections", str(meta["sections"]), "--audience", meta["audience"], "--no-cache"]
    run, started = Run(), time.monotonic()
    try:
        # Run from the checkout: `python -m` puts the working folder first on the path.
        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                cwd=pythonpath)
        reader = threading.Thread(target=_read_stderr, args=(proc, run, started), daemon=True)
        reader.start()
        while proc.poll() is None:
            _look(out, run, time.monotonic() - started)
            time.sleep(0.02)
        run.lecture, run.exit_code = time.monotonic() - started, proc.returncode
        _look(out, run, run.lecture)
        reader.join(timeout=5)
        run.stdout = proc.stdout.read().splitlines() if proc.stdout else []
    finally:
        server.stop()
    for request in server.requests:  # each model request: when it came in and when its reply ended
        ended = "never" if request.ended is None else f"{request.ended - started:.1f} s"
        run.timeline.append((request.at - started, f"[server] {request.stage} asked, reply ended at {ended}"))
    run.timeline.sort()
    return run


def _read_stderr(proc, run: Run, started: float) -> None:
    for line in proc.stderr:
        run.stderr.append(line.rstrip("\n"))
        run.timeline.append((time.monotonic() - started, line.strip()))
        if run.said is None and "first picture" in line.lower():
            run.said, run.said_line = time.monotonic() - started, line.strip()


def _look(out: Path, run: Run, now: float) -> None:
    if run.keyframe is None and any(out.glob("*/keyframes/*/*.png")):
        run.keyframe = now
    if run.preview is None and any(out.glob("*/previews/1.mp4")):
        run.preview = now


def _s(value: float | None) -> str:
    return "  never" if value is None else f"{value:6.1f} s"


def report(name: str, runs: list[Run], timeline: bool = False) -> None:
    for k, run in enumerate(runs, 1):
        if timeline:
            print("\n".join(f"    {at:6.1f} s  {what}" for at, what in run.timeline))
        print(f"  {name} run {k}: first keyframe {_s(run.keyframe)}   first preview {_s(run.preview)}   "
              f"whole lecture {_s(run.lecture)}   (exit {run.exit_code})")
        print(f"      builds: {run.builds}")
        if run.said is not None:
            print(f"      the CLI said at {run.said:.1f} s: {run.said_line}")
        if run.exit_code:
            print("      " + "\n      ".join(run.stderr[-8:]))
    if len(runs) > 1:
        def median(values):
            known = [v for v in values if v is not None]
            return statistics.median(known) if known else None
        print(f"  {name} median: first keyframe {_s(median(r.keyframe for r in runs))}   first preview "
              f"{_s(median(r.preview for r in runs))}   whole lecture {_s(median(r.lecture for r in runs))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=parse_latency, default=parse_latency("1+12"), metavar="S+S",
                        help='simulated model time (default "1+12": 1 s per request + 12 s per 1000 tokens)')
    parser.add_argument("--lecture", choices=["demo", "four", "both"], default="both")
    parser.add_argument("--runs", type=int, default=1, help="measured runs per lecture (after one warm-up)")
    parser.add_argument("--tex-cache", type=Path, help="the shared TeX cache's folder to use (default: a fresh "
                                                        "one); one that holds files already is not warmed up again")
    parser.add_argument("--pythonpath", default=os.environ.get("PYTHONPATH", str(Path(__file__).parents[1])),
                        help="the checkout whose code2video_nb runs (default: this one)")
    parser.add_argument("--timeline", action="store_true",
                        help="also print each run's timeline: the CLI's progress lines and the model's requests")
    args = parser.parse_args()
    lectures = {"demo": [3], "four": [4], "both": [3, 4]}[args.lecture]
    print(f"== from Enter to pictures: `code2video generate`, model latency {args.latency.per_request:g} s + "
          f"{args.latency.per_1k_tokens:g} s per 1k completion tokens, critic and narration on, "
          f"code from {args.pythonpath}")
    with tempfile.TemporaryDirectory(prefix="c2v-first-picture-") as tmp:
        tex = args.tex_cache or Path(tmp) / "tex"
        if not (tex.is_dir() and any(tex.rglob("*.svg"))):  # fill the TeX cache, unmeasured
            run_once(lecture_script(4), Path(tmp) / "warm-up", Latency(), tex, args.pythonpath)
        for sections in lectures:
            name = "demo (3 sections)" if sections == 3 else "4 sections"
            runs = [run_once(lecture_script(sections), Path(tmp) / f"{sections}-{k}", args.latency, tex,
                             args.pythonpath) for k in range(args.runs)]
            report(name, runs, args.timeline)


if __name__ == "__main__":
    main()
