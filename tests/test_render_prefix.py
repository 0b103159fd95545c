"""render_prefix: which plays a re-render may take from the last render, from the code alone."""

from __future__ import annotations

from code2video_nb.render.render_prefix import PlayLog, read_log, reusable, statement_keys, write_log

SALT = "preview"
CODE = '''from manim import *


class S(Scene):
    def construct(self):
        a = Square()
        self.play(Create(a))
        self.play(
            a.animate.shift(LEFT),
            run_time=1,
        )
        self.helper(a)
        self.wait(1)

    def helper(self, a):
        self.play(FadeOut(a))
'''
# The plays the last render made, with the construct line each was made from.
LINES = [7, 8, 12, 13]
KEYS = [c * 64 for c in "abcd"]


def logged(code: str = CODE) -> PlayLog:
    return PlayLog(KEYS, LINES, statement_keys(code, SALT))


def test_unchanged_code_reuses_every_play_made_before_its_last_statement():
    assert reusable(logged(), CODE, SALT) == KEYS[:3]


def test_an_edit_reuses_the_plays_made_before_the_edited_statement():
    edited = CODE.replace("self.wait(1)", "self.wait(2)")
    assert reusable(logged(), edited, SALT) == KEYS[:3]
    edited = CODE.replace("self.helper(a)", "self.helper(a)  # and then")
    assert reusable(logged(), edited, SALT) == KEYS[:2]


def test_an_edit_inside_a_multi_line_statement_leaves_its_play_out():
    edited = CODE.replace("run_time=1,", "run_time=2,")  # the statement's third line
    assert reusable(logged(), edited, SALT) == KEYS[:1]


def test_a_change_outside_construct_or_of_the_settings_reuses_nothing():
    assert reusable(logged(), CODE.replace("FadeOut(a)", "FadeOut(a, shift=UP)"), SALT) == []
    assert reusable(logged(), CODE.replace("from manim import *", "from manim import *\nimport math"), SALT) == []
    assert reusable(logged(), CODE, "final") == []


def test_a_log_the_render_child_could_have_tampered_with_is_not_read(tmp_path):
    write_log(tmp_path, SALT, CODE, SALT, KEYS, LINES)
    assert read_log(tmp_path, SALT) == logged()
    write_log(tmp_path, SALT, CODE, SALT, ["../../etc/passwd"] + KEYS[1:], LINES)  # not a key: forgotten
    assert read_log(tmp_path, SALT) is None
    (tmp_path / f"plays-{SALT}.json").write_text('{"keys": "x"}')
    assert read_log(tmp_path, SALT) is None
