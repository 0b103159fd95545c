"""The paper's aesthetics score (AES): a model that reads images judges a lecture video on five
dimensions, 0–20 each; the total (out of 100) is always the sum of the five, computed here.

Under the paper protocol (`protocol.PAPER`) the judge reads the original's rubric when a checkout
names it, and sees the whole video by default (the original's input). Unlike the original's
script, there is one scale only (no fallback that averages instead), the
judge's reply is checked and re-asked with the exact problem (at most `json_reasks` times, then a
ReplyFormatError), and its tokens are counted on stage `judge` like every request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import prompts
from ..errors import ConfigError
from ..language import Language, english, review_note
from ..workspace import Workspace
from .frames import Visual, locate, sending
from .protocol import OURS, Protocol

DIMENSIONS = ("element_layout", "attractiveness", "logic_flow", "accuracy_depth", "visual_consistency")
MAX_SCORE = 20.0
STAGE = "judge"
NO_MODEL = ("the judge needs a model that reads images: set CODE2VIDEO_VLM_MODEL "
            "(e.g. export CODE2VIDEO_VLM_MODEL=gpt-4.1)")


@dataclass
class AesResult:
    dimensions: dict[str, float]  # name -> 0..20, in DIMENSIONS order
    feedback: dict[str, str]
    # What the judge's requests cost (0 when answered from the reply cache): the growth of the client's
    # `judge` usage around the call, so concurrent evaluations should each have their own client.
    tokens: int = 0
    frames: str = ""  # how the video was shown: "keyframes", "uniform" or "video"
    shown: str = ""  # the same in words ("8 frames, in order, evenly spaced in time"), for reports
    protocol: Protocol = OURS

    @property
    def total(self) -> float:
        return round(sum(self.dimensions.values()), 2)

    def to_json(self) -> dict:
        """`code2video eval aes --json`: {"dimensions", "total", "feedback", "tokens", "shown", "protocol"}."""
        return {"dimensions": dict(self.dimensions), "total": self.total, "feedback": dict(self.feedback),
                "tokens": self.tokens, "shown": self.shown, "protocol": self.protocol.to_json()}


def judge(video: Path, topic: str | None = None, *, settings, client, frames: int | None = None,
          workspace: Workspace | None = None, send: str | None = None, protocol: Protocol = OURS) -> AesResult:
    """Judge `video` (a file, or a lecture folder) on the five dimensions.
    `topic`: defaults to the workspace's. `frames`: how many (default `settings.eval_frames`).
    `send`: "frames" or "video" (default: the protocol's). `protocol`: whose prompt and input.
    Raises ConfigError without a VLM model, ReplyFormatError when the judge's answer stayed malformed."""
    model = settings.vlm_model
    if not model:
        raise ConfigError(NO_MODEL)
    lecture = locate(Path(video), workspace)
    topic = lecture.topic_or(topic)
    shown = protocol.visual(lecture, settings=settings, frames=frames, send=send)
    before = _stage_tokens(client, STAGE)
    messages = build_messages(shown, topic, lecture.audience, protocol, lecture.language)
    with sending(shown):
        answer = client.ask_json(messages, stage=STAGE, model=model, validate=check_answer)
    return AesResult({name: float(answer[name]["score"]) for name in DIMENSIONS},
                     {name: (answer[name].get("feedback") or "").strip() for name in DIMENSIONS},
                     _stage_tokens(client, STAGE) - before, shown.source, describe(shown), protocol)


def _stage_tokens(client, stage: str) -> int:
    """Tokens billed on `stage` so far (a per-call figure is the difference around the call)."""
    usage = client.usage_by_stage().get(stage)
    return usage["prompt_tokens"] + usage["completion_tokens"] if usage else 0


def describe(shown: Visual) -> str:
    """How the video is shown, in the prompts' words: true to what is sent (every lecture line's
    keyframe, or some of them, or evenly spaced frames, or the whole file; with subtitles or not)."""
    n = shown.frames
    if shown.source == "video":
        return "the whole video" + (", followed by its subtitles" if shown.subtitled else "")
    if shown.source == "uniform":
        what = f"{n} frames, in order, evenly spaced in time"
    elif n >= shown.lines:
        what = f"{n} keyframes, in order (the last frame of each lecture line's animation)"
    else:
        what = (f"{n} keyframes, in order, of its {shown.lines} lecture lines (the last frame of a line's "
                f"animation, for {n} lines spread evenly from the first to the last)")
    return what + (", each followed by the subtitles of the video since the frame before" if shown.subtitled else "")


def build_messages(shown: Visual, topic: str, audience: str | None = None, protocol: Protocol = OURS,
                   language: Language | None = None) -> list[dict]:
    """Our judge prompt, or the original's rubric (read from the protocol's checkout), with the
    video or its frames; frames are announced in one line of ours, as the rubric speaks of a video.
    A lecture not in English says its language, under either protocol."""
    if protocol.paper:
        text = protocol.paper.aes(topic).strip()
        if shown.source != "video":
            text = prompts.render("video_shown", what=describe(shown)).strip() + "\n\n" + text
    else:
        text = prompts.render("judge", what=describe(shown), topic=topic,
                              audience=f", made for {audience}" if audience else "").strip()
    if note := review_note(language or english()):
        text += "\n\n" + note
    return [{"role": "user", "content": [{"type": "text", "text": text}, *shown.parts]}]


def check_answer(value) -> dict:
    """The five dimensions, each {"score": 0..20, "feedback": text}; anything else is re-asked
    with what was wrong. A missing (or null) feedback is accepted as none: the scores are what the
    total is made of, and a re-ask would resend every frame and draw the scores afresh for a comment."""
    if not isinstance(value, dict):
        raise ValueError(f"the answer must be one JSON object with the keys {', '.join(DIMENSIONS)}")
    missing = [name for name in DIMENSIONS if name not in value]
    if missing:
        raise ValueError(f"the answer lacks {', '.join(missing)}: give all five of {', '.join(DIMENSIONS)}")
    for name in DIMENSIONS:
        entry = value[name]
        if not isinstance(entry, dict) or "score" not in entry:
            raise ValueError(f'{name} must be an object {{"score": 0-20, "feedback": "..."}}, not {entry!r:.60}')
        score = entry["score"]
        if isinstance(score, bool) or not isinstance(score, (int, float)) or not 0 <= score <= MAX_SCORE:
            raise ValueError(f"{name}.score must be a number from 0 to 20, not {score!r:.30}")
        if not isinstance(entry.get("feedback") or "", str):
            raise ValueError(f"{name}.feedback must be text")
    return value
