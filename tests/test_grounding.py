"""Grounding facts for real errors, produced by actually running manim in-process."""

from __future__ import annotations

import subprocess
import sys
import traceback
from pathlib import Path

import pytest

from code2video_nb.grounding import extract_latex_error, facts_for_error

DATA = Path(__file__).parent / "data"

# The tail of a real pdflatex log for MathTex(r"\lamda"), as manim 0.22 writes it.
LAMDA_LOG = r"""File: umsb.fd 2013/01/14 v3.01 AMS symbols B
)
! Undefined control sequence.
<argument> ...isvgm:raw <g id='unique000'>}\lamda 
                                                  \special {dvisvgm:raw </g>} 
l.8 \end{align*}
                 
Here is how much of TeX's memory you used:
"""


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path, monkeypatch):
    # Text() writes an SVG cache under ./media before it fails; keep it out of the repo
    monkeypatch.chdir(tmp_path)


def fail(code: str) -> tuple[str, str, int]:
    """Run `code` like a section file; return (the traceback's last line, code, failing line)."""
    try:
        exec(compile(code, "<section>", "exec"), {})
    except Exception as e:  # noqa: BLE001 - any real error is what we want
        frames = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == "<section>"]
        return f"{type(e).__name__}: {e}", code, frames[-1].lineno
    raise AssertionError("the snippet was expected to fail")


def facts(code: str) -> list[str]:
    return facts_for_error(*fail(code))


def test_unexpected_keyword_reports_signature_and_mro():
    error, code, line = fail("from manim import *\n\ncircle = Circle(colour=RED)\n")
    # Python blames the class that finally refused it, not the one the code called
    assert error == "TypeError: Mobject.__init__() got an unexpected keyword argument 'colour'"
    assert line == 3
    found = facts_for_error(error, code, line)
    assert found[0] == "Circle(radius=None, color=RED, **kwargs)"
    assert "Arc, TipableVMobject, VMobject, Mobject" in found[1]
    assert found[-1] == "'colour' is not a parameter — did you mean 'color'?"


def test_keyword_found_by_prefix_along_the_mro():
    found = facts("from manim import *\nsq = Square(side=2)\n")
    assert found[0] == "Square(side_length=2.0, **kwargs)"
    assert "did you mean 'side_length'?" in found[-1]


def test_keyword_of_an_animation_and_a_method():
    found = facts("from manim import *\nanim = Create(Square(), run_tim=1)\n")
    assert found[0].startswith("Create(mobject, lag_ratio=1.0")
    assert "did you mean 'run_time'?" in found[-1]
    found = facts("from manim import *\nsq = Square()\nsq.next_to(ORIGIN, UP, buf=1)\n")
    assert found[0].startswith("Mobject.next_to(mobject_or_point, direction=RIGHT, buff=0.25")
    assert found[-1] == "'buf' is not a parameter — did you mean 'buff'?"


def test_keyword_in_a_multiline_call_and_without_a_line():
    error, code, line = fail("from manim import *\nt = Text(\n    'hi',\n    font_sise=30,\n)\n")
    assert facts_for_error(error, code, line)[-1].endswith("did you mean 'font_size'?")
    assert facts_for_error(error, code)[0].startswith("Text(text, ")


def test_keyword_of_the_codes_own_teaching_scene():
    # paper style: TeachingScene is defined inline, and its signature wins over ours
    inline = (DATA / "paper_style_section.py").read_text().split("class Section2Scene")[0]
    error, code, line = fail(inline + "TeachingScene.place_at_grid(None, Dot(), 'B5', scale=1.2)\n")
    assert error == "TypeError: TeachingScene.place_at_grid() got an unexpected keyword argument 'scale'"
    assert facts_for_error(error, code, line) == [
        "TeachingScene.place_at_grid(mobject, grid_pos, scale_factor=1.0)",
        "'scale' is not a parameter — did you mean 'scale_factor'?",
    ]
    # imported from the package: read from code2video_nb.teaching_scene
    found = facts("from manim import *\nfrom code2video_nb.teaching_scene import TeachingScene\n"
                  "TeachingScene.place_at_grid(None, Dot(), 'B5', scale=1.2)\n")
    assert found[0].startswith("TeachingScene.place_at_grid(mobject, ")
    assert found[-1] == "'scale' is not a parameter — did you mean 'scale_factor'?"


def test_unknown_keyword_says_so_without_guessing():
    found = facts("from manim import *\nc = Circle(zzqq=1)\n")
    assert found[-1] == "'zzqq' is not a parameter of Circle or the classes its **kwargs reach"


