"""The lecture plan in the paper's formats, and the checks a user meets when planning."""

from __future__ import annotations

import copy
import json
import re

import pytest

from code2video_nb.errors import PlanError
from code2video_nb.plan import Outline, Storyboard, check_lecture_lines, slugify
from code2video_nb.planner import MAX_TOPIC_CHARS, check_topic

# Shaped like the outline.json / storyboard.json files of Code2Video runs, including their extra fields.
PAPER_OUTLINE = {
    "topic": "Euler's Formula",
    "target_audience": "Undergraduates who know basic trigonometry",
    "sections": [
        {"id": "section_1", "title": "Five constants", "content": "Meet 0, 1, e, π and i.",
         "example": "A cast of characters.", "difficulty": 1},
        {"id": "section_2", "title": "i as a rotation", "content": "Multiplying by i turns by 90°.",
         "example": "A robot turning left.", "assets": ["arrow.png"]},
    ],
    "knowledge_points": ["complex numbers", "exponentials"],
}

PAPER_STORYBOARD = {
    "topic": "Euler's Formula",
    "target_audience": "Undergraduates who know basic trigonometry",
    "sections": [
        {"id": "section_1", "title": "Five constants",
         "lecture_lines": ["Mathematics has five fundamental constants.", "Meet zero, one, e, pi and i."],
         "animations": ["Show five symbols in a circle.", "Scale each symbol up in turn."],
         "assets": {"e": "e.png"}},
        {"id": "section_2", "title": "i as a rotation",
         "lecture_lines": ["Multiplying by i rotates by ninety degrees."],
         "animations": ["Rotate a white arrow upward to the label i."], "layout": {"arrow": "B3"}},
    ],
}


def storyboard(**section) -> Storyboard:
    base = {"id": "s1", "title": "T", "lecture_lines": ["One short line."], "animations": ["Draw a dot."]}
    return Storyboard.from_dict({"sections": [{**base, **section}]})


# ------------------------------------------------------------------ round trip

def test_paper_outline_round_trips_unchanged():
    original = copy.deepcopy(PAPER_OUTLINE)
    outline = Outline.from_dict(PAPER_OUTLINE)
    assert [s.id for s in outline.sections] == ["section_1", "section_2"]
    assert outline.sections[1].title == "i as a rotation"
    assert outline.to_dict() == original
    assert json.loads(json.dumps(outline.to_dict(), ensure_ascii=False)) == original
    assert PAPER_OUTLINE == original  # the input is not modified


def test_paper_storyboard_round_trips_unchanged():
    original = copy.deepcopy(PAPER_STORYBOARD)
    board = Storyboard.from_dict(PAPER_STORYBOARD)
    assert board.section("section_2").lecture_lines == ["Multiplying by i rotates by ninety degrees."]
    assert board.to_dict() == original
    assert Storyboard.from_dict(board.to_dict()).to_dict() == original


def test_narration_is_kept_on_import_and_a_paper_plan_speaks_its_lines():
    narrated = copy.deepcopy(PAPER_STORYBOARD)
    narrated["sections"][1]["narration"] = ["Multiply by i, and the arrow turns a quarter turn to the left."]
    board = Storyboard.from_dict(narrated)
    assert board.to_dict() == narrated  # an extra field in the paper's format: exported as it came
    assert board.section("section_2").spoken() == narrated["sections"][1]["narration"]
    assert board.section("section_1").spoken() == PAPER_STORYBOARD["sections"][0]["lecture_lines"]
    assert "narration" not in Storyboard.from_dict(PAPER_STORYBOARD).to_dict()["sections"][0]


def test_narration_must_give_one_text_per_lecture_line():
    with pytest.raises(PlanError, match="2 lecture lines but 1 narration entries; give one spoken text per lecture line"):
        check_lecture_lines(storyboard(lecture_lines=["One.", "Two."], animations=["a", "b"], narration=["Only one."]))
    with pytest.raises(PlanError, match="narration is not a list"):
        storyboard(narration="Say this.")


def test_storyboard_section_lookup_names_the_known_sections():
    board = Storyboard.from_dict(PAPER_STORYBOARD)
    with pytest.raises(KeyError, match="section_1, section_2"):
        board.section("section_9")


# ------------------------------------------------------------- format errors

@pytest.mark.parametrize("data, message", [
    ({"sections": []}, "outline lacks 'topic'"),
    ({"topic": "x"}, "outline lacks 'sections'"),
    ([1, 2], "outline is not a JSON object"),
    ({"topic": "x", "sections": {"id": "1", "title": "A"}}, "outline.sections is not a list"),
    ({"topic": "x", "sections": ["intro"]}, "outline section 1 is not an object"),
    ({"topic": "x", "sections": [{"id": "1", "title": "A"}, {"id": "2"}]}, "outline section 2 lacks 'title'"),
])
def test_bad_outlines_are_rejected_with_a_clear_message(data, message):
    with pytest.raises(PlanError, match=re.escape(message)):
        Outline.from_dict(data)


@pytest.mark.parametrize("data, message", [
    ({}, "storyboard lacks 'sections'"),
    ({"sections": "none yet"}, "storyboard.sections is not a list"),
    ({"sections": [{"id": "1", "lecture_lines": ["a"]}]}, "storyboard section 1 lacks 'animations'"),
    ({"sections": [{"id": "1", "lecture_lines": "a", "animations": ["b"]}]}, "section 1.lecture_lines is not a list"),
])
def test_bad_storyboards_are_rejected_with_a_clear_message(data, message):
    with pytest.raises(PlanError, match=re.escape(message)):
        Storyboard.from_dict(data)


