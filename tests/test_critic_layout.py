"""The layout rules on hand-made shots, and the patch helpers on source text (no manim, no render)."""

from __future__ import annotations

import ast

import pytest

from code2video_nb.critic import room
from code2video_nb.findings import Box, Placed, Shot, Stage
from code2video_nb.critic.layout import MIN_TEXT_HEIGHT, analyse, fade_out_patch, move_patch, scale_patch
from code2video_nb.suggestions import patch_code

# TeachingScene's layout: title band on top, lecture column on the left, 6×6 grid on the right.
LEFT, RIGHT, TOP, BOTTOM = -2.111, 6.811, 3.0, -3.7
CW, CH = (RIGHT - LEFT) / 6, (TOP - BOTTOM) / 6
STAGE = Stage(
    frame=Box(-7.111, -4.0, 7.111, 4.0),
    title=Box(-3.0, 3.2, 3.0, 3.8),
    lecture=Box(-6.811, -1.0, -2.6, 2.9),
    grid={f"{r}{c}": (LEFT + (c - 0.5) * CW, TOP - (i + 0.5) * CH)
          for i, r in enumerate("ABCDEF") for c in range(1, 7)},
    cell_size=(CW, CH),
)

CODE = """\
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class S(TeachingScene):
    def construct(self):
        self.setup_lecture("T", ["one", "two"])
        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        eq = MathTex("a^2 + b^2 = c^2")
        self.place_at_grid(eq, "B4")
        label = Text("λ = 3", font_size=28)
        label.move_to(eq)
        self.play(Write(eq), FadeIn(label))
        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        box = Square(2)
        self.place_at_grid(box, "B4")
        self.play(Create(box))
        self.wait(1)
"""


def obj(uid, cls, box, *, name=None, line=10, placed=None, kind=None, parent=None, th=None, role="content"):
    kind = kind or ("formula" if "Tex" in cls else "text" if cls == "Text" else "shape")
    if kind in ("text", "formula") and th is None:
        th = 0.3
    return Placed(uid, kind, cls, name, line, placed, Box(*box), role, th, 1.0, parent)


def at(x, y, w, h):
    return (x - w / 2, y - h / 2, x + w / 2, y + h / 2)


def shots(*moments):
    """moments: (line, block, [objects]); `added` is worked out from the previous moment."""
    out, seen = [], set()
    for n, (line, block, objects) in enumerate(moments):
        out.append(Shot(float(n + 1), line, block, objects, [o.uid for o in objects if o.uid not in seen]))
        seen |= {o.uid for o in objects}
    return out


def kinds(findings):
    return sorted((f.kind, f.line) for f in findings)


def applied(patch, code=CODE):
    new = patch_code(code, patch)
    ast.parse(new)
    return new


B4 = STAGE.grid["B4"]


def test_a_clean_scene_has_no_findings():
    eq = obj(1, "MathTex", at(*B4, 2.0, 0.5), name="eq", placed=11)
    assert analyse(shots((14, 1, [eq])), STAGE, CODE) == []


def test_offscreen_names_the_placing_line_and_moves_it_to_a_free_cell():
    eq = obj(1, "MathTex", at(6.5, 1.0, 2.0, 0.5), name="eq", line=10, placed=11)
    [f] = analyse(shots((14, 1, [eq])), STAGE, CODE)
    assert (f.kind, f.objects, f.line, f.block, f.time) == ("offscreen", ["eq"], 11, 1, 1.0)
    assert "right edge" in f.message
    assert f.patch.start == f.patch.end == 11 and f.patch.new.startswith("        self.place_")
    assert f.patch.new.endswith('"B5", "B6")')  # nearest room for its width, inside the frame
    applied(f.patch)


def test_an_object_leaving_the_frame_after_being_seen_is_an_exit():
    eq = obj(1, "MathTex", at(*B4, 2.0, 0.5), name="eq", placed=11)
    gone = obj(1, "MathTex", at(10.0, 1.0, 2.0, 0.5), name="eq", placed=14)
    assert analyse(shots((14, 1, [eq]), (19, 2, [gone])), STAGE, CODE) == []


