"""Which evaluation protocol a measurement follows: ours, or the paper's (for numbers that can stand
next to the paper's Table 1). One small frozen value that every evaluation face takes and every
report names, so no caller decides these things on its own:

- where the prompts come from: ours, or the original's read at run time from a checkout the user
  names (`paper_prompts`); the paper protocol without a checkout uses our wording with the paper's
  metric definitions, and says so;
- whether the quiz's plain pass names the topic (the original's does not);
- what the judge and the quiz's video pass are sent by default: our keyframes of the lecture
  lines, or the whole video (the original sends the file; it has no frame fallback, so where the
  endpoint cannot take video the paper protocol sends frames evenly spaced in time, which use no
  knowledge of our lectures' structure);
- how tokens are counted: every stage, or only outline, storyboard and code (regenerations
  included: they are `code:<id>` requests), as the original's agent counts them;
- whether the reply cache is used, and how a topic whose lecture or judge failed is scored (the
  original scores a missing video 0).

TeachQuiz is headlined as the paper defines it under both: the mean learning gain
(video − unlearned accuracy) × 100; and under both a batch's minutes are the lecture's making, its
evaluation timed apart (the original's minutes never held its evaluation).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import ConfigError
from .frames import Lecture, Visual, visual
from .paper_prompts import PaperPrompts, load

NAMES = ("ours", "paper")
PAPER_REPO_ENV = "CODE2VIDEO_PAPER_REPO"
PAPER_TOKEN_STAGES = ("outline", "storyboard", "code")  # the original's agent: these requests only


@dataclass(frozen=True)
class Protocol:
    name: str  # "ours" | "paper"
    send: str  # what the judge and the video pass see unless told: "frames" | "video"
    sampling: str | None  # which frames, when frames are sent: "uniform" in time; None: the settings'
    # `eval_sampling` (ours: "keyframes", the last frame of each lecture line, when the lecture is known)
    plain_names_topic: bool  # the quiz's plain pass says what the topic is
    evidence: str | None  # what the video pass is given by default: "frames" | "frames+subtitles";
    # None: frames+subtitles when the video is narrated (has a sound track) and has its subtitles (evidence.py)
    token_stages: tuple[str, ...] | None  # stages whose tokens count (None: all of them)
    cache: bool  # replies may come from the reply cache (a cached reply bills 0 tokens)
    # A topic whose lecture (or judge) failed is scored as the original's scripts score it, not left
    # out of the averages: a missing video's judge request fails and scores AES 0; its quiz still asks
    # the plain and unlearned passes, while every video-pass answer fails and counts wrong (video
    # accuracy 0, so the gain is −unlearned); a judge error scores AES 0 and keeps the quiz.
    failed_scored: bool
    paper: PaperPrompts | None = None  # the original's prompts, when read from a checkout

    @property
    def prompts(self) -> str:
        """Whose wording the requests use: "paper" (read from a checkout) or "ours"."""
        return "paper" if self.paper else "ours"

    def visual(self, lecture: Lecture, *, settings, frames: int | None = None, send: str | None = None) -> Visual:
        """What the judge and the quiz's video pass see: `send` (default this protocol's) with `frames`
        frames (default `settings.eval_frames`) when frames are sent, chosen by this protocol's sampling."""
        return visual(lecture, count=frames or settings.eval_frames, send=send or self.send,
                      sampling=self.sampling or settings.eval_sampling)

    def counts_tokens(self, stage: str) -> bool:
        """Whether a usage key ("code:1", "fix:2", "quiz:video", …) counts toward this protocol's tokens."""
        return self.token_stages is None or stage.split(":", 1)[0] in self.token_stages

    def tokens(self, usage: Mapping[str, Mapping]) -> int:
        """The tokens of `usage` (lecture.json's `usage`, or `client.usage_by_stage()`) this protocol counts."""
        return sum(int(u.get("prompt_tokens", 0) or 0) + int(u.get("completion_tokens", 0) or 0)
                   for stage, u in usage.items() if isinstance(u, Mapping) and self.counts_tokens(stage))

    @staticmethod
    def teachquiz(gains: Iterable[float]) -> float:
        """The paper's TeachQuiz: the mean learning gain (video − unlearned accuracy, 0–1) × 100."""
        gains = list(gains)
        return round(100 * sum(gains) / len(gains), 1) if gains else 0.0

    def describe(self) -> str:
        """One line every report prints: the protocol and whose prompts it used."""
        if self.name == "ours":
            return "our protocol (our prompts; TeachQuiz = mean gain × 100)"
        if self.paper:
            return f"paper protocol, prompts from {self.paper.where()}"
        return (f"paper protocol, our wording with the paper's metric definitions (name a checkout of "
                f"showlab/Code2Video with --paper-repo or ${PAPER_REPO_ENV} to use its prompts)")

    def to_json(self) -> dict:
        """`"protocol"` in every --json report."""
        return {"name": self.name, "prompts": self.prompts,
                "paper_repo": str(self.paper.repo) if self.paper else None,
                "commit": self.paper.commit if self.paper else None, "description": self.describe()}


OURS = Protocol("ours", send="frames", sampling=None, plain_names_topic=True, evidence=None,
                token_stages=None, cache=True, failed_scored=False)
PAPER = Protocol("paper", send="video", sampling="uniform", plain_names_topic=False, evidence="frames",
                 token_stages=PAPER_TOKEN_STAGES, cache=False, failed_scored=True)


def protocol_for(name: str | None = None, paper_repo: Path | str | None = None,
                 env: Mapping[str, str] | None = None) -> Protocol:
    """The protocol called `name` (default "ours"). For "paper", the original's prompts are read from
    `paper_repo`, else from $CODE2VIDEO_PAPER_REPO, else our wording is used. Raises ConfigError for
    an unknown name, a --paper-repo without the paper protocol, or a checkout without the prompts."""
    name = name or "ours"
    if name not in NAMES:
        raise ConfigError(f"--protocol must be one of {', '.join(NAMES)}, not {name!r}")
    if name == "ours":
        if paper_repo:
            raise ConfigError("--paper-repo is read by the paper protocol only: add --protocol paper")
        return OURS
    env = os.environ if env is None else env
    repo = paper_repo or env.get(PAPER_REPO_ENV) or None
    return PAPER if repo is None else replace(PAPER, paper=load(Path(repo).expanduser()))
