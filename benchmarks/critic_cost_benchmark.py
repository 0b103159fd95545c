"""Benchmark: what the layout critic adds to `code2video demo` (the bundled lecture, replayed offline).

    python benchmarks/critic_cost_benchmark.py [--runs 3] [--jobs 2] [--narrate]

Runs the whole command as a user would, each run in a fresh output folder, alternating
`--no-critic` and the default (critic on), and prints each run's wall time, the median of each,
and the median of the pair-by-pair ratio critic / no critic (the issue's target: at most 1.1), in wall
time and in CPU time of every process the command started (this process adopts the render server
and its renders as their subreaper, so their time is counted): on a shared machine the CPU ratio
is the steadier one.
The shared TeX cache is warmed by one untimed run first, as it is for anyone who has rendered
a lecture before; narration is off unless --narrate (it costs both sides the same).
It also prints what the critic did per section in the last critic run (findings before -> after,
rounds kept), so a figure is never quoted for a critic that found nothing to do.
Figures, not a test: on a shared machine, quote medians and ratios.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _adopt_orphans() -> None:
    """Become the subreaper of what the command starts, so the render server (which outlives the
    CLI by a moment) and the renders it forks are reaped here and their CPU time is counted."""
    import ctypes

    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _reap_all() -> None:
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return


def run_demo(out: Path, *, critic: bool, jobs: int, narrate: bool) -> tuple[float, float, str]:
    """Wall seconds, CPU seconds of every process it started (the CLI, the render server, the
    renders, latex), and what it printed."""
    command = [sys.executable, "-c", "import sys; from code2video_nb.cli import main; sys.exit(main())", "demo", "--out", str(out), "--jobs", str(jobs),
               "--narrate" if narrate else "--no-narrate"] + ([] if critic else ["--no-critic"])
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH") or str(ROOT)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - started
    _reap_all()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}")
    return seconds, cpu, done.stdout + done.stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="timed pairs (default 3)")
    parser.add_argument("--jobs", type=int, default=2, help="sections rendered at once (default 2)")
    parser.add_argument("--narrate", action="store_true", help="narrate too (both sides)")
    args = parser.parse_args()
    _adopt_orphans()
    with tempfile.TemporaryDirectory(prefix="c2v-critic-cost-") as tmp:
        run_demo(Path(tmp) / "warm", critic=True, jobs=args.jobs, narrate=args.narrate)  # TeX cache, fonts
        off, on, ratios, cpu_ratios, last = [], [], [], [], ""
        for n in range(args.runs):
            a, a_cpu, _ = run_demo(Path(tmp) / f"off-{n}", critic=False, jobs=args.jobs, narrate=args.narrate)
            b, b_cpu, last = run_demo(Path(tmp) / f"on-{n}", critic=True, jobs=args.jobs, narrate=args.narrate)
            off.append(a)
            on.append(b)
            ratios.append(b / a)
            cpu_ratios.append(b_cpu / a_cpu)
            print(f"run {n + 1}: --no-critic {a:6.2f} s ({a_cpu:5.2f} s CPU)   critic on {b:6.2f} s "
                  f"({b_cpu:5.2f} s CPU)   ratio {b / a:.3f} wall, {b_cpu / a_cpu:.3f} CPU", flush=True)
    print(f"median: --no-critic {statistics.median(off):.2f} s, critic on {statistics.median(on):.2f} s, "
          f"ratio (pair by pair) {statistics.median(ratios):.3f} wall, {statistics.median(cpu_ratios):.3f} CPU"
          "  [target <= 1.1]")
    for line in re.findall(r"critic, section .*", last):
        print(f"  {line}")


if __name__ == "__main__":
    main()