def test_wrong_positional_arguments_report_the_signature():
    found = facts("from manim import *\na = Create()\n")
    assert found == ["Create(mobject, lag_ratio=1.0, introducer=True, **kwargs)"]


def test_name_error_suggests_manim_and_own_names():
    error, code, line = fail("from manim import *\nc = Circel(radius=1)\n")
    assert error == "NameError: name 'Circel' is not defined"
    assert facts_for_error(error, code, line) == ["'Circel' is not defined — did you mean 'Circle'?"]
    assert facts("from manim import *\neq = Mathtex('x')\n")[0].endswith(
        "did you mean 'MathTex' or 'MathTable'?")
    found = facts("from manim import *\nmy_circle = Circle()\nprint(my_circel)\n")
    assert found == ["'my_circel' is not defined — did you mean 'my_circle'?"]


def test_error_given_as_a_whole_traceback():
    code = "from manim import *\nc = Circel(radius=1)\n"
    try:
        exec(compile(code, "<section>", "exec"), {})
    except NameError as e:
        error = "".join(traceback.format_exception(e))
    assert error.startswith("Traceback")
    assert facts_for_error(error, code, 2) == ["'Circel' is not defined — did you mean 'Circle'?"]
    # the interpreter's own display adds a hint to the last line; the facts stay the same
    printed = subprocess.run([sys.executable, "-c", "Circle = 1\nprint(Circel)"],
                             capture_output=True, text=True).stderr
    assert printed.splitlines()[-1] == "NameError: name 'Circel' is not defined. Did you mean: 'Circle'?"
    assert facts_for_error(printed, code, 2) == ["'Circel' is not defined — did you mean 'Circle'?"]


def test_attribute_errors():
    assert facts("from manim import *\nsq = Square()\nsq.shft(UP)\n") == [
        "Square has no attribute 'shft' — did you mean 'shift'?"]
    # Mobject's __getattr__ reports 'colour' for get_colour(); the fact names the method
    found = facts("from manim import *\nsq = Square()\nsq.get_colour()\n")
    assert found[0].startswith("Square has no attribute 'get_colour' — did you mean 'get_color'")
    assert facts("import manim\nmanim.Circel()\n") == ["manim has no 'Circel' — did you mean 'Circle'?"]
    assert facts("from manim import *\nax = Axes()\nax.x_axes\n")[0].startswith(
        "Axes has no attribute 'x_axes' — did you mean 'x_axis'")


def test_attribute_error_on_a_scene_defined_in_the_code():
    code = ("from manim import *\n\nclass Base(Scene):\n    def place_at_grid(self, m, cell):\n"
            "        return m\n\nclass S(Base):\n    def construct(self):\n"
            "        self.place_at_gird(Dot(), 'B2')\n        self.plya(Create(Dot()))\n\n"
            "S().construct()\n")
    error, code, line = fail(code)
    assert line == 9
    assert facts_for_error(error, code, line) == [
        "S has no attribute 'place_at_gird' — did you mean 'place_at_grid'?"]
    code = code.replace("self.place_at_gird(Dot(), 'B2')", "pass")
    assert facts(code) == ["S has no attribute 'plya' — did you mean 'play'?"]


def test_import_error():
    error, code, line = fail("from manim import Circel\n")
    assert error.startswith("ImportError: cannot import name 'Circel' from 'manim'")
    assert facts_for_error(error, code, line) == ["manim has no 'Circel' — did you mean 'Circle'?"]


def test_unrelated_errors_give_no_facts():
    assert facts("x = 1 / 0\n") == []
    assert facts("d = {}\nd['missing']\n") == []
    assert facts("from manim import *\nzzz_unknown_thing()\n") == []
    assert facts_for_error("RuntimeError: something broke", "x = 1\n", 1) == []


def test_facts_stay_short():
    found = facts("from manim import *\nt = Text('hi', font_sise=3)\n")
    assert 1 <= len(found) <= 6
    assert all(len(f) <= 240 and "\n" not in f for f in found)


def test_extract_latex_error_from_a_log():
    assert extract_latex_error(LAMDA_LOG) == (
        r"! Undefined control sequence. l.8 \end{align*} (TeX stopped after: \lamda)")
    assert extract_latex_error("This is pdfTeX\nOutput written on x.dvi\n") is None


