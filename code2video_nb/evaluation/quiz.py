"""TeachQuiz (the paper's measure of whether a video teaches): a model answers the topic's
multiple-choice questions three times — `quiz:plain` (the question alone), `quiz:unlearned`
(told to unlearn the topic and answer only from evidence, with none given: it may answer
INSUFFICIENT) and `quiz:video` (the same instruction, with the video shown). The gain is
video − unlearned accuracy: what watching the video gave back.

The answer is the JSON field `answer` the prompt asks for; failing that, a lone letter on a line of
its own. Never the first capital letter in the prose (the original's flaw: "A good reason…" read
as answer A). A hedged answer ("B or C", "B/C", "either B or C", ["B", "C"]) is no answer: the
original would credit it as B. A reply giving neither, or hedging, is re-asked with the problem; one
still unusable after the re-asks is scored wrong and kept in the answers with its problem, so one
bad reply does not void the other questions.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

from .. import prompts
from ..errors import ConfigError, ReplyFormatError
from ..replies import parse_json
from ..workspace import Workspace
from .aes import describe
from .evidence import attach as attach_subtitles
from .evidence import choose as choose_evidence
from .frames import Lecture, Visual, locate, sending
from .paper_prompts import PaperPrompts
from .protocol import OURS, Protocol

PASSES = ("plain", "unlearned", "video")
NO_VIDEO = "no video (the lecture failed): scored wrong"
INSUFFICIENT = "INSUFFICIENT"
NO_ANSWER = (INSUFFICIENT, "INSUFFICIENT EVIDENCE", "NULL")
ANSWER_LINE = re.compile(r"^\W{0,3}ANSWER\W{0,3}\s*[=:]\s*(.+)$", re.IGNORECASE)
LONE_LETTER = re.compile(r"^\W{0,3}([A-Z])\W{0,3}$")  # "C", "(C)", "**C**", "C." alone on a line
# The answer field as "C", "C. Its line…", "(C) …"; not "A good one: …" (prose, as in the reply's text).
FIELD_LETTER = re.compile(r"^\(?([A-Z])(?:[.):]|$)")
# Two answers offered as alternatives: "B or C", "(B)/(C)", "B, C", "B and/or C", "A or INSUFFICIENT".
_ALTERNATIVE = r"\(?\b([A-Z]|INSUFFICIENT)\b\)?"
_JOINED = re.compile(_ALTERNATIVE + r"\.?\s*(?:/|\||,|&|\bor\b|\band/or\b|\band\b)\s*(?:maybe\s+|perhaps\s+)?"
                     r"(?=" + _ALTERNATIVE + ")", re.IGNORECASE)
_LEADING = re.compile(r"^\s*(?:either\s+|both\s+)?(?=" + _ALTERNATIVE + r"\.?\s*(?:/|\||,|&|\bor\b|\band\b))",
                      re.IGNORECASE)
PARALLEL = 4  # questions asked at once per pass


@dataclass(frozen=True)
class Question:
    question: str
    options: dict[str, str]  # letter -> text
    answer: str  # the right letter

    def text(self) -> str:
        return "\n".join([self.question] + [f"{k}. {v}" for k, v in sorted(self.options.items())])


@dataclass
class Answer:
    """One question's three answers (a letter, INSUFFICIENT, or None with `problems` saying why)."""
    question: str
    correct: str
    plain: str | None = None
    unlearned: str | None = None
    video: str | None = None
    problems: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Baseline:
    """Chance with the answer key's bias: always answering `letter`, right in `accuracy` of the
    questions. The MMMC key is skewed (B is right in about half of it), so a video's accuracy means
    little until it is read beside this."""
    letter: str
    accuracy: float
    questions: int

    def to_json(self) -> dict:
        return {"letter": self.letter, "accuracy": round(self.accuracy, 4)}


def baseline(right: Iterable[str], letter: str | None = None) -> Baseline:
    """Always answering `letter` (default: the most common right letter, the first in the alphabet
    on a tie) on questions whose right letters are `right`: `baseline(q.answer for q in questions)`,
    or over a batch `baseline(a.correct for r in results for a in r.answers)`. Over one topic's five
    questions the most common letter is picked after the fact, which flatters chance a little."""
    counts = Counter(right)
    total = sum(counts.values())
    if letter is None:
        letter = min(counts, key=lambda k: (-counts[k], k)) if counts else ""
    return Baseline(letter, counts[letter] / total if total else 0.0, total)


