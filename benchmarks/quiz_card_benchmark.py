"""Benchmark: what `--quiz-in-video` adds to an export, per section card.

    python benchmarks/quiz_card_benchmark.py [--size 854x480] [--fps 15]

Makes the cards of the demo lecture's three sections (its hand-written questions, two each) at the
preview size, silent (timed by reading speed) and spoken by espeak-ng when it is installed (the
second spoken run answered from the line cache), and prints the seconds each took, the cards'
length and their file size. The cards are encoded as manim encodes the sections, so the export
joins them by copying packets: `quiz_join_benchmark.py` measures that join against the old cards.
Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from importlib import resources
from pathlib import Path

from code2video_nb.narration import Narrator
from code2video_nb.plan import Storyboard
from code2video_nb.quiz_card import make_card
from code2video_nb.replies import parse_json


def demo_questions() -> dict:
    cassette = json.loads(resources.files("code2video_nb").joinpath("demo", "eigenvectors.json").read_text("utf-8"))
    (reply,) = [i["reply"] for i in cassette["interactions"] if i["stage"] == "storyboard"]
    return {s.id: s.quiz for s in Storyboard.from_dict(parse_json(reply)).sections}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="854x480")
    parser.add_argument("--fps", type=float, default=15)
    args = parser.parse_args()
    size = tuple(int(x) for x in args.size.split("x"))
    questions = demo_questions()
    runs = [("silent", None)]
    if shutil.which("espeak-ng"):
        from code2video_nb.voices import EspeakVoice

        narrator = Narrator(EspeakVoice())
        runs += [("espeak-ng, first", narrator), ("espeak-ng, cached lines", narrator)]
    with tempfile.TemporaryDirectory() as tmp:
        for name, voice in runs:
            for sid, asked in questions.items():
                started = time.perf_counter()
                card = make_card(asked, Path(tmp) / f"{sid}.mp4", size=size, fps=args.fps, narrator=voice,
                                 lines_dir=Path(tmp) / "lines")
                took = time.perf_counter() - started
                print(f"{name:<24} section {sid}: {len(asked)} question(s), card {card.duration:5.1f} s, "
                      f"{card.path.stat().st_size / 1e3:6.1f} kB, made in {took:.2f} s")


if __name__ == "__main__":
    main()
