"""Benchmark: `code2video render <lecture> --section N` after a one-line edit, against a plain
`manim -ql --disable_caching` of the same file, as whole commands.

    python benchmarks/section_render_benchmark.py [--runs 5] [--edit first|second] [--entry launch|cli]

Makes the bundled demo lecture once (replayed offline, no critic, no narration), then, in turn:
  A  edit one line of section 2 with a value never used before, so no earlier render of that
     code exists: `--edit first` (default) the number line's length in the first lecture line,
     so every animation renders again; `--edit second` the formula's scale in the second
     lecture line, so the first one's animations are reused; then the `code2video render` command;
  B  `manim -ql --disable_caching --progress_bar none` of the same file, as a user would run it.
One untimed pair first (manim's own TeX folder, fonts), then --runs timed pairs. Prints each pair,
the medians and the median of the pair-by-pair ratio A / B (the issue's target: at most 1.2).
`--entry cli` runs the CLI module directly (how `code2video` started before `launch.py`), for a
before/after figure. Figures, not a test: on a shared machine, quote medians and ratios.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = {"launch": "from code2video_nb.launch import main", "cli": "from code2video_nb.cli import main"}
EDITS = {"first": (re.compile(r"length=6(\.\d+)?"), "length=6.{n:03d}"),  # section 2's number line
         "second": (re.compile(r"scale\(0\.9\d*\)"), "scale(0.9{n:03d})")}  # its "λ = 3"


def command(entry: str, *args: str) -> list[str]:
    return [sys.executable, "-c", f"import sys; {ENTRIES[entry]}; sys.exit(main())", *args]


def timed(cmd: list[str], cwd: Path) -> float:
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH") or str(ROOT)}
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed pairs (default 5)")
    parser.add_argument("--edit", choices=sorted(EDITS), default="first", help="which block's line (default first)")
    parser.add_argument("--entry", choices=sorted(ENTRIES), default="launch")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="c2v-section-") as tmp:
        tmp = Path(tmp)
        timed(command("cli", "demo", "--out", str(tmp), "--no-critic", "--no-narrate", "--quiet"), tmp)
        lecture = next(p for p in tmp.iterdir() if (p / "lecture.json").exists())
        section = lecture / "sections" / "2.py"
        code, (edited, new) = section.read_text(), EDITS[args.edit]
        if not edited.search(code):
            raise SystemExit(f"{section} has no line to edit ({edited.pattern})")
        scene = re.search(r"^class (\w+)\(TeachingScene\)", code, re.M).group(1)
        ours = command(args.entry, "render", str(lecture), "--section", "2", "--no-narrate", "--quiet")
        manim = ["manim", "-ql", "--disable_caching", "--progress_bar", "none", str(section), scene]
        ratios, a_times, b_times = [], [], []
        for n in range(args.runs + 1):
            section.write_text(edited.sub(new.format(n=n + 1), section.read_text(), count=1))
            a, b = timed(ours, tmp), timed(manim, tmp)
            if n == 0:
                continue  # the untimed pair
            a_times.append(a)
            b_times.append(b)
            ratios.append(a / b)
            print(f"pair {n}: code2video render --section 2 {a:6.2f} s   manim -ql {b:6.2f} s   "
                  f"ratio {a / b:.3f}", flush=True)
    print(f"median ({args.entry}, edit in the {args.edit} block): code2video {statistics.median(a_times):.2f} s, manim {statistics.median(b_times):.2f} s,"
          f" ratio (pair by pair) {statistics.median(ratios):.3f}  [target <= 1.2]")


if __name__ == "__main__":
    main()