@dataclass
class QuizResult:
    answers: list[Answer]
    tokens: int = 0  # the growth of the client's quiz:* usage around the call (as AesResult.tokens)
    shown: str = ""  # what the video pass saw, in words ("the whole video", "8 frames, …")
    protocol: Protocol = OURS
    evidence: str = "frames"  # what the video pass was given: "frames" or "frames+subtitles" (evidence.py)

    @property
    def questions(self) -> int:
        return len(self.answers)

    def accuracy(self, which: str) -> float:
        if not self.answers:
            return 0.0
        return sum(getattr(a, which) == a.correct for a in self.answers) / len(self.answers)

    @property
    def gain(self) -> float:
        return self.accuracy("video") - self.accuracy("unlearned")

    @property
    def baseline(self) -> Baseline:
        return baseline(a.correct for a in self.answers)

    @property
    def teachquiz(self) -> float:
        """The paper's TeachQuiz for this lecture: its gain × 100 (a batch averages it over topics)."""
        return self.protocol.teachquiz([self.gain])

    def to_json(self) -> dict:
        """`code2video eval quiz --json`: accuracies in 0–1, gain = video − unlearned, teachquiz = gain × 100,
        the always-one-letter baseline {"letter", "accuracy"}, what the video pass saw (and its evidence),
        and the protocol."""
        return {"questions": self.questions, **{p: round(self.accuracy(p), 4) for p in PASSES},
                "gain": round(self.gain, 4), "teachquiz": self.teachquiz, "baseline": self.baseline.to_json(),
                "answers": [asdict(a) for a in self.answers], "tokens": self.tokens, "shown": self.shown,
                "evidence": self.evidence, "protocol": self.protocol.to_json()}


# -- the question bank ----------------------------------------------------------------------------

def bank() -> dict[str, list[Question]]:
    """The MMMC TeachQuiz bank bundled with the package (code2video_nb/data/mmmc, MIT, see NOTICE)."""
    source = resources.files("code2video_nb.data.mmmc").joinpath("teachquiz_questions.json")
    return parse_bank(json.loads(source.read_text(encoding="utf-8")), "the bundled MMMC bank")


def topics() -> list[str]:
    """The 117 MMMC topics, in the benchmark's order."""
    source = resources.files("code2video_nb.data.mmmc").joinpath("topics.json")
    return list(json.loads(source.read_text(encoding="utf-8")))


def questions_for(topic: str, file: Path | None = None) -> list[Question]:
    """The topic's questions: from `file` (the bank's shape, or a plain list of questions) or the bank."""
    if file is not None:
        try:
            data = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot read questions from {file}: {exc}") from None
        if isinstance(data, list):
            return parse_questions(data, str(file))
        found, where = parse_bank(data, str(file)), str(file)
    else:
        found, where = bank(), "the MMMC bank"
    if topic not in found:
        close = [t for t in found if topic.lower() in t.lower() or t.lower() in topic.lower()]
        hint = f" (did you mean {close[0]!r}?)" if close else "; pass --questions FILE for another topic"
        raise ConfigError(f"no questions for {topic!r} in {where}{hint}")
    return found[topic]


def parse_bank(data, where: str) -> dict[str, list[Question]]:
    if not isinstance(data, dict):
        raise ConfigError(f"{where} must be an object {{topic: [questions]}} or a list of questions")
    return {topic: parse_questions(items, f"{where}, topic {topic!r}") for topic, items in data.items()}


def parse_questions(items, where: str) -> list[Question]:
    out = []
    for i, item in enumerate(items if isinstance(items, list) else [None]):
        options = item.get("options") if isinstance(item, dict) else None
        if not (isinstance(options, dict) and isinstance(item.get("question"), str) and item.get("answer") in options):
            raise ConfigError(f'{where}: question {i + 1} must be {{"question", "options": {{"A": ...}}, "answer"}} '
                              "with the answer one of its options")
        out.append(Question(item["question"], {str(k): str(v) for k, v in options.items()}, item["answer"]))
    return out


# -- reading an answer ------------------------------------------------------------------------------