def test_overlap_puts_a_label_placed_on_another_object_beside_it_not_in_a_far_cell():
    eq = obj(1, "MathTex", at(*B4, 2.0, 0.5), name="eq", placed=11)
    label = obj(2, "Text", at(B4[0] + 0.3, B4[1], 1.0, 0.4), name="label", line=12, placed=13)
    shot = Shot(1.0, 14, 1, [eq, label], [1, 2])
    [f] = analyse([shot], STAGE, CODE)
    assert (f.kind, f.objects, f.line, f.block) == ("overlap", ["label", "eq"], 13, 1)
    # label.move_to(eq) becomes next_to on the side it leans to, where nothing is: it stays eq's label
    assert (f.patch.start, f.patch.end, f.patch.new) == (13, 13, "        label.next_to(eq, RIGHT)")
    assert f.message.endswith("; put it right of eq")
    applied(f.patch)


@pytest.mark.parametrize("design", ["label in its box", "same group", "on axes", "diagonal arrow",
                                    "background rectangle", "side by side"])
def test_intended_designs_are_not_overlaps(design):
    eq = obj(1, "MathTex", at(*B4, 1.0, 0.4), name="eq", placed=11)
    other = {
        "label in its box": obj(2, "Rectangle", at(*B4, 1.6, 0.9), name="box"),
        "same group": obj(2, "Circle", at(B4[0] + 0.5, B4[1], 1.0, 1.0), name="dot", parent=3),
        "on axes": obj(2, "Axes", at(2.0, 0.0, 8.0, 6.0), name="axes"),
        "diagonal arrow": obj(2, "Arrow", at(B4[0], B4[1], 2.0, 1.5), name="arrow"),
        "background rectangle": obj(2, "BackgroundRectangle", at(*B4, 1.2, 0.6)),
        "side by side": obj(2, "MathTex", at(B4[0] + 1.2, B4[1], 1.0, 0.4), name="eq2"),
    }[design]
    objects = [eq, other]
    if design == "same group":
        eq.parent = 3
        objects.append(obj(3, "VGroup", at(B4[0] + 0.3, B4[1], 1.6, 1.0), name="g", kind="group"))
    assert analyse(shots((14, 1, objects)), STAGE, CODE) == []


def test_a_later_block_drawn_over_an_old_formula_is_stale_and_fades_it_out():
    eq = obj(1, "MathTex", at(*B4, 2.0, 0.5), name="eq", placed=11)
    box = obj(4, "Square", at(*B4, 2.0, 2.0), name="box", line=17, placed=18)
    label = obj(2, "Text", at(B4[0], B4[1] - 1.5, 1.0, 0.4), name="label", placed=13)
    [f] = analyse(shots((14, 1, [eq, label]), (19, 2, [eq, label, box])), STAGE, CODE)
    assert (f.kind, f.objects, f.line, f.block, f.time) == ("stale_overlap", ["box", "eq"], 18, 2, 2.0)
    assert f.patch.start == 19 and f.patch.new == "        self.play(FadeOut(eq), run_time=0.5)"
    assert "FadeOut(eq)" in applied(f.patch).splitlines()[18]


def test_one_new_object_over_two_old_ones_fades_both_in_one_patch():
    eq = obj(1, "MathTex", at(*B4, 2.0, 0.5), name="eq", placed=11)
    label = obj(2, "Text", at(B4[0], B4[1] - 0.45, 1.0, 0.3), name="label", placed=13)
    box = obj(4, "Square", at(B4[0], B4[1] - 0.2, 2.0, 2.0), name="box", line=17, placed=18)
    [f] = analyse(shots((14, 1, [eq, label]), (19, 2, [eq, label, box])), STAGE, CODE)
    assert f.kind == "stale_overlap" and set(f.objects) == {"box", "eq", "label"}
    assert f.patch.new.strip() in ("self.play(FadeOut(eq), FadeOut(label), run_time=0.5)",
                                   "self.play(FadeOut(label), FadeOut(eq), run_time=0.5)")
    applied(f.patch)


