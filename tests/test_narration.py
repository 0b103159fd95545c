"""Narration end to end: real espeak-ng speech, real manim renders, real MP4s read back with PyAV.

The narrated demo lecture (rendered once for the module) must carry a sound track as long as its
picture, with each line heard where its subtitle starts; a block whose animation is shorter than
its line is padded; an edited section speaks nothing again that did not change; the remote voice
is the real `openai` client against the scripted server.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import av
import numpy as np
import pytest

from code2video_nb import cli
from code2video_nb.config import Settings
from code2video_nb.engine import Engine
from code2video_nb.narration import AUDIO_RATE, PAUSE, _samples, narration_record
from code2video_nb.plan import Storyboard
from code2video_nb.video import _signature, probe
from code2video_nb.workspace import Workspace

from conftest import loaded_shell

pytestmark = pytest.mark.skipif(
    not shutil.which("espeak-ng") and not os.environ.get("CI"),
    reason="espeak-ng is not installed here (scripts/install.sh installs it; under CI this test runs)")

SLUG = "eigenvectors-eigenvalues-and-eigenbasis"


@pytest.fixture(scope="module")
def narrated_demo(tmp_path_factory):
    """`code2video demo --narrate`, as a user runs it, in an isolated environment."""
    root = tmp_path_factory.mktemp("narrated")
    with pytest.MonkeyPatch.context() as env:
        for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CODE2VIDEO_TTS_MODEL", "CODE2VIDEO_VOICE"):
            env.delenv(name, raising=False)
        env.setenv("CODE2VIDEO_CACHE_DIR", str(root / "reply-cache"))
        env.setenv("XDG_CACHE_HOME", str(root / "xdg"))
        assert cli.main(["demo", "--out", str(root), "--narrate", "--no-critic", "--quiet"]) == 0
    return Workspace(root / SLUG)


def _cues(srt: Path) -> list[tuple[float, float, str]]:
    def seconds(stamp):
        h, m, rest = stamp.split(":")
        return int(h) * 3600 + int(m) * 60 + float(rest.replace(",", "."))

    cues = []
    for block in srt.read_text(encoding="utf-8").strip().split("\n\n"):
        _, times, *text = block.splitlines()
        start, end = (seconds(t.strip()) for t in times.split("-->"))
        cues.append((start, end, " ".join(text)))
    return cues


def _audio(video: Path) -> np.ndarray:
    """The video's sound as mono samples at AUDIO_RATE."""
    return _samples(video).astype(np.float32)


