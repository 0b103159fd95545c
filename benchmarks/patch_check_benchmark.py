"""What checking the critic's patches costs (critic/patch_check.py), on the critic corpora.

    python benchmarks/patch_check_benchmark.py [--runs 1] [FOLDER …]

For each scene: the critique without the check (`check_patches=False`) and with it (each patch
that passes the checks on the code and the shots is critiqued again, one dry run each), warm:
one untimed run first typesets every formula; the critic's memory of runs is dropped before each. Prints per folder the time of both, the ratio,
how many patches were offered, withheld by the checks on the code and the shots (no run), and
withheld after the patched code's critique.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from code2video_nb.critic.critique import critique_file, forget_records  # noqa: E402

DATA = ROOT / "tests" / "data"


def timed(path: Path, media: Path, check: bool, runs: int):
    times, result = [], None
    for _ in range(runs):
        forget_records()  # each timing runs the scene (and its patched versions) again
        started = time.monotonic()
        result = critique_file(path, media_dir=media, check_patches=check)
        times.append(time.monotonic() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    folders = args.folders or sorted(p for p in DATA.glob("*corpus*") if p.is_dir() and p.name != "fix_corpus")
    media = Path(tempfile.mkdtemp(prefix="c2v-patch-bench-"))
    grand = [0.0, 0.0]
    print(f"{'folder':<22}{'files':>6}{'without':>10}{'with':>10}{'ratio':>7}{'offered':>9}{'by code':>9}"
          f"{'by rerun':>10}")
    for folder in folders:
        files = sorted(folder.glob("*.py"))
        plain = checked = 0.0
        offered = static = dynamic = 0
        for path in files:
            critique_file(path, media_dir=media, check_patches=False)  # warm: formulas typeset once
            seconds, _ = timed(path, media, False, args.runs)
            plain += seconds
            seconds, result = timed(path, media, True, args.runs)
            checked += seconds
            for f in result.findings:
                offered += f.patch is not None
                if f.patch_note:
                    rerun = f.patch_note.startswith("no change offered: the patched code")
                    dynamic += rerun
                    static += not rerun
        grand[0] += plain
        grand[1] += checked
        print(f"{folder.name:<22}{len(files):>6}{plain:>9.1f}s{checked:>9.1f}s{checked / plain:>7.2f}"
              f"{offered:>9}{static:>9}{dynamic:>10}")
    print(f"{'all':<22}{'':>6}{grand[0]:>9.1f}s{grand[1]:>9.1f}s{grand[1] / grand[0]:>7.2f}")


if __name__ == "__main__":
    main()