def test_latex_facts_from_given_log_and_the_failing_line():
    code = 'from manim import *\neq = MathTex(r"\\lamda")\n'
    error = ("ValueError: latex error converting to dvi. See log output above or "
             "the log file: media/Tex/does_not_exist.log")
    assert facts_for_error(error, code, 2, latex_log=LAMDA_LOG) == [
        r"LaTeX error: ! Undefined control sequence. l.8 \end{align*} (TeX stopped after: \lamda)",
        r"offending TeX string: \lamda",
    ]
    # no log to read: only what the code itself shows
    assert facts_for_error(error, code, 2) == [r"offending TeX string: \lamda"]


@pytest.mark.render
def test_real_latex_failure(tmp_path):
    from manim import MathTex, tempconfig

    with tempconfig({"media_dir": str(tmp_path)}):
        with pytest.raises(ValueError) as info:
            MathTex(r"x = \alpha + \lamda")
    error = f"ValueError: {info.value}"
    assert error.startswith("ValueError: latex error converting to dvi. See log output above or "
                            f"the log file: {tmp_path}/Tex/")
    assert error.endswith(".log")
    # the log path in the message is read, and the .tex beside it gives the exact string
    found = facts_for_error(error, "eq = MathTex(some_variable)\n", 1)
    assert found == [
        r"LaTeX error: ! Undefined control sequence. l.8 \end{align*} "
        r"(TeX stopped after: x = \alpha + \lamda)",
        r"offending TeX string: x = \alpha + \lamda",
    ]


# --- issue 11 part 2: more error families, each from the real error of the installed manim ---

SCENE = "from manim import *\nimport numpy as np\nconfig.dry_run = True\nself = Scene(skip_animations=True)\n"


def in_scene(body: str) -> tuple[str, str, int]:
    """Run `body` (lines using `self` as a Scene) without writing a frame."""
    from manim import tempconfig

    with tempconfig({"dry_run": True}):
        return fail(SCENE + body)


def test_unknown_colour_names_list_the_hues_shades():
    error, code, line = fail("from manim import *\nc = Circle(color=LIGHT_BLEU)\n")
    assert error == "NameError: name 'LIGHT_BLEU' is not defined"
    found = facts_for_error(error, code, line)
    assert found[0].startswith("'LIGHT_BLEU' is not a manim colour constant; manim's BLUE colours "
                               "from light to dark: BLUE_A, BLUE_B, BLUE")
    assert found[0].index("BLUE_A") < found[0].index("BLUE_E")  # lightest first, by the real values
    found = facts("from manim import *\nc = Circle(color=DARKGREEN)\n")
    assert "manim's GREEN colours from light to dark" in found[0]
    # DARKGREEN is an X11 colour manim ships but does not export
    assert found[1] == ("DARKGREEN is manim.utils.color.X11.DARKGREEN (#006400); "
                        "the nearest manim constant is GREEN_E (#699C52)")
    # an upper-case name that is no colour keeps the usual suggestion
    assert facts("from manim import *\nx = ORIGN\n") == ["'ORIGN' is not defined — did you mean 'ORIGIN'?"]


def test_points_of_the_wrong_shape():
    error, code, line = fail("from manim import *\nd = Dot([1, 2])\n")
    assert error.startswith("ValueError: operands could not be broadcast together with shapes")
    found = facts_for_error(error, code, line)
    assert "manim points are 3-D (x, y, z)" in found[0]
    assert "A NumPy array representing a 3-dimensional point" in found[0]  # manim.typing's own words
    assert found[1] == "[1, 2] has 2 coordinates; write np.array([1, 2, 0])"
    found = facts("from manim import *\nimport numpy as np\nc = Circle()\nc.move_to(np.array([1, 2]))\n")
    assert found[1] == "[1, 2] has 2 coordinates; write np.array([1, 2, 0])"
    error, code, line = fail("from manim import *\nl = Line([0, 0], [1, 1])\n")
    assert error.startswith("ValueError: could not broadcast input array from shape")
    assert facts_for_error(error, code, line)[1:] == [
        "[0, 0] has 2 coordinates; write np.array([0, 0, 0])",
        "[1, 1] has 2 coordinates; write np.array([1, 1, 0])"]


def test_play_given_a_method_or_a_mobject():
    error, code, line = in_scene("c = Circle()\nself.play(c.shift, UP, run_time=2)\n")
    assert error.startswith("TypeError: Passing Mobject methods to Scene.play is no longer supported")
    assert facts_for_error(error, code, line) == [
        "passing the method c.shift and its arguments is the old form; write "
        "self.play(c.animate.shift(UP), run_time=2) "
        "(Mobject.animate: Used to animate the application of any method of self)"]
    error, code, line = in_scene("circle = Circle()\nself.play(circle)\n")
    assert error == "TypeError: Unexpected argument Circle passed to Scene.play()."
    found = facts_for_error(error, code, line)
    assert found[0].startswith("Scene.play takes animations, not the mobject circle: change it with "
                               "circle.animate.<method>(...), or show it with an introducer animation: ")
    # asked of manim: these animations answer is_introducer()
    assert "Create(circle)" in found[0] and "FadeIn(circle)" in found[0] and "Unwrite" not in found[0]


