from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from code2video_nb.video import keyframes

FPS = 10
RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def make_video(path: Path, segments: list[tuple[tuple[int, int, int], int]], size=(64, 48)) -> Path:
    """An MP4 of solid-colour frames: `segments` is [(colour, frame count), ...]."""
    w, h = size
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=FPS)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        n = 0
        for colour, count in segments:
            img = np.full((h, w, 3), colour, np.uint8)
            for _ in range(count):
                frame = av.VideoFrame.from_ndarray(img, format="rgb24")
                frame.pts = n
                c.mux(s.encode(frame))
                n += 1
        c.mux(s.encode(None))
    return path


def colour_of(png: Path):
    return np.asarray(Image.open(png).convert("RGB")).reshape(-1, 3).mean(axis=0)


def assert_colour(png: Path, expected):
    rgb = colour_of(png)
    assert np.abs(rgb - np.asarray(expected)).max() < 40, (png, rgb, expected)


def test_last_frame_of_each_block(tmp_path):
    # Each block ends on a different colour than it starts with, so "last frame" is checked.
    video = make_video(tmp_path / "v.mp4", [(WHITE, 5), (RED, 5), (WHITE, 5), (GREEN, 10), (BLUE, 5)])
    paths = keyframes(video, [0.0, 1.0, 2.5], 3.0, 3, tmp_path / "kf")
    assert paths == [tmp_path / "kf" / f"{k}.png" for k in (1, 2, 3)]
    assert all(p.is_file() for p in paths)
    assert_colour(paths[0], RED)    # frames 0-9: white then red
    assert_colour(paths[1], GREEN)  # frames 10-24: white then green
    assert_colour(paths[2], BLUE)   # frames 25-29: the video's last frame
    assert Image.open(paths[0]).size == (64, 48)
    assert not list((tmp_path / "kf").glob(".*"))  # no temp files left behind


@pytest.mark.parametrize("starts", [None, [0.0, 1.0]])  # missing, or the wrong length
def test_even_split_without_usable_block_starts(tmp_path, starts):
    video = make_video(tmp_path / "v.mp4", [(RED, 10), (GREEN, 10), (BLUE, 10)])
    paths = keyframes(video, starts, 3.0, 3, tmp_path / "kf")
    for p, colour in zip(paths, (RED, GREEN, BLUE)):
        assert_colour(p, colour)


def test_rerun_overwrites_and_drops_extra_blocks(tmp_path):
    out = tmp_path / "kf"
    keyframes(make_video(tmp_path / "a.mp4", [(RED, 10), (GREEN, 10), (BLUE, 10)]), None, 3.0, 3, out)
    paths = keyframes(make_video(tmp_path / "b.mp4", [(BLUE, 10), (RED, 10)]), None, 2.0, 2, out)
    assert sorted(p.name for p in out.iterdir()) == ["1.png", "2.png"]
    assert_colour(paths[0], BLUE)
    assert_colour(paths[1], RED)


def test_edge_cases(tmp_path):
    video = make_video(tmp_path / "v.mp4", [(RED, 5), (GREEN, 5)])
    assert keyframes(video, None, 1.0, 0, tmp_path / "none") == []
    # An empty first block (next starts at 0) gets the first frame; a start past the end
    # leaves its block the video's last frame.
    paths = keyframes(video, [0.0, 0.0, 5.0], 1.0, 3, tmp_path / "kf")
    assert_colour(paths[0], RED)
    assert_colour(paths[1], GREEN)
    assert_colour(paths[2], GREEN)
    # An unknown duration (0) is read from the file for the even split.
    paths = keyframes(video, None, 0.0, 2, tmp_path / "probe")
    assert_colour(paths[0], RED)
    assert_colour(paths[1], GREEN)
