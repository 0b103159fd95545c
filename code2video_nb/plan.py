"""The lecture plan in the paper's formats: outline and storyboard.

Outline:    {"topic", "target_audience", "sections": [{"id", "title", "content", "example"}]}
Storyboard: {"sections": [{"id", "title", "lecture_lines": [...], "animations": [...], "narration": [...]}]}
`narration` (ours: what the voice says for each lecture line) and `quiz` (ours: questions for the
students, quiz_questions.py) are optional, so the paper's cases
import as they are; extra fields are kept on a round trip so they export unchanged too.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from .errors import PlanError
from .language import count_words
from .quiz_questions import QuizQuestion, read_questions

MAX_LINE_WORDS = 10
MAX_LINES = 5
MAX_ID_LENGTH = 40
SAFE_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{MAX_ID_LENGTH}}}")  # what _section_id makes: a file name part


@dataclass
class OutlineSection:
    id: str
    title: str
    content: str = ""
    example: str = ""
    extra: dict = field(default_factory=dict)


@dataclass
class Outline:
    topic: str
    target_audience: str
    sections: list[OutlineSection]
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> Outline:
        _require(data, ("topic", "sections"), "outline")
        sections = [_outline_section(i, s) for i, s in enumerate(_list(data["sections"], "outline.sections"), 1)]
        _unique_ids(sections, "outline")
        extra = {k: v for k, v in data.items() if k not in ("topic", "target_audience", "sections")}
        return cls(str(data["topic"]), str(data.get("target_audience", "")), sections, extra)

    def to_dict(self) -> dict:
        sections = [{"id": s.id, "title": s.title, "content": s.content, "example": s.example, **s.extra}
                    for s in self.sections]
        return {"topic": self.topic, "target_audience": self.target_audience, "sections": sections, **self.extra}


@dataclass
class StoryboardSection:
    id: str
    title: str
    lecture_lines: list[str]
    animations: list[str]
    narration: list[str] = field(default_factory=list)  # one spoken text per lecture line; [] = none written
    extra: dict = field(default_factory=dict)
    quiz: list[QuizQuestion] = field(default_factory=list)  # questions for the students (quiz_questions.py)

    def spoken(self) -> list[str]:
        """What the voice says for each lecture line: its narration, else the line itself."""
        if len(self.narration) == len(self.lecture_lines):
            return [said.strip() or line for said, line in zip(self.narration, self.lecture_lines)]
        return list(self.lecture_lines)


@dataclass
class Storyboard:
    sections: list[StoryboardSection]
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> Storyboard:
        _require(data, ("sections",), "storyboard")
        sections = [_storyboard_section(i, s) for i, s in enumerate(_list(data["sections"], "storyboard.sections"), 1)]
        _unique_ids(sections, "storyboard")
        return cls(sections, {k: v for k, v in data.items() if k != "sections"})

    def to_dict(self) -> dict:
        sections = [{"id": s.id, "title": s.title, "lecture_lines": s.lecture_lines, "animations": s.animations,
                     **({"narration": s.narration} if s.narration else {}), **s.extra,
                     **({"quiz": [q.to_dict() for q in s.quiz]} if s.quiz else {})} for s in self.sections]
        return {"sections": sections, **self.extra}

    def section(self, section_id: str) -> StoryboardSection:
        for s in self.sections:
            if s.id == str(section_id):
                return s
        raise KeyError(f"no section '{section_id}' (sections: {', '.join(s.id for s in self.sections)})")


def check_lecture_lines(storyboard: Storyboard) -> Storyboard:
    """The paper's constraints: short lines, each paired with one animation step."""
    for s in storyboard.sections:
        if not s.lecture_lines:
            raise PlanError(f"section {s.id} has no lecture lines")
        if len(s.lecture_lines) > MAX_LINES:
            raise PlanError(f"section {s.id} has {len(s.lecture_lines)} lecture lines; at most {MAX_LINES}")
        if len(s.animations) != len(s.lecture_lines):
            raise PlanError(f"section {s.id} has {len(s.lecture_lines)} lecture lines but "
                            f"{len(s.animations)} animations; pair each line with one animation step")
        if s.narration and len(s.narration) != len(s.lecture_lines):
            raise PlanError(f"section {s.id} has {len(s.lecture_lines)} lecture lines but {len(s.narration)} "
                            "narration entries; give one spoken text per lecture line")
        for line in s.lecture_lines:
            if count_words(line) > MAX_LINE_WORDS:  # two characters a word in Chinese, Japanese…
                raise PlanError(f"section {s.id}: lecture line '{line}' has {count_words(line)} words; "
                                f"at most {MAX_LINE_WORDS}")
    return storyboard


def slugify(text: str, max_length: int = 60) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:max_length].rstrip("-")
    if not slug and any(c.isalnum() for c in text):
        # A topic in another script (e.g. Chinese) keeps a folder of its own: name it by a hash.
        return "lecture-" + hashlib.sha1(text.strip().encode()).hexdigest()[:10]
    return slug or "lecture"


def _outline_section(index: int, raw) -> OutlineSection:
    if not isinstance(raw, dict):
        raise PlanError(f"outline section {index} is not an object")
    _require(raw, ("title",), f"outline section {index}")
    known = ("id", "title", "content", "example")
    return OutlineSection(_section_id(raw, index), str(raw["title"]), str(raw.get("content", "")),
                          str(raw.get("example", "")), {k: v for k, v in raw.items() if k not in known})


def _storyboard_section(index: int, raw) -> StoryboardSection:
    if not isinstance(raw, dict):
        raise PlanError(f"storyboard section {index} is not an object")
    _require(raw, ("lecture_lines", "animations"), f"storyboard section {index}")
    known = ("id", "title", "lecture_lines", "animations", "narration", "quiz")
    lines = [str(x) for x in _list(raw["lecture_lines"], f"section {index}.lecture_lines")]
    animations = [a if isinstance(a, str) else str(a) for a in _list(raw["animations"], f"section {index}.animations")]
    narration = [str(x) for x in _list(raw.get("narration") or [], f"section {index}.narration")]
    quiz = read_questions(raw.get("quiz"), len(lines), f"section {index}")[0]  # unusable ones: the planner says
    return StoryboardSection(_section_id(raw, index), str(raw.get("title", f"Section {index}")), lines, animations,
                             narration, {k: v for k, v in raw.items() if k not in known}, quiz)


def _section_id(raw: dict, index: int) -> str:
    """Ids name files (sections/<id>.py) and come from a model: no separators, no '..', bounded."""
    value = str(index if raw.get("id") is None else raw["id"]).strip()
    return re.sub(r"[^A-Za-z0-9_-]+", "_", value)[:MAX_ID_LENGTH] or str(index)


def _unique_ids(sections, what):
    ids = [s.id for s in sections]
    if len(set(ids)) != len(ids):
        raise PlanError(f"{what} section ids repeat: {ids}")


def _require(data, keys, what):
    if not isinstance(data, dict):
        raise PlanError(f"{what} is not a JSON object")
    missing = [k for k in keys if k not in data]
    if missing:
        raise PlanError(f"{what} lacks {', '.join(repr(k) for k in missing)}")


def _list(value, what) -> list:
    if not isinstance(value, list):
        raise PlanError(f"{what} is not a list")
    return value
