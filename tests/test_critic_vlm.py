"""The VLM review (critic/vlm.py) through the real openai client and the scripted server: what it
sends (one keyframe per block with the anchor grid drawn in its true place, the placement table,
stage critic:<id>, the model from CODE2VIDEO_VLM_MODEL), and what it makes of the answer
(patches that apply, notes for what cannot be patched, malformed JSON re-asked, tokens counted)."""

from __future__ import annotations

import base64
import io
import json
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from code2video_nb.config import Settings
from code2video_nb.critic import vlm
from code2video_nb.findings import Box, Placed, Shot, Stage, shot_from_dict, stage_from_dict
from code2video_nb.errors import ConfigError, ReplyFormatError, WorkspaceError
from code2video_nb.plan import Storyboard
from code2video_nb.render.renderer import render_file
from code2video_nb.teaching_scene import GRID, LECTURE_COLUMN, TITLE_BAND
from code2video_nb.workspace import Workspace

from conftest import make_client

SECTION = '''from manim import *
from code2video_nb.teaching_scene import GRID, TeachingScene


class GridCheck(TeachingScene):
    def construct(self):
        self.setup_lecture("Grid check", ["A red box and a long label", "A dot"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        box = Rectangle(width=2 * GRID.cell_width, height=2 * GRID.cell_height,
                        color=RED, fill_opacity=1, stroke_width=0)
        self.place_in_area(box, "C3", "D4")
        self.play(FadeIn(box), run_time=0.4)
        label = Text("a long label that runs off", font_size=30)
        self.place_at_grid(label, "C6")
        self.play(Write(label), run_time=0.4)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        dot = Dot(color=BLUE)
        self.place_at_grid(dot, "A1")
        self.play(FadeIn(dot), run_time=0.4)
        self.wait(0.4)
'''
LINES = ["A red box and a long label", "A dot"]
MAGENTA = np.array(vlm.GRID_RGBA[:3])


def line_of(text: str, code: str = SECTION) -> int:
    return next(i for i, line in enumerate(code.splitlines(), 1) if text in line)


def cell_box(top_left: str, bottom_right: str | None = None) -> Box:
    left, right, top, bottom = GRID.area_bounds(top_left, bottom_right or top_left)
    return Box(left, bottom, right, top)


def stage() -> Stage:
    grid = {c: tuple(GRID.cell_center(c)[:2]) for c in GRID.cells()}
    return Stage(Box(-64 / 9, -4, 64 / 9, 4), Box(TITLE_BAND[0], TITLE_BAND[3], TITLE_BAND[1], TITLE_BAND[2]),
                 Box(LECTURE_COLUMN[0], LECTURE_COLUMN[3], LECTURE_COLUMN[1], LECTURE_COLUMN[2]),
                 grid, (GRID.cell_width, GRID.cell_height))


def shots() -> list[Shot]:
    """What the instrumented run reports for SECTION (by hand: the geometry the code sets)."""
    c6 = GRID.cell_center("C6")
    box = Placed(1, "shape", "Rectangle", "box", line_of("box = Rectangle"), line_of("place_in_area(box"),
                 cell_box("C3", "D4"))
    label = Placed(2, "text", "Text", "label", line_of("label = Text"), line_of("place_at_grid(label"),
                   Box(c6[0] - 2.6, c6[1] - 0.2, c6[0] + 2.6, c6[1] + 0.2), text_height=0.3)
    a1 = GRID.cell_center("A1")
    dot = Placed(3, "shape", "Dot", "dot", line_of("dot = Dot"), line_of("place_at_grid(dot"),
                 Box(a1[0] - 0.08, a1[1] - 0.08, a1[0] + 0.08, a1[1] + 0.08))
    title = Placed(9, "text", "Text", None, line_of("setup_lecture"), None,
                   Box(-1.5, 3.2, 1.5, 3.8), role="title")
    return [Shot(0.4, line_of("FadeIn(box)"), 1, [title, box], [1]),
            Shot(0.8, line_of("Write(label)"), 1, [title, box, label], [2]),
            Shot(1.5, line_of("FadeIn(dot)"), 2, [title, box, label, dot], [3]),
            Shot(1.9, line_of("self.wait(0.4)"), 2, [title, box, label, dot], [])]


