"""Lectures in Chinese, Arabic and Spanish, rendered for real (one short section each, 480p15, with
espeak-ng's voice for the language) and read back: the glyphs are drawn, not boxes; Arabic runs right
to left in the lecture column, which stays where it is; the narration is as long as the video; the
subtitles carry what is said, a Chinese cue a sentence.

Each section also draws three private-use characters, which no font covers: Pango's "tofu" boxes.
The box detector must find them there, so a test that finds no box in the lecture lines can fail.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image
from scipy import ndimage

from code2video_nb.config import Settings
from code2video_nb.engine import Engine
from code2video_nb.narration import AUDIO_RATE, _samples, narration_record
from code2video_nb.plan import Storyboard
from code2video_nb.teaching_scene import FRAME_HEIGHT, FRAME_WIDTH, LECTURE_COLUMN
from code2video_nb.video import probe
from code2video_nb.workspace import Workspace

CASES = {
    "zh": ("特征向量", ["特征向量在线性变换下只被拉伸或压缩，方向不变", "特征值是拉伸的倍数"], "拉伸",
           ["特征向量只被拉伸。它的方向不变。", "特征值告诉我们拉伸了多少。"]),
    # the first word, long, is written first: right to left, it must be the one on the right
    "ar": ("المتجهات الذاتية", ["المتجهاتالذاتية لا", "القيمة الذاتية هي معامل التمدد"], "تمدد",
           ["المتجه الذاتي لا يغير اتجاهه.", "القيمة الذاتية تخبرنا بمقدار التمدد."]),
    "es": ("Vectores propios", ["Un vector propio no cambia de dirección", "El valor propio es el factor"],
           "dirección", ["Un vector propio no cambia de dirección.", "El valor propio dice cuánto se estira."]),
}
VOICES = {"zh": "espeak-ng cmn", "ar": "espeak-ng ar", "es": "espeak-ng es"}

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


@pytest.fixture(scope="module", params=sorted(CASES))
def lecture(request, tmp_path_factory):
    """One narrated section in the language, rendered and exported as `generate` does."""
    tag = request.param
    title, lines, label, said = CASES[tag]
    ws = Workspace.create(tmp_path_factory.mktemp(tag), tag, title)
    ws.set_lecture(language=tag)
    board = {"sections": [{"id": "1", "title": title, "lecture_lines": lines, "animations": ["-", "-"],
                           "narration": said}]}
    ws.set_plan("storyboard", Storyboard.from_dict(board))
    ws.write_code("1", SECTION.format(title=title, lines=lines, label=label), "generated")
    engine = Engine(Settings.from_env(narrate=True, critic_rounds=0, workers=1), None)
    results = engine.render_all(ws)
    assert results[0].ok, results[0].error
    video, srt = engine.export(ws, results)
    return tag, ws, video, srt


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
    tag, ws, _, _ = lecture
    frame = _pixels(ws.keyframes_dir("1") / "2.png")
    control = _blobs(frame, (560, 380, 854, 470))  # the private-use characters at F5
    assert len(_tofu(control)) == 3, control  # the detector sees boxes where there are boxes
    glyphs = _blobs(frame, _column_box(frame))
    assert _tofu(glyphs) == [], _tofu(glyphs)
    assert len([g for g in glyphs if g[3] >= 10]) >= 12  # real letters, of several shapes
    assert len({(g[2], g[3]) for g in glyphs}) >= 6  # boxes would all be one size
    label = _blobs(frame, (430, 120, 640, 200))  # the label at B3, drawn in the lecture's font too
    assert label and _tofu(label) == []


def test_arabic_lines_run_right_to_left_in_the_column_that_stays_put(lecture):
    tag, ws, _, _ = lecture
    frame = _pixels(ws.keyframes_dir("1") / "2.png")
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
    tag, ws, video, _ = lecture
    info = probe(video)
    assert info.has_audio and info.duration > 1.0
    sound = _samples(video).astype(np.float32)
    assert len(sound) / AUDIO_RATE == pytest.approx(info.duration, abs=0.1)
    assert np.sqrt(np.mean(sound ** 2)) > 100  # it speaks, not a silent track
    record = narration_record(ws, "1")
    assert record.voice == VOICES[tag] and len(record.seconds) == 2 and min(record.seconds) > 0.5


def test_the_subtitles_carry_what_is_said(lecture):
    tag, ws, _, srt = lecture
    text = srt.read_bytes().decode("utf-8")
    said = CASES[tag][3]
    cues = [block.splitlines()[2:] for block in text.strip().split("\n\n")]
    if tag == "zh":  # a cue a sentence: "特征向量只被拉伸。" / "它的方向不变。" / the second line
        assert [" ".join(c) for c in cues] == ["特征向量只被拉伸。", "它的方向不变。", said[1]]
    else:
        assert [" ".join(c) for c in cues] == said
    assert json.loads(ws.state_path.read_text())["language"] == tag
