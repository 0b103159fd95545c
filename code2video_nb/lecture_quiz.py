"""The questions a section asks its students: those in its file's header when the teacher has
them there (edited like `say:` lines), else the storyboard's. An edit goes back into the
storyboard in lecture.json, so a re-generated header, the quiz widgets, the video's cards and an
exported notebook all say the same."""

from __future__ import annotations

from .plan import StoryboardSection
from .quiz_questions import QuizQuestion, header_quiz, read_header_quiz
from .workspace import Workspace


def section_questions(section: StoryboardSection, code: str | None) -> list[QuizQuestion]:
    edited = header_quiz(code or "", len(section.lecture_lines))
    return list(section.quiz) if edited is None else edited


def lecture_questions(ws: Workspace) -> dict[str, list[QuizQuestion]]:
    """Every section's questions, in storyboard order (sections without any are left out)."""
    board = ws.storyboard
    if board is None:
        return {}
    found = {s.id: section_questions(s, ws.read_code(s.id)) for s in board.sections}
    return {sid: questions for sid, questions in found.items() if questions}


def keep_edited_quiz(ws: Workspace, section: StoryboardSection, code: str | None) -> list[str]:
    """Questions edited in the section file's header written back to the storyboard; returns a
    problem for each edited question left out (an answer not among its options, say)."""
    read = read_header_quiz(code or "", len(section.lecture_lines))
    questions, problems = read if read is not None else (list(section.quiz), [])
    if questions != list(section.quiz):
        ws.edit_section_plan(section, quiz=list(questions))
    return problems
