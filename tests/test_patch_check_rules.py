"""patch_check's checks on the code and the shots, without manim: which fades and moves are
withheld, and which are let through. (tests/test_patch_check.py runs real scenes.)"""

from __future__ import annotations

from code2video_nb.findings import Box, Finding, Placed, Shot
from code2video_nb.critic.patch_check import checked
from code2video_nb.critic.patches import fade_out_patch, move_patch

HEAD = """\
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class S(TeachingScene):
    def construct(self):
"""


def scene(body: str) -> str:
    return HEAD + "".join(f"        {row}\n" if row else "\n" for row in body.strip("\n").splitlines())


def line_of(code: str, text: str) -> int:
    return next(n for n, row in enumerate(code.splitlines(), 1) if row.strip() == text)


def placed(uid, name, x=0.0, parent=None, kind="shape") -> Placed:
    return Placed(uid, kind, "Square" if kind == "shape" else "MathTex", name, 7, None, Box(x, 0, x + 1, 1),
                  parent=parent)


def shots_of(code: str, *objects: Placed, later: list[Placed] | None = None) -> list[Shot]:
    """Every play() line a shot of these objects (or of `later` from the second on)."""
    lines = [n for n, row in enumerate(code.splitlines(), 1) if "self.play(" in row]
    return [Shot(float(i + 1), n, i + 1, list(later if later is not None and i else objects))
            for i, n in enumerate(lines)]


def fade(code: str, name: str, before: str, shots: list[Shot]) -> Finding:
    line = line_of(code, before)
    shot = next(s for s in shots if s.line == line)
    finding = Finding("stale_overlap", ["new", name], line, shot.block, shot.time, "m",
                      fade_out_patch(code, line, [name]))
    return checked([finding], code, shots, None)[0]


def move(code: str, name: str, at: str, shots: list[Shot]) -> Finding:
    finding = Finding("overlap", [name, "other"], line_of(code, at), 1, shots[0].time, "m",
                      move_patch(code, line_of(code, at), name, "F6"))
    return checked([finding], code, shots, None)[0]


def test_a_name_given_to_a_new_object_later_is_not_a_use_of_the_faded_one():
    code = scene("""
label = Text("a")
self.play(Write(label))
new = Text("b")
self.play(Write(new))
label = Text("c")
self.play(Write(label))
""")
    shots = shots_of(code, placed(1, "label"), placed(2, "new"))
    assert fade(code, "label", "self.play(Write(new))", shots).patch is not None
    used = code.replace('label = Text("c")', 'label.set_color(RED)')
    note = fade(used, "label", "self.play(Write(new))", shots).patch_note
    assert note.startswith("no change offered: label is still used at line") and "set_color" in note


def test_a_group_that_holds_it_counts_its_sibling_does_not():
    body = """
a = Square()
b = Square()
pair = VGroup(a, b)
self.play(Create(pair))
new = Text("x")
self.play(Write(new))
self.play(LATER)
"""
    shots = shots_of(scene(body.replace("LATER", "b.animate.shift(UP)")), placed(1, "pair"), placed(2, "a", parent=1),
                     placed(3, "b", 2, parent=1), placed(4, "new"))
    assert fade(scene(body.replace("LATER", "b.animate.shift(UP)")), "a", "self.play(Write(new))", shots).patch
    note = fade(scene(body.replace("LATER", "pair.animate.shift(UP)")), "a", "self.play(Write(new))", shots).patch_note
    assert "a is still used at line" in note and "through pair" in note


def test_a_method_called_later_that_uses_the_attribute():
    code = scene("""
self.ring = Circle()
self.play(Create(self.ring))
new = Text("x")
self.play(Write(new))
self.pulse()
""") + "\n    def pulse(self):\n        self.play(self.ring.animate.scale(1.2))\n"
    shots = shots_of(code, placed(1, "self.ring"), placed(2, "new"))
    note = fade(code, "self.ring", "self.play(Write(new))", shots).patch_note
    assert "self.ring is still used by self.pulse()" in note


