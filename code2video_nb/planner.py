"""Planner: topic -> outline -> storyboard, as in the paper (two requests)."""

from __future__ import annotations

import json

from . import prompts
from .errors import PlanError
from .language import Language, english, plan_note, with_note
from .model_client import ModelClient, OnText
from .plan import MAX_LINE_WORDS, MAX_LINES, Outline, Storyboard, check_lecture_lines
from .quiz_questions import MAX_QUESTIONS, storyboard_problems

MAX_TOPIC_CHARS = 2000
MAX_SECTIONS = 12


def check_topic(topic: str) -> str:
    topic = (topic or "").strip()
    if not topic:
        raise PlanError("the topic is empty: give a subject, e.g. 'Eigenvectors and eigenvalues'")
    if len(topic) > MAX_TOPIC_CHARS:
        raise PlanError(
            f"the topic is {len(topic)} characters; keep it under {MAX_TOPIC_CHARS} "
            "and put details in the learning goals"
        )
    return topic


def make_outline(client: ModelClient, topic: str, *, audience: str = "university students",
                 sections: int = 4, goals: str = "", language: Language | None = None,
                 on_text: OnText | None = None) -> Outline:
    """`on_text`: the reply so far as it streams (`plan_stream.section_titles` shows the titles)."""
    topic = check_topic(topic)
    if not 1 <= sections <= MAX_SECTIONS:
        raise PlanError(f"sections must be between 1 and {MAX_SECTIONS}, not {sections}")
    goals_text = f"Learning goals: {goals.strip()}\n" if goals.strip() else ""
    request = prompts.messages("outline", topic=topic, audience=audience, sections=sections, goals=goals_text)
    with_note(request, plan_note(language or english(), MAX_LINE_WORDS))

    def validate(data):
        outline = Outline.from_dict(data)
        if len(outline.sections) != sections:  # re-asked with this message, bounded
            raise PlanError(f"the outline has {len(outline.sections)} sections; exactly {sections} were asked for")
        return outline

    outline = client.ask_json(request, stage="outline", validate=validate, on_text=on_text)
    outline.topic = outline.topic or topic
    outline.target_audience = outline.target_audience or audience
    return outline


def make_storyboard(client: ModelClient, outline: Outline, pictures: str = "",
                    language: Language | None = None, on_text: OnText | None = None, *, quiz: bool = True,
                    notes: list[str] | None = None) -> Storyboard:
    """`pictures`: the teacher's own, as `picture_folder.folder_note` lists them ('' for none);
    `language`: the lecture's (English by default), which its lines and narration are written in.
    `on_text`: the reply so far as it streams (`plan_stream.CodeAhead` starts code requests from it).
    `quiz`: ask for questions for the students in the same request. A question that cannot be used
    (answer not among its options, options repeating, not four) is re-asked once, then left out
    with a note appended to `notes`."""
    quiz_text = prompts.render("storyboard_quiz", min_questions=1, max_questions=MAX_QUESTIONS) if quiz else ""
    request = prompts.messages(
        "storyboard", outline=json.dumps(outline.to_dict(), indent=1, ensure_ascii=False),
        max_words=MAX_LINE_WORDS, max_lines=MAX_LINES, pictures=pictures, quiz=quiz_text.rstrip(),
    )
    with_note(request, plan_note(language or english(), MAX_LINE_WORDS))
    reasked: list[str] = []

    def validate(data) -> Storyboard:
        storyboard = check_lecture_lines(matches_outline(Storyboard.from_dict(data), outline))
        if not quiz:
            for section in storyboard.sections:
                section.quiz = []
            return storyboard
        problems = storyboard_problems(data)
        if problems and not reasked:  # once: a second try that is still wrong keeps the good ones
            reasked.extend(problems)
            raise PlanError("some quiz questions cannot be used: " + "; ".join(problems))
        if notes is not None:
            notes.extend(f"left out {p}" for p in problems)
        return storyboard

    return client.ask_json(request, stage="storyboard", validate=validate, on_text=on_text)


def matches_outline(storyboard: Storyboard, outline: Outline) -> Storyboard:
    """One storyboard section per outline section, same ids in the same order: an empty storyboard
    would "succeed" with nothing to render, and sixty sections would pay for sixty code requests."""
    want, got = [s.id for s in outline.sections], [s.id for s in storyboard.sections]
    if got == want:
        return storyboard
    expected = f"exactly {len(want)} sections with the outline's ids in order ({', '.join(want)})"
    if len(got) != len(want):
        raise PlanError(f"the storyboard has {len(got)} sections but the outline has {len(want)}; "
                        f"give {expected}")
    raise PlanError(f"the storyboard's section ids are {', '.join(got)} but the outline's are "
                    f"{', '.join(want)}; give {expected}")
