"""What each section's build is doing, as data: one `SectionEvent` whenever a section's state changes.

The engine's progress callback takes `(stage, message)` lines, which the CLI prints as they come.
A display that follows each section on its own (the notebook's) needs the state itself rather than
words to parse: a `SectionListener` (a callback with an `on_section(event)` method) gets the event,
and a plain callable gets the event's line. `report` is the one place that chooses, so the engine
never knows which face listens. A new state is a new entry in `STATES` (and its words in the
notebook's `progress.ProgressView`); a new fact about a state is a new field with a default.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

# planned: its title is in the outline (`detail`), while the plan is still being written; writing: its
# code is being written; waiting: written, not built yet; checking: the critic's or the
# check pass's run; rendering; fixing: a failure being repaired; critic: the layout critic on the
# rendered code; then one of done, cached (unchanged code: the preview it had) or failed. `drawn` is
# no change of state: the section's keyframes so far are on disk (`keyframes`), drawn from its code
# while it is still being written (stream_draw.py) or by its build.
STATES = ("planned", "writing", "waiting", "narrating", "checking", "rendering", "fixing", "critic", "done", "cached",
          "failed", "drawn")
FINAL = ("done", "cached", "failed")


@dataclass(frozen=True)
class SectionEvent:
    section: str
    state: str  # one of STATES
    line: int | None = None  # fixing, failed: the line of the section's file (1-based)
    done: int = 0  # rendering: animations rendered so far, of `total`
    total: int = 0
    reused: int = 0  # done: animations taken as they were from the last render, of `plays`
    plays: int = 0
    seconds: float | None = None  # done, failed: the build's time
    detail: str = ""  # one short phrase: the error, "keyframes drawn", "2 suggestion(s)"
    keyframes: tuple[Path, ...] = ()  # drawn: block k's keyframe `k.png`, in the lecture's keyframes/<id>/

    @property
    def final(self) -> bool:
        return self.state in FINAL


Progress = Callable[[str, str], None]  # (stage, message): a line for what is not one section's state


@runtime_checkable
class SectionListener(Protocol):
    """A progress callback that follows each section by its events (the notebook's display, a
    test waiting for builds to end) rather than by the words of its lines."""

    def __call__(self, stage: str, message: str) -> None: ...

    def on_section(self, event: SectionEvent) -> None: ...


def report(progress: Progress, stage: str, message: str, event: SectionEvent | None = None) -> None:
    """`event` to a `SectionListener`, else `message` as a line ("": nothing to say in a line,
    e.g. that each section is being written, which one line said)."""
    if event is not None and isinstance(progress, SectionListener):
        progress.on_section(event)
    elif message:
        progress(stage, message)
