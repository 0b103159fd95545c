"""Benchmark: what the render sandbox costs. Each demo section is rendered with the runtime
confinement on and off (`--unconfined`), alternating, each from a cold media folder.

    python benchmarks/sandbox_benchmark.py [--repeat 5]

Prints, per section and pass (the check pass alone, as auto-fix runs it, and a whole preview
render), the median wall time with and without the sandbox and the difference. Figures, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from code2video_nb.sandbox.confine import SandboxSettings, landlock_abi
from code2video_nb.render.renderer import render_file, warm_up

from demo_sections import demo_sections  # benchmarks/ is on the path when run as a script


def timed(path: Path, media: Path, *, confined: bool, dry_run_only: bool) -> float:
    outcome = render_file(path, media_dir=media, timeout=240, dry_run_only=dry_run_only,
                          sandbox=SandboxSettings(enabled=confined))
    if not outcome.ok:
        raise SystemExit(f"{path.name} failed: {outcome.error}\n{outcome.log[-2000:]}")
    return outcome.seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    warm_up()
    print(f"Landlock ABI {landlock_abi()}; median of {args.repeat} runs, cold media folder each\n")
    print(f"{'section':<8} {'pass':<7} {'unconfined':>11} {'confined':>9} {'difference':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for path in demo_sections(Path(tmp)):
            for name, dry in (("check", True), ("render", False)):
                times = {True: [], False: []}
                for run in range(args.repeat):
                    for confined in (False, True):  # alternate, so drift hits both alike
                        media = Path(tmp) / f"media-{path.stem}-{name}-{run}-{confined}"
                        times[confined].append(timed(path, media, confined=confined, dry_run_only=dry))
                off, on = statistics.median(times[False]), statistics.median(times[True])
                print(f"{path.stem:<8} {name:<7} {off:>10.2f}s {on:>8.2f}s {on - off:>+10.2f}s ({(on / off - 1) * 100:+.0f}%)")


if __name__ == "__main__":
    main()
