"""Lectures in Chinese, Arabic and Spanish, rendered for real (480p15, with espeak-ng's voice for the
language) and read back: the glyphs are drawn, not boxes; Arabic runs right to left in the lecture
column, which stays where it is; a long Chinese line wraps into two rows; the narration is as long as
the video; the subtitles carry what is said, a Chinese cue a sentence.

Chinese is the bundled demo, run offline as the README says (`code2video demo --language zh`). The
Arabic and Spanish lectures are one short section each, which also draws three private-use
characters that no font covers: Pango's "tofu" boxes. The box detector must find them there, so a
test that finds no box in the lecture lines can fail.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from code2video_nb import cli
from code2video_nb.config import Settings
from code2video_nb.engine import Engine
from code2video_nb.narration import AUDIO_RATE, _samples, narration_record
from code2video_nb.plan import Storyboard, slugify
from code2video_nb.teaching_scene import FRAME_HEIGHT, FRAME_WIDTH, LECTURE_COLUMN
from code2video_nb.video import probe
from code2video_nb.workspace import Workspace

from conftest import demo_cassette, isolate

CASES = {
    # the first word, long, is written first: right to left, it must be the one on the right
    "ar": ("المتجهات الذاتية", ["المتجهاتالذاتية لا", "القيمة الذاتية هي معامل التمدد"], "تمدد",
           ["المتجه الذاتي لا يغير اتجاهه.", "القيمة الذاتية تخبرنا بمقدار التمدد."]),
    "es": ("Vectores propios", ["Un vector propio no cambia de dirección", "El valor propio es el factor"],
           "dirección", ["Un vector propio no cambia de dirección.", "El valor propio dice cuánto se estira."]),
}
VOICES = {"zh": "espeak-ng cmn at 2x", "ar": "espeak-ng ar", "es": "espeak-ng es"}  # the demo at --speed 2

SECTION = '''from manim import *
from code2video_nb.teaching_scene import TeachingScene


class Section1Scene(TeachingScene):
    def construct(self):
        self.setup_lecture({title!r}, {lines!r}, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1, run_time=0)
        label = Text({label!r}, font_size=36)
        self.place_at_grid(label, "B3")
        formula = MathTex(r"A v = \\lambda v")
        self.place_at_grid(formula, "D3")
        self.add(label, formula)
        self.wait(0.2)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2, run_time=0)
        control = Text("\\ue000\\ue001\\ue002", font_size=36)
        self.place_at_grid(control, "F5")
        self.add(control)
        self.wait(0.2)
'''


@dataclass
class Rendered:
    tag: str
    ws: Workspace
    video: Path
    srt: Path
    keyframe: Path  # the frame whose lecture column is checked
    control: bool  # it shows the private-use characters' boxes at F5


@pytest.fixture(scope="module", params=["ar", "es", "zh"])
def lecture(request, tmp_path_factory) -> Rendered:
    """The lecture in the language, rendered and exported as `generate` does."""
    tag = request.param
    if tag == "zh":
        return _chinese_demo(tmp_path_factory.mktemp("demo"))
    title, lines, label, said = CASES[tag]
    ws = Workspace.create(tmp_path_factory.mktemp(tag), tag, title)
    ws.set_lecture(language=tag)
    board = {"sections": [{"id": "1", "title": title, "lecture_lines": lines, "animations": ["-", "-"],
                           "narration": said}]}
    ws.set_storyboard(Storyboard.from_dict(board))
    ws.write_code("1", SECTION.format(title=title, lines=lines, label=label), "generated")
    engine = Engine(Settings.from_env(narrate=True, critic_rounds=0, workers=1), None)
    results = engine.render_all(ws)
    assert results[0].ok, results[0].error
    video, srt = engine.export(ws, results)
    return Rendered(tag, ws, video, srt, ws.keyframes_dir("1") / "2.png", control=True)


def _chinese_demo(root: Path) -> Rendered:
    with pytest.MonkeyPatch.context() as env:
        isolate(env, root)  # offline: no key, no endpoint, caches of its own
        # at twice the speed: half the frames to render, the same checks
        assert cli.main(["demo", "--language", "zh", "--out", str(root), "--narrate", "--speed", "2", "--no-critic",
                         "--quiet"]) == 0
    ws = Workspace(root / slugify(demo_cassette("eigenvectors_zh.json")["lecture"]["topic"]))
    video, srt = ws.export_paths()
    # section 2's last keyframe: its third line, "解特征方程 det(A − λI) = 0，求出特征值", is too wide for one row
    return Rendered("zh", ws, video, srt, ws.keyframes_dir("2") / "3.png", control=False)


def _pixels(png) -> np.ndarray:
    return np.asarray(Image.open(png).convert("L"), dtype=float)


def _px(x: float, y: float, shape) -> tuple[int, int]:
    """A scene point's pixel (column, row) in a frame of `shape`."""
    h, w = shape
    return round((x + FRAME_WIDTH / 2) * w / FRAME_WIDTH), round((FRAME_HEIGHT / 2 - y) * h / FRAME_HEIGHT)


