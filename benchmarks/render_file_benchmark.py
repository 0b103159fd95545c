"""Benchmark: what `code2video render FILE.py` costs around manim's own render of the same file.

    python benchmarks/render_file_benchmark.py [FILE.py ...] [--runs 3]

Per file (default: the paper-style files under tests/data/imported/ that render), the median wall
time of, alternating so that drift hits all alike:

    manim        `manim -ql --disable_caching FILE Scene` in a fresh folder
    no critic    `code2video render FILE --out <fresh> --no-critic --no-narrate`
    with critic  the same with the critic's findings (the default)
    unchanged    the same command again: nothing to render
    import       reading the file and making its lecture (`scene_import.import_files`), in process

Each command is a new process, as a user runs it (so each pays its own start-up). Figures, not a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from code2video_nb import scene_import

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "imported"
DEFAULT = [DATA / "primes_6x6.py", DATA / "fractions_5x5.py", DATA / "chessboard_8x8.py"]
CLI = "import sys; from code2video_nb.launch import main; sys.exit(main())"  # what `code2video` runs


def timed(command: list[str], cwd: Path) -> float:
    started = time.monotonic()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    return time.monotonic() - started


def one_run(path: Path, tmp: Path, run: int) -> dict[str, float]:
    scene = scene_import.read_scene(path).scene
    folder = tmp / f"{path.stem}-{run}"
    folder.mkdir()
    ours = [sys.executable, "-c", CLI, "render", str(path), "--no-narrate", "--quiet"]
    times = {"manim": timed([sys.executable, "-m", "manim", "-ql", "--disable_caching", "--media_dir",
                             str(folder / "manim"), str(path), scene], folder),
             "no critic": timed(ours + ["--out", str(folder / "plain"), "--no-critic"], folder),
             "with critic": timed(ours + ["--out", str(folder / "critic")], folder)}
    times["unchanged"] = timed(ours + ["--out", str(folder / "critic")], folder)
    started = time.monotonic()
    scene_import.import_files([path], folder / "import" / path.stem)
    times["import"] = time.monotonic() - started
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("files", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    columns = ["manim", "no critic", "with critic", "unchanged", "import"]
    print(f"median of {args.runs} run(s), each command a new process\n")
    print(f"{'file':<20}" + "".join(f"{c:>13}" for c in columns) + f"{'no critic/manim':>17}")
    with tempfile.TemporaryDirectory() as tmp:
        for path in (p.resolve() for p in args.files):
            runs = [one_run(path, Path(tmp), k) for k in range(args.runs)]
            median = {c: statistics.median(r[c] for r in runs) for c in columns}
            print(f"{path.name:<20}" + "".join(f"{median[c]:>12.2f}s" for c in columns)
                  + f"{median['no critic'] / median['manim']:>16.2f}x")


if __name__ == "__main__":
    main()