def test_an_updater_of_something_still_shown_reads_it_unless_that_goes_too():
    code = scene("""
circle = Circle()
dot = Dot()
dot.add_updater(lambda d: d.move_to(circle.get_right()))
self.play(Create(circle), FadeIn(dot))
new = Text("x")
self.play(Write(new))
""")
    shots = shots_of(code, placed(1, "circle"), placed(2, "dot", 2), placed(3, "new", 4))
    assert "read by the updater of dot" in fade(code, "circle", "self.play(Write(new))", shots).patch_note
    gone = shots_of(code, placed(1, "circle"), placed(2, "dot", 2), later=[placed(1, "circle"), placed(3, "new", 4)])
    assert fade(code, "circle", "self.play(Write(new))", gone).patch is not None  # the dot is not shown then


def test_what_the_new_object_is_built_from_and_what_still_moves_stay():
    code = scene("""
v = Arrow(ORIGIN, RIGHT)
self.play(GrowArrow(v))
new = Polygon(ORIGIN, v.get_end(), UP)
self.play(Create(new))
""")
    shots = shots_of(code, placed(1, "v"), placed(2, "new"))
    assert "new is built or placed from v at line" in fade(code, "v", "self.play(Create(new))", shots).patch_note
    plain = code.replace("v.get_end()", "RIGHT")
    assert fade(plain, "v", "self.play(Create(new))", shots).patch is not None
    moving = shots + [Shot(9.0, None, 2, [placed(1, "v", 0.5), placed(2, "new")])]
    assert "v still changes after the fade, at 9.0 s" in fade(plain, "v", "self.play(Create(new))", moving).patch_note


def test_a_move_keeps_labels_with_their_anchors_and_parts_in_their_group():
    code = scene("""
arrow = Arrow(LEFT, RIGHT)
label = Text("F")
label.next_to(arrow, UP)
free = Text("note")
self.place_at_grid(free, "B3")
tag = Text("t")
tag.next_to(free, DOWN)
free.shift(UP * 0.1)
digits = VGroup(Text("1"), Text("2"))
self.play(Create(arrow), Write(label), Write(free), Write(tag), Write(digits))
""")
    shots = shots_of(code, placed(1, "arrow"), placed(2, "label"), placed(3, "free"), placed(4, "tag"),
                     placed(5, "digits"), placed(6, "digits[0]", parent=5), placed(7, "digits[1]", parent=5))
    note = move(code, "label", "label.next_to(arrow, UP)", shots).patch_note
    assert "label is placed by arrow at line" in note and "separates them" in note
    # the last line placing free comes after tag was put beside it: moved there, tag stays behind
    assert "tag is placed by free at line" in move(code, "free", "free.shift(UP * 0.1)", shots).patch_note
    # a placement rewritten in place runs before tag.next_to(free): tag follows
    assert move(code, "free", 'self.place_at_grid(free, "B3")', shots).patch is not None
    part = move(code, "digits[1]", "digits = VGroup(Text(\"1\"), Text(\"2\"))", shots).patch_note
    assert "digits[1] is one part of digits" in part and "move digits whole" in part


def test_a_formula_replaced_in_place_may_go_a_frame_a_label_was_put_into_may_not():
    code = scene("""
old = MathTex("x + 1 = 5")
self.play(Write(old))
new = MathTex("x = 4").move_to(old)
self.play(Write(new))
""")
    formula = shots_of(code, placed(1, "old", kind="formula"), placed(2, "new", kind="formula"))
    assert fade(code, "old", "self.play(Write(new))", formula).patch is not None
    frame = shots_of(code, placed(1, "old"), placed(2, "new", kind="formula"))
    assert "new is built or placed from old" in fade(code, "old", "self.play(Write(new))", frame).patch_note
    built = code.replace("MathTex(\"x = 4\").move_to(old)", "SurroundingRectangle(old)")
    assert "new is built or placed from old" in fade(built, "old", "self.play(Write(new))", formula).patch_note