def workspace(tmp_path, keyframes: bool = True) -> Workspace:
    ws = Workspace.create(tmp_path / "lectures", "grid-check", "Grid check")
    ws.set_storyboard(Storyboard.from_dict({"sections": [{
        "id": "1", "title": "Grid check", "lecture_lines": LINES, "animations": ["box and label", "dot"]}]}))
    ws.write_code("1", SECTION, "test")
    if keyframes:  # black frames at the preview's size; the real keyframes are in the render test
        ws.keyframes_dir("1").mkdir(parents=True)
        for k in (1, 2):
            Image.new("RGB", (854, 480)).save(ws.keyframes_dir("1") / f"{k}.png")
    return ws


def apply(code: str, patch) -> str:
    """A patch as the contract defines it: lines start..end hold `old` and become `new`."""
    lines = code.splitlines(keepends=True)
    assert "".join(lines[patch.start - 1:patch.end]).rstrip("\n") == patch.old.rstrip("\n")
    return "".join(lines[:patch.start - 1]) + patch.new.rstrip("\n") + "\n" + "".join(lines[patch.end:])


def images(request) -> list[Image.Image]:
    parts = [p for m in request.messages if isinstance(m["content"], list) for p in m["content"]]
    urls = [p["image_url"]["url"] for p in parts if p.get("type") == "image_url"]
    assert all(u.startswith("data:image/png;base64,") for u in urls)
    return [Image.open(io.BytesIO(base64.b64decode(u.partition(",")[2]))).convert("RGB") for u in urls]


def texts(request) -> str:
    parts = [p for m in request.messages if isinstance(m["content"], list) for p in m["content"]]
    return "\n".join(p["text"] for p in parts if p.get("type") == "text")


def answer(*issues) -> str:
    return json.dumps({"issues": list(issues)})


def run(server, tmp_path, monkeypatch, *replies, ws=None, seen=None):
    """One review round; `seen`: (shots, stage) of a real instrumented run, else the hand-made ones."""
    monkeypatch.setenv("CODE2VIDEO_VLM_MODEL", "vision-1")
    server.script("critic", *replies)
    client = make_client(server, tmp_path)
    ws = ws or workspace(tmp_path)
    model = Settings.from_env().vlm_model
    return vlm.review_section(ws, "1", *(seen or (shots(), stage())), client, model), client


def instrumented(path) -> tuple[list[Shot], Stage]:
    """The critic's own run of a section file (render process, no frames): its shots and stage."""
    outcome = render_file(path, media_dir=path.parent.parent / ".media" / "critic", timeout=120, critique=True)
    assert outcome.ok, outcome.error
    return [shot_from_dict(s) for s in outcome.shots], stage_from_dict(outcome.stage)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """SECTION rendered as a preview (its keyframes) and run instrumented (its shots): done once."""
    from code2video_nb.engine import Engine

    ws = workspace(tmp_path_factory.mktemp("rendered"), keyframes=False)
    assert Engine(Settings.from_env(), None).build_section(ws, ws.storyboard.section("1")).ok
    return ws, instrumented(ws.code_path("1"))


# -- what is sent ---------------------------------------------------------------------------------

