from __future__ import annotations


from pathlib import Path

import av
import numpy as np
import pytest

from code2video_nb import video
from code2video_nb.video import Cue, concat_videos, format_timestamp, lecture_cues, probe, write_srt

FPS = 15
RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)


def make_clip(path: Path, colour, seconds: float, size=(320, 180), fps=FPS) -> Path:
    w, h = size
    img = np.zeros((h, w, 3), np.uint8)
    img[:] = colour
    with av.open(str(path), "w") as c:
        s = c.add_stream("libx264", rate=fps)
        s.width, s.height, s.pix_fmt = w, h, "yuv420p"
        for i in range(round(seconds * fps)):
            frame = av.VideoFrame.from_ndarray(img, format="rgb24")
            frame.pts = i
            c.mux(s.encode(frame))
        c.mux(s.encode(None))
    return path


def colour_at(path: Path, t: float):
    """Mean RGB of the first frame shown at or after time t."""
    with av.open(str(path)) as c:
        for f in c.decode(video=0):
            if f.time is not None and f.time >= t:
                return f.to_ndarray(format="rgb24").reshape(-1, 3).mean(axis=0)
    raise AssertionError(f"no frame at {t}s in {path}")


def assert_colour(rgb, expected):
    assert np.abs(np.asarray(rgb) - np.asarray(expected)).max() < 40, (rgb, expected)


def packets(path: Path) -> list[bytes]:
    with av.open(str(path)) as c:
        return [bytes(p) for p in c.demux(video=0) if p.size]


@pytest.fixture
def three_parts(tmp_path):
    return [
        make_clip(tmp_path / "s1.mp4", RED, 1.0),
        make_clip(tmp_path / "s2.mp4", GREEN, 2.0),
        make_clip(tmp_path / "s3.mp4", BLUE, 1.0),
    ]


def test_probe_reports_what_was_written(tmp_path):
    info = probe(make_clip(tmp_path / "a.mp4", RED, 2.0))
    assert (info.width, info.height, info.frames) == (320, 180, 30)
    assert info.fps == pytest.approx(FPS)
    assert info.duration == pytest.approx(2.0, abs=1 / FPS)
    assert info.has_video and not info.has_audio


def test_same_format_parts_join_in_order(tmp_path, three_parts):
    out = concat_videos(three_parts, tmp_path / "lecture.mp4")
    info = probe(out)
    assert info.duration == pytest.approx(4.0, abs=2 / FPS)
    assert info.frames == 60
    assert (info.width, info.height) == (320, 180)
    with av.open(str(out)) as c:
        assert len(c.streams.video) == 1
    assert_colour(colour_at(out, 0.5), RED)
    assert_colour(colour_at(out, 2.0), GREEN)  # middle of part 2 (1s..3s)
    assert_colour(colour_at(out, 3.5), BLUE)


def test_same_format_parts_are_remuxed_not_reencoded(tmp_path, three_parts, monkeypatch):
    def no_reencode(*a):
        raise AssertionError("same-format parts must be remuxed")

    monkeypatch.setattr(video, "_reencode", no_reencode)
    out = concat_videos(three_parts, tmp_path / "lecture.mp4")
    # A packet copy keeps every compressed frame byte for byte: no quality loss.
    assert packets(out) == [b for p in three_parts for b in packets(p)]


def test_mixed_resolutions_fall_back_to_first_size(tmp_path):
    parts = [
        make_clip(tmp_path / "preview.mp4", RED, 1.0),
        make_clip(tmp_path / "final.mp4", GREEN, 2.0, size=(640, 360)),
        make_clip(tmp_path / "fast.mp4", BLUE, 1.0, fps=30),
    ]
    out = concat_videos(parts, tmp_path / "lecture.mp4")
    info = probe(out)
    assert (info.width, info.height) == (320, 180)
    assert info.fps == pytest.approx(FPS)
    assert info.duration == pytest.approx(4.0, abs=2 / FPS)
    assert info.frames == pytest.approx(60, abs=2)
    assert_colour(colour_at(out, 2.0), GREEN)
    assert_colour(colour_at(out, 3.5), BLUE)


