"""The code so far of a reply still being written: cut at its complete lecture-line blocks (issue 24, part 2)."""

from __future__ import annotations

import pytest

from code2video_nb.code_prefix import code_so_far, complete_prefix, marks_in
from code2video_nb.parse import parse

from conftest import demo_cassette

REPLY = next(i["reply"] for i in demo_cassette()["interactions"] if i["stage"] == "code:1")


def prefixes(reply: str, step: int = 7):
    """Every prefix the stream could hand over, `step` characters apart, and the whole reply."""
    return [reply[:n] for n in range(0, len(reply), step)] + [reply]


def test_a_block_is_complete_once_the_next_one_has_started_and_its_prefix_is_a_whole_program():
    seen = {}
    for text in prefixes(REPLY):
        prefix = complete_prefix(code_so_far(text))
        if prefix is not None and prefix.block not in seen:
            seen[prefix.block] = (text, prefix)
    assert sorted(seen) == [1, 2]  # block 3 is complete only with the code: the build draws it
    for block, (text, prefix) in seen.items():
        assert f"# === Animation for Lecture Line {block + 1} ===" in text  # the next block had begun
        assert f"Lecture Line {block + 1}" not in prefix.code
        assert f"self.highlight_line({block})" in prefix.code
        tree = parse(prefix.code)  # the class, construct up to that block
        assert [n.name for n in tree.body if hasattr(n, "name")] == ["Section1Scene"]
        assert prefix.code.rstrip().endswith("run_time=1)" if block == 2 else "run_time=0.8)")


def test_nothing_before_the_second_mark_and_a_half_written_mark_line_is_not_a_mark():
    second = REPLY.index("# === Animation for Lecture Line 2")
    assert complete_prefix(code_so_far(REPLY[:second + 20])) is None  # the mark's line is not whole yet
    assert marks_in(REPLY[:second + 20]) == 1
    whole_line = REPLY.index("\n", second) + 1
    assert marks_in(REPLY[:whole_line]) == 2
    assert complete_prefix(code_so_far(REPLY[:whole_line])).block == 1
    assert code_so_far("Here is the scene for") == "" and code_so_far("") == ""


@pytest.mark.parametrize("opening", ["for step in range(2):", "with self.voiceover():"])
def test_a_mark_that_opens_a_compound_statements_body_gives_no_prefix(opening):
    code = ("from manim import *\n\nclass S(Scene):\n    def construct(self):\n"
            "        # === Animation for Lecture Line 1 ===\n        self.wait()\n"
            f"        {opening}\n            # === Animation for Lecture Line 2 ===\n            self.wait()\n")
    assert complete_prefix(code) is None  # cut there, the statement has no body: not run, not reported
