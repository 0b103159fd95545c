"""Which line of a section an error belongs to: the scene's own code, never a helper it called.

`section_line` walks the worker's traceback frames (outermost first) from the innermost out:
frames in manim, in our teaching_scene.py, or in a base class the file defines inline are the
caller's fault; a method the scene class defines, or a module-level function, is the fault's home.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import code2video_nb
from code2video_nb.render.renderer import helper_lines, render_file, section_line
from code2video_nb.render.child.render_job import Frame

SECTION = '''\
from manim import *


def make_label(text):
    return Text(text, font_sise=20)


class TeachingScene(Scene):
    def place_at_grid(self, mobject, cell):
        return mobject.move_to(self.grid[cell])


class Section1Scene(TeachingScene):
    def construct(self):
        self.grid = {"A1": ORIGIN}
        dot = Dot()
        self.place_at_grid(dot, "G1")
        self.play(FadeIn(self.helper()))

    def helper(self):
        return make_label("x")
'''
PATH = Path("/lectures/demo/sections/1.py")
MANIM = "/usr/lib/python3/dist-packages/manim/mobject/mobject.py"
TEACHING = str(Path(code2video_nb.__file__).parent / "teaching_scene.py")  # our own, wherever installed


def frame(line: int, function: str, file: str = str(PATH)) -> Frame:
    return Frame(file, line, function, "")


def test_the_fixture_names_the_lines_the_tests_use():
    lines = SECTION.splitlines()
    assert "self.grid[cell]" in lines[9] and 'place_at_grid(dot, "G1")' in lines[16]
    assert "font_sise" in lines[4] and "make_label" in lines[20]


def test_an_inline_base_class_is_a_helper_and_the_scene_class_is_not():
    assert helper_lines(SECTION) == [(8, 10)]


def test_a_failure_inside_an_inline_base_class_points_at_the_scenes_call():
    frames = [frame(1, "<module>", "/x/runpy.py"), frame(17, "construct"), frame(10, "place_at_grid")]
    assert section_line(frames, PATH, SECTION) == 17


def test_without_the_source_the_innermost_frame_in_the_file_is_kept():
    frames = [frame(17, "construct"), frame(10, "place_at_grid")]
    assert section_line(frames, PATH) == 10


def test_a_failure_through_teaching_scene_and_manim_points_at_the_caller():
    frames = [frame(17, "construct"), frame(229, "place_at_grid", TEACHING), frame(90, "_parse", TEACHING)]
    assert section_line(frames, PATH, SECTION) == 17


def test_the_scenes_own_helper_method_and_module_function_stay_the_faults_home():
    frames = [frame(18, "construct"), frame(21, "helper"), frame(5, "make_label"), frame(70, "__init__", MANIM)]
    assert section_line(frames, PATH, SECTION) == 5


def test_a_base_class_run_by_manim_alone_still_names_its_line():
    # setup() in the inline base, called by manim before construct: no scene frame to walk out to
    frames = [frame(300, "render", MANIM), frame(10, "setup")]
    assert section_line(frames, PATH, SECTION) == 10


def test_ancestors_defined_inline_are_helpers_at_every_level():
    chain = SECTION.replace("class Section1Scene(TeachingScene):", "class Middle(TeachingScene):\n"
                            "    pass\n\n\nclass Section1Scene(Middle):")
    assert sorted(helper_lines(chain)) == [(8, 10), (13, 14)]


def test_code_that_does_not_parse_has_no_helpers():
    assert helper_lines("class (:\n") == []


@pytest.mark.render
def test_a_real_key_error_in_a_paper_style_base_names_the_scenes_line(tmp_path):
    path = tmp_path / "section.py"
    path.write_text(SECTION.replace('self.play(FadeIn(self.helper()))', 'self.wait(0.1)'))
    outcome = render_file(path, media_dir=tmp_path / "media", timeout=120, dry_run_only=True)
    assert outcome.error_type == "KeyError" and outcome.line == 17