@pytest.mark.render
def test_a_real_keyframe_goes_out_with_the_grid_where_the_scene_puts_it(server, tmp_path, monkeypatch, rendered):
    ws, seen = rendered
    raw = np.asarray(Image.open(ws.keyframes_dir("1") / "1.png").convert("RGB")).astype(int)
    findings, _ = run(server, tmp_path, monkeypatch, answer(), ws=ws, seen=seen)
    assert findings == []
    request = server.requests[-1]
    assert request.stage == "critic:1" and request.model == "vision-1"
    sent = images(request)
    assert len(sent) == 2 and all(im.size == (854, 480) for im in sent)  # one per lecture-line block

    # The red box fills C3:D4 exactly, so its edges in the real frame are where the grid's lines must be.
    area = cell_box("C3", "D4")
    x, y = vlm.to_pixels((area.left + area.right) / 2, (area.top + area.bottom) / 2, (854, 480))
    centre = raw[round(y), round(x)]
    assert centre[0] > 200 and centre[1] < 150  # manim's RED
    red = np.argwhere(np.abs(raw - centre).max(axis=2) < 60)
    (top, left), (bottom, right) = red.min(axis=0), red.max(axis=0)
    x0, y0 = vlm.to_pixels(cell_box("C3").left, cell_box("C3").top, (854, 480))
    x1, y1 = vlm.to_pixels(cell_box("D4").right, cell_box("D4").bottom, (854, 480))
    assert abs(left - x0) <= 1.5 and abs(right - x1) <= 1.5 and abs(top - y0) <= 1.5 and abs(bottom - y1) <= 1.5

    # Where the frame is black, the grid's lines are drawn in magenta, exactly at those columns and rows.
    drawn = np.asarray(sent[0]).astype(int)
    a1 = cell_box("A1")
    gx, gy = vlm.to_pixels(a1.right, (a1.top + a1.bottom) / 2, (854, 480))  # A1|A2 border, mid-height
    assert raw[round(gy), round(gx)].max() < 40
    assert np.abs(drawn[round(gy), round(gx)] - MAGENTA * vlm.GRID_RGBA[3] / 255).max() < 40
    assert drawn[round(gy), round(gx) + 3].max() < 40  # a line, not a smear
    hx, hy = vlm.to_pixels((a1.left + a1.right) / 2 + 0.3, a1.bottom, (854, 480))  # A1/B1 border
    assert drawn[round(hy), round(hx)][0] > 100 and drawn[round(hy) + 3, round(hx)].max() < 40

    table = texts(request)
    assert "| box | Rectangle | C3:D4 |" in table
    created, placed = line_of("label = Text"), line_of("place_at_grid(label")
    assert f"| label | Text | C4:C6, partly off the frame | {created} | {placed} |" in table
    assert "| dot | Dot | A1 |" in table and "Grid check" in table and '"A dot"' in table


@pytest.mark.render
def test_a_move_on_a_real_run_puts_the_object_where_the_model_said(server, tmp_path, monkeypatch, rendered):
    ws, seen = rendered
    findings, _ = run(server, tmp_path, monkeypatch, answer(
        {"block": 1, "kind": "offscreen", "objects": ["label"], "problem": "the label runs off the right edge",
         "action": "move", "area": ["E3", "E6"]}), ws=ws, seen=seen)
    (move,) = findings
    assert move.kind == "offscreen" and move.line == line_of("place_at_grid(label") and move.time > 0
    patched = tmp_path / "sections" / "1.py"
    patched.parent.mkdir()
    patched.write_text(apply(SECTION, move.patch))
    after, _ = instrumented(patched)
    label = next(o for o in after[-1].objects if o.name == "label")
    assert cell_box("E3", "E6").contains(label.box, 0.01)  # in the area, so on the frame


def test_the_vlm_is_off_without_its_own_model(tmp_path, monkeypatch):
    monkeypatch.setenv("CODE2VIDEO_MODEL", "gpt-4.1")  # the text model does not turn the VLM on
    settings = Settings.from_env()
    assert settings.vlm_model is None and vlm.off_reason(settings) == vlm.OFF
    with pytest.raises(ConfigError, match="CODE2VIDEO_VLM_MODEL"):
        vlm.review_section(workspace(tmp_path), "1", shots(), stage(), None, settings.vlm_model)
    monkeypatch.setenv("CODE2VIDEO_VLM_MODEL", "vision-1")
    assert vlm.off_reason(Settings.from_env()) is None


def test_without_keyframes_it_says_to_render_first(server, tmp_path, monkeypatch):
    with pytest.raises(WorkspaceError, match="render the section's preview first"):
        run(server, tmp_path, monkeypatch, ws=workspace(tmp_path, keyframes=False))
    assert server.requests == []


