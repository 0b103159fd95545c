"""Pulling JSON and code out of model replies of the shapes models really send."""

from __future__ import annotations

import ast

import pytest

from code2video_nb.replies import CutOffError, code_in_reply, cut_off_at, extract_code, parse_json

OUTLINE = {"topic": "Eigenvectors", "sections": [{"id": "section_1", "title": "What stays on its line"}]}

PROGRAM = '''\
from manim import *


class Section1Scene(Scene):
    def construct(self):
        # === Animation for Lecture Line 1 ===
        circle = Circle(color=BLUE)
        self.play(Create(circle))
        self.wait(0.5)
'''


# ---------------------------------------------------------------- parse_json

def test_json_in_a_json_fence_with_prose_around():
    reply = ("Sure! Here is the outline you asked for:\n\n```json\n"
             '{"topic": "Eigenvectors", "sections": [{"id": "section_1", "title": "What stays on its line"}]}\n'
             "```\n\nLet me know if you want more sections.")
    assert parse_json(reply) == OUTLINE


def test_json_in_a_bare_fence():
    reply = '```\n{"topic": "Eigenvectors", "sections": []}\n```'
    assert parse_json(reply) == {"topic": "Eigenvectors", "sections": []}


def test_bare_json_reply():
    assert parse_json('  {"topic": "Eigenvectors", "sections": []}\n') == {"topic": "Eigenvectors", "sections": []}


def test_bare_json_with_prose_but_no_fence():
    reply = 'The outline is {"topic": "Eigenvectors", "sections": []} as requested.'
    assert parse_json(reply) == {"topic": "Eigenvectors", "sections": []}


def test_trailing_commas_are_repaired():
    reply = '```json\n{\n "topic": "Eigenvectors",\n "sections": [\n  {"id": "1", "title": "A",},\n ],\n}\n```'
    assert parse_json(reply) == {"topic": "Eigenvectors", "sections": [{"id": "1", "title": "A"}]}


def test_trailing_comma_repair_leaves_strings_alone():
    # A comma before a brace inside a string is text, not a trailing comma.
    reply = '{"line": "sets like {1, 2, }", "items": [1, 2,],}'
    assert parse_json(reply) == {"line": "sets like {1, 2, }", "items": [1, 2]}


def test_nested_braces_inside_strings():
    reply = ('Here it is:\n{"title": "Sets {a, b}", "example": "def f(): return {1: [2]}", '
             '"sections": [{"id": "s}1", "title": "x"}]}\nDone.')
    assert parse_json(reply) == {"title": "Sets {a, b}", "example": "def f(): return {1: [2]}",
                                 "sections": [{"id": "s}1", "title": "x"}]}


def test_braces_in_the_prose_before_the_json():
    reply = 'I filled in the {topic} placeholder:\n{"topic": "Eigenvectors", "sections": []}'
    assert parse_json(reply) == {"topic": "Eigenvectors", "sections": []}


def test_reply_without_json_names_the_problem():
    with pytest.raises(ValueError, match="holds no JSON"):
        parse_json("Sorry, I cannot produce an outline for that topic.")


def test_empty_reply_names_the_problem():
    with pytest.raises(ValueError, match="holds no JSON"):
        parse_json("   \n")


def test_broken_json_reports_the_parse_error():
    # The error of the fenced JSON itself (line 3 lacks a comma), for the re-ask to quote.
    with pytest.raises(ValueError, match=r"not valid JSON \(Expecting ',' delimiter: line 3 column 2"):
        parse_json('Here:\n```json\n{\n "topic": "Eigenvectors"\n "sections": []\n}\n```\nThanks')


@pytest.mark.parametrize("reply", [
    '{"sections": [{"id": "1", "title": "A',                              # inside a string
    '{"sections": [{"id": "1", "title": "A"}, {"id": "2", "ti',           # an inner object is complete
    'Here it is:\n```json\n{"topic": "Eigenvectors", "sections": [',      # fence never closed
    'I used {braces} in prose. {"topic": "x", "count": 1',                # prose braces first
    '{"topic": "x", "done": tr',                                          # a partial literal
])
def test_a_reply_cut_off_mid_json_says_so_and_where(reply):
    with pytest.raises(CutOffError, match=f"cut off mid-JSON at character {len(reply.rstrip())};"):
        parse_json(reply)


