"""Check your understanding: a section's questions for its students under its preview (issue 26).

Live, the widget of quiz_cell.py (pick an option, Check, the feedback with the keyframe of the
lecture line it cites), shown with its static rendering beside it (lasting.py): the questions
with each answer folded in a <details>, which works with no kernel and no widget library.
`%c2v notebook` exports each section's quiz as a code cell that needs only ipywidgets (quiz_cell.py's
source, once) and as that Markdown.
"""

from __future__ import annotations

import html
import inspect
import json

from ..lecture_quiz import section_questions
from ..plan import StoryboardSection
from ..quiz_questions import QuizQuestion
from ..workspace import Workspace
from . import lasting, quiz_cell
from .display import View

TITLE = "Check your understanding"
shown: dict[tuple[str, str], object] = {}  # (lecture, section) -> the last quiz widget shown (tests reach it)


def question_dicts(ws: Workspace | None, section: StoryboardSection, questions: list[QuizQuestion],
                   *, pictures: bool = True) -> list[dict]:
    """The questions as quiz_cell.py takes them; with the cited line's keyframe when `pictures`."""
    out = []
    for q in questions:
        cited = section.lecture_lines[q.line - 1] if 1 <= q.line <= len(section.lecture_lines) else ""
        frame = ws.keyframes_dir(section.id) / f"{q.line}.png" if ws is not None and q.line else None
        picture = (lasting.png_img(frame.read_bytes(), f"the keyframe of lecture line {q.line}", 240)
                   if pictures and frame and frame.is_file() else "")
        out.append({**q.to_dict(), "cited": cited, "picture": picture})
    return out


def show(ws: Workspace, section_id: str, code: str | None) -> None:
    """The quiz under a section cell's preview of `code` (nothing when it has no questions or did not render)."""
    made = _made(ws, section_id, code)
    if made is not None:
        box, asked = made
        lasting.show(box, lambda: static_view(section_id, asked))


def in_panel(panel, ws: Workspace, section_id: str, code: str | None) -> None:
    """The quiz under a panel tab's preview (Colab, VS Code, the classic Notebook)."""
    made = _made(ws, section_id, code)
    panel.set_quiz(section_id, made[0] if made is not None else None)


def _made(ws: Workspace, section_id: str, code: str | None):
    if code is None:
        return None
    section = ws.planned().section(section_id)
    questions = section_questions(section, code)
    if not questions:
        return None
    asked = question_dicts(ws, section, questions)
    box = quiz_cell.quiz_box(asked, f"{TITLE}: section {section_id}")
    shown[(ws.slug, section_id)] = box
    return box, asked


def static_view(section_id: str, asked: list[dict]) -> View:
    """The quiz without a kernel: each question, its options, the answer folded away."""
    body = [f"<b>{html.escape(TITLE)}: section {html.escape(section_id)}</b>"]
    for q in asked:
        options = "".join(f"<li>{letter}) {html.escape(o)}</li>" for letter, o in zip(quiz_cell.LETTERS, q["options"]))
        body.append(f"<div>{html.escape(q['question'])}<ul style='list-style: none'>{options}</ul>"
                    f"<details><summary>Answer</summary>{quiz_cell.feedback(q, q['answer'])}</details></div>")
    return lasting_view("".join(body), markdown(section_id, asked))


def lasting_view(body: str, text: str) -> View:
    return View(lasting.static_html(body, "Run this section's cell to check your answers here."), text)


def markdown(section_id: str, asked: list[dict]) -> str:
    """The quiz as plain Markdown: each answer in a <details> a student opens after answering."""
    out = [f"### {TITLE}: section {section_id}"]
    for k, q in enumerate(asked, 1):
        options = "\n".join(f"- {letter}) {o}" for letter, o in zip(quiz_cell.LETTERS, q["options"]))
        cited = f' (lecture line {q["line"]}: "{q["cited"]}")' if q.get("cited") else ""
        out.append(f"**{k}. {q['question']}**\n\n{options}\n\n<details><summary>Answer</summary>\n\n"
                   f"{q['answer']}) {q['options'][quiz_cell.LETTERS.index(q['answer'])]}. "
                   f"{q.get('explanation', '')}{cited}\n\n</details>")
    return "\n\n".join(out)


def helper_source() -> str:
    """quiz_cell.py's code for an exported notebook: a cell that needs ipywidgets and nothing else."""
    source = inspect.getsource(quiz_cell)
    return ("# Check your understanding: the quiz widget (from code2video_nb; needs only ipywidgets)\n"
            + source[source.index("import html"):])


def export_cells(ws: Workspace, section: StoryboardSection) -> list:
    """A section's quiz in an exported notebook: a code cell (the widget) and the same as Markdown."""
    import nbformat  # only `%c2v notebook` needs it (commands.notebook says why it is not imported above)

    questions = section_questions(section, ws.read_code(section.id))
    if not questions:
        return []
    asked = question_dicts(None, section, questions, pictures=False)
    literal = json.dumps(asked, indent=1, ensure_ascii=False)
    return [nbformat.v4.new_code_cell(f"show_quiz({literal}, {json.dumps(f'{TITLE}: section {section.id}')})"),
            nbformat.v4.new_markdown_cell(markdown(section.id, asked))]
