"""Scope-guided repair: which lines the model is asked to fix, and how a fix goes back in."""

from __future__ import annotations

import ast

from code2video_nb.replies import extract_code
from code2video_nb.scopes import Scope, apply_fix, blocks, cut, functions, scope_for_line, splice, widen

SECTION = '''\
from manim import *


class TeachingScene(Scene):
    def highlight(self, k):
        for i, line in enumerate(self.lines):
            line.set_color(YELLOW if i == k else GRAY_B)


class Section2Scene(TeachingScene):
    def construct(self):
        self.lines = VGroup(*[Text(t) for t in ("one", "two", "three")])

        # === Animation for Lecture Line 1 ===
        self.highlight(0)
        circle = Circle(color=BLUE)
        self.play(Create(circle))

        # === Animation for Lecture Line 2 ===
        self.highlight(1)
        square = Square().next_to(
            circle, RIGHT
        )
        self.play(Transform(circle, square))

        # === Animation for Lecture Line 3 ===
        self.highlight(2)
        self.play(FadeOut(circle))
        self.wait()

    def label(self, text):
        return Text(text, font_size=24)


SECTION_TITLE = "Squares"
'''
LINES = SECTION.splitlines()


def line_of(text: str, source: str = SECTION) -> int:
    """1-based number of the only line holding `text`."""
    hits = [i for i, line in enumerate(source.splitlines(), 1) if text in line]
    assert len(hits) == 1, hits
    return hits[0]


def test_fixture_line_numbers():
    # The numbers the other tests assert, checked against the text once.
    assert line_of("Lecture Line 1 ===") == 14
    assert line_of("Lecture Line 2 ===") == 19
    assert line_of("self.play(Transform(circle, square))") == 24
    assert line_of("Lecture Line 3 ===") == 26
    assert line_of("self.wait()") == 29
    assert line_of("def label") == 31
    assert line_of("SECTION_TITLE") == len(LINES) == 35


def test_blocks_end_before_the_next_mark_or_the_dedent():
    assert blocks(SECTION) == [
        Scope("block", "Lecture Line 1 block", 14, 17),
        Scope("block", "Lecture Line 2 block", 19, 24),
        Scope("block", "Lecture Line 3 block", 26, 29),  # not the helper method after it
    ]


def test_a_line_inside_block_2_maps_to_that_block():
    line = line_of("circle, RIGHT")  # a continuation line in the middle of the block
    assert scope_for_line(SECTION, line) == Scope("block", "Lecture Line 2 block", 19, 24)


def test_the_mark_line_itself_belongs_to_its_block():
    assert scope_for_line(SECTION, 26).name == "Lecture Line 3 block"


def test_the_last_block_maps_up_to_its_last_statement():
    assert scope_for_line(SECTION, 29) == Scope("block", "Lecture Line 3 block", 26, 29)


def test_a_line_in_a_helper_method_maps_to_that_function():
    assert scope_for_line(SECTION, line_of("font_size=24")) == Scope("function", "function label", 31, 32)
    assert scope_for_line(SECTION, line_of("line.set_color")) == Scope("function", "function highlight", 5, 7)


def test_a_construct_line_outside_blocks_maps_to_construct():
    assert scope_for_line(SECTION, line_of("self.lines = VGroup")) == Scope("function", "function construct", 11, 29)


def test_a_module_level_line_maps_to_the_section():
    assert scope_for_line(SECTION, line_of("SECTION_TITLE")) == Scope("section", "section", 1, 35)
    assert scope_for_line(SECTION, 1) == Scope("section", "section", 1, 35)


def test_an_unknown_line_maps_to_the_section():
    assert scope_for_line(SECTION, None) == Scope("section", "section", 1, 35)
    assert scope_for_line(SECTION, 999).kind == "section"


def test_widen_goes_block_then_function_then_section():
    block = scope_for_line(SECTION, 22)
    function = widen(SECTION, block)
    assert function == Scope("function", "function construct", 11, 29)
    assert widen(SECTION, function) == Scope("section", "section", 1, 35)
    assert widen(SECTION, widen(SECTION, function)).kind == "section"


