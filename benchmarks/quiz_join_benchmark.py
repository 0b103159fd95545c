"""Benchmark: joining a lecture with quiz cards (`--quiz-in-video` export), cards encoded as before
(their own x264 preset) against cards encoded as manim encodes the sections.

    python benchmarks/quiz_join_benchmark.py [--size 854x480] [--fps 15] [--sections 3] [--seconds 20]

Writes stand-in section videos with manim's own segment encoder (the settings a real render
uses; a moving shape, `--seconds` long each), makes the demo lecture's quiz cards at the same
size and frame rate, and times `make_card` and `concat_videos` for both ways of encoding the
cards: with different stream headers the join re-encodes every part; with equal headers it copies
packets. Prints wall and CPU seconds, which path the join took and the load average (the machine
may be shared: compare the two lines of one run, not runs). Figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np

from code2video_nb import quiz_card
from code2video_nb.video import _signature, concat_videos

from quiz_card_benchmark import demo_questions

BEFORE = (("preset", "ultrafast"), ("tune", "stillimage"))  # what cards were encoded with until now


def section_stand_in(out: Path, size: tuple[int, int], fps: int, seconds: float) -> Path:
    """A section video as manim writes one: its segment encoder with its resolved default settings."""
    from manim._config.output import OutputFormat, OutputSpec
    from manim._config.video_encoder import resolve_video_encoder
    from manim.scene.video_segment_encoder import VideoSegmentEncoder

    width, height = size
    spec = resolve_video_encoder(OutputSpec(OutputFormat.MP4, False, False, False),
                                 width=width, height=height, frame_rate=fps)
    assert spec is not None
    encoder = VideoSegmentEncoder(target=out, spec=spec)
    pixels = np.zeros((height, width, 4), np.uint8)
    pixels[..., 3] = 255
    side = height // 4
    for n in range(round(seconds * fps)):
        pixels[..., :3] = 20
        x = (n * 7) % (width - side)
        pixels[height // 3:height // 3 + side, x:x + side, :3] = (90, 160, 230)
        encoder.write_frame(pixels)
    encoder.finish()
    return out


def cpu() -> float:
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def export(sections: list[Path], questions: dict, folder: Path, size, fps) -> tuple[float, float, str]:
    """Cards then the join, as `Engine.export` does them (silent cards: no voice to wait for)."""
    wall, used = time.perf_counter(), cpu()
    parts = []
    for video, asked in zip(sections, questions.values()):
        card = quiz_card.make_card(asked, folder / f"card-{video.stem}.mp4", size=size, fps=fps)
        parts += [video, card.path]
    path = "remux (packets copied)" if len({_signature(p) for p in parts}) == 1 else "re-encode every part"
    concat_videos(parts, folder / "lecture.mp4")
    return time.perf_counter() - wall, cpu() - used, path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="854x480")
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--sections", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    size = (int(args.size.split("x")[0]), int(args.size.split("x")[1]))
    questions = dict(list(demo_questions().items())[:args.sections])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        sections = [section_stand_in(folder / f"{sid}.mp4", size, args.fps, args.seconds) for sid in questions]
        print(f"{len(sections)} section(s) of {args.seconds:.0f} s at {size[0]}x{size[1]}@{args.fps}, "
              f"a card after each; load average {os.getloadavg()[0]:.1f}")
        now = quiz_card.SECTION_OPTIONS
        for name, options in (("before: cards' own preset", BEFORE), ("after: cards as manim encodes", now)):
            quiz_card.SECTION_OPTIONS = options
            wall, used, path = export(sections, questions, folder, size, args.fps)
            print(f"{name:<32} export {wall:6.2f} s wall, {used:6.2f} s CPU  ({path})")
        quiz_card.SECTION_OPTIONS = now
        print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
