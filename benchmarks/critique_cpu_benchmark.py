"""CPU seconds of one critique, this process and its render children, on the critic corpora.

    python benchmarks/critique_cpu_benchmark.py [--runs 3] [--check] [FILE …]

A render child is forked by the warm server, which reaps it: its CPU time is the server's
children's time (read from /proc), which `time` around this process does not count. For each
scene: one untimed critique first (its formulas and texts' SVGs, and since
render/child/text_geometry.py their outlines, go to the shared TeX cache, as after any earlier
render of the lecture), then the median of `--runs` critiques, each in a fresh media folder with
the critic's memory of runs dropped, so each runs the scene again; with the render runs each made.
`--check` also checks the patches (`critique_file(check_patches=True)`), as `code2video critique`
does. To compare two versions of the code, run this file from each checkout. Wall time is printed
too, but on a shared machine CPU is the figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from code2video_nb.critic import critique  # noqa: E402
from code2video_nb.render import renderer  # noqa: E402
from code2video_nb.render.mp_internals import forkserver_pid  # noqa: E402

DATA = ROOT / "tests" / "data"
TICK = os.sysconf("SC_CLK_TCK")
RUNS = [0]


def server_children_cpu() -> float:
    """user + sys of the render children the warm server has reaped so far."""
    fields = Path(f"/proc/{forkserver_pid()}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[13]) + int(fields[14])) / TICK


def counted(render):
    def render_file(*args, **kwargs):
        RUNS[0] += 1
        return render(*args, **kwargs)
    return render_file


def timed(path: Path, media: Path, check: bool) -> tuple[float, float, int]:
    """(CPU, wall, render runs) of one critique run from scratch."""
    critique.forget_records()
    RUNS[0] = 0
    own, children, started = os.times(), server_children_cpu(), time.monotonic()
    result = critique.critique_file(path, media_dir=media, check_patches=check)
    wall = time.monotonic() - started
    time.sleep(0.05)  # the server reaps the last child
    now = os.times()
    cpu = (now.user + now.system - own.user - own.system) + server_children_cpu() - children
    if not result.ok:
        raise SystemExit(f"{path.name}: {result.error and result.error.error}")
    return cpu, wall, RUNS[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="check the patches too")
    args = parser.parse_args()
    files = args.files or sorted((DATA / "critic_corpus").glob("*.py"))
    critique.render_file = counted(critique.render_file)
    renderer.warm_up(wait=True)
    warm = Path(tempfile.mkdtemp(prefix="c2v-bench-warm-"))
    print(f"{'scene':<44}{'CPU':>8}{'runs':>6}{'wall':>8}")
    total = 0.0
    for path in files:
        critique.critique_file(path, media_dir=warm, check_patches=False)  # untimed: the shared cache filled
        times = [timed(path, Path(tempfile.mkdtemp(prefix="c2v-bench-")), args.check) for _ in range(args.runs)]
        cpu, wall = statistics.median(c for c, _, _ in times), statistics.median(w for _, w, _ in times)
        total += cpu
        print(f"{path.stem[:43]:<44}{cpu:>8.2f}{times[0][2]:>6}{wall:>8.2f}")
    print(f"{'per critique (mean of ' + str(len(files)) + ')':<44}{total / len(files):>8.2f}")


if __name__ == "__main__":
    main()
