"""Fixes without a model: the static pass repairs what surely fails before the first render, leaves
what only looks wrong alone, and records its fix like auto-fix's. Real renders, no model."""

from __future__ import annotations

import pytest

from code2video_nb.config import Settings
from code2video_nb.engine import Engine
from code2video_nb.grounding.latex import latex_facts
from code2video_nb.language import latex_draws
from code2video_nb.notebook.commands import _fix_summary
from code2video_nb.notebook.section_view import _fix_view
from code2video_nb.plan import Storyboard
from code2video_nb.section_build import _learned_renames
from code2video_nb.section_state import FixAttempt, FixRecord
from code2video_nb.static_fix import learned_renames, repair
from code2video_nb.video import probe
from code2video_nb.workspace import Workspace

import fix_corpus

HEAD = '''from manim import *
from code2video_nb.teaching_scene import TeachingScene


class Section1Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("Circles", ["A circle", "Its name"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
'''
BROKEN = HEAD + '''        circle = Circle(radius=0.8, colour=YELOW)
        self.place_at_grid(circle, "G1")
        self.play(ShowCreation(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        label = TextMobject("circle", colour=PURPEL)
        self.place_in_area(label, 'A5', "B9")
        self.play(FadeIn(label), run_time=0.5)
'''
REPAIRED = HEAD + '''        circle = Circle(radius=0.8, color=YELLOW)
        self.place_at_grid(circle, "F1")
        self.play(Create(circle), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        label = Text("circle", color=PURPLE)
        self.place_in_area(label, 'A5', "B6")
        self.play(FadeIn(label), run_time=0.5)
'''
FINE = HEAD + '''        circle = Circle(radius=0.8, color=YELLOW)
        self.place_at_grid(circle, "B2")
        self.play(Create(circle), run_time=0.5)
'''


def no_model():
    pytest.fail("the static pass should have made a model request unnecessary")


def lecture(tmp_path, code: str) -> Workspace:
    ws = Workspace.create(tmp_path, "circles", "Circles")
    ws.set_storyboard(Storyboard.from_dict({"sections": [
        {"id": str(i), "title": "Circles", "lecture_lines": ["A circle", "Its name"], "animations": ["draw"]}
        for i in (1, 2)]}))
    ws.write_code("1", code, "generated")
    return ws


def test_every_unambiguous_repair_is_made_and_said():
    result = repair(BROKEN)
    assert result.code == REPAIRED
    assert [(f.line, f.message) for f in result.fixes] == [
        (11, "YELOW is not defined; YELLOW is manim 0.22's only close name"),
        (11, "Circle() takes no keyword 'colour'; 'color' is its parameter"),
        (12, "place_at_grid: grid cell 'G1' is outside A1–F6; clamped to the nearest cell, 'F1'"),
        (13, "ShowCreation is not in manim 0.22; Create is"),
        (17, "TextMobject is not in manim 0.22; Text is"),
        (17, "PURPEL is not defined; PURPLE is manim 0.22's only close name"),
        (18, "place_in_area: grid cell 'B9' is outside A1–F6; clamped to the nearest cell, 'B6'"),
        (17, "Text() takes no keyword 'colour'; 'color' is its parameter"),  # checked once renamed
    ]
    assert repair(REPAIRED).fixes == []


@pytest.mark.parametrize("code", [
    # defined later in the file, imported under another name, a parameter, an attribute, a string
    "def f():\n    return ShowCreation(x)\n\nShowCreation = print\nx = 1\n",
    "from manim import Create as ShowCreation\nanim = ShowCreation\n",
    "from manim import *\ndef grow(TextMobject, obj):\n    return TextMobject(obj.ShowCreation)\n",
    "from manim import *\nlabel = Text('ShowCreation LIGHT_BLEU', color=RED)\nobj = lambda o: o.TexMobject\n",
    # a star import of something else may define anything; ours binds what it defines
    "from manim import *\nfrom code2video_nb.teaching_scene import *\nx = AnchorGrid()\n",
    "from manim import *\nfrom numpy import *\nx = ShowCreation\n",
    # manim 0.22 has no LIGHT_BLUE: no convincing colour (LIGHT_GREY 0.7, LIGHT_BROWN 0.67)
    "from manim import *\nc = Circle(color=LIGHT_BLEU)\n",
    # a misspelt class is auto-fix's (its rename is then learned); ShowCreation2 is bound below
    "from manim import *\nx = Creat(Dot())\n",
    # no single clear spelling: BLU_E is as close to BLUE_E as to BLUE; Dt is too short; side is no side_length
    "from manim import *\nx = BLU_E\ny = Dt()\nz = Square(side=2)\n",
    # a grid of the file's own (it may have a row G), a grid word that is no cell, a function taking anything
    "class S:\n    def place_at_grid(self, m, cell): return self.cells[cell]\n"
    "    def construct(self):\n        self.place_at_grid(None, 'G1')\n",
    "from manim import *\nclass S(Scene):\n    def place_at_grid(self, m, cell): pass\n"
    "    def construct(self):\n        self.place_at_grid(Dot(), 'centre')\n",
    "from manim import *\ndef Foo(**kw): pass\nFoo(colour=RED)\n",
])
def test_what_only_looks_wrong_is_left_alone(code):
    assert repair(code).code == code


