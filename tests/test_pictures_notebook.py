"""The plan's pictures in a notebook (notebook/pictures.py), through the real magics in an in-process
IPython shell and the scripted server: thumbnails with source and licence under the plan, the
candidates to swap to, and a swap by path that renders that section only (a real render)."""

from __future__ import annotations

import base64
import json

import nbformat

import pytest
from PIL import Image

from test_assets_render import OUTLINE, SECTION_1, SECTION_2, STORYBOARD, pixel


def encoded(path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()


@pytest.mark.render
def test_the_plan_shows_each_sections_pictures_and_a_swap_renders_that_section_only(ip, live_env, tmp_path):
    (tmp_path / "assets").mkdir()
    Image.new("RGB", (200, 150), (230, 20, 20)).save(tmp_path / "assets" / "prism.png")
    Image.new("RGB", (200, 150), (20, 20, 230)).save(tmp_path / "blue.png")
    live_env.script("outline", json.dumps(OUTLINE)).script("storyboard", json.dumps(STORYBOARD))
    live_env.script("code:1", f"```python\n{SECTION_1}```").script("code:2", f"```python\n{SECTION_2}```")

    ip.run_cell_magic("code2video", "--sections 2 --no-render --no-critic", "Light")

    session = ip.magics_manager.registry["Code2Video"].session
    ws = session.workspace(None)
    board = session.pictures[ws.slug]
    prism, unicorn = board.rows
    assert [r.section_id for r in board.rows] == ["1", "1"]  # section 2 asked for no picture
    assert encoded(tmp_path / "assets" / "prism.png") in prism.thumb.children[0].value
    caption = prism.widget.children[0].children[1].value
    assert "assets/prism.png" in caption and "your folder: prism.png" in caption and "licence" in caption
    assert "labelled box" in unicorn.widget.children[0].children[1].value
    assert any(c.source.startswith("Font Awesome Free") for c in prism.options)  # the icon set's candidates

    prism.path.value = str(tmp_path / "blue.png")
    prism.button.click()

    assert "now uses assets/prism-" in prism.status.value, prism.status.value
    assert ws.section_state("1").render("preview") is not None
    assert ws.section_state("2").render("preview") is None  # not rendered: the swap was section 1's
    blue = pixel(ws.keyframes_dir("1") / "1.png", "B2")
    assert blue[2] > 180 and blue[0] < 80, blue
    assert encoded(tmp_path / "blue.png") in prism.thumb.children[0].value
    assert ws.section_state("1").history[-1].reason == "asset swap: prism"
    assert 'self.asset("assets/prism-' in ws.read_code("1")


def test_a_wrong_path_is_one_line_and_changes_nothing_and_the_notebook_keeps_the_credits(ip, live_env, tmp_path):
    live_env.script("outline", json.dumps(OUTLINE)).script("storyboard", json.dumps(STORYBOARD))
    live_env.script("code:1", f"```python\n{SECTION_1}```").script("code:2", f"```python\n{SECTION_2}```")
    ip.run_cell_magic("code2video", "--sections 2 --no-render --no-critic", "Light")
    session = ip.magics_manager.registry["Code2Video"].session
    ws = session.workspace(None)
    row = session.pictures[ws.slug].rows[0]
    code = ws.read_code("1")
    row.path.value = str(tmp_path / "nowhere.png")
    row.button.click()
    assert "no such file" in row.status.value and ws.read_code("1") == code

    ip.run_line_magic("c2v", f"notebook {tmp_path / 'lecture.ipynb'}")
    markdown = [c.source for c in nbformat.read(str(tmp_path / "lecture.ipynb"), as_version=4).cells
                if c.cell_type == "markdown"]
    assert "*Pictures:* `assets/prism.svg`: Font Awesome Free" in markdown[1] and "CC BY 4.0" in markdown[1]
    assert "Pictures" not in markdown[2]