def test_a_paper_style_grid_is_drawn_where_that_scene_has_it(tmp_path):
    # A base class of its own: a 6×6 grid of 1×1 cells centred at the origin.
    grid = {f"{r}{c}": (c - 3.5, 2.5 - i) for i, r in enumerate("ABCDEF") for c in range(1, 7)}
    own = Stage(Box(-64 / 9, -4, 64 / 9, 4), None, None, grid, None)  # no cell size: from the spacing
    cells = vlm.grid_cells(own)
    assert cells["A1"] == Box(-3.0, 2.0, -2.0, 3.0)
    png = io.BytesIO()
    Image.new("RGB", (854, 480)).save(png, format="PNG")
    drawn = np.asarray(Image.open(io.BytesIO(vlm.draw_grid(png.getvalue(), cells))).convert("RGB")).astype(int)
    x, y = vlm.to_pixels(0.0, -0.5, (854, 480))  # the C3|C4 … F3|F4 border: x = 0
    assert x == 427 and drawn[round(y), 427][0] > 100 and drawn[round(y), 440].max() < 40


# -- what the answer becomes ----------------------------------------------------------------------

def test_a_move_becomes_a_patch_in_grid_terms_that_applies(server, tmp_path, monkeypatch):
    findings, _ = run(server, tmp_path, monkeypatch, answer(
        {"block": 1, "kind": "offscreen", "objects": ["label"], "problem": "the label runs off the right edge",
         "action": "move", "area": ["E3", "E6"]},
        {"block": 2, "kind": "too_small", "objects": ["dot"], "problem": "the dot is tiny", "action": "scale",
         "factor": 2},
        {"block": 2, "kind": "stale_overlap", "objects": ["box"], "problem": "the box of line 1 is still there",
         "action": "fade_out"}))
    move, scale, fade = findings
    assert (move.kind, move.source, move.objects, move.block, move.line) == (
        "offscreen", "vlm", ["label"], 1, line_of("place_at_grid(label"))
    assert move.message == "the label runs off the right edge" and move.time == 0.8 and len(move.boxes) == 1
    assert move.patch.old.strip() == 'self.place_at_grid(label, "C6")'
    assert move.patch.new.strip() == 'self.place_in_area(label, "E3", "E6")'
    assert scale.patch.new.strip() == 'self.place_at_grid(dot, "A1", scale_factor=2)'
    # on screen since line 1, stale in line 2: faded out before line 2's first animation
    assert fade.patch.new.strip() == "self.play(FadeOut(box), run_time=0.5)"
    assert (fade.patch.start, fade.patch.old) == (line_of("FadeIn(dot)"), "")
    for finding in findings:
        patched = apply(SECTION, finding.patch)
        compile(patched, "section.py", "exec")
        assert finding.patch.new.strip() in patched


def test_what_cannot_be_patched_becomes_a_note_with_the_models_words(server, tmp_path, monkeypatch):
    findings, _ = run(server, tmp_path, monkeypatch, answer(
        {"block": 1, "kind": "overlap", "objects": ["ghost"], "problem": "the ghost hides the box",
         "action": "move", "cell": "B2"},
        {"block": 2, "kind": "other", "objects": [], "problem": "blue on black is hard to see", "action": "none"},
        {"block": 1, "objects": ["label"], "problem": "the label should go below", "action": "move", "cell": "Z9"},
        {"block": 7, "objects": ["box"], "problem": "wobbly", "action": "teleport"},
        {"block": 2, "objects": ["dot"], "problem": "the dot lingers", "action": "fade_out"}))
    assert [f.kind for f in findings] == ["note"] * 5 and all(f.patch is None for f in findings)
    assert all(f.source == "vlm" for f in findings)
    ghost, remark, bad_cell, odd, last = findings
    assert "during the last lecture line" in last.message and last.line == line_of("place_at_grid(dot")
    assert ghost.message.startswith("the ghost hides the box") and "no object named 'ghost'" in ghost.message
    assert remark.message.startswith("blue on black is hard to see") and remark.block == 2
    assert "Z9" in bad_cell.message and bad_cell.line == line_of("place_at_grid(label")
    assert "teleport" in odd.message and odd.block is None


