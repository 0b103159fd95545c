"""Benchmark: what narration costs. Two figures:

1. Synthesis: the demo's nine narration lines spoken by espeak-ng from an empty cache, then again
   from the cache; seconds of wall time per minute of speech.
2. End to end: `code2video demo` (critic off, preview quality) in a fresh folder, silent
   (`--no-narrate`) and narrated (`--narrate`), alternating, `--runs` times each; the wall time
   and the lecture's length. A narrated lecture is longer (each block lasts as long as its line),
   so it has more frames to render: both are reported.

    python benchmarks/narration_benchmark.py [--runs 3]

Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import tempfile
import time
from importlib import resources
from pathlib import Path

from code2video_nb.plan import Storyboard
from code2video_nb.replies import parse_json
from code2video_nb.video import probe
from code2video_nb.voices import CachedVoice, EspeakVoice

SLUG = "eigenvectors-eigenvalues-and-eigenbasis"


def demo_narration() -> list[str]:
    cassette = json.loads(resources.files("code2video_nb").joinpath("demo", "eigenvectors.json").read_text())
    reply = next(i["reply"] for i in cassette["interactions"] if i["stage"] == "storyboard")
    board = Storyboard.from_dict(parse_json(reply))
    return [text for section in board.sections for text in section.narration]


def synthesis(tmp: Path) -> None:
    lines = demo_narration()
    voice = CachedVoice(EspeakVoice(), tmp / "lines")
    for label in ("empty cache", "cached"):
        started = time.perf_counter()
        spoken = sum(voice.synthesize(line).seconds for line in lines)
        wall = time.perf_counter() - started
        print(f"synthesis, {label:<11}: {len(lines)} lines, {spoken:5.1f} s of speech in {wall:6.3f} s "
              f"= {60 * wall / spoken:6.3f} s per minute of speech")


def lecture(tmp: Path, narrate: bool, run: int) -> tuple[float, float]:
    out = tmp / f"{'narrated' if narrate else 'silent'}-{run}"
    flag = "--narrate" if narrate else "--no-narrate"
    started = time.perf_counter()
    subprocess.run(["code2video", "demo", "--out", str(out), "--no-critic",
                    "--quiet", flag], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    video = out / SLUG / f"{SLUG}.mp4"
    return wall, probe(video).duration


def end_to_end(tmp: Path, runs: int) -> None:
    figures = {False: [], True: []}
    for run in range(runs):
        for narrate in (False, True):
            figures[narrate].append(lecture(tmp, narrate, run))
    for narrate, label in ((False, "silent"), (True, "narrated")):
        walls, lengths = [w for w, _ in figures[narrate]], [d for _, d in figures[narrate]]
        print(f"demo, {label:<8}: wall {statistics.median(walls):5.1f} s (runs: "
              f"{', '.join(f'{w:.1f}' for w in walls)}), lecture {statistics.median(lengths):5.1f} s long")
    silent, spoken = (statistics.median(w for w, _ in figures[n]) for n in (False, True))
    print(f"narration adds {spoken - silent:+.1f} s ({spoken / silent:.2f}x) to the demo's end-to-end time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="c2v-narration-bench-") as tmp:
        synthesis(Path(tmp))
        end_to_end(Path(tmp), args.runs)


if __name__ == "__main__":
    main()
