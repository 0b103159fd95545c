"""Questions for the students, planned with the storyboard (issue 26): their checks, their place in
lecture.json and in the section file's header, and the storyboard request's one re-ask."""

from __future__ import annotations

import json

import pytest

from code2video_nb.coder import section_header
from code2video_nb.lecture_quiz import keep_edited_quiz, section_questions
from code2video_nb.plan import Storyboard
from code2video_nb.planner import make_outline, make_storyboard
from code2video_nb.quiz_questions import QuizQuestion, header_quiz, read_question
from code2video_nb.workspace import Workspace

from conftest import make_client

LINES = ["A matrix moves every vector", "Eigenvectors stay on their line"]
GOOD = {"question": "What stays on its line?", "options": ["Every vector", "An eigenvector", "No vector", "Zero"],
        "answer": "B", "explanation": "Line 2: eigenvectors stay on their line.", "line": 2}


def section(quiz=None, sid="1") -> dict:
    return {"id": sid, "title": "Eigenvectors", "lecture_lines": LINES, "animations": ["a", "b"],
            **({"quiz": quiz} if quiz is not None else {})}


@pytest.mark.parametrize("change, problem", [
    ({"answer": "E"}, "not among its options"),
    ({"answer": "Some vector"}, "not among its options"),
    ({"options": ["Zero", "zero", "One", "Two"]}, "options repeat"),
    ({"options": ["a", "b", "c", "d", "e"]}, "5 options; give exactly 4"),
    ({"line": 7}, "lecture line"),
])
def test_a_question_that_cannot_be_used_says_why(change, problem):
    with pytest.raises(ValueError, match=problem):
        read_question({**GOOD, **change}, len(LINES))


def test_the_answer_may_be_given_as_its_options_text():
    assert read_question({**GOOD, "answer": "an eigenvector"}, 2).answer == "B"


def test_questions_are_kept_in_the_storyboard_and_come_back_from_lecture_json(tmp_path):
    board = Storyboard.from_dict({"sections": [section([GOOD]), section(sid="2")]})
    ws = Workspace.create(tmp_path, "q", "Q")
    ws.set_storyboard(board)
    again = Workspace(ws.dir).planned()
    assert again.section("1").quiz == [read_question(GOOD, 2)] and again.section("2").quiz == []
    assert "quiz" not in json.loads((ws.dir / "lecture.json").read_text())["storyboard"]["sections"][1]  # a section without questions stays as it was


def test_the_header_shows_the_questions_and_an_edit_there_is_read_back_and_kept(tmp_path):
    board = Storyboard.from_dict({"sections": [section([GOOD])]})
    header = section_header(board.sections[0])
    assert "#   quiz: What stays on its line?" in header and "#      B) An eigenvector" in header
    assert header_quiz(header, 2) == board.sections[0].quiz  # the header says exactly what the plan holds
    edited = header.replace("#      D) Zero", "#      D) The zero vector").replace("answer: B", "answer: D")
    (question,) = section_questions(board.sections[0], edited + "x = 1\n")
    assert (question.answer, question.answer_text) == ("D", "The zero vector")
    ws = Workspace.create(tmp_path, "q", "Q")
    ws.set_storyboard(board)
    assert keep_edited_quiz(ws, ws.planned().sections[0], edited) == []
    assert Workspace(ws.dir).planned().sections[0].quiz[0].answer == "D"
    broken = edited.replace("#      D) The zero vector", "#      D) An eigenvector")  # two options alike
    (problem,) = keep_edited_quiz(ws, ws.planned().sections[0], broken)  # said to the teacher, not silent
    assert problem.startswith("header, question 1:") and "options repeat" in problem
    assert Workspace(ws.dir).planned().sections[0].quiz == []


def test_a_header_without_questions_uses_the_storyboards():
    board = Storyboard.from_dict({"sections": [section([GOOD])]})
    assert section_questions(board.sections[0], "# Section 1: Eigenvectors\nx = 1\n") == board.sections[0].quiz


def outline_reply() -> str:
    return json.dumps({"topic": "Eigenvectors", "target_audience": "students",
                       "sections": [{"id": "1", "title": "Eigenvectors", "content": "c", "example": ""}]})