def test_transform_to_a_string_or_a_list():
    error, code, line = in_scene("c = Circle()\nt = Transform(c, 'x')\nself.play(t)\n")
    assert error == "AttributeError: 'str' object has no attribute 'copy'"
    found = facts_for_error(error, code, line)
    assert found[0].startswith("Transform(mobject, target_mobject=None, path_func=None")
    assert found[1].startswith("target_mobject must be a Mobject; here it is a str: 'x'")
    error, code, line = in_scene("c = Circle()\nself.play(ReplacementTransform(c, [Square()]))\n")
    assert error.startswith("AttributeError: 'list' object has no attribute")
    found = facts_for_error(error, code, line)
    assert found[0] == "ReplacementTransform(mobject, target_mobject, **kwargs)"
    assert found[1].startswith("target_mobject must be a Mobject; here it is a list: [Square()]")
    # an ordinary attribute error on a str is not a Transform's
    assert facts("s = 'abc'\ns.shft()\n") == []


def test_positional_arguments_that_land_in_another_parameter():
    error, code, line = fail("from manim import *\na = Arrow(LEFT, RIGHT, RED)\n")
    assert error == "TypeError: Line.__init__() got multiple values for argument 'buff'"
    assert facts_for_error(error, code, line)[-1] == (
        "Arrow(LEFT, RIGHT, RED): positional arguments land as LEFT → start, RIGHT → end, RED → buff "
        "(its *args reach Line.__init__); RED is a colour: pass color=RED")
    error, code, line = fail("from manim import *\nt = Text('hi', RED)\n")
    assert error == "ValueError: setting an array element with a sequence."
    assert facts_for_error(error, code, line) == [
        "Text('hi', RED): positional arguments land as 'hi' → text, RED → fill_opacity; "
        "RED is a colour: pass color=RED"]
    found = facts("from manim import *\ns = Square(2, RED)\n")
    assert found == ["Square(side_length=2.0, **kwargs)",
                     "Square(2, RED): positional arguments land as 2 → side_length, RED → no parameter; "
                     "RED is a colour: pass color=RED"]


def test_names_from_older_manim_and_manimgl():
    found = facts("from manim import *\na = ShowCreation(Circle())\n")
    assert found[0].startswith("'ShowCreation' is not in manim 0.")
    assert "the closest now: Create (Incrementally show a VMobject)" in found[0]
    found = facts("from manim import *\nt = TextMobject('hi')\n")
    assert "the closest now: Text (Display (non-LaTeX) text rendered using Pango)" in found[0]
    found = facts("from manim import *\nt = TexMobject('x^2')\n")
    assert "the closest now: Tex (A string compiled with LaTeX in normal mode); MathTex (" in found[0]


def test_renamed_method_hidden_by_mobjects_getattr():
    # Mobject.__getattr__ answers any get_x(), so the old get_graph fails as a call with too many arguments
    error, code, line = fail("from manim import *\nax = Axes()\ng = ax.get_graph(lambda x: x ** 2)\n")
    assert error.startswith("TypeError: Mobject.__getattr__.<locals>.getter() takes 1 positional argument")
    found = facts_for_error(error, code, line)
    assert found == ["Axes has no method 'get_graph'; Axes's parameters named 'graph' take a "
                     "ParametricFunction, which plot, plot_polar_graph, plot_derivative_graph, "
                     "plot_parametric_curve return"]


def test_play_given_the_result_of_a_method_and_a_chained_mobject():
    error, code, line = in_scene("square = Square().scale(0.5)\nself.play(square.shift(UP), run_time=0.5)\n")
    assert error == "TypeError: Unexpected argument Square passed to Scene.play()."
    assert facts_for_error(error, code, line) == [
        "square.shift(UP) changes the mobject at once and returns it (manim annotates shift as "
        "returning Self), not an animation; write self.play(square.animate.shift(UP), run_time=0.5)"]
    # Circle(...).scale(0.8) is still a Circle: manim annotates scale as returning Self
    found = facts_for_error(*in_scene("circle = Circle(color=BLUE).scale(0.8)\nself.play(circle)\n"))
    assert found[0].startswith("Scene.play takes animations, not the mobject circle")


