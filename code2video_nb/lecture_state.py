"""The lecture's own record in lecture.json, typed: the one place that knows its top-level keys.

    topic          "Eigenvectors and eigenvalues"        what the lecture is about (set on creation)
    slug           "eigenvectors-and-eigenvalues"       its folder's name
    plan_options   {audience, sections, goals, notes?}  what the plan was made with (`PlanOptions`)
    replay         "demo" or a recording's path         its cells keep answering from that recording
    critic         true / false                         --critic / --no-critic of the lecture's magic
    usage          {stage: {calls, cached, prompt_tokens, completion_tokens, seconds}}   over all runs
    timings        {stage: seconds}                     the last run's, for eval efficiency
    language       "zh", "es" (a BCP 47 tag)            the lecture's language (language.py); absent: English
    outline, storyboard, sections                       the plan (plan.py) and each section's record
                                                        (section_state.py): read by the Workspace

Reading tolerates what older versions (or a hand edit) left, as section_state.py does: a missing
field takes its default, a value of the wrong type reads as absent, and reading never rewrites.
Writes name a field of `LectureState` (`put`, a TypeError for any other name), made by
`Workspace.set_lecture` inside its locked, re-read, merged update.

A new lecture-level field is a field here (with its default and its reading in `from_dict`), a
line in the table above, and nothing else: the Workspace writes it by name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from .section_state import _is_number, _number, _text

Usage = Mapping[str, Mapping[str, float]]  # stage -> {calls, cached, prompt_tokens, completion_tokens, seconds}


@dataclass(frozen=True)
class PlanOptions:
    """What a plan was made with; a rerun with other options keeps the plan and says so."""

    audience: str = ""
    sections: int = 0
    goals: str = ""
    notes: str = ""  # the teacher's notes it follows (`Source.fingerprint`); "" for a topic alone

    @classmethod
    def from_dict(cls, data) -> PlanOptions | None:
        if not isinstance(data, dict):
            return None
        sections = data.get("sections")
        return cls(_text(data.get("audience")), int(_number(sections)),
                   _text(data.get("goals")), _text(data.get("notes")))

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"audience": self.audience, "sections": self.sections, "goals": self.goals}
        if self.notes:
            data["notes"] = self.notes
        return data

    def changed(self, other: PlanOptions) -> list[str]:
        """Each option `other` differs in, as this one's value: ["sections 3", "notes 'a.md 12ab'"]."""
        return [f"{f.name} {getattr(self, f.name)!r}" for f in fields(self)
                if getattr(self, f.name) != getattr(other, f.name)]


@dataclass(frozen=True)
class LectureState:
    """The lecture-level record as last written (read-only: change it with `Workspace.set_lecture`)."""

    topic: str = ""
    slug: str = ""
    plan_options: PlanOptions | None = None
    replay: str = ""  # "" : the lecture's cells ask the live model
    critic: bool | None = None  # None: the session's default
    usage: Usage = field(default_factory=dict)
    timings: Mapping[str, float] = field(default_factory=dict)
    language: str = ""  # a BCP 47 tag (`language.lecture_language`); "": planned before languages, English

    @classmethod
    def from_dict(cls, data) -> LectureState:
        if not isinstance(data, dict):
            return cls()
        critic = data.get("critic")
        return cls(_text(data.get("topic")), _text(data.get("slug")), PlanOptions.from_dict(data.get("plan_options")),
                   _text(data.get("replay")), critic if isinstance(critic, bool) else None,
                   _usage(data.get("usage")), _numbers(data.get("timings")), _text(data.get("language")))

    def tokens(self, stage_suffix: str = "") -> int:
        """Prompt and completion tokens of the stages ending in `stage_suffix` (":2": section 2's)."""
        return int(sum(u.get("prompt_tokens", 0) + u.get("completion_tokens", 0)
                       for stage, u in self.usage.items() if stage.endswith(stage_suffix)))


def _numbers(data) -> dict[str, float]:
    return {str(k): v for k, v in data.items() if _is_number(v)} if isinstance(data, dict) else {}


def _usage(data) -> dict[str, dict[str, float]]:
    return {str(stage): _numbers(u) for stage, u in data.items() if isinstance(u, dict)} \
        if isinstance(data, dict) else {}


_NAMES = frozenset(f.name for f in fields(LectureState))


# writing: inside Workspace.update -------------------------------------------------------------
def put(state: dict, changes: Mapping[str, Any]) -> None:
    """Set lecture-level fields by their `LectureState` names (PlanOptions as its dict)."""
    unknown = sorted(set(changes) - _NAMES)
    if unknown:
        raise TypeError(f"{', '.join(unknown)}: not a field of LectureState (add it there first)")
    for name, value in changes.items():
        state[name] = value.to_dict() if isinstance(value, PlanOptions) else value


def add_usage(state: dict, usage_by_stage: Mapping[str, Mapping[str, float]]) -> None:
    """Usage accumulates across runs, cells and sessions: lecture.json says what the lecture cost."""
    totals = state.setdefault("usage", {})
    for stage, usage in usage_by_stage.items():
        into = totals.setdefault(stage, {})
        for key, value in usage.items():
            into[key] = round(into.get(key, 0) + value, 3)