def test_a_bad_question_is_re_asked_once_then_left_out_with_a_note(server, tmp_path):
    bad = {**GOOD, "question": "Which one?", "answer": "E"}
    reply = json.dumps({"sections": [section([GOOD, bad])]})
    server.script("outline", outline_reply()).script("storyboard", reply, reply)
    client = make_client(server, tmp_path)
    notes: list[str] = []
    board = make_storyboard(client, make_outline(client, "Eigenvectors", sections=1), notes=notes)
    assert server.count("storyboard") == 2  # asked, re-asked once; not a third time
    assert "'E' is not among its options" in server.requests[-1].messages[-1]["content"]
    assert [q.question for q in board.sections[0].quiz] == [GOOD["question"]]
    assert notes == ["left out section 1, question 2: its answer 'E' is not among its options; "
                     "give the right option's letter (A-D)"]
    first = server.requests[-2].messages[-1]["content"]
    assert '"quiz"' in first and "four different options" in first  # asked in the storyboard request itself


def test_without_the_quiz_none_is_asked_for_or_kept(server, tmp_path):
    server.script("outline", outline_reply()).script("storyboard", json.dumps({"sections": [section([GOOD])]}))
    client = make_client(server, tmp_path)
    board = make_storyboard(client, make_outline(client, "Eigenvectors", sections=1), quiz=False)
    assert board.sections[0].quiz == [] and '"quiz"' not in server.requests[-1].messages[-1]["content"]


def test_a_question_lists_its_options_with_letters():
    q = QuizQuestion("Q?", ("w", "x", "y", "z"), "C", "because", 1)
    assert q.lettered()[2] == ("C", "y") and q.answer_text == "y"


def test_an_exported_quiz_works_with_ipywidgets_alone_and_reads_as_markdown(tmp_path, capsys):
    from code2video_nb.notebook import quiz_widget

    board = Storyboard.from_dict({"sections": [section([GOOD])]})
    ws = Workspace.create(tmp_path, "q", "Q")
    ws.set_storyboard(board)
    widget_cell, markdown_cell = quiz_widget.export_cells(ws, ws.planned().sections[0])
    helper = quiz_widget.helper_source()
    assert "code2video_nb" not in helper.split("\n", 1)[1]  # imports nothing of ours: it runs where we are not
    namespace: dict = {}
    exec(helper, namespace)  # noqa: S102 - the exported cells, as a kernel elsewhere runs them
    box = eval(widget_cell.source, namespace)  # noqa: S307
    _question, pick, check, said = box.children[1].children
    check.click()
    assert "Pick an option first" in said.value
    pick.index = 0
    check.click()
    assert "✗ Not quite</b>: the answer is B) An eigenvector." in said.value
    pick.index = 1
    check.click()
    assert "✓ Right." in said.value and "Lecture line 2: “Eigenvectors stay on their line”" in said.value
    text = markdown_cell.source
    assert "**1. What stays on its line?**" in text and "- B) An eigenvector" in text
    assert "<details><summary>Answer</summary>\n\nB) An eigenvector. Line 2:" in text


def test_a_panel_tab_shows_the_quiz_under_its_preview_where_no_section_cells_are(tmp_path):
    from code2video_nb.notebook import quiz_widget
    from code2video_nb.notebook.panel import PanelResult, SectionPanel

    ws = Workspace.create(tmp_path, "q", "Q")
    ws.set_storyboard(Storyboard.from_dict({"sections": [section([GOOD])]}))
    code = section_header(ws.planned().sections[0]) + "x = 1\n"
    panel = SectionPanel("q", [("1", "Eigenvectors", code)], lambda sid, c: PanelResult(c))
    quiz_widget.in_panel(panel, ws, "1", code)
    (box,) = panel.section("1").quiz.children
    _question, pick, check, said = box.children[1].children
    pick.index = 1
    check.click()
    assert "✓ Right." in said.value
    quiz_widget.in_panel(panel, ws, "1", None)  # a render that failed: no quiz under it
    assert panel.section("1").quiz.children == ()


def test_render_says_its_cards_go_in_at_export_rather_than_ignoring_the_flag(tmp_path, capsys):
    from code2video_nb.cli import main

    assert main(["render", str(tmp_path / "no-such-lecture"), "--quiz-in-video"]) == 1
    err = capsys.readouterr().err
    assert "render joins no video" in err and "code2video export LECTURE --quiz-in-video" in err
