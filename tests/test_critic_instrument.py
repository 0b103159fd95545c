"""The critic's instrumented run: real manim in the real (sandboxed) render process, no mocks.

What is on screen after each play()/wait() of a TeachingScene section and of a paper-style file
with its own base class inline: names, creating and placing lines, blocks, times, roles, boxes;
the frame's layout; errors with their line; the record checked as untrusted data; the sandbox.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from code2video_nb.critic.critique import checked_shots, checked_stage, critique_file
from code2video_nb.findings import Shot
from code2video_nb.render.renderer import render_file
from code2video_nb.teaching_scene import GRID

DATA = Path(__file__).parent / "data"

SECTION = '''from manim import *
from code2video_nb.teaching_scene import TeachingScene


class VectorScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Vectors", ["A vector has a direction", "It also has a length"])
        self.grid = NumberPlane(x_range=[-2, 2], y_range=[-2, 2]).scale(0.2)  # the alias gives way
        self.add(self.place_at_grid(self.grid, "A6"))

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        arrow = Arrow(ORIGIN, RIGHT, buff=0)
        self.place_at_grid(arrow, "C4")
        pair = VGroup(Square(0.5), Text("box", font_size=18))
        pair.arrange(RIGHT)
        self.place_in_area(pair, "E2", "E3")
        self.play(GrowArrow(arrow), FadeIn(pair), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        label = Text("v", font_size=20)
        label.next_to(arrow, UP)
        note = Text("tiny", font_size=10)
        self.place_at_grid(note, "F6")
        self.play(FadeIn(label), FadeIn(note), run_time=0.5)
        self.play(label.animate.shift(RIGHT), run_time=0.5)
        self.play(FadeOut(note), run_time=0.3)
        self.wait(0.5)
'''

PAPER = (DATA / "paper_style_section.py").read_text()


def line_of(source: str, text: str) -> int:
    return next(i for i, line in enumerate(source.splitlines(), start=1) if text in line)


def run(tmp_path: Path, source: str, name: str = "section.py"):
    path = tmp_path / name
    path.write_text(source)
    outcome = render_file(path, media_dir=tmp_path / "media", timeout=120, critique=True)
    assert outcome.ok, outcome.log
    return outcome, checked_shots(outcome.shots), checked_stage(outcome.stage)


def by_name(shot: Shot) -> dict:
    return {o.name: o for o in shot.objects if o.name}


def centre(box) -> tuple[float, float]:
    return (box.left + box.right) / 2, (box.top + box.bottom) / 2


@pytest.fixture(scope="module")
def teaching(tmp_path_factory):
    return run(tmp_path_factory.mktemp("teaching"), SECTION)


@pytest.fixture(scope="module")
def paper(tmp_path_factory):
    return run(tmp_path_factory.mktemp("paper"), PAPER, "paper.py")


@pytest.mark.render
def test_a_shot_after_every_play_and_wait_with_its_line_block_and_time(teaching):
    outcome, shots, _ = teaching
    lines = [line_of(SECTION, t) for t in ("setup_lecture(", "highlight_line(1)", "GrowArrow(", "highlight_line(2)",
                                           "FadeIn(label)", "label.animate", "FadeOut(note)", "self.wait(0.5)")]
    assert [s.line for s in shots] == lines
    assert [s.block for s in shots] == [None, 1, 1, 2, 2, 2, 2, 2]
    times = [s.time for s in shots]
    assert times == sorted(times) and math.isclose(times[-1], outcome.duration)
    assert [round(b - a, 2) for a, b in zip(times, times[1:])] == [0.3, 0.5, 0.3, 0.5, 0.5, 0.3, 0.5]


@pytest.mark.render
def test_a_shot_says_what_its_play_animated_but_not_what_it_faded_out(teaching):
    _, shots, _ = teaching
    moved, faded = shots[5], shots[6]  # label.animate.shift(RIGHT); FadeOut(note)
    assert by_name(moved)["label"].uid in moved.animated
    note = by_name(shots[5])["note"].uid
    assert note not in faded.animated  # a fade at the end of a scene is not a later use
    assert by_name(shots[2])["arrow"].uid in shots[2].animated


@pytest.mark.render
def test_shapes_carry_their_strokes_and_a_coordinate_system_only_its_axis_lines(teaching):
    _, shots, _ = teaching
    objects = by_name(shots[2])
    arrow = objects["arrow"]
    xs = [x for stroke in arrow.ink for x, _ in stroke]
    assert len(arrow.ink) == 2 and min(xs) >= arrow.box.left - 1e-3 and max(xs) <= arrow.box.right + 1e-3  # shaft, head
    plane = next(o for o in shots[2].objects if o.cls == "NumberPlane")
    assert len(plane.ink) == 2 and all(len(stroke) == 2 for stroke in plane.ink)
    assert objects["pair[1]"].ink == []  # a text has none


@pytest.mark.render
def test_objects_carry_their_names_creating_and_placing_lines(teaching):
    _, shots, _ = teaching
    seen = by_name(shots[4])  # after FadeIn(label), FadeIn(note)
    arrow, label, note = seen["arrow"], seen["label"], seen["note"]
    assert (arrow.line, arrow.placed_line) == (line_of(SECTION, "arrow = Arrow"), line_of(SECTION, '"C4"'))
    assert (label.line, label.placed_line) == (line_of(SECTION, 'label = Text'), line_of(SECTION, "label.next_to"))
    assert note.placed_line == line_of(SECTION, '"F6"')
    assert (arrow.kind, label.kind, arrow.cls) == ("shape", "text", "Arrow")
    moved = by_name(shots[5])["label"]  # self.play(label.animate.shift(RIGHT)) moves it on that line
    assert moved.placed_line == line_of(SECTION, "label.animate")
    assert math.isclose(moved.box.left - label.box.left, 1.0, abs_tol=1e-6)
    assert "note" not in by_name(shots[6])  # faded out: not on screen
    assert set(shots[4].added) == {label.uid, note.uid}


@pytest.mark.render
def test_boxes_sit_where_the_grid_puts_them(teaching):
    _, shots, stage = teaching
    arrow = by_name(shots[2])["arrow"]
    assert centre(arrow.box) == pytest.approx(tuple(GRID.cell_center("C4")[:2]), abs=1e-6)
    assert stage.grid["C4"] == pytest.approx(tuple(GRID.cell_center("C4")[:2]))
    assert stage.cell_size == pytest.approx((GRID.cell_width, GRID.cell_height))
    assert stage.frame.width == pytest.approx(14.222, abs=1e-3) and stage.frame.height == pytest.approx(8.0)


@pytest.mark.render
def test_a_plain_group_is_reported_with_its_parts(teaching):
    _, shots, _ = teaching
    seen = by_name(shots[2])
    group, square, text = seen["pair"], seen["pair[0]"], seen["pair[1]"]
    assert group.kind == "group" and square.parent == group.uid and text.parent == group.uid
    assert (square.cls, text.cls, text.kind) == ("Square", "Text", "text")
    assert square.line == text.line == line_of(SECTION, "pair = VGroup")
    assert square.placed_line == text.placed_line == line_of(SECTION, '"E2", "E3"')  # moved with their group
    assert group.box.contains(square.box, 1e-6) and group.box.contains(text.box, 1e-6)
    assert square.z < text.z  # drawn in order


@pytest.mark.render
def test_title_and_lecture_lines_have_their_roles_and_the_base_class_names(teaching):
    _, shots, stage = teaching
    seen = by_name(shots[-1])
    assert seen["self.title"].role == "title" and seen["self.title"].kind == "text"
    assert seen["self.lecture"].role == "lecture" and seen["self.lecture"].kind == "group"
    lines = [seen["self.lecture[0]"], seen["self.lecture[1]"]]
    assert all(o.role == "lecture" and o.parent == seen["self.lecture"].uid for o in lines)
    assert stage.title == seen["self.title"].box and stage.lecture.contains(lines[0].box, 1e-6)
    assert seen["self.grid"].cls == "NumberPlane" and seen["self.grid"].role == "content"  # the scene's own grid
    assert {o.role for o in shots[-1].objects} == {"title", "lecture", "content"}


@pytest.mark.render
def test_text_height_follows_font_size_and_scale(teaching):
    _, shots, _ = teaching
    seen = by_name(shots[4])
    # A capital is about 0.0101 units per point of manim's Text: 20 pt -> 0.20, 10 pt -> 0.10 (6 px at 480p).
    assert seen["label"].text_height == pytest.approx(0.2025, rel=0.01)
    assert seen["note"].text_height == pytest.approx(0.1012, rel=0.01)
    assert seen["self.lecture[0]"].text_height == pytest.approx(0.243, rel=0.02)
    assert seen["arrow"].text_height is None


@pytest.mark.render
def test_a_paper_style_file_gives_the_same_record(paper):
    _, shots, stage = paper
    seen = by_name(shots[-1])
    assert seen["self.title"].role == "title" and seen["self.lecture"].role == "lecture"
    assert [seen[f"self.lecture[{i}]"].role for i in range(3)] == ["lecture"] * 3
    formula = seen["formula"]
    assert formula.kind == "formula" and formula.cls == "MathTex"
    assert (formula.line, formula.placed_line) == (line_of(PAPER, "formula = MathTex"), line_of(PAPER, '"B5"'))
    assert centre(formula.box) == pytest.approx(stage.grid["B5"], abs=1e-6)
    assert seen["triangle"].placed_line == line_of(PAPER, '"A1", "C3"')
    # Blocks come from the `# === Animation for Lecture Line k ===` comments.
    assert [s.block for s in shots] == [1, 1, 2, 2, 3, 3, 3]
    assert shots[3].line == line_of(PAPER, "Write(formula)")
    # The stage is the base class's own: self.grid's points and its declared cell size.
    assert len(stage.grid) == 36 and stage.cell_size == pytest.approx((8.8 / 6, 6.6 / 6))
    assert stage.title == seen["self.title"].box


@pytest.mark.render
def test_the_original_grid_spacing_is_read_when_no_cell_size_is_declared(tmp_path):
    source = PAPER.replace("        self.cell_size = (cell_w, cell_h)\n",
                           "        self._cw, self._ch = cell_w, cell_h\n")
    source = source.replace("self.cell_size[0]", "self._cw").replace("self.cell_size[1]", "self._ch")
    _, _, stage = run(tmp_path, source)
    assert stage.cell_size == pytest.approx((8.8 / 6, 6.6 / 6))


MOVES = '''from manim import *
from code2video_nb.teaching_scene import TeachingScene


class MoveScene(TeachingScene):
    def construct(self):
        a = Square(0.5)
        self.place_at_grid(a, "B2")
        b = a.copy()
        target = Circle(0.3)
        self.place_at_grid(target, "D5")
        self.play(FadeIn(a), FadeIn(b))
        self.play(Transform(b, target))
        a.generate_target()
        a.target.move_to(self.grid["E2"])
        self.play(MoveToTarget(a))
        t = ValueTracker(0)
        self.play(t.animate.set_value(1))
'''


@pytest.mark.render
def test_moves_made_by_animations_are_credited_to_the_lines_that_decided_them(tmp_path):
    _, shots, stage = run(tmp_path, MOVES)
    b = by_name(shots[1])["b"]
    assert (b.line, b.placed_line) == (line_of(MOVES, "b = a.copy()"), line_of(MOVES, '"D5"'))  # its own line
    assert centre(b.box) == pytest.approx(stage.grid["D5"], abs=1e-6)
    a = by_name(shots[2])["a"]
    assert a.placed_line == line_of(MOVES, "a.target.move_to") and centre(a.box) == pytest.approx(stage.grid["E2"])
    assert [o.name for o in shots[3].objects] == ["a", "b"]  # a ValueTracker is never drawn


@pytest.mark.render
def test_a_scene_that_raises_gives_the_error_and_its_line(tmp_path):
    source = SECTION.replace('Text("v", font_size=20)', 'Text("v", font_size=20, colour=RED)')
    path = tmp_path / "broken.py"
    path.write_text(source)
    critique = critique_file(path, media_dir=tmp_path / "media")
    assert not critique.ok and critique.error.error_type == "TypeError"
    assert critique.error.line == line_of(source, "colour=RED") and critique.findings == []


@pytest.mark.render
def test_the_critique_run_is_as_confined_as_a_render(tmp_path):
    """--trust skips the static check; the sandbox still refuses, even with the instrumentation in the process."""
    from code2video_nb.config import Settings

    source = SECTION.replace("        self.wait(0.5)\n",
                             "        import gc\n        gc.get_objects()\n        self.wait(0.5)\n")
    path = tmp_path / "walker.py"
    path.write_text(source)
    critique = critique_file(path, settings=Settings(trust=True), media_dir=tmp_path / "media")
    assert not critique.ok and critique.error.error_type in ("SandboxRefused", "PermissionError")
    assert critique.error.line == line_of(source, "gc.get_objects()")


@pytest.mark.render
def test_a_scene_that_never_ends_is_stopped_at_the_render_time_limit(tmp_path):
    from code2video_nb.config import Settings

    path = tmp_path / "forever.py"
    path.write_text(SECTION.replace("        self.wait(0.5)\n", "        while True:\n            self.wait(0.1)\n"))
    critique = critique_file(path, settings=Settings(render_timeout=3), media_dir=tmp_path / "media")
    assert not critique.ok and critique.error.timed_out and critique.seconds < 20
    assert critique.error.message == "the scene ran longer than 3 s and was stopped"


def test_teaching_scene_answers_to_the_original_base_class_names():
    from manim import NumberPlane, tempconfig

    from code2video_nb.teaching_scene import TeachingScene

    with tempconfig({"dry_run": True, "verbosity": "ERROR"}):
        scene = TeachingScene(skip_animations=True)
        with pytest.raises(AttributeError, match="setup_lecture"):
            scene.title
        assert scene.grid["C4"] == pytest.approx(GRID.cell_center("C4"))  # "A1".."F6" -> points, like the original
        scene.setup_lecture("Title", ["one", "two"], animate=False)
        assert scene.title is scene.title_mobject and scene.lecture in scene.mobjects
        assert list(scene.lecture) == scene.lecture_line_mobjects
        scene.grid = plane = NumberPlane()  # scene code's own self.grid wins
        assert scene.grid is plane and scene.anchor_grid is GRID


def test_the_record_is_checked_as_untrusted_data():
    placed = {"uid": 1, "kind": "text", "cls": "Text", "name": "x)); import os  #", "line": 3, "placed_line": None,
              "box": {"left": 0, "bottom": 0, "right": 1, "top": 1}, "role": "content", "text_height": 0.2,
              "opacity": 1.0, "parent": None, "z": 0.0}
    shot = {"time": 1.0, "line": 3, "block": 1, "objects": [placed], "added": [1]}
    assert checked_shots([shot])[0].objects[0].name is None  # never a name a patch could write into code
    assert checked_shots([{**shot, "objects": [{**placed, "name": "self.lecture[2]"}]}])[0].objects[0].name == \
        "self.lecture[2]"
    for bad in ({**placed, "box": {"left": "nan", "bottom": 0, "right": 1, "top": 1}}, {**placed, "role": "boss"},
                {**placed, "line": -4}, {**placed, "line": "7"}):
        with pytest.raises(ValueError):
            checked_shots([{**shot, "objects": [bad]}])
    with pytest.raises(ValueError):
        checked_stage([])
