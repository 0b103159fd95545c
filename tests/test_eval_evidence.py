"""Narration as evidence for TeachQuiz's video pass (`eval quiz --evidence`): the real openai client
against the scripted server, on small real videos with a subtitles file beside them."""

from __future__ import annotations

import json
from fractions import Fraction

import av
import numpy as np
import pytest

from code2video_nb import cli
from code2video_nb.evaluation import evidence, frames

QUESTIONS = [{"question": "Which colour comes last?", "answer": "C",
              "options": {"A": "Red", "B": "Purple", "C": "Blue", "D": "Green"}}]
SRT = """1
00:00:00,000 --> 00:00:00,800
Red is first.

2
00:00:01,000 --> 00:00:01,900
Then purple,
as the red fades.

3
00:00:02,200 --> 00:00:02,900
Blue at the end.
"""


@pytest.fixture
def ask(server, tmp_path, monkeypatch, capsys):
    """Run `eval quiz VIDEO --json [args]` with one question scripted right in every pass: the
    video pass's request content, and the JSON printed."""
    questions = tmp_path / "questions.json"
    questions.write_text(json.dumps(QUESTIONS))
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")

    def run(video, *args):
        for stage in ("quiz:plain", "quiz:unlearned", "quiz:video"):
            server.script(stage, '{"answer": "C"}')
        code = cli.main(["eval", "quiz", str(video), "--topic", "Colours", "--questions", str(questions),
                         "--model", "vlm-1", "--base-url", server.base_url, "--frames", "3", "--json", *args])
        assert code == 0, capsys.readouterr().err
        (request,) = [r for r in server.requests if r.stage == "quiz:video"]
        return request.messages[-1]["content"], json.loads(capsys.readouterr().out)

    return run


def narrated_clip(path):
    """A real 3 s MP4 with a sound track (a quiet tone), the shape of a narrated export."""
    with av.open(str(path), "w") as out:
        picture_stream = out.add_stream("libx264", rate=10)
        picture_stream.width, picture_stream.height, picture_stream.pix_fmt = 160, 90, "yuv420p"
        sound = out.add_stream("aac", rate=16000)
        sound.layout = "mono"
        for i in range(30):
            frame = av.VideoFrame.from_ndarray(np.full((90, 160, 3), 40 * (i // 10), dtype=np.uint8), format="rgb24")
            frame.pts, frame.time_base = i, Fraction(1, 10)
            out.mux(picture_stream.encode(frame))
        tone = (0.1 * np.sin(np.arange(48000) * 2 * np.pi * 440 / 16000)).astype(np.float32)
        for start in range(0, 48000, 1024):
            chunk = av.AudioFrame.from_ndarray(tone[None, start:start + 1024], format="fltp", layout="mono")
            chunk.sample_rate, chunk.pts, chunk.time_base = 16000, start, Fraction(1, 16000)
            out.mux(sound.encode(chunk))
        out.mux(picture_stream.encode())
        out.mux(sound.encode())
    return path


def texts(content) -> list[str]:
    return [p["text"] for p in content if p["type"] == "text"]


def test_frames_with_subtitles_follow_each_frame_with_what_was_said_before_it(ask, video):
    video.with_suffix(".srt").write_text(SRT)
    content, out = ask(video, "--evidence", "frames+subtitles")
    kinds = [p["type"] for p in content]
    assert kinds == ["image_url", "text"] * 3 + ["text"]  # each frame, its subtitles; then the question
    said = texts(content)[:3]  # frames at 0.5, 1.5, 2.5 s: each cue goes with the first frame at or after its middle
    assert said[0] == "Subtitles since the frame before: [0:00.0–0:00.8] Red is first."
    assert said[1] == "Subtitles since the frame before: [0:01.0–0:01.9] Then purple, as the red fades."
    assert said[2].endswith("Blue at the end.")  # its middle (2.55 s) is after the last frame: the last takes it
    prompt = texts(content)[-1]
    assert "3 frames, in order, evenly spaced in time" in prompt and "each followed by the subtitles" in prompt
    assert out["evidence"] == "frames+subtitles" and out["video"] == 1.0


def test_frames_alone_are_announced_as_pictures_without_sound(ask, video):
    video.with_suffix(".srt").write_text(SRT)  # a silent clip: the default is frames alone
    content, out = ask(video)
    assert [p["type"] for p in content] == ["image_url"] * 3 + ["text"]
    prompt = texts(content)[-1]
    assert "pictures only, with no sound or subtitles" in prompt and "says" not in prompt and "Red is first" not in prompt
    assert out["evidence"] == "frames"


def test_a_narrated_video_gets_its_subtitles_by_default(ask, tmp_path):
    clip = narrated_clip(tmp_path / "talk.mp4")
    clip.with_suffix(".srt").write_text(SRT)
    content, out = ask(clip)
    assert out["evidence"] == "frames+subtitles" and "Red is first." in texts(content)[0]
    assert evidence.choose("frames", frames.locate(clip)) == "frames"  # asked for: frames alone
    clip.with_suffix(".srt").unlink()  # narrated without subtitles: frames alone, no error
    assert evidence.choose(None, frames.locate(clip)) == "frames"


def test_subtitles_asked_for_and_missing_say_what_to_do(server, tmp_path, video, capsys, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    (tmp_path / "questions.json").write_text(json.dumps(QUESTIONS))
    code = cli.main(["eval", "quiz", str(video), "--topic", "Colours", "--model", "vlm-1", "--questions",
                     str(tmp_path / "questions.json"), "--base-url", server.base_url, "--evidence", "frames+subtitles"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and "\n" not in err and "clip.mp4 has no subtitles beside it" in err
    assert "--evidence frames" in err and not server.requests  # nothing asked, nothing paid


def test_the_whole_video_is_followed_by_all_its_subtitles(ask, video):
    video.with_suffix(".srt").write_text(SRT)
    content, _ = ask(video, "--send", "video", "--evidence", "frames+subtitles")
    assert [p["type"] for p in content] == ["video_url", "text", "text"]
    assert texts(content)[0].count("[0:0") == 3
    assert "given to you as the whole video, followed by its subtitles" in texts(content)[1]


def test_read_srt_reads_what_export_writes(tmp_path):
    from code2video_nb.video import Cue, write_srt

    cues = [Cue(0.0, 1.25, "One line"), Cue(61.5, 62.0, "Two\nlines")]
    assert evidence.read_srt(write_srt(cues, tmp_path / "x.srt")) == [Cue(0.0, 1.25, "One line"),
                                                                       Cue(61.5, 62.0, "Two lines")]
    assert evidence.assign(cues, (1.0, 2.0)) == [[cues[0]], [cues[1]]]