def test_a_label_written_later_inside_a_shape_is_not_stale_but_a_big_shape_drawn_over_an_old_label_is():
    small = obj(1, "Rectangle", at(*B4, 1.6, 0.9), name="box", placed=11)
    big = obj(1, "Polygon", at(*B4, 5.0, 3.0), name="triangle", placed=11)
    label = obj(2, "Text", at(*B4, 1.0, 0.4), name="label", placed=13)
    assert analyse(shots((14, 1, [small]), (19, 2, [small, label])), STAGE, CODE) == []
    assert analyse(shots((14, 1, [big]), (19, 2, [big, label])), STAGE, CODE) == []  # a label in a diagram
    old_label = obj(1, "Text", at(*B4, 1.0, 0.4), name="label", placed=13)
    cover = obj(2, "Polygon", at(*B4, 5.0, 3.0), name="triangle", placed=11)
    [f] = analyse(shots((14, 1, [old_label]), (19, 2, [old_label, cover])), STAGE, CODE)
    assert f.kind == "stale_overlap" and f.objects == ["triangle", "label"]


def test_content_over_the_lecture_column_is_fitted_into_the_grid():
    square = obj(1, "Square", at(-4.0, 0.0, 3.0, 3.0), name="box", placed=18)
    [f] = analyse(shots((19, 1, [square])), STAGE, CODE)
    assert (f.kind, f.line) == ("occludes_lecture", 18)
    assert f.patch.old == '        self.place_at_grid(box, "B4")' and "box" in f.patch.new
    applied(f.patch)


def test_lecture_and_title_roles_are_not_content():
    lines = obj(5, "Text", at(-4.5, 2.0, 4.0, 0.3), role="lecture")
    title = obj(6, "Text", at(0, 3.5, 6.0, 0.5), role="title")
    assert analyse(shots((14, 1, [lines, title])), STAGE, CODE) == []


def test_too_small_text_is_scaled_up_in_its_placing_call():
    tiny = obj(1, "MathTex", at(*B4, 0.8, 0.06), name="eq", placed=11, th=0.06)
    [f] = analyse(shots((14, 1, [tiny])), STAGE, CODE)
    assert (f.kind, f.line) == ("too_small", 11)
    assert "4 px" in f.message
    assert f.patch.old == '        self.place_at_grid(eq, "B4")'
    assert f.patch.new == '        self.place_at_grid(eq, "B4", scale_factor=2.8)'
    ok = obj(1, "MathTex", at(*B4, 0.8, 0.2), name="eq", placed=11, th=MIN_TEXT_HEIGHT + 0.01)
    assert analyse(shots((14, 1, [ok])), STAGE, CODE) == []


def test_too_small_without_room_is_a_note():
    tiny = obj(1, "Text", at(*B4, 1.0, 0.1), name="label", placed=13, th=0.05)
    walls = [obj(n, "Square", at(B4[0] + dx, B4[1] + dy, 1.0, 1.0), name=f"s{n}")
             for n, (dx, dy) in enumerate([(0, 0.65), (0, -0.65), (1.1, 0), (-1.1, 0)], start=10)]
    [f] = analyse(shots((14, 1, [tiny, *walls])), STAGE, CODE)
    assert f.kind == "too_small" and f.patch is None and "no room" in f.message


def test_findings_serialise_to_the_promised_shape():
    eq = obj(1, "MathTex", at(6.5, 1.0, 2.0, 0.5), name="eq", placed=11)
    [f] = analyse(shots((14, 1, [eq])), STAGE, CODE)
    assert set(f.to_dict()) == {"kind", "objects", "line", "block", "time", "message", "patch"}
    assert set(f.to_dict()["patch"]) == {"start", "end", "old", "new"}


# --- free room ---

def test_room_prefers_the_nearest_free_cell_and_scales_when_nothing_fits():
    occupied = [Box(*at(*B4, CW, CH))]
    spot = room.find(STAGE, occupied, Box(*at(*B4, 1.0, 0.4)))
    assert spot.scale == 1.0 and spot.cells[0] == spot.cells[1] != "B4"
    huge = Box(*at(2.0, 0.0, 12.0, 9.0))
    spot = room.find(STAGE, [], huge)
    assert spot.scale < 1.0 and spot.cells == ("A1", "F6")
    assert room.find(STAGE, [Box(LEFT, BOTTOM, RIGHT, TOP)], Box(*at(*B4, 1.0, 0.4))) is None


