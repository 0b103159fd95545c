"""Efficiency (the paper's third measure): what a lecture cost in time and tokens, read from its
workspace — wall time per stage of the last `generate` run, each section's build and fix
attempts, model calls and tokens per stage (the judge's and the critic's included, which the
original never counted), and an estimated cost at configurable prices (USD per 1M tokens).

Tokens are counted two ways: ours, every stage; and the paper's, as the original's agent counts
them — the outline, storyboard and code requests only (their re-asks and regenerations are
requests on the same stages), not the fixes, the critic, the judge or the quiz.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import WorkspaceError
from ..lecture_state import Usage
from ..workspace import Workspace
from .protocol import PAPER

EVAL_STAGES = ("judge", "quiz")  # the evaluation's own requests, not what making the lecture cost


@dataclass
class StageCost:
    stage: str  # "code", "fix", "judge", "quiz", … (a section's or a pass's share summed in)
    calls: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0  # time waiting for the model

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class SectionCost:
    id: str
    build_seconds: float  # check, fixes and render of the current preview
    video_seconds: float
    fix_attempts: int  # model attempts (the static pass's repairs are free and not counted)


@dataclass
class Efficiency:
    lecture: str
    stages: list[StageCost]
    sections: list[SectionCost]
    wall: dict[str, float] = field(default_factory=dict)  # the last generate run: plan, code, render, …, wall
    prompt_price: float = 2.0
    completion_price: float = 8.0

    @property
    def tokens(self) -> int:
        return sum(s.tokens for s in self.stages)

    @property
    def paper_tokens(self) -> int:
        """The tokens the original would count: outline, storyboard and code."""
        return sum(s.tokens for s in self.stages if PAPER.counts_tokens(s.stage))

    @property
    def calls(self) -> int:
        return sum(s.calls for s in self.stages)

    @property
    def render_seconds(self) -> float:
        return round(sum(s.build_seconds for s in self.sections), 3)

    @property
    def fix_attempts(self) -> int:
        return sum(s.fix_attempts for s in self.sections)

    @property
    def cost(self) -> float:
        """USD, at the prices given (tokens answered from the reply cache cost nothing)."""
        spent = sum(s.prompt_tokens * self.prompt_price + s.completion_tokens * self.completion_price
                    for s in self.stages)
        return round(spent / 1e6, 6)

    def to_json(self) -> dict:
        return {"lecture": self.lecture, "wall": dict(self.wall), "render_seconds": self.render_seconds,
                "fix_attempts": self.fix_attempts, "calls": self.calls, "tokens": self.tokens,
                "paper_tokens": self.paper_tokens,
                "cost_usd": self.cost, "prices": {"prompt": self.prompt_price, "completion": self.completion_price},
                "stages": [{**asdict(s), "tokens": s.tokens} for s in self.stages],
                "sections": [asdict(s) for s in self.sections]}


def measure(workspace: Workspace | Path, *, prompt_price: float = 2.0, completion_price: float = 8.0) -> Efficiency:
    """What the lecture in `workspace` (a Workspace or its folder) cost so far."""
    ws = workspace if isinstance(workspace, Workspace) else _open(Path(workspace))
    lecture = ws.lecture
    return Efficiency(ws.slug, stage_costs(lecture.usage), section_costs(ws),
                      {k: float(v) for k, v in lecture.timings.items()}, prompt_price, completion_price)


@dataclass(frozen=True)
class LectureTokens:
    """What making a lecture cost (its evaluation apart), in requests and in tokens counted both ways."""
    calls: int
    ours: int  # every stage: plan, code, fixes, critic
    paper: int  # outline, storyboard and code only, as the original counts


def lecture_tokens(usage: Usage) -> LectureTokens:
    """`usage` (lecture.json's, or `client.usage_by_stage()`) counted both ways, evaluation stages apart."""
    made = [s for s in stage_costs(usage) if s.stage not in EVAL_STAGES]
    return LectureTokens(sum(s.calls for s in made), sum(s.tokens for s in made),
                         sum(s.tokens for s in made if PAPER.counts_tokens(s.stage)))


def _open(folder: Path) -> Workspace:
    if not (folder / "lecture.json").is_file():
        raise WorkspaceError(f"{folder} is not a lecture folder (no lecture.json): pass lectures/<slug>")
    return Workspace(folder)


def stage_costs(usage: Usage) -> list[StageCost]:
    """lecture.json's usage per stage key ("code:2", "quiz:video") summed by stage ("code", "quiz")."""
    by_stage: dict[str, StageCost] = {}
    for key, u in sorted(usage.items()):
        cost = by_stage.setdefault(key.split(":", 1)[0], StageCost(key.split(":", 1)[0]))
        for name in ("calls", "cached", "prompt_tokens", "completion_tokens"):
            setattr(cost, name, getattr(cost, name) + int(u.get(name, 0) or 0))
        cost.seconds = round(cost.seconds + float(u.get("seconds", 0) or 0), 3)
    return list(by_stage.values())


def section_costs(ws: Workspace) -> list[SectionCost]:
    ids = [s.id for s in ws.storyboard.sections] if ws.storyboard else []
    out = []
    for sid in ids:
        state = ws.section_state(sid)
        render = state.render("preview")
        out.append(SectionCost(sid, render.seconds if render else 0.0, render.duration if render else 0.0,
                               state.fix.model_attempts if state.fix else 0))
    return out
