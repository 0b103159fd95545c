"""Questions for the students: one to three multiple-choice questions per section, planned with
the storyboard (issue 26), kept in lecture.json with it and edited in the section cell's header.

A question has four options (shown as A-D), the right one's letter, and a one-line explanation
citing the lecture line (1-based) that teaches it. In lecture.json:

    "quiz": [{"question": "...", "options": ["...", "...", "...", "..."], "answer": "B",
              "explanation": "...", "line": 3}]

In the section file's header (`header_lines`, read back by `header_quiz`):

    #   quiz: Which vector stays on its own line?
    #      A) (1, 1)
    #      B) (1, 0)
    #      C) (0, 1)
    #      D) (4, 2)
    #      answer: B, line 3: only (1, 0) is stretched without leaving its line

Pure text and data: nothing here reads a workspace (lecture_quiz.py does).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

LETTERS = "ABCD"
OPTIONS = len(LETTERS)
MAX_QUESTIONS = 3
QUIZ = "#   quiz: "
OPTION = re.compile(r"^#\s+([A-D])\)\s?(.*)$")
ANSWER = re.compile(r"^#\s+answer:\s*([A-Za-z])\s*(?:,\s*line\s*(\d+))?\s*:?\s*(.*)$")


@dataclass(frozen=True)
class QuizQuestion:
    question: str
    options: tuple[str, ...]  # four, in the order shown (A-D)
    answer: str  # the right option's letter
    explanation: str = ""  # one line: why, in the words of the lecture line it cites
    line: int = 0  # the lecture line (1-based) that teaches it; 0 when none is cited

    @property
    def answer_text(self) -> str:
        return self.options[LETTERS.index(self.answer)]

    def lettered(self) -> list[tuple[str, str]]:
        return list(zip(LETTERS, self.options))

    def to_dict(self) -> dict:
        return {"question": self.question, "options": list(self.options), "answer": self.answer,
                "explanation": self.explanation, "line": self.line}


def read_question(raw, lines: int) -> QuizQuestion:
    """One question from its JSON; ValueError naming what is wrong (the re-ask says it).
    The answer may be given as its letter or as the text of its option."""
    if not isinstance(raw, dict) or not isinstance(raw.get("question"), str) or not raw["question"].strip():
        raise ValueError('it must be an object {"question", "options", "answer", "explanation", "line"}')
    options = raw.get("options")
    if isinstance(options, dict):  # {"A": ..., "B": ...}, as the TeachQuiz bank writes them
        options = [options[k] for k in sorted(options)]
    if not isinstance(options, list) or not all(isinstance(o, (str, int, float)) for o in options):
        raise ValueError('"options" must be a list of four answers')
    options = [" ".join(str(o).split()) for o in options]
    if len(options) != OPTIONS:
        raise ValueError(f"it has {len(options)} options; give exactly {OPTIONS}")
    if len({o.lower() for o in options}) != len(options) or not all(options):
        raise ValueError("its options repeat (or one is empty); give four different answers")
    answer = _answer_letter(raw.get("answer"), options)
    line = raw.get("line", 0)
    if not isinstance(line, int) or isinstance(line, bool) or not 0 <= line <= lines:
        raise ValueError(f'"line" must be the number (1-{lines}) of the lecture line that teaches it, not {line!r}')
    return QuizQuestion(" ".join(raw["question"].split()), tuple(options), answer,
                        " ".join(str(raw.get("explanation", "")).split()), line)


def _answer_letter(given, options: list[str]) -> str:
    text = " ".join(str(given if given is not None else "").split())
    if len(text) == 1 and text.upper() in LETTERS:
        return text.upper()
    for letter, option in zip(LETTERS, options):
        if text.lower() == option.lower():
            return letter
    raise ValueError(f"its answer {text!r:.40} is not among its options; give the right option's letter (A-D)")


def read_questions(raw, lines: int, where: str) -> tuple[list[QuizQuestion], list[str]]:
    """The usable questions of one section (at most MAX_QUESTIONS) and a problem for each one left out."""
    if raw is None:
        return [], []
    if not isinstance(raw, list):
        return [], [f'{where}: "quiz" must be a list of questions']
    kept: list[QuizQuestion] = []
    problems: list[str] = []
    for k, item in enumerate(raw, 1):
        try:
            question = read_question(item, lines)
        except ValueError as exc:
            problems.append(f"{where}, question {k}: {exc}")
            continue
        if len(kept) == MAX_QUESTIONS:
            problems.append(f"{where}, question {k}: at most {MAX_QUESTIONS} questions per section")
            continue
        kept.append(question)
    return kept, problems


def storyboard_problems(data) -> list[str]:
    """Every question of a storyboard's JSON that would be left out, each with its problem."""
    if not isinstance(data, dict) or not isinstance(data.get("sections"), list):
        return []
    problems = []
    for index, section in enumerate(data["sections"], 1):
        if isinstance(section, dict):
            lines = section.get("lecture_lines")
            where = f"section {section.get('id', index)}"
            problems += read_questions(section.get("quiz"), len(lines) if isinstance(lines, list) else 0, where)[1]
    return problems


# -- in the section file's header ---------------------------------------------------------------

def header_lines(questions: list[QuizQuestion]) -> list[str]:
    """The questions as header comment lines the teacher may edit (`header_quiz` reads them)."""
    out = []
    for q in questions:
        out.append(QUIZ + q.question)
        out += [f"#      {letter}) {option}" for letter, option in q.lettered()]
        cited = f", line {q.line}" if q.line else ""
        out.append(f"#      answer: {q.answer}{cited}: {q.explanation}".rstrip(": ").rstrip())
    return out


def header_quiz(code: str, lines: int) -> list[QuizQuestion] | None:
    """The questions in a section file's leading comment header; None when it has no `quiz:` line
    (the storyboard's are used). A question edited into something unusable is left out."""
    read = read_header_quiz(code, lines)
    return None if read is None else read[0]


def read_header_quiz(code: str, lines: int) -> tuple[list[QuizQuestion], list[str]] | None:
    """`header_quiz`'s questions and a problem for each edited question left out, so the build can
    tell the teacher why a question they edited is gone; None without a `quiz:` line."""
    blocks: list[dict] = []
    for line in code.splitlines():
        if not line.startswith("#"):
            break  # the header is the file's first comment block
        if line.startswith(QUIZ.rstrip()):
            blocks.append({"question": line[len(QUIZ.rstrip()):].strip(), "options": []})
        elif blocks and (option := OPTION.match(line)):
            blocks[-1]["options"].append(option.group(2).strip())
        elif blocks and (answer := ANSWER.match(line)):
            blocks[-1].update(answer=answer.group(1), line=int(answer.group(2) or 0),
                              explanation=answer.group(3).strip())
    if not blocks:
        return None
    return read_questions(blocks, lines, "header")