# --- patches ---

PATCH_CODE = """\
class S(TeachingScene):
    def construct(self):
        eq = MathTex("λ x")
        self.place_at_grid(eq, 'A6', scale_factor=1.2)
        lab = Text("λ").move_to(RIGHT * 9)
        self.place_in_area(lab, "A1", "C3")
        box = Square()
        self.place_at_grid(
            box,
            "B2",
        )
        for i in range(3):
            self.play(Write(eq))
"""


@pytest.mark.parametrize("make, start, new", [
    (lambda c: move_patch(c, 4, "eq", "C4"), 4, "        self.place_at_grid(eq, 'C4', scale_factor=1.2)"),
    (lambda c: move_patch(c, 4, "eq", ("B4", "C5")), 4,
     "        self.place_in_area(eq, 'B4', 'C5', scale_factor=1.2)"),
    (lambda c: move_patch(c, 4, "eq", "C4", scale=0.5), 4,
     "        self.place_at_grid(eq, 'C4', scale_factor=0.6)"),
    (lambda c: move_patch(c, 5, "lab", "C4"), 6, '        self.place_at_grid(lab, "C4")'),
    (lambda c: move_patch(c, 5, "lab", "B4:C5", scale=0.6), 6,
     '        lab.scale(0.6)\n        self.place_in_area(lab, "B4", "C5")'),
    (lambda c: move_patch(c, 6, "lab", "D4"), 6, '        self.place_in_area(lab, "D4", "D4")'),
    (lambda c: scale_patch(c, 4, "eq", 2), 4, "        self.place_at_grid(eq, 'A6', scale_factor=2.4)"),
    (lambda c: scale_patch(c, 6, "lab", 1.5), 6, '        self.place_in_area(lab, "A1", "C3", scale_factor=1.5)'),
    (lambda c: scale_patch(c, 3, "eq", 2), 4, "        eq.scale(2)"),
    (lambda c: move_patch(c, 9, "box", "E2"), 8, '        self.place_at_grid(\n            box,\n            "E2",\n        )'),
    (lambda c: fade_out_patch(c, 13, ["eq", "lab", "eq"]), 13,
     "            self.play(FadeOut(eq), FadeOut(lab), run_time=0.5)"),
])
def test_patches_are_exact_and_keep_the_code_parsing(make, start, new):
    patch = make(PATCH_CODE)
    assert (patch.start, patch.new) == (start, new)
    lines = PATCH_CODE.splitlines()
    assert patch.old == "\n".join(lines[patch.start - 1:patch.end])
    ast.parse(patch_code(PATCH_CODE, patch))


def test_patches_on_a_multiline_call_and_nowhere():
    patch = scale_patch(PATCH_CODE, 8, "box", 0.5)
    assert (patch.start, patch.end) == (8, 11)
    ast.parse(patch_code(PATCH_CODE, patch))
    assert move_patch(PATCH_CODE, 12, "eq", "C4") is None  # a loop header
    assert move_patch("x = (", 1, "eq", "C4") is None  # does not parse


def test_no_patch_names_an_object_where_that_name_is_not_bound():
    code = """\
class S(TeachingScene):
    def make(self):
        box = Square()
        box.move_to(RIGHT * 9)
        return box

    def construct(self):
        shape = self.make()
        self.play(Create(shape))
"""
    assert move_patch(code, 4, "shape", "C4") is None  # `shape` is construct's name for it
    assert scale_patch(code, 4, "shape", 2) is None
    assert move_patch(code, 5, "box", "C4") is None  # after a return
    assert move_patch(code, 4, "box", "C4").new == '        self.place_at_grid(box, "C4")'
    assert fade_out_patch(code, 9, ["shape"]).start == 9
    assert fade_out_patch(code, 9, ["box"]) is None


# --- strokes, compositions and root causes (issue 20, part 3) ---------------------------------

def with_ink(o: Placed, *strokes) -> Placed:
    o.ink = [[list(p) for p in stroke] for stroke in strokes]
    return o