def test_our_own_star_import_does_not_stop_the_pass():
    code = "from manim import *\nfrom code2video_nb.teaching_scene import *\nx = ShowCreation(Dot())\n"
    assert repair(code).code == code.replace("ShowCreation", "Create")


def test_a_constant_swapped_letters_or_one_colour_by_two_names_is_one_spelling():
    code = "from manim import *\na = Circle(color=BLEU)\nb = Square(color=LIGTH_GRAY)\n"
    assert repair(code).code == "from manim import *\na = Circle(color=BLUE)\nb = Square(color=LIGHT_GRAY)\n"
    # LIGHT_GRAY and LIGHT_GREY are one colour; LIGHTER_GRAY is another, as close to LIGHT_GRAYY
    assert repair("from manim import *\nc = LIGHT_GRAYY\n").fixes == []


def test_a_colour_another_manim_spells_bare_is_its_one_colour_in_this_one():
    """manimgl and older manim have CYAN and MAGENTA; manim 0.22 has only PURE_CYAN, PURE_MAGENTA."""
    code = "from manim import *\na = Circle(color=CYAN)\nb = Dot(color=MAGENTA)\n"
    result = repair(code)
    assert result.code == "from manim import *\na = Circle(color=PURE_CYAN)\nb = Dot(color=PURE_MAGENTA)\n"
    assert [f.message for f in result.fixes][0] == \
        "CYAN is not a colour in manim 0.22; PURE_CYAN is its one colour of that name"
    # BROWN: DARK_BROWN, LIGHT_BROWN and GREY_BROWN all hold it, so none is sure
    assert repair("from manim import *\nc = Circle(color=BROWN)\n").fixes == []


def test_the_papers_own_grid_helper_is_clamped_like_teaching_scenes():
    code = ('class S:\n    def setup(self):\n'
            '        self.grid = {f"{r}{c}": 0 for r in "ABCDEF" for c in range(1, 7)}\n'
            '    def place_at_grid(self, m, cell): return self.grid[cell]\n'
            '    def construct(self):\n        self.place_at_grid(None, "B7")\n')
    assert repair(code).code == code.replace('"B7"', '"B6"')


def test_on_the_fix_corpus_a_repair_is_always_the_reference_fix():
    """Every corpus file the pass changes comes out exactly as its reference fix (which the corpus's
    own test renders); the rest are left for auto-fix."""
    repaired = [case.name for case in fix_corpus.cases() if repair(case.code).fixes]
    assert all(repair(case.code).code == case.fixed() for case in fix_corpus.cases() if case.name in repaired)
    assert {"f01_kw_circle_colour", "f10_name_show_creation", "f13_name_colour_bleu", "f41_helper_grid_cell"} \
        <= set(repaired)


def test_a_kwarg_repair_needs_a_signature_without_kwargs_at_the_end():
    assert repair("from manim import *\na = Create(Dot(), run_tim=1)\n").code == \
        "from manim import *\na = Create(Dot(), run_time=1)\n"
    # `colr` is close to `color` only; `side` is no spelling of `side_length`
    assert repair("from manim import *\ns = Square(side=2, colr=RED)\n").code == \
        "from manim import *\ns = Square(side=2, color=RED)\n"


def test_a_rename_auto_fix_made_is_learned_when_manim_has_the_new_name():
    before = "from manim import *\nx = Creat(Dot())\ny = helper(1)\n"
    after = "from manim import *\nx = Create(Dot())\ny = helper2(1)\n"
    assert learned_renames(before, after) == {"Creat": "Create"}  # helper2 is not manim's
    other = "from manim import *\nz = Creat(Square())\n"
    assert repair(other).fixes == []  # a class's spelling is the model's call...
    learned = repair(other, {"Creat": "Create"})  # ... and once it made it, it is applied elsewhere
    assert learned.code == other.replace("Creat", "Create")
    assert learned.fixes[0].message == "Creat is not in manim 0.22; Create is (auto-fix's rename in another section)"