def test_no_temp_files_left_and_output_replaced(tmp_path, three_parts):
    out = tmp_path / "lecture.mp4"
    out.write_bytes(b"old")
    concat_videos(three_parts, out)
    write_srt([Cue(0, 1, "hi")], tmp_path / "lecture.srt")
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["lecture.mp4", "lecture.srt", "s1.mp4", "s2.mp4", "s3.mp4"]
    assert probe(out).frames == 60


def test_empty_list_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="at least one"):
        concat_videos([], tmp_path / "out.mp4")


def test_missing_part_is_a_clear_error(tmp_path):
    real = make_clip(tmp_path / "s1.mp4", RED, 1.0)
    with pytest.raises(ValueError, match="not found: .*nope.mp4"):
        concat_videos([real, tmp_path / "nope.mp4"], tmp_path / "out.mp4")
    assert not (tmp_path / "out.mp4").exists()


def test_format_timestamp():
    assert format_timestamp(1.5) == "00:00:01,500"
    assert format_timestamp(0) == "00:00:00,000"
    assert format_timestamp(3723.0456) == "01:02:03,046"


def test_write_srt_exact_text(tmp_path):
    out = write_srt([Cue(0, 1.5, "Hello"), Cue(1.5, 4.25, "World\n\nagain")], tmp_path / "a.srt")
    assert out.read_text(encoding="utf-8") == (
        "1\n00:00:00,000 --> 00:00:01,500\nHello\n\n"
        "2\n00:00:01,500 --> 00:00:04,250\nWorld\nagain\n\n"
    )


def test_lecture_cues_even_split_and_offsets():
    cues = lecture_cues([(4.0, ["a", "b"], None), (3.0, ["c", "d", "e"], [0.0, 1.0])])
    assert cues == [
        Cue(0.0, 2.0, "a"), Cue(2.0, 4.0, "b"),  # even split
        Cue(4.0, 5.0, "c"), Cue(5.0, 6.0, "d"), Cue(6.0, 7.0, "e"),  # wrong length -> even
    ]


def test_lecture_cues_use_block_starts():
    cues = lecture_cues([(2.0, ["intro"], None), (5.0, ["x", "y", "z"], [0.0, 0.5, 3.0])])
    assert cues == [
        Cue(0.0, 2.0, "intro"),
        Cue(2.0, 2.5, "x"), Cue(2.5, 5.0, "y"), Cue(5.0, 7.0, "z"),
    ]


def test_lecture_cues_skip_sections_without_lines():
    assert lecture_cues([(3.0, [], None), (1.0, ["only"], [0.0])]) == [Cue(3.0, 4.0, "only")]


@pytest.mark.render
def test_rendered_sections_of_different_lengths_are_remuxed(tmp_path, monkeypatch):
    """Real manim sections: their average frame rates differ in the last digits (computed from
    each file's length); that alone must not cost a re-encode of the whole lecture."""
    from code2video_nb.render.renderer import render_file

    parts = []
    for k, seconds in enumerate((0.4, 0.7), 1):
        scene = tmp_path / f"s{k}.py"
        scene.write_text(f"from manim import *\n\nclass S{k}(Scene):\n    def construct(self):\n"
                         f"        self.play(FadeIn(Square()), run_time={seconds})\n        self.wait(0.3)\n")
        outcome = render_file(scene, media_dir=tmp_path / f"media{k}", timeout=120)
        assert outcome.ok, outcome.log[-1000:]
        parts.append(outcome.video)
    with av.open(str(parts[0])) as a, av.open(str(parts[1])) as b:
        assert a.streams.video[0].average_rate != b.streams.video[0].average_rate
    monkeypatch.setattr(video, "_reencode", lambda *a: pytest.fail("manim's sections must be remuxed"))
    out = concat_videos(parts, tmp_path / "lecture.mp4")
    assert packets(out) == [b for p in parts for b in packets(p)]