def test_blocks_still_found_when_the_code_does_not_parse():
    broken = SECTION.replace("self.highlight(1)", "self.highlight(1", 1)
    try:
        ast.parse(broken)
    except SyntaxError:
        pass
    else:
        raise AssertionError("the fixture should not parse")
    assert functions(broken) == []
    assert [(b.start, b.end) for b in blocks(broken)] == [(14, 17), (19, 24), (26, 29)]
    assert scope_for_line(broken, 20) == Scope("block", "Lecture Line 2 block", 19, 24)
    assert widen(broken, scope_for_line(broken, 20)).kind == "section"


def test_cut_returns_exactly_the_scope_lines():
    block = scope_for_line(SECTION, 22)
    assert cut(SECTION, block) == "\n".join(LINES[18:24]) + "\n"
    assert cut(SECTION, block).startswith("        # === Animation for Lecture Line 2 ===\n")
    assert cut(SECTION, block).endswith("        self.play(Transform(circle, square))\n")
    assert cut(SECTION, scope_for_line(SECTION, None)) == SECTION


FIXED_BLOCK_2 = '''\
# === Animation for Lecture Line 2 ===
self.highlight(1)
square = Square().next_to(circle, RIGHT)
self.play(ReplacementTransform(circle, square))
circle = square
'''


def _check_spliced_block_2(result: str) -> None:
    ast.parse(result)
    new = result.splitlines()
    # Everything before and after the block is byte-identical.
    assert new[:18] == LINES[:18]
    assert new[18:23] == ["        " + line for line in FIXED_BLOCK_2.splitlines()]
    assert new[23:] == LINES[24:]
    assert result.endswith("\n")
    assert "\n".join(LINES[13:17]) in result and "\n".join(LINES[25:29]) in result
    assert [b.name for b in blocks(result)] == ["Lecture Line 1 block", "Lecture Line 2 block", "Lecture Line 3 block"]


def test_splice_reindents_a_dedented_block():
    block = scope_for_line(SECTION, 22)
    _check_spliced_block_2(splice(SECTION, block, FIXED_BLOCK_2))


def test_splice_accepts_a_block_that_kept_its_indentation():
    block = scope_for_line(SECTION, 22)
    indented = "".join("        " + line + "\n" for line in FIXED_BLOCK_2.splitlines())
    _check_spliced_block_2(splice(SECTION, block, indented))


def test_splice_a_helper_method():
    scope = scope_for_line(SECTION, 32)
    result = splice(SECTION, scope, "def label(self, text):\n    return Text(text, font_size=30)\n")
    ast.parse(result)
    assert result == SECTION.replace("font_size=24", "font_size=30")


def test_apply_fix_splices_a_scope_only_reply():
    block = scope_for_line(SECTION, 22)
    reply = f"The circle must be replaced:\n```python\n{FIXED_BLOCK_2}```\n"
    result = apply_fix(SECTION, block, extract_code(reply))
    _check_spliced_block_2(result)


def test_apply_fix_takes_a_whole_program_as_the_new_section():
    block = scope_for_line(SECTION, 22)
    program = SECTION.replace("Transform(circle, square)", "ReplacementTransform(circle, square)")
    program = program.replace('SECTION_TITLE = "Squares"\n', "")
    result = apply_fix(SECTION, block, extract_code(f"```python\n{program}```"))
    assert result == program.rstrip("\n") + "\n"
    assert result.count("class Section2Scene") == 1
    assert "SECTION_TITLE" not in result


def test_apply_fix_takes_a_whole_program_even_with_a_syntax_error():
    block = scope_for_line(SECTION, 22)
    program = SECTION.replace("self.wait()", "self.wait(")
    assert apply_fix(SECTION, block, program) == program


def test_apply_fix_on_the_section_scope_replaces_everything():
    section = scope_for_line(SECTION, None)
    assert apply_fix(SECTION, section, "x = 1\n\n") == "x = 1\n"