def test_another_sections_auto_fix_is_applied_before_this_one_renders(tmp_path):
    ws = lecture(tmp_path, FINE)
    before = FINE.replace("Create(circle)", "Creat(circle)").replace("YELLOW", "YELOW")
    model_fix = [FixAttempt("scope", line=13, error="NameError")]
    ws.record_fix("1", FixRecord(True, model_fix, before=before, after=FINE))
    assert _learned_renames(ws, "2") == {"Creat": "Create"}  # YELOW -> YELLOW was the static pass's own
    assert _learned_renames(ws, "1") == {}  # a section does not learn from itself


@pytest.mark.render
def test_a_section_full_of_old_names_and_typos_renders_without_a_model(tmp_path):
    ws = lecture(tmp_path, BROKEN)
    result = Engine(Settings.from_env(), no_model).build_section(ws, ws.storyboard.section("1"))
    assert result.ok, result.error
    assert result.fix_attempts == 0 and probe(result.video).duration > 1.0
    assert ws.read_code("1") == REPAIRED

    state = ws.section_state("1")
    assert [v.reason for v in state.history] == ["generated", "static fix"]
    assert state.fix.ok and state.fix.before == BROKEN and state.fix.after == REPAIRED
    assert {a.level for a in state.fix.attempts} == {"static"} and len(state.fix.attempts) == 8
    assert state.fix.attempts[3].line == 13 and state.fix.attempts[3].tokens == 0
    assert _fix_summary(state) == "fixed without a model (8 static fixes)"  # %c2v status

    # The notebook's fix note shows it, on this build and on a cached rerun of the fixed code.
    note = _fix_view(ws, "1", REPAIRED, REPAIRED)
    assert "ShowCreation is not in manim 0.22; Create is" in note.text
    assert "+        self.play(Create(circle)" in note.text
    again = Engine(Settings.from_env(), no_model).build_section(ws, ws.storyboard.section("1"))
    assert again.cached


@pytest.mark.render
@pytest.mark.parametrize("old, new", [("Create(circle)", "ShowCreation(circle)"), ("YELLOW", "YELOW"),
                                      ("color=YELLOW", "colour=YELLOW"), ('"B2"', '"B7"')])
def test_each_repair_alone_renders(tmp_path, old, new):
    ws = lecture(tmp_path, FINE.replace(old, new))
    result = Engine(Settings.from_env(), no_model).build_section(ws, ws.storyboard.section("1"))
    assert result.ok, result.error
    assert ws.read_code("1") == (FINE.replace('"B2"', '"B6"') if new == '"B7"' else FINE)
    assert len(ws.section_state("1").fix.attempts) == 1


CHINESE_WORDS = '''from manim import *
from code2video_nb.teaching_scene import TeachingScene

class S(TeachingScene):
    def construct(self):
        label = MathTex(r"\\text{特征值}", color=BLUE)
        title = Tex("向量", font_size=30)
        mixed = MathTex(r"A v = \\lambda v \\text{，其中}")
        spanish = Tex("valor ñ propio")
        math = MathTex(r"\\text{特征值}", tex_to_color_map={"x": RED})
'''


def test_words_latex_cannot_draw_become_text_where_that_is_the_one_repair():
    fixed = repair(CHINESE_WORDS)
    assert "label = Text('特征值', color=BLUE)" in fixed.code
    assert "title = Text('向量', font_size=30)" in fixed.code
    # mathematics mixed in, LaTeX that draws it (accented Latin), keywords Text does not take: left
    for kept in ('MathTex(r"A v = \\lambda v \\text{，其中}")', 'Tex("valor ñ propio")', "tex_to_color_map"):
        assert kept in fixed.code
    assert [f.line for f in fixed.fixes] == [6, 7]
    assert "LaTeX cannot draw '特征值'" in fixed.fixes[0].message


def test_the_fix_prompt_says_why_latex_fails_on_words_mixed_with_mathematics():
    facts = latex_facts("ValueError: latex error converting to dvi", CHINESE_WORDS, 8, "")
    assert any("LaTeX here cannot draw '，其中'" in f and "Text beside it" in f for f in facts)
    assert latex_draws("valor ñ propio – «x»") and not latex_draws("特征") and not latex_draws("متجه")
