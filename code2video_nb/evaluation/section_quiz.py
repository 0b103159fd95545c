"""Which section teaches worst: each section's own questions (quiz_questions.py, planned with the
storyboard) asked against that section's frames alone, unlearned, by the VLM (`quiz.teach_quiz`
with the unlearned and video passes). A section's gain is what its frames gave back; a section
is weak when its frames fail to answer one of its questions, and the weakest (lowest video
accuracy, then lowest gain) is singled out. Each weak section's card lists the failed questions
and the lecture lines they cite, so the teacher knows where to work.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import ConfigError
from ..lecture_quiz import lecture_questions
from ..quiz_questions import QuizQuestion
from ..workspace import Workspace
from .frames import Lecture, block_keyframes, locate
from .protocol import OURS, Protocol
from .quiz import INSUFFICIENT, Answer, Question, QuizResult, teach_quiz

PASSES = ("unlearned", "video")


@dataclass(frozen=True)
class Failed:
    """A question a section's frames did not answer: what the model said, and the line that teaches it."""
    question: QuizQuestion
    given: str | None  # the video pass's letter, INSUFFICIENT, or None (no usable answer)
    cited: str  # the lecture line it cites ("" when it cites none)


@dataclass(frozen=True)
class SectionScore:
    section_id: str
    title: str
    result: QuizResult
    failed: tuple[Failed, ...]

    @property
    def gain(self) -> float:
        return self.result.gain

    @property
    def weak(self) -> bool:
        return bool(self.failed)

    def to_json(self) -> dict:
        return {"section": self.section_id, "title": self.title, "questions": self.result.questions,
                "unlearned": round(self.result.accuracy("unlearned"), 4),
                "video": round(self.result.accuracy("video"), 4), "gain": round(self.gain, 4), "weak": self.weak,
                "failed": [{"question": f.question.question, "answer": f.question.answer, "given": f.given,
                            "line": f.question.line, "cited": f.cited} for f in self.failed]}


@dataclass(frozen=True)
class SectionReport:
    sections: tuple[SectionScore, ...]
    skipped: tuple[str, ...] = ()  # "section 4: not rendered yet", …

    @property
    def worst(self) -> SectionScore | None:
        """The section whose frames teach worst: fewest right from its frames, then the lowest gain."""
        weak = [s for s in self.sections if s.weak]
        return min(weak, key=lambda s: (s.result.accuracy("video"), s.gain)) if weak else None

    @property
    def tokens(self) -> int:
        return sum(s.result.tokens for s in self.sections)

    def to_json(self) -> dict:
        worst = self.worst
        return {"sections": [s.to_json() for s in self.sections], "worst": worst.section_id if worst else None,
                "skipped": list(self.skipped), "tokens": self.tokens}


def per_section(ws: Workspace, *, settings, client, protocol: Protocol = OURS, frames: int | None = None,
                only: list[str] | None = None) -> SectionReport:
    """Every section with questions, quizzed on its own frames (its keyframes, else its preview)."""
    board = ws.planned()
    asked = lecture_questions(ws)
    if not asked:
        raise ConfigError(f"{ws.dir} has no questions for its students: plan the lecture with its quiz "
                          "(without --no-quiz), or write `quiz:` lines in a section's header")
    scores, skipped = [], []
    for section in board.sections:
        if section.id not in asked or (only and section.id not in only):
            continue
        lecture = _section_lecture(ws, section.id)
        if lecture is None:
            skipped.append(f"section {section.id}: not rendered yet (no keyframes, no preview)")
            continue
        questions = asked[section.id]
        result = teach_quiz(lecture.video or ws.dir, ws.lecture.topic or None, settings=settings, client=client,
                            questions=[_asked(q) for q in questions], workspace=ws, frames=frames,
                            send="frames", protocol=protocol, evidence="frames", passes=PASSES,
                            lecture=lecture)
        failed = tuple(Failed(q, a.video, _cited(section.lecture_lines, q))
                       for q, a in zip(questions, result.answers) if not _right(a))
        scores.append(SectionScore(section.id, section.title, result, failed))
    return SectionReport(tuple(scores), tuple(skipped))


def _section_lecture(ws: Workspace, section_id: str) -> Lecture | None:
    keys = Lecture(None, ws, (section_id,))
    if block_keyframes(keys):
        return keys
    preview = ws.preview_path(section_id)
    return locate(preview, ws) if preview.is_file() else None


def _asked(q: QuizQuestion) -> Question:
    return Question(q.question, dict(q.lettered()), q.answer)


def _right(answer: Answer) -> bool:
    return answer.video == answer.correct


def _cited(lines: list[str], q: QuizQuestion) -> str:
    return lines[q.line - 1] if 1 <= q.line <= len(lines) else ""


def report_text(report: SectionReport) -> str:
    """The per-section table, the weakest section marked, then a card per weak section."""
    worst = report.worst
    out = ["section  questions  unlearned  from its frames  gain"]
    for s in report.sections:
        mark = "  <- teaches worst" if worst is s else "  weak" if s.weak else ""
        out.append(f"{s.section_id:<8} {s.result.questions:>9}  {s.result.accuracy('unlearned'):>9.0%}  "
                   f"{s.result.accuracy('video'):>15.0%}  {s.gain:+.0%}{mark}")
    for s in report.sections:
        if s.weak:
            out += ["", *card_lines(s)]
    out += [f"skipped {note}" for note in report.skipped]
    out.append(f"({report.tokens:,} tokens; each section's questions asked on its own frames)")
    return "\n".join(out)


def card_lines(score: SectionScore) -> list[str]:
    """What a weak section failed to teach: each question, what its frames gave, the line to work on."""
    lines = [f"Section {score.section_id}: {score.title} — its frames did not answer "
             f"{len(score.failed)} of {score.result.questions} question(s)"]
    for f in score.failed:
        given = "no answer" if f.given in (None, INSUFFICIENT) else f"answered {f.given}"
        lines.append(f"  ✗ {f.question.question} (right: {f.question.answer}) {f.question.answer_text}; "
                     f"from the frames: {given}")
        if f.cited:
            lines.append(f"    teach it in line {f.question.line}: \"{f.cited}\"")
    return lines