def test_malformed_json_is_reasked_with_the_problem_then_bounded(server, tmp_path, monkeypatch):
    good = answer({"block": 1, "kind": "offscreen", "objects": ["label"], "problem": "off",
                   "action": "move", "cell": "E5"})
    findings, _ = run(server, tmp_path, monkeypatch, "Sure! The layout looks fine.", '{"issues": "none"}', good)
    assert [f.patch.new.strip() for f in findings] == ['self.place_at_grid(label, "E5")']
    asks = server.requests
    assert [r.stage for r in asks] == ["critic:1"] * 3
    assert "could not be used" in asks[1].messages[-1]["content"]
    assert '{"issues": [...]}' in asks[2].messages[-1]["content"]
    assert len(images(asks[2])) == 2  # the re-ask still carries the keyframes

    server.requests.clear()
    (tmp_path / "lectures").rename(tmp_path / "old")
    with pytest.raises(ReplyFormatError, match="still unusable"):
        run(server, tmp_path, monkeypatch, "no", "no", "no")
    assert len(server.requests) == 3  # json_reasks = 2


def test_tokens_are_counted_on_the_critic_stage_and_the_log_keeps_no_image(server, tmp_path, monkeypatch):
    _, client = run(server, tmp_path, monkeypatch, answer())
    usage = client.usage_by_stage()["critic:1"]
    assert usage["calls"] == 1 and usage["prompt_tokens"] > 2 * 425  # two 854×480 images at 425 tokens each
    log = (tmp_path / "log.jsonl").read_text()
    entry = json.loads(log)
    assert len(log) < 20_000 and "base64," in log and "characters elided, sha256" in log
    assert entry["model"] == "vision-1" and entry["stage"] == "critic:1"


def test_a_second_round_is_told_what_the_first_one_changed(server, tmp_path, monkeypatch):
    first, _ = run(server, tmp_path, monkeypatch, answer(
        {"block": 1, "kind": "offscreen", "objects": ["label"], "problem": "the label runs off",
         "action": "move", "cell": "E5"}))
    monkeypatch.setenv("CODE2VIDEO_VLM_MODEL", "vision-1")
    server.script("critic", answer())
    again = vlm.review_section(workspace(tmp_path / "2"), "1", shots(), stage(),
                               make_client(server, tmp_path), "vision-1", previous=first)
    assert again == []
    assert "Since the previous review" in texts(server.requests[-1])
    assert "- keyframe 1: the label runs off" in texts(server.requests[-1])
    assert "previous review" not in texts(server.requests[0])


def test_the_engines_loop_gets_bounded_rounds_and_loses_no_finding(server, tmp_path, monkeypatch):
    monkeypatch.setenv("CODE2VIDEO_VLM_MODEL", "vision-1")
    move = {"block": 1, "kind": "offscreen", "objects": ["label"], "problem": "the label runs off",
            "action": "move", "cell": "E5"}
    fade = {"block": 2, "kind": "stale_overlap", "objects": ["box"], "problem": "the box lingers", "action": "fade_out"}
    server.script("critic", answer(move, fade), answer(fade))
    ws = workspace(tmp_path)
    seen = SimpleNamespace(shots=shots(), stage=stage())  # what the loop hands over: its critique
    review = vlm.reviewer(ws, "1", make_client(server, tmp_path), "vision-1", max_rounds=2)
    first = review(seen)
    ws.write_code("1", apply(SECTION, first[0].patch), "critic: round 1")  # the loop applied the move only
    second = review(seen)
    assert [f.kind for f in second] == ["stale_overlap"] and len(server.requests) == 2
    assert 'now: self.place_at_grid(label, "E5")' in texts(server.requests[1])
    assert "the box lingers" not in texts(server.requests[1])  # not applied, so not reported as a change
    assert review(seen) == second and len(server.requests) == 2  # rounds spent: what is still open, no request
    ws.write_code("1", apply(ws.read_code("1"), second[0].patch), "critic: round 2")
    assert review(seen) == []
