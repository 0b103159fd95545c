"""The sandbox as a lecture meets it: legitimate sections render unchanged, settings that change
the picture are part of the preview cache's key."""

from __future__ import annotations

import pytest
from PIL import Image

from code2video_nb.config import Settings
from code2video_nb.engine import Engine
from code2video_nb.plan import Storyboard
from code2video_nb.sandbox.safety import check_code
from code2video_nb.video import probe
from code2video_nb.workspace import Workspace

LEGITIMATE = '''from manim import *
import os
import numpy as np
from code2video_nb.teaching_scene import TeachingScene

ASSETS = os.path.join(os.path.dirname(__file__), "..", "assets")


class Section1Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("Pictures and formulas", ["A picture from the lecture folder", "A formula"])

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        picture = ImageMobject(os.path.join(ASSETS, "wave.png")).scale(2)
        self.place_at_grid(picture, "B3")
        points = [np.array([np.cos(t), np.sin(t), 0]) for t in np.linspace(0, 2 * np.pi, 7)]
        self.play(FadeIn(picture), Create(VMobject().set_points_as_corners(points)), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        formula = MathTex(r"e^{i\\pi} + 1 = 0")
        self.place_at_grid(formula, "E3")
        self.play(Write(formula), run_time=0.5)
'''


def lecture(tmp_path, code: str) -> Workspace:
    ws = Workspace.create(tmp_path, "sandbox", "Sandbox")
    ws.set_storyboard(Storyboard.from_dict({"sections": [{
        "id": "1", "title": "Pictures and formulas", "lecture_lines": ["A picture", "A formula"],
        "animations": ["show the picture", "write the formula"]}]}))
    ws.write_code("1", code, "test")
    (ws.dir / "assets").mkdir()
    Image.new("RGBA", (64, 32), (30, 120, 220, 255)).save(ws.dir / "assets" / "wave.png")
    return ws


@pytest.mark.render
def test_a_lecture_with_mathtex_pictures_and_numpy_renders_inside_the_sandbox(tmp_path, monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-should-not-matter")
    assert check_code(LEGITIMATE) == []
    ws = lecture(tmp_path, LEGITIMATE)
    result = Engine(Settings.from_env(), None).build_section(ws, ws.storyboard.section("1"))
    assert result.ok, result.error
    assert 1.0 < probe(result.video).duration < 5.0  # the title, two highlights and two plays


@pytest.mark.render
def test_the_debug_grid_is_part_of_the_preview_cache_key(tmp_path, monkeypatch):
    monkeypatch.delenv("CODE2VIDEO_DEBUG_GRID", raising=False)
    ws = lecture(tmp_path, LEGITIMATE)
    engine = Engine(Settings.from_env(), None)
    assert engine.build_section(ws, ws.storyboard.section("1")).ok
    assert engine.build_section(ws, ws.storyboard.section("1")).cached
    monkeypatch.setenv("CODE2VIDEO_DEBUG_GRID", "1")  # the grid is drawn: a new picture, a new render
    again = engine.build_section(ws, ws.storyboard.section("1"))
    assert again.ok and not again.cached