def read_answer(text: str, letters: str, *, insufficient: bool) -> str:
    """The letter (or INSUFFICIENT) a reply gives: its JSON `answer`, else a lone letter (or a lone
    INSUFFICIENT) on its own line. Raises ValueError naming the problem (the re-ask says it)."""
    allowed = set(letters) | ({INSUFFICIENT} if insufficient else set())
    choices = f"one of {', '.join(letters)}" + (f" or {INSUFFICIENT}" if insufficient else "")
    try:
        value = parse_json(text)
    except ValueError:
        value = None
    if isinstance(value, dict) and "answer" in value:
        given = value["answer"]
        named = hedged(given, allowed)
        if named:
            raise ValueError(f'the answer hedges between {" and ".join(named)}: "answer" must be exactly {choices}')
        answer = _field_answer(str(given).strip())
        if answer in allowed:
            return answer
        raise ValueError(f'"answer" must be {choices}, not {given!r:.40}')
    lone = {a for line in text.splitlines() if (a := _lone_answer(line.strip())) is not None}
    if len(lone) == 1 and lone <= allowed:
        return lone.pop()
    if len(lone & allowed) > 1:
        raise ValueError(f"the reply hedges between {' and '.join(sorted(lone & allowed))}: answer with a JSON "
                         f'object {{"answer": ...}} whose answer is exactly {choices}')
    raise ValueError(f'answer with a JSON object {{"answer": ...}} whose answer is {choices}')


def hedged(given, allowed: set[str]) -> list[str]:
    """The answers a hedged answer field offers ("B or C", "either B or C", "B/C", ["B", "C"]), in
    order; [] when it offers one. In "C. Points A and B" (an option quoted after its letter) only
    the leading letter is the answer, so alternatives are looked for at the start, or anywhere in
    a field that does not begin with a letter ("I would say B or C")."""
    if isinstance(given, list):
        found = [_field_answer(str(item).strip()) for item in given]
    else:
        text = str(given).strip()
        leading = FIELD_LETTER.match(text)
        if leading and leading.group(1) in allowed and not _LEADING.match(text):
            return []
        found = [token for match in _JOINED.finditer(text) for token in match.groups()]
    named = list(dict.fromkeys(a.upper() if a.upper() == INSUFFICIENT else a for a in found))
    named = [a for a in named if a in allowed]
    return named if len(named) > 1 else []


def _field_answer(answer: str) -> str:
    """"C", "c", "(C)", "C. Its line…" -> "C"; "insufficient" (or the original's prompts' "INSUFFICIENT
    EVIDENCE" and "NULL") -> INSUFFICIENT; else as given."""
    if answer.upper() in NO_ANSWER:
        return INSUFFICIENT
    letter = FIELD_LETTER.match(answer.upper() if len(answer) <= 3 else answer)  # "c." yes, "an …" no
    return letter.group(1) if letter else answer


def _lone_answer(line: str) -> str | None:
    if line.upper() in NO_ANSWER:
        return INSUFFICIENT
    if labelled := ANSWER_LINE.match(line):  # "ANSWER = B", the line the original's prompts ask for
        return _lone_answer(labelled.group(1).strip())
    match = LONE_LETTER.match(line)
    return match.group(1) if match else None


# -- the three passes -------------------------------------------------------------------------------

def teach_quiz(video: Path | None, topic: str | None = None, *, settings, client,
               questions: list[Question] | None = None, workspace: Workspace | None = None,
               frames: int | None = None, send: str | None = None, protocol: Protocol = OURS,
               evidence: str | None = None, passes: tuple[str, ...] = PASSES,
               lecture: Lecture | None = None) -> QuizResult:
    """TeachQuiz of `video` (a file, or a lecture folder) over `questions` (default: the topic's in
    the MMMC bank). The model is `settings.vlm_model` (it must read images for the video pass).
    `send` (default: the protocol's) and `protocol` as for `aes.judge`. `evidence`: "frames" or
    "frames+subtitles" (each frame followed by the subtitles since the frame before); default the
    protocol's (ours: with subtitles when the video is narrated, evidence.py; the paper's: frames).
    `video` None (a lecture that failed, `topic` given): the other passes are asked and every
    video-pass answer is wrong, as the original's quiz scores a missing video (its request fails
    before it is sent). `passes`: which of PASSES to ask (the per-section report skips the plain one);
    `lecture`: what to show, already located (one section's keyframes, section_quiz.py)."""
    model = settings.vlm_model
    if not model:
        raise ConfigError("TeachQuiz needs a model that reads images: set CODE2VIDEO_VLM_MODEL "
                          "(e.g. export CODE2VIDEO_VLM_MODEL=gpt-4.1)")
    lecture = lecture or (locate(Path(video), workspace) if video is not None else None)
    topic = lecture.topic_or(topic) if lecture else topic
    if topic is None:
        raise ConfigError("no video and no topic: name the topic whose questions to ask")
    questions = questions if questions is not None else questions_for(topic)
    shown = None
    if lecture is not None:
        shown = protocol.visual(lecture, settings=settings, frames=frames, send=send)
        evidence = choose_evidence(evidence if evidence is not None else protocol.evidence, lecture)
        shown = attach_subtitles(shown, lecture, evidence)
    before = _quiz_tokens(client)
    missing = shown is None
    answers = [Answer(q.question, q.answer, problems={"video": NO_VIDEO} if missing else {}) for q in questions]
    for which in [p for p in PASSES if p in passes and not (missing and p == "video")]:
        ask = _asker(which, topic, shown, client, model, protocol)
        with ThreadPoolExecutor(PARALLEL) as pool, contextlib.nullcontext() if shown is None else sending(shown):
            for answer, (given, problem) in zip(answers, pool.map(ask, questions)):
                setattr(answer, which, given)
                if problem:
                    answer.problems[which] = problem
    return QuizResult(answers, _quiz_tokens(client) - before, NO_VIDEO if shown is None else describe(shown), protocol,
                      evidence or "frames")