@pytest.mark.parametrize("reply", [
    "Sure! {not json at all",                          # broken from its first character: malformed
    '```json\n{"topic": "x", "sections": [1, 2}\n```',  # mismatched brackets, fence closed
    '{"topic": "x"}\nSee note [1',                     # complete JSON, then prose
])
def test_malformed_or_complete_json_is_not_called_cut_off(reply):
    assert cut_off_at(reply) is None


# -------------------------------------------------------------- code_in_reply

@pytest.mark.parametrize("reply, problem", [
    ("", "the reply is empty"),
    ("I'm sorry, but I can't help with that section.", "holds no Python code, only prose"),
    ("Sure", "holds no Python code, only prose"),
    ('{"error": {"message": "overloaded", "type": "server_error"}}', "is a JSON object, not Python code"),
    ("```json\n{\"error\": \"overloaded\"}\n```", "holds no Python code"),
])
def test_a_reply_without_code_is_refused_with_its_reason(reply, problem):
    with pytest.raises(ValueError, match=problem):
        code_in_reply(reply)


def test_code_is_accepted_even_with_a_syntax_error_and_a_scene_needs_its_class():
    broken = PROGRAM + "        self.play(FadeOut(circle)\n"
    assert code_in_reply(f"```python\n{broken}```", scene=True) == broken  # auto-fix repairs it
    block = "        self.play(Create(Square()))\n"
    assert code_in_reply(f"```python\n{block}```") == block  # a fix for one block
    with pytest.raises(ValueError, match="no scene class with a construct"):
        code_in_reply(f"```python\n{block}```", scene=True)


# -------------------------------------------------------------- extract_code

def test_fenced_python_with_prose_before_and_after():
    reply = f"Here is the scene:\n\n```python\n{PROGRAM}```\n\nIt draws a blue circle. Enjoy!"
    assert extract_code(reply) == PROGRAM


def test_fence_tagged_py():
    assert extract_code(f"```py\n{PROGRAM}```") == PROGRAM


def test_of_several_blocks_the_scene_wins():
    helper = "def long_helper_with_a_long_name():\n" + "    x = 1\n" * 40  # longer than the scene
    reply = (f"First install it:\n```bash\npip install manim manim-voiceover and other things\n```\n"
             f"A helper you might like:\n```python\n{helper}```\n"
             f"And the scene:\n```python\n{PROGRAM}```\n"
             f"Usage:\n```python\nmanim -pql scene.py\n```\n")
    code = extract_code(reply)
    assert code == PROGRAM


def test_unfenced_code_with_prose_before_and_after():
    reply = f"Here is the corrected code:\n\n{PROGRAM}\nThis version fixes the error by creating the circle first.\n"
    code = extract_code(reply)
    ast.parse(code)
    assert code == PROGRAM
    assert "corrected" not in code and "fixes the error" not in code


def test_unfenced_code_after_a_markdown_heading_and_prose():
    reply = f"# Fixed code\nThe problem was a missing import.\n\n{PROGRAM}\nHope this helps.\n"
    code = extract_code(reply)
    ast.parse(code)
    assert code == PROGRAM


def test_reply_that_is_only_code():
    assert extract_code(PROGRAM) == PROGRAM
    assert extract_code("\n\n" + PROGRAM + "\n\n") == PROGRAM


def test_only_code_with_a_syntax_error_is_not_truncated():
    # The repair loop must see the syntax error, not a silently shortened scene.
    broken = PROGRAM + "        self.play(FadeOut(circle)\n        self.wait()\n"
    assert extract_code(broken) == broken


def test_unfenced_code_with_a_syntax_error_and_prose_keeps_all_code():
    broken = PROGRAM + "        self.play(FadeOut(circle)\n        self.wait()\n"
    code = extract_code(f"Here you go:\n\n{broken}\nThat should render.\n")
    assert code.startswith("from manim import *\n")
    assert "self.play(FadeOut(circle)\n        self.wait()" in code


def test_unterminated_fence():
    reply = f"Here is the code:\n```python\n{PROGRAM}"  # the model stopped before closing the fence
    code = extract_code(reply)
    assert code == PROGRAM
    assert "```" not in code


def test_scope_only_reply_keeps_its_indentation():
    block = ("        # === Animation for Lecture Line 2 ===\n"
             "        square = Square()\n"
             "        self.play(Create(square))\n")
    assert extract_code(f"```python\n{block}```") == block
