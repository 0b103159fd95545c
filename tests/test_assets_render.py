"""Pictures in real renders: the teacher's picture shows where the code places it (a keyframe's
pixels), a missing one is a labelled box and the section still renders, and a swap re-renders that
section only. The model is the scripted server, through the real openai client."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from code2video_nb import assets
from code2video_nb.config import Settings
from code2video_nb.engine import Engine, generate
from code2video_nb.teaching_scene import FRAME_HEIGHT, FRAME_WIDTH, GRID

from conftest import make_client

pytestmark = pytest.mark.render

OUTLINE = {"topic": "Light", "target_audience": "pupils", "sections": [
    {"id": "1", "title": "A prism", "content": "white light splits"},
    {"id": "2", "title": "A circle", "content": "no pictures"}]}
STORYBOARD = {"sections": [
    {"id": "1", "title": "A prism", "lecture_lines": ["A prism splits light", "Some things are missing"],
     "animations": ["the teacher's prism photo", "a unicorn"],
     "assets": [{"name": "prism", "kind": "photo", "description": "a glass prism"},
                {"name": "unicorn", "kind": "photo", "description": "zqxv wubble"}]},
    {"id": "2", "title": "A circle", "lecture_lines": ["A circle"], "animations": ["a circle"]}]}
SECTION_1 = '''from manim import *
from code2video_nb.teaching_scene import TeachingScene


class Section1Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("A prism", ["A prism splits light", "Some things are missing"])
        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        prism = self.asset("assets/prism.png")
        self.place_at_grid(prism, "B2")
        self.play(FadeIn(prism))
        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        unicorn = self.asset("unicorn")
        self.place_at_grid(unicorn, "E5")
        self.play(FadeIn(unicorn))
        self.wait(0.5)
'''
SECTION_2 = '''from manim import *
from code2video_nb.teaching_scene import TeachingScene


class Section2Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("A circle", ["A circle"])
        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        self.play(Create(Circle()))
'''


def pixel(png: Path, cell: str) -> np.ndarray:
    """The colour at a grid cell's centre in a 480p keyframe."""
    x, y, _ = GRID.cell_center(cell)
    image = np.asarray(Image.open(png).convert("RGB"))
    height, width, _ = image.shape
    return image[int((FRAME_HEIGHT / 2 - y) / FRAME_HEIGHT * height), int((x + FRAME_WIDTH / 2) / FRAME_WIDTH * width)]


def test_a_teachers_picture_renders_where_placed_a_missing_one_is_a_box_and_a_swap_renders_one_section(
        server, tmp_path):
    folder = tmp_path / "assets"
    folder.mkdir()
    Image.new("RGB", (200, 150), (230, 20, 20)).save(folder / "prism.png")
    server.script("outline", json.dumps(OUTLINE)).script("storyboard", json.dumps(STORYBOARD))
    server.script("code:1", f"```python\n{SECTION_1}```").script("code:2", f"```python\n{SECTION_2}```")
    settings = Settings.from_env(critic_rounds=0, assets_dir=folder, workers=2)
    client = make_client(server, tmp_path)

    result = generate("Light", out=tmp_path / "lectures", settings=settings, client=client, sections=2)

    assert not result.failed, [s.error for s in result.sections]
    ws = result.workspace
    prism, unicorn = ws.storyboard.section("1").extra["assets"]
    assert (prism["file"], prism["source"]) == ("assets/prism.png", "your folder: prism.png")
    assert unicorn["file"] == "" and "labelled box" in unicorn["note"]
    plan_prompt = next(r for r in server.requests if r.stage == "storyboard").messages[-1]["content"]
    assert "The teacher's own pictures" in plan_prompt and "  - prism.png\n" in plan_prompt
    code_prompt = next(r for r in server.requests if r.stage == "code:1").messages[-1]["content"]
    assert 'self.asset("assets/prism.png")' in code_prompt
    red = pixel(ws.keyframes_dir("1") / "1.png", "B2")
    assert red[0] > 180 and red[1] < 80 and red[2] < 80, red  # the teacher's red picture, at B2
    # The missing picture's box: its outline crosses E5's row at the box's edge, left of the centre.
    row = np.asarray(Image.open(ws.keyframes_dir("1") / "2.png").convert("L"))
    x, y, _ = GRID.cell_center("E5")
    y_px = int((FRAME_HEIGHT / 2 - y) / FRAME_HEIGHT * row.shape[0])
    left_px = int((x - GRID.cell_width + FRAME_WIDTH / 2) / FRAME_WIDTH * row.shape[1])
    assert row[y_px, left_px - 3:left_px + 4].max() > 100  # the box's left edge

    # The swap: a blue picture for section 1 re-renders section 1 only, and asks the model nothing.
    requests = len(server.requests)
    section_2 = ws.section_state("2").render("preview")
    Image.new("RGB", (200, 150), (20, 20, 230)).save(tmp_path / "blue.png")
    assets.swap(ws, "1", "prism", assets.user_file(tmp_path / "blue.png"))
    engine = Engine(settings, client)
    again = engine.render_all(ws)
    assert [r.cached for r in again] == [False, True]
    assert ws.section_state("2").render("preview") == section_2 and len(server.requests) == requests
    blue = pixel(ws.keyframes_dir("1") / "1.png", "B2")
    assert blue[2] > 180 and blue[0] < 80, blue


def _brightest(png: Path, cell: str, half: float = 0.5) -> int:
    """The brightest value within `half` a cell around a cell's centre of a 480p keyframe."""
    x, y, _ = GRID.cell_center(cell)
    image = np.asarray(Image.open(png).convert("L"))
    height, width = image.shape
    col = lambda u: int((u + FRAME_WIDTH / 2) / FRAME_WIDTH * width)  # noqa: E731
    row = lambda v: int((FRAME_HEIGHT / 2 - v) / FRAME_HEIGHT * height)  # noqa: E731
    dx, dy = half * GRID.cell_width, half * GRID.cell_height
    return int(image[row(y + dy):row(y - dy), col(x - dx):col(x + dx)].max())


def test_the_notes_demo_shows_the_notes_own_figure_and_an_offline_icon(tmp_path, capsys):
    from code2video_nb.cli import main

    assert main(["demo", "--from-notes", "--out", str(tmp_path), "--no-critic", "--no-narrate", "--quiet"]) == 0
    lecture = tmp_path / "eigenvectors-and-eigenvalues"
    state = json.loads((lecture / "lecture.json").read_text())
    [figure], [icon] = (s["assets"] for s in state["storyboard"]["sections"][1:])
    assert (figure["file"], figure["source"]) == ("assets/stretch.svg", "your folder: stretch.svg")
    assert icon["file"] == "assets/lightbulb.svg" and icon["source"].endswith("solid/lightbulb.svg")
    assert icon["licence"].startswith("CC BY 4.0")
    credits = (lecture / f"{lecture.name}.credits.txt").read_text()
    assert "assets/stretch.svg: your folder: stretch.svg" in credits
    assert "assets/lightbulb.svg: Font Awesome Free" in credits and "CC BY 4.0" in credits
    assert _brightest(lecture / "keyframes" / "2" / "1.png", "F4") > 150  # the figure, where section 2 puts it
    assert _brightest(lecture / "keyframes" / "3" / "3.png", "E2") > 200  # the white icon
    assert _brightest(lecture / "keyframes" / "3" / "2.png", "E2") < 60  # not there before its block