def test_points_only_where_manim_wants_a_point():
    # t_range=[0, 1] is a range (annotated so), the lambda's [t, t * t] is the 2-D point
    error, code, line = fail("from manim import *\ncurve = ParametricFunction(lambda t: [t, t * t], "
                             "t_range=[0, 1])\n")
    assert error.startswith("ValueError: could not broadcast input array from shape")
    assert facts_for_error(error, code, line)[1:] == ["[t, t * t] has 2 coordinates; write np.array([t, t * t, 0])"]
    found = facts("from manim import *\np = Polygon([0, 0], [2, 0], [1, 1])\n")  # *vertices: Point3DLike
    assert found[1:] == ["[0, 0] has 2 coordinates; write np.array([0, 0, 0])",
                         "[2, 0] has 2 coordinates; write np.array([2, 0, 0])"]


def test_transform_to_a_point_and_a_colour_given_as_radius():
    error, code, line = in_scene("c = Circle()\nsq = Square()\nself.play(ReplacementTransform(c, sq.get_center()))\n")
    assert error.startswith("AttributeError: 'numpy.ndarray' object has no attribute")
    assert facts_for_error(error, code, line)[1].startswith(
        "target_mobject must be a Mobject; here it is a numpy.ndarray: sq.get_center()")
    error, code, line = in_scene("circle = Circle(BLUE).scale(0.8)\nself.add(circle)\n")
    assert facts_for_error(error, code, line) == [
        "Circle(BLUE): positional arguments land as BLUE → radius; BLUE is a colour: pass color=BLUE"]


def test_errors_deep_in_manim_give_the_call_as_manim_declares_it():
    error, code, line = fail('from manim import *\nsquare = Square()\ngroup = VGroup(square, "label")\n')
    assert error.startswith("TypeError: Only values of type VMobject can be added as submobjects of VGroup")
    assert facts_for_error(error, code, line) == [
        "VGroup(*vmobjects, **kwargs)",
        "'label' is a str, where VGroup's *vmobjects takes VMobject | Iterable[VMobject]"]
    found = facts('from manim import *\nbrace = Brace(Square(), direction="down")\n')
    assert found[0].startswith("Brace(mobject, direction=DOWN, buff=0.2")
    assert found[1].startswith("'down' is a str, where Brace's direction takes ")  # manim's annotation
    found = facts('from manim import *\nvalue = DecimalNumber("3.14", num_decimal_places=2)\n')
    assert found[1] == "'3.14' is a str, where DecimalNumber's number takes float"
    # errors of the code's own arithmetic stay without facts
    assert facts("from manim import *\nx = [1, 2][5]\n") == []


def test_a_method_used_as_its_value():
    error, code, line = in_scene("tracker = ValueTracker(1)\ndot = Dot()\n"
                                 "dot.add_updater(lambda m: m.set_x(tracker.get_value - 1), call_updater=True)\n")
    assert error == "TypeError: unsupported operand type(s) for -: 'method' and 'int'"
    assert facts_for_error(error, code, line) == [
        "tracker.get_value is the method ValueTracker.get_value (Get the current value of this "
        "ValueTracker); call it: tracker.get_value()"]


def test_a_name_reassigned_from_itself_is_followed_to_its_class():
    found = facts_for_error(*in_scene("c = Circle()\nc = c.scale(2)\nself.play(c)\n"))
    assert found[0].startswith("Scene.play takes animations, not the mobject c:")


def test_grid_cells_outside_the_grid():
    error, code, line = fail("from manim import *\nfrom code2video_nb.teaching_scene import TeachingScene\n"
                             "TeachingScene.place_at_grid(TeachingScene(), Dot(), 'G1')\n")
    assert error.startswith("ValueError: invalid grid cell 'G1': rows A-F, columns 1-6")
    assert facts_for_error(error, code, line) == [
        "grid cells are A1 (top-left) to F6 (bottom-right): rows A-F, columns 1-6; the nearest to 'G1' is 'F1'"]
    # a paper-style inline base keeps its cells in a dict: a KeyError
    inline = (DATA / "paper_style_section.py").read_text().split("class Section2Scene")[0]
    error, code, line = fail(inline + "scene = TeachingScene()\nscene.setup_layout('T', ['1. a'])\n"
                                      "scene.place_at_grid(Dot(), 'B7')\n")
    assert error == "KeyError: 'B7'"
    assert facts_for_error(error, code, line)[0].endswith("the nearest to 'B7' is 'B6'")
    assert facts("d = {}\nd['B7']\n") == []  # a KeyError of the code's own dict