def _asker(which: str, topic: str, shown: Visual | None, client, model: str, protocol: Protocol):
    def ask(question: Question) -> tuple[str | None, str]:
        letters = "".join(sorted(question.options))
        messages = build_messages(which, topic, question, shown, protocol)
        try:
            return client.ask_until(messages, stage=f"quiz:{which}", model=model, reask="reask_json",
                                    use=lambda text: read_answer(text, letters, insufficient=which != "plain")), ""
        except ReplyFormatError as exc:
            return None, str(exc)

    return ask


def build_messages(which: str, topic: str, question: Question, shown: Visual | None,
                   protocol: Protocol = OURS) -> list[dict]:
    """One question of one pass. Ours: our prompts, the plain pass naming the topic. The paper's: the
    plain pass does not name it, and with a checkout the original's instructions come first (our
    question layout and answer format follow, so the answer is read as ours is)."""
    letters = ", ".join(sorted(question.options))
    if protocol.paper:
        text = _paper_text(which, topic, question, shown, protocol.paper)
    elif which == "plain":
        about = f' about "{topic}"' if protocol.plain_names_topic else ""
        text = prompts.render("quiz_plain", about=about, question=question.text(), letters=letters)
    else:
        evidence = prompts.render(evidence_prompt(_video(shown)), what=describe(_video(shown))).strip() \
            if which == "video" else ""
        text = prompts.render("quiz_unlearned", topic=topic, question=question.text(), letters=letters,
                              evidence=evidence)
    if which != "video":
        return [{"role": "user", "content": text.strip()}]
    return [{"role": "user", "content": [*_video(shown).parts, {"type": "text", "text": text.strip()}]}]


def _video(shown: Visual | None) -> Visual:
    """What the video pass shows: teach_quiz asks it only when there is a video."""
    if shown is None:
        raise ValueError("the video pass needs a video")
    return shown


def _paper_text(which: str, topic: str, question: Question, shown: Visual | None, paper: PaperPrompts) -> str:
    instruction = {"plain": lambda: paper.plain, "unlearned": lambda: paper.unlearned(topic),
                   "video": lambda: paper.video(topic)}[which]().strip()
    video = _video(shown) if which == "video" else None
    if video is not None and (video.source != "video" or video.subtitled):  # the original's: the video alone
        instruction = prompts.render("video_shown", what=describe(video)).strip() + "\n\n" + instruction
    return prompts.render("quiz_paper", instruction=instruction, question=question.text(),
                          letters=", ".join(sorted(question.options)),
                          insufficient="" if which == "plain" else f', or "{INSUFFICIENT}"')


def evidence_prompt(shown: Visual) -> str:
    """The words telling the video pass what it was given: frames or the whole video, with or
    without subtitles (a model shown frames alone is not told the video "says" anything)."""
    return "quiz_video_evidence" + ("_whole" if shown.source == "video" else "") + (
        "_subtitles" if shown.subtitled else "")


def _quiz_tokens(client) -> int:
    return sum(u["prompt_tokens"] + u["completion_tokens"]
               for stage, u in client.usage_by_stage().items() if stage.startswith("quiz:"))