def _onset(samples: np.ndarray, threshold: float = 800.0) -> float:
    """Seconds to the first clearly audible sample."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    return loud[0] / AUDIO_RATE if len(loud) else float("inf")


def _stream_seconds(video: Path) -> dict[str, float]:
    with av.open(str(video)) as c:
        return {s.type: float(s.duration * s.time_base) for s in c.streams}


def test_the_narrated_demo_speaks_for_exactly_as_long_as_it_shows(narrated_demo):
    ws = narrated_demo
    video, srt = ws.export_paths()
    lengths = _stream_seconds(video)
    assert set(lengths) == {"video", "audio"}
    assert abs(lengths["audio"] - lengths["video"]) < 0.1
    for section in ws.storyboard.sections:  # each preview plays with its sound too
        preview = _stream_seconds(ws.preview_path(section.id))
        assert abs(preview["audio"] - preview["video"]) < 0.1
    assert len(_audio(video)) / AUDIO_RATE == pytest.approx(lengths["video"], abs=0.1)


def test_every_subtitle_starts_where_its_line_is_heard(narrated_demo):
    ws = narrated_demo
    video, srt = ws.export_paths()
    cues, sound = _cues(srt), _audio(video)
    said = [text for s in ws.storyboard.sections for text in s.narration]
    assert [text for _, _, text in cues] == said  # the subtitles say what is spoken
    clips = [ws.dir / "audio" / s.id / f"{k}.wav" for s in ws.storyboard.sections
             for k in range(1, len(s.narration) + 1)]
    for (start, end, text), clip in zip(cues, clips):
        own = _samples(clip).astype(np.float32)
        lead = _onset(own)  # espeak-ng's own silence before the first word
        window = sound[int((start - 0.5) * AUDIO_RATE):int((start + 1.0) * AUDIO_RATE)]
        heard = start - 0.5 + _onset(window) - lead
        assert abs(heard - start) < 0.1, (text, heard, start)
        assert end - start == pytest.approx(len(own) / AUDIO_RATE, abs=0.1)  # shown while it is spoken


def test_no_block_is_shorter_than_its_line(narrated_demo):
    ws = narrated_demo
    for section in ws.storyboard.sections:
        render = ws.section_state(section.id).render("preview")
        spoken = narration_record(ws, section.id).seconds
        ends = render.block_starts[1:] + [render.duration]
        for start, end, seconds in zip(render.block_starts, ends, spoken):
            assert end - start >= seconds + PAUSE - 0.05, (section.id, start, end, seconds)


SHORT_SECTION = '''# Section 1: Padding
#   1. A dot appears
#      -> a dot
#      say: {first}
#   2. It moves
#      -> the dot moves right
#      say: It moves to the right.

from manim import *
from code2video_nb.teaching_scene import TeachingScene


class Section1Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("Padding", ["A dot appears", "It moves"], animate=False)
        self.highlight_line(1, run_time=0)
        dot = Dot()
        self.place_at_grid(dot, "C3")
        self.add(dot)
        self.wait(0.2)
        self.highlight_line(2, run_time=0)
        self.play(dot.animate.shift(RIGHT), run_time=0.5)
'''


def _short_lecture(root: Path, first: str) -> Workspace:
    ws = Workspace.create(root, "padding", "Padding")
    board = {"sections": [{"id": "1", "title": "Padding", "lecture_lines": ["A dot appears", "It moves"],
                           "animations": ["a dot", "the dot moves right"],
                           "narration": [first, "It moves to the right."]}]}
    ws.set_storyboard(Storyboard.from_dict(board))
    ws.write_code("1", SHORT_SECTION.format(first=first), "generated")
    return ws


LONG_LINE = ("This single dot is the whole picture for now, and the narrator keeps talking about it "
             "for a good while longer than its animation lasts.")


def test_a_block_shorter_than_its_narration_is_padded_and_edits_reuse_the_audio(tmp_path):
    settings = Settings.from_env(narrate=True, critic_rounds=0, workers=1)
    engine, ws = Engine(settings, None), _short_lecture(tmp_path, LONG_LINE)
    section = ws.storyboard.section("1")
    first = engine.build_section(ws, section)
    assert first.ok, first.error
    render = ws.section_state("1").render("preview")
    spoken = narration_record(ws, "1").seconds
    assert spoken[0] > 5  # the animation of block 1 lasts 0.2 s
    assert render.block_starts[1] - render.block_starts[0] >= spoken[0] + PAUSE - 0.05
    assert render.duration >= render.block_starts[1] + spoken[1]  # the last line is not cut either
    assert probe(first.video).has_audio
    lines = ws.dir / "audio" / "lines"
    cached = {p.name: p.stat().st_mtime_ns for p in lines.iterdir()}

    # The code changes, the lines do not: a new render, no new speech.
    progress = []
    engine = Engine(settings, None, lambda stage, message: progress.append((stage, message)))
    ws.write_code("1", ws.read_code("1").replace("shift(RIGHT)", "shift(LEFT)"), "hand edit")
    again = engine.build_section(ws, ws.storyboard.section("1"))
    assert again.ok and not again.cached
    assert {p.name: p.stat().st_mtime_ns for p in lines.iterdir()} == cached
    assert not [m for stage, m in progress if stage == "narration"]

    # The narration edited in the cell's header: that line alone is spoken, and the plan follows.
    ws.write_code("1", ws.read_code("1").replace(LONG_LINE, "A dot."), "hand edit")
    edited = engine.build_section(ws, ws.storyboard.section("1"))
    assert edited.ok
    assert len(list(lines.iterdir())) == len(cached) + 1
    spoken_again = [m for stage, m in progress if stage == "narration"]
    assert len(spoken_again) == 1 and spoken_again[0].startswith("section 1: 1 line(s) spoken by espeak-ng en-us")
    assert json.loads((ws.dir / "lecture.json").read_text())["storyboard"]["sections"][0]["narration"][0] == "A dot."
    shorter = ws.section_state("1").render("preview")
    assert shorter.block_starts[1] - shorter.block_starts[0] < 2  # the pause follows the shorter line


def test_the_remote_voice_narrates_through_the_openai_client(live_env, tmp_path, monkeypatch):
    monkeypatch.setenv("CODE2VIDEO_TTS_MODEL", "tts-1")
    settings = Settings.from_env(narrate=True, critic_rounds=0, workers=1, voice="nova", speech_speed=1.25)
    ws = _short_lecture(tmp_path, "A dot appears in the middle.")
    result = Engine(settings, None).build_section(ws, ws.storyboard.section("1"))
    assert result.ok, result.error
    requests = live_env.speech_requests
    assert [r.input for r in requests] == ["A dot appears in the middle.", "It moves to the right."]
    assert {(r.model, r.voice, r.speed, r.stage) for r in requests} == {("tts-1", "nova", 1.25, "narration")}
    assert narration_record(ws, "1").voice == "remote:tts-1 nova at 1.25x"
    assert probe(result.video).has_audio


def test_narration_insisted_on_without_a_voice_is_one_line_saying_what_to_install(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on it
    code = cli.main(["render", str(_short_lecture(tmp_path, "A dot.").dir), "--narrate"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1
    assert "espeak-ng is not installed" in err[0] and "apt-get install espeak-ng" in err[0]


def test_the_notebook_picks_the_voice_and_status_says_what_each_section_speaks(narrated_demo, monkeypatch):
    from IPython.utils.capture import capture_output

    monkeypatch.chdir(narrated_demo.dir.parent)
    with loaded_shell() as shell:
        shell.run_line_magic("config", "Code2Video.voice = 'en-gb'")
        shell.run_line_magic("config", "Code2Video.speech_speed = 1.2")
        shell.run_line_magic("config", "Code2Video.root = '.'")
        settings = shell.magics_manager.registry["Code2Video"].run_config().settings
        assert (settings.voice, settings.speech_speed) == ("en-gb", 1.2)
        shell.run_line_magic("config", "Code2Video.narrate = False")
        assert shell.magics_manager.registry["Code2Video"].run_config().settings.narrate is False
        with capture_output() as shown:
            shell.run_line_magic("c2v", f"status {SLUG}")
        table = shown.outputs[0].data["text/html"]
    for section in narrated_demo.storyboard.sections:
        seconds = sum(narration_record(narrated_demo, section.id).seconds)
        assert f"espeak-ng en-us: 3 line(s), {seconds:.1f} s" in table


def _frame_at(video: Path, seconds: float) -> np.ndarray:
    with av.open(str(video)) as c:
        for frame in c.decode(video=0):
            if (frame.time or 0.0) >= seconds:
                return frame.to_ndarray(format="rgb24")
    raise AssertionError(f"no frame at {seconds} s in {video}")


def _packets(video: Path) -> list[bytes]:
    with av.open(str(video)) as c:
        return [bytes(p) for p in c.demux(video=0) if p.size]


def _green(picture: np.ndarray) -> int:
    """Pixels in the colour a revealed answer is drawn in (quiz_card.RIGHT)."""
    from code2video_nb.quiz_card import RIGHT

    return int((np.abs(picture.astype(int) - np.array(RIGHT)).sum(axis=2) < 40).sum())


def test_quiz_cards_follow_their_sections_with_picture_sound_and_subtitles_on_one_timeline(narrated_demo, tmp_path):
    from code2video_nb.quiz_card import THINK

    from conftest import copy_lecture

    ws = Workspace(copy_lecture(narrated_demo.dir, tmp_path))
    engine = Engine(Settings.from_env(narrate=True, quiz_in_video=True, critic_rounds=0), None)
    results = engine.render_all(ws, "preview")
    assert all(r.cached for r in results)  # the sections as they were: only the cards are new
    video, srt = engine.export(ws, results, "preview")
    cards = sorted((ws.dir / "cards").glob("*.mp4"))
    assert [p.name for p in cards] == ["1-preview.mp4", "2-preview.mp4", "3-preview.mp4"]
    parts = sum(probe(r.video).duration for r in results) + sum(probe(p).duration for p in cards)
    assert abs(probe(video).duration - parts) < 0.5
    cues = _cues(srt)
    asked = [k for k, (_, _, text) in enumerate(cues) if text.startswith("Where does the matrix send")]
    (k,) = asked  # section 1's first question, after section 1's three lines
    (q_start, q_end, _), (a_start, a_end, answer) = cues[k], cues[k + 1]
    assert answer.startswith("The answer is C: (3, 0).") and q_end == a_start  # shown while thinking
    assert q_start >= cues[k - 1][1] and "it is an eigenvector" in cues[k - 1][2]  # after section 1's last line
    samples = _audio(video)
    think = samples[int((a_start - THINK + 0.4) * AUDIO_RATE):int((a_start - 0.1) * AUDIO_RATE)]
    assert np.abs(think).max() < 800  # the pause to think is silent
    assert _onset(samples[int(a_start * AUDIO_RATE):]) < 0.5  # the answer is heard as it is revealed
    assert _green(_frame_at(video, a_start - 0.4)) == 0  # not revealed while thinking
    assert _green(_frame_at(video, a_start + 0.4)) > 50  # revealed as the voice says it
    # Joined by copying packets, not re-encoding: the cards are encoded as manim encodes the sections,
    # so the sections reach the lecture bit for bit (no quality lost, no wait at every export).
    assert {_signature(p) for p in cards} == {_signature(r.video) for r in results}
    in_order = [part for r, card in zip(results, cards) for part in (r.video, card)]
    assert _packets(video) == [packet for part in in_order for packet in _packets(part)]
