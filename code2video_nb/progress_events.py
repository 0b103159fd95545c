"""What each section's build is doing, as data: one `SectionEvent` whenever a section's state changes.

The engine's progress callback takes `(stage, message)` lines, which the CLI prints as they come.
A display that follows each section on its own (the notebook's) needs the state itself rather than
words to parse: a callback object with an `on_section(event)` method gets the event, and a plain
callable gets the event's line. `report` is the one place that chooses, so the engine never knows
which face listens.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# writing: its code is being written; waiting: written, not built yet; checking: the critic's or the
# check pass's run; rendering; fixing: a failure being repaired; critic: the layout critic on the
# rendered code; then one of done, cached (unchanged code: the preview it had) or failed.
STATES = ("writing", "waiting", "narrating", "checking", "rendering", "fixing", "critic", "done", "cached", "failed")
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

    @property
    def final(self) -> bool:
        return self.state in FINAL


Progress = Callable[[str, str], None]


def report(progress: Progress, stage: str, message: str, event: SectionEvent | None = None) -> None:
    """`event` to a listener that follows sections (`on_section`), else `message` as today's line
    ("": nothing to say in a line, e.g. that each section is being written, which one line said)."""
    on_section = getattr(progress, "on_section", None)
    if event is not None and on_section is not None:
        on_section(event)
    elif message:
        progress(stage, message)