def test_a_diagonal_arrow_through_a_label_strikes_it_and_the_label_is_moved_off_the_arrow():
    x, y = B4
    arrow = with_ink(obj(1, "Arrow", at(x, y, 3.0, 2.0), name="arrow", placed=11), [(x - 1.5, y - 1.0), (x + 1.5, y + 1.0)])
    label = obj(2, "Text", at(x, y, 1.6, 0.4), name="label", placed=13)
    [f] = analyse(shots((14, 1, [arrow, label])), STAGE, CODE)
    assert (f.kind, f.objects, f.line) == ("overlap", ["label", "arrow"], 13) and "runs through" in f.message
    beside = obj(2, "Text", at(x - 1.0, y + 0.6, 0.8, 0.3), name="label", placed=13)  # above the arrow's line
    assert analyse(shots((14, 1, [arrow, beside])), STAGE, CODE) == []


def test_a_label_on_an_axis_line_is_struck_but_one_on_the_axes_beside_their_lines_is_not():
    x, y = B4
    axes = with_ink(obj(1, "Axes", at(x, y, 4.0, 3.0), name="axes", placed=11),
                    [(x - 2.0, y), (x + 2.0, y)], [(x - 2.0, y - 1.5), (x - 2.0, y + 1.5)])
    on_line = obj(2, "Text", at(x + 0.5, y, 1.2, 0.3), name="label", placed=13)
    [f] = analyse(shots((14, 1, [axes]), (19, 2, [axes, on_line])), STAGE, CODE)
    assert (f.kind, f.objects) == ("overlap", ["label", "axes"])  # move the label, never fade the axes
    above = obj(2, "Text", at(x + 0.5, y + 0.6, 1.2, 0.3), name="label", placed=13)
    assert analyse(shots((14, 1, [axes]), (19, 2, [axes, above])), STAGE, CODE) == []


def test_the_circles_of_a_venn_diagram_are_not_stale_but_a_shape_drawn_where_another_is_is():
    x, y = B4
    first = obj(1, "Circle", at(x - 0.5, y, 2.4, 2.4), name="set_a", placed=11)
    beside = obj(2, "Circle", at(x + 0.5, y, 2.4, 2.4), name="set_b", placed=17)
    assert analyse(shots((14, 1, [first]), (19, 2, [first, beside])), STAGE, CODE) == []
    same_place = obj(2, "Triangle", at(x - 0.5, y, 2.8, 2.0), name="box", placed=17)
    [f] = analyse(shots((14, 1, [first]), (19, 2, [first, same_place])), STAGE, CODE)
    assert (f.kind, f.objects) == ("stale_overlap", ["box", "set_a"])


def test_an_old_shape_a_later_play_still_animates_is_meant_to_stay():
    x, y = B4
    old = obj(1, "Square", at(x, y, 2.4, 2.4), name="box", placed=11)
    new = obj(2, "Triangle", at(x, y, 2.8, 2.0), name="shape", line=16)  # a line that does not use box
    moments = shots((14, 1, [old]), (19, 2, [old, new]), (20, 2, [old, new]))
    assert kinds(analyse(moments, STAGE, CODE)) == [("stale_overlap", 16)]
    moments[2].animated = [1]  # e.g. self.play(Indicate(box)) after the triangle came
    assert analyse(moments, STAGE, CODE) == []


def test_curves_on_axes_that_run_off_the_frame_are_one_finding_about_the_axes():
    axes = obj(1, "Axes", (1.0, -3.0, 8.0, 1.0), name="axes", placed=11)
    curves = [obj(2 + k, "ParametricFunction", (1.2, -2.5 + k, 7.9, 0.5 + k * 0.3), name=f"curve{k}", line=13 + k)
              for k in range(3)]
    [f] = analyse(shots((14, 1, [axes]), (19, 2, [axes, *curves])), STAGE, CODE)
    assert (f.kind, f.line, f.objects) == ("offscreen", 11, ["axes", "curve0", "curve1", "curve2"])


def test_axes_over_the_lecture_column_and_off_the_frame_are_reported_as_covering_the_lecture():
    axes = obj(1, "Axes", (-6.0, -4.5, 6.0, 2.0), name="axes", placed=11)
    [f] = analyse(shots((14, 1, [axes])), STAGE, CODE)
    assert f.kind == "occludes_lecture" and "off the bottom edge" in f.message
