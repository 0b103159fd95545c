"""What `%%code2video` asks of the engine, and what it says when it is done: a lecture planned
from a topic or a teacher's notes, its code written, and (unless `--no-render`) each section
rendered as soon as its code arrives.

The session shows the progress, the plan, the pictures and the cells around this.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..cassette import recorded_options
from ..engine import Engine, SectionResult
from ..plan import StoryboardSection
from ..plan_stream import CodeAhead
from ..sources import Source, read_source, source_from_markdown
from ..workspace import Workspace
from . import cells
from .failures import cell_line
from .run_config import RunConfig


@dataclass
class LectureRequest:
    topic: str
    goals: str = ""
    sections: int | None = None  # None: a recording's own count, else default_sections
    audience: str = "university students"
    render: bool = True
    default_sections: int = 4
    critic: bool | None = None  # --critic / --no-critic: kept for the lecture's cells (None: as it was)
    notes: str = ""  # --from: a teacher's notes (a path) the lecture follows
    cell_notes: str = ""  # the cell body itself, when it is notes rather than a topic (`sources.is_notes`)

    def source(self) -> Source | None:
        if self.notes:
            return read_source(Path(self.notes))
        if self.cell_notes:
            return source_from_markdown(self.cell_notes, name="the cell's notes")
        return None


def plan_and_build(engine: Engine, ws: Workspace, request: LectureRequest, config: RunConfig,
                   source: Source | None, expect: Callable[[list[StoryboardSection]], None]) -> list[SectionResult]:
    """Plan, then write every section's code, each built as soon as it arrives (`request.render`);
    the results of the builds ([] without them). `expect(sections)`: the plan's sections, in order,
    once there are some (the progress display gives each its row)."""
    sections = (request.sections or recorded_options(config.replay).get("sections")
                or (None if source else request.default_sections))  # notes: one section per part
    drawing = engine.early_drawing(ws) if request.render else None  # each section drawn as its code streams
    ahead = CodeAhead(engine.model_client, ws.lecture.topic, engine.progress,  # code asked as the storyboard streams
                      on_reply=drawing.feed if drawing else None)
    try:
        engine.plan(ws, audience=request.audience, sections=sections, goals=request.goals, source=source,
                    ahead=ahead)
        expect(ws.planned().sections)
        if request.render:
            return engine.write_and_build(ws, ahead=ahead, drawing=drawing).results
        engine.write_code(ws, ahead=ahead)
        return []
    finally:
        if drawing is not None:  # a plan that failed or was interrupted: no pass keeps running
            drawing.close_all()


def summary(ws: Workspace, results: list[SectionResult], seconds: float) -> str:
    """The progress display's closing line: planned, rendered, failed (and where), and how long."""
    failed = [r for r in results if not r.ok]
    return (f"{len(ws.planned().sections)} sections planned"
            + (f", {len(results) - len(failed)} rendered" if results else "")
            + (f", {len(failed)} failed ({_failed_list(failed)}: run its cell to see why)" if failed else "")
            + f" in {seconds:.0f} s")


def _failed_list(failed: list[SectionResult]) -> str:
    return ", ".join(f"section {r.id}" + (f" at line {cell_line(r.line)}" if r.line else "") for r in failed)


def plan_markdown(ws: Workspace) -> str:
    """The plan under the magic: the topic, then each section with its lecture lines and sources."""
    parts = [f"**{ws.lecture.topic}** — lecture `{ws.slug}`"]
    for s in ws.planned().sections:
        lines = "; ".join(s.lecture_lines)
        parts.append(f"- **{s.id}. {s.title}** — {lines}" + cells.cited_markdown(s, "\n  "))
    return "\n".join(parts)
