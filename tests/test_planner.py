"""The planner against the scripted server: the paper's formats, enforced with bounded re-asks."""

from __future__ import annotations

import json

import pytest

from code2video_nb.errors import ReplyFormatError
from code2video_nb.planner import make_outline, make_storyboard

from conftest import make_client


def outline(n: int) -> str:
    sections = [{"id": str(i), "title": f"Part {i}", "content": "c", "example": ""} for i in range(1, n + 1)]
    return json.dumps({"topic": "Fourier series", "target_audience": "students", "sections": sections})


def test_an_outline_with_the_wrong_number_of_sections_is_re_asked(server, tmp_path):
    server.script("outline", outline(3), outline(4))
    result = make_outline(make_client(server, tmp_path), "Fourier series", sections=4)
    assert [s.id for s in result.sections] == ["1", "2", "3", "4"]
    assert "exactly 4 were asked for" in server.requests[-1].messages[-1]["content"]


def test_a_storyboard_breaking_the_papers_rules_is_re_asked_then_refused(server, tmp_path):
    long_line = {"sections": [{"id": "1", "title": "t", "animations": ["a"],
                               "lecture_lines": ["this lecture line is far too long for the left column of the video"]}]}
    server.script("outline", outline(1)).script("storyboard", *[json.dumps(long_line)] * 3)
    client = make_client(server, tmp_path)
    with pytest.raises(ReplyFormatError, match="at most 10"):
        make_storyboard(client, make_outline(client, "Fourier series", sections=1))
    assert server.count("storyboard") == 3  # the first ask and two re-asks, no more
