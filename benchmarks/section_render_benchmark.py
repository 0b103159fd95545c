"""Benchmark: `code2video render <lecture> --section N` after a one-line edit, against a plain
`manim -ql --disable_caching` of the same file, as whole commands.

    python benchmarks/section_render_benchmark.py [--runs 5] [--edit first|second] [--entry launch|cli]

Makes the bundled demo lecture once (replayed offline, no critic, no narration), then, in turn:
  A  edit one line of section 2 with a value never used before, so no earlier render of that
     code exists: `--edit first` (default) the number line's length in the first lecture line,
     so every animation renders again; `--edit second` the formula's scale in the second
     lecture line, so the first one's animations are reused; then the `code2video render` command;
  B  `manim -ql --disable_caching --progress_bar none` of the same file, as a user would run it;
  C  `code2video render FILE.py --out DIR` of a scene file outside the lecture holding the same
     edited code (its own small lecture, the critic's findings printed: the defaults), ratio C / B.
One untimed round first (manim's own TeX folder, fonts), then --runs timed rounds. Prints each round,
the medians and the median of the pair-by-pair ratios A / B and C / B (the issue's target: at most 1.2).
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
    parser.add_argument("--no-file", dest="file", action="store_false", help="skip C (render FILE.py)")
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
        scene_file = tmp / "scenes" / "eigenvalues.py"
        scene_file.parent.mkdir()
        own = command(args.entry, "render", str(scene_file), "--out", str(tmp / "own"), "--no-narrate", "--quiet")
        times: dict[str, list[float]] = {"A": [], "B": [], "C": []}
        for n in range(args.runs + 1):
            section.write_text(edited.sub(new.format(n=n + 1), section.read_text(), count=1))
            scene_file.write_text(section.read_text())
            a, b = timed(ours, tmp), timed(manim, tmp)
            c = timed(own, tmp) if args.file else None
            if n == 0:
                continue  # the untimed round
            for key, value in zip("ABC", (a, b, c)):
                if value is not None:
                    times[key].append(value)
            print(f"round {n}: render --section 2 {a:6.2f} s   manim -ql {b:6.2f} s   ratio {a / b:.3f}"
                  + (f"   render FILE.py {c:6.2f} s   ratio {c / b:.3f}" if c else ""), flush=True)
    ratio = statistics.median(a / b for a, b in zip(times["A"], times["B"]))
    print(f"median ({args.entry}, edit in the {args.edit} block): render --section 2 {statistics.median(times['A']):.2f} s, "
          f"manim {statistics.median(times['B']):.2f} s, ratio (pair by pair) {ratio:.3f}  [target <= 1.2]")
    if times["C"]:
        ratio = statistics.median(c / b for c, b in zip(times["C"], times["B"]))
        print(f"median: render FILE.py {statistics.median(times['C']):.2f} s, ratio to manim (pair by pair) "
              f"{ratio:.3f}  [target <= 1.2]")


if __name__ == "__main__":
    main()