def _blobs(image: np.ndarray, box: tuple[int, int, int, int]) -> list[tuple[int, int, int, int, float]]:
    """The connected shapes of ink in `box` (left, top, right, bottom): (left, top, width, height,
    share of its bounding box that is ink)."""
    left, top, right, bottom = box
    ink = image[top:bottom, left:right] > 80
    labels, _ = ndimage.label(ink, structure=np.ones((3, 3)))
    found = []
    for k, where in enumerate(ndimage.find_objects(labels), 1):
        h, w = where[0].stop - where[0].start, where[1].stop - where[1].start
        if h >= 4:
            found.append((where[1].start + left, where[0].start + top, w, h,
                          float((labels[where] == k).sum()) / (h * w)))
    return found


def _tofu(blobs) -> list:
    """Pango's boxes for characters no font has: solid blocks at 480p (ink fills the whole box)."""
    return [b for b in blobs if b[2] >= 6 and b[3] >= 6 and b[4] >= 0.9]


def _column_box(image: np.ndarray) -> tuple[int, int, int, int]:
    left, right, top, _ = LECTURE_COLUMN
    (x0, y0), (x1, _) = _px(left, top, image.shape), _px(right, top, image.shape)
    return x0 - 4, y0, x1 + 4, y0 + 90  # the two lecture lines (and a wrapped row)


def test_the_lecture_lines_glyphs_are_drawn_not_boxes(lecture):
    frame = _pixels(lecture.keyframe)
    if lecture.control:
        control = _blobs(frame, (560, 380, 854, 470))  # the private-use characters at F5
        assert len(_tofu(control)) == 3, control  # the detector sees boxes where there are boxes
        label = _blobs(frame, (430, 120, 640, 200))  # the label at B3, drawn in the lecture's font too
        assert label and _tofu(label) == []
    glyphs = _blobs(frame, _column_box(frame))
    assert _tofu(glyphs) == [], _tofu(glyphs)
    assert len([g for g in glyphs if g[3] >= 10]) >= 12  # real letters, of several shapes
    assert len({(g[2], g[3]) for g in glyphs}) >= 6  # boxes would all be one size


def test_a_long_chinese_line_wraps_within_the_column(lecture):
    if lecture.tag != "zh":
        return
    frame = _pixels(lecture.keyframe)
    left, top, right, bottom = _column_box(frame)
    inked_rows = (frame[top:bottom + 60, left:right] > 80).any(axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], inked_rows.astype(int), [0]])))
    heights = edges[1::2] - edges[::2]  # each band of ink: a line, or rows set close together
    assert len(heights) == 3 and heights[2] > 1.7 * heights[0], heights  # the third line: two rows
    inked_columns = np.flatnonzero((frame[top:bottom + 60, :] > 80)[:, :right + 40].any(axis=0))
    assert inked_columns[-1] <= _px(LECTURE_COLUMN[1], 0, frame.shape)[0] + 2  # nothing past the column


def test_arabic_lines_run_right_to_left_in_the_column_that_stays_put(lecture):
    tag = lecture.tag
    frame = _pixels(lecture.keyframe)
    left, right, top, _ = LECTURE_COLUMN
    (x_left, y_top), (x_right, _) = _px(left, top, frame.shape), _px(right, top, frame.shape)
    row = frame[y_top:y_top + 24, x_left - 4:x_right + 4] > 80  # the first lecture line
    inked = np.flatnonzero(row.any(axis=0)) + x_left - 4
    if tag != "ar":  # left to right: the line starts at the column's left edge
        assert abs(inked[0] - x_left) <= 3, (inked[0], x_left)
        return
    assert abs(inked[-1] - x_right) <= 3, (inked[-1], x_right)  # aligned to the column's right edge
    gaps = np.diff(inked)
    split = int(np.argmax(gaps))  # the space between the two words
    first_word, second_word = inked[split + 1:], inked[:split + 1]
    assert gaps[split] >= 4 and first_word.size > 3 * second_word.size  # the long first word is on the right


def test_the_narration_is_as_long_as_the_video_in_the_languages_voice(lecture):
    info, sections = probe(lecture.video), lecture.ws.planned().sections
    assert info.has_audio and info.duration > 1.0
    sound = _samples(lecture.video).astype(np.float32)
    assert len(sound) / AUDIO_RATE == pytest.approx(info.duration, abs=0.1)
    assert np.sqrt(np.mean(sound ** 2)) > 100  # it speaks, not a silent track
    for section in sections:
        record = narration_record(lecture.ws, section.id)
        assert record.voice == VOICES[lecture.tag] and len(record.seconds) == len(section.lecture_lines)
        assert min(record.seconds) > 0.5


def test_the_subtitles_carry_what_is_said(lecture):
    text = lecture.srt.read_bytes().decode("utf-8")
    cues = [" ".join(block.splitlines()[2:]) for block in text.strip().split("\n\n")]
    said = [line for s in lecture.ws.planned().sections for line in s.narration]
    if lecture.tag == "zh":  # a cue a sentence: "看向量一，一。" / "矩阵把它变成四，二。" / …
        assert "".join(cues) == "".join(said) and len(cues) > len(said)
        assert all(c[-1] in "。！？" for c in cues) and "看向量一，一。" in cues
    else:
        assert cues == said
    assert json.loads(lecture.ws.state_path.read_text())["language"] == lecture.tag