def test_duplicate_storyboard_ids_are_rejected():
    data = copy.deepcopy(PAPER_STORYBOARD)
    data["sections"][1]["id"] = "section_1"
    with pytest.raises(PlanError, match=r"storyboard section ids repeat.*section_1"):
        Storyboard.from_dict(data)


def test_ids_that_become_equal_once_made_file_safe_are_duplicates():
    data = copy.deepcopy(PAPER_STORYBOARD)
    data["sections"][0]["id"], data["sections"][1]["id"] = "a/b", "a_b"  # both would write sections/a_b.py
    with pytest.raises(PlanError, match="repeat"):
        Storyboard.from_dict(data)


def test_duplicate_outline_ids_are_rejected():
    data = copy.deepcopy(PAPER_OUTLINE)
    data["sections"][1]["id"] = "section_1"
    with pytest.raises(PlanError, match=r"outline section ids repeat.*section_1"):
        Outline.from_dict(data)


# ------------------------------------------------------------------ section ids

@pytest.mark.parametrize("raw, expected", [
    ("2/../x", "2_x"),
    ("../../etc/passwd", "_etc_passwd"),
    ("section 3: Limits", "section_3_Limits"),
    ("  section_4  ", "section_4"),
    (7, "7"),
])
def test_unsafe_section_ids_become_file_safe(raw, expected):
    board = storyboard(id=raw)
    section_id = board.sections[0].id
    assert section_id == expected
    assert re.fullmatch(r"[A-Za-z0-9_-]+", section_id)
    assert board.section(expected).title == "T"


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_a_missing_or_empty_id_falls_back_to_the_position(raw):
    data = {"sections": [{"id": "a", "lecture_lines": ["x"], "animations": ["y"]},
                         {"id": raw, "lecture_lines": ["x"], "animations": ["y"]},
                         {"lecture_lines": ["x"], "animations": ["y"]}]}
    assert [s.id for s in Storyboard.from_dict(data).sections] == ["a", "2", "3"]


# ------------------------------------------------------------- lecture lines

def test_paper_storyboard_passes_the_lecture_line_checks():
    board = Storyboard.from_dict(PAPER_STORYBOARD)
    assert check_lecture_lines(board) is board


def test_ten_words_is_allowed_eleven_is_not():
    ten = "one two three four five six seven eight nine ten"
    check_lecture_lines(storyboard(lecture_lines=[ten]))
    with pytest.raises(PlanError, match=r"section s1: lecture line '.*eleven' has 11 words; at most 10"):
        check_lecture_lines(storyboard(id="s1", lecture_lines=[ten + " eleven"]))


def test_more_than_five_lines_is_rejected():
    lines = [f"Line {k}." for k in range(1, 7)]
    check_lecture_lines(storyboard(lecture_lines=lines[:5], animations=["a"] * 5))
    with pytest.raises(PlanError, match="section s1 has 6 lecture lines; at most 5"):
        check_lecture_lines(storyboard(lecture_lines=lines, animations=["a"] * 6))


def test_lines_and_animations_must_pair_up():
    with pytest.raises(PlanError, match="section intro has 2 lecture lines but 1 animations"):
        check_lecture_lines(storyboard(id="intro", lecture_lines=["A.", "B."], animations=["a"]))


def test_no_lecture_lines_is_rejected():
    with pytest.raises(PlanError, match="section s1 has no lecture lines"):
        check_lecture_lines(storyboard(lecture_lines=[], animations=[]))


def test_the_failing_section_is_named_not_the_first():
    board = Storyboard.from_dict({"sections": [
        {"id": "ok", "lecture_lines": ["Fine."], "animations": ["a"]},
        {"id": "bad", "lecture_lines": ["A.", "B."], "animations": ["a"]},
    ]})
    with pytest.raises(PlanError, match="^section bad "):
        check_lecture_lines(board)


# ------------------------------------------------------------------- slugify

def test_slugify_a_topic_with_symbols_and_unicode():
    slug = slugify("Euler's Formula and e^(πi) = -1")
    assert slug == "euler-s-formula-and-e-i-1"
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)


def test_slugify_folds_accents_and_limits_length():
    assert slugify("Théorème de Fermat") == "theoreme-de-fermat"
    slug = slugify("word " * 40)
    assert len(slug) <= 60 and not slug.endswith("-")


def test_slugify_of_nothing_usable_is_still_a_name():
    assert slugify("") == "lecture"
    assert slugify("?!") == "lecture"


def test_topics_in_other_scripts_get_distinct_safe_slugs():
    # Each lecture has its own folder: two Chinese topics must not share (and resume) one.
    a, b = slugify("傅里叶变换"), slugify("微积分基本定理")
    assert a != b
    assert slugify("傅里叶变换") == a  # stable, so a rerun resumes the same lecture
    for slug in (a, b):
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)


# ----------------------------------------------------------------- check_topic

def test_check_topic_strips_and_returns_the_topic():
    assert check_topic("  Eigenvectors and eigenvalues \n") == "Eigenvectors and eigenvalues"


@pytest.mark.parametrize("topic", ["", "   \n\t", None])
def test_empty_topic_is_rejected(topic):
    with pytest.raises(PlanError, match=r"^the topic is empty: give a subject, e\.g\. 'Eigenvectors and eigenvalues'$"):
        check_topic(topic)


def test_overlong_topic_is_rejected():
    assert check_topic("x" * MAX_TOPIC_CHARS) == "x" * MAX_TOPIC_CHARS
    with pytest.raises(PlanError, match=r"^the topic is 2001 characters; keep it under 2000 "
                                        r"and put details in the learning goals$"):
        check_topic("x" * 2001)
