"""A live progress display for long magic runs: one output, updated in place, that follows the
pipeline as it is.

The engine reports each section's state as a `SectionEvent` (`progress_events.py`: writing,
checking, rendering, fixing line N, done, failed) and everything else as `(stage, message)`
lines (planning, the critic, the export); `ProgressView` and `LazyProgress` are
`SectionListener`s, so they get the events themselves, never words to parse. So each section
has its own row with its own state, planning reads as done once sections start, and line
numbers are the cell's (the section file's line + the `%%c2v_section` line above it). Closed,
the display names every section with its outcome and where its preview is, then the ✓ or ✗
summary.

Engine progress arrives from worker threads; ipykernel routes their display updates to the
running cell, so a lock keeps the rows consistent and nothing else is needed.
"""

from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from IPython.display import display

from ..progress_events import SectionEvent
from .display import View, keyframe_strip, thumbnail_row

_STAGE_LABELS = {"plan": "Planning", "code": "Writing code", "render": "Rendering", "fix": "Auto-fix",
                 "export": "Exporting", "critic": "Layout critic"}
_FIRST_ERROR_WORDS = 12


@dataclass
class _Row:
    """One section's line: its latest state, and what the critic said of its rendered code."""
    title: str
    event: SectionEvent | None = None
    critic: str = ""
    fixed: int | None = None  # the file's line a fix was for, while or after fixing it
    keyframes: tuple[Path, ...] = ()  # its pictures so far, as they are drawn (while its code is written, too)


class ProgressView:
    def __init__(self, title: str, line_offset: int = 1):
        """`line_offset`: lines above a section's code where its lines are shown (1: the cell's
        `%%c2v_section` line), so a fix names the line the user sees."""
        self.title = title
        self.line_offset = line_offset
        self.started = time.monotonic()
        self.stage = ""
        self.lines: dict[str, str] = {}  # one line per stage that is not a section's: its latest message
        self.rows: dict[str, _Row] = {}  # section id -> its row, in storyboard order
        self.summary = ""
        self.where = ""  # closed: where each section's preview is
        self.ok = True
        self._lock = threading.Lock()
        self._handle = display(self._view(), display_id=True)

    def __call__(self, stage: str, message: str) -> None:
        """The engine's progress callback, for what is not one section's state."""
        with self._lock:
            self.stage = stage
            self.lines[stage] = message
            self._update()

    def expect(self, sections) -> None:
        """The storyboard's sections (`id`, `title`), so every one has its row from the start."""
        with self._lock:
            for section in sections:
                self.rows.setdefault(section.id, _Row(section.title)).title = section.title
            self._update()

    def on_section(self, event: SectionEvent) -> None:
        """A section's new state (`progress_events.report` calls this instead of the line)."""
        with self._lock:
            row = self.rows.setdefault(event.section, _Row(""))
            if event.state == "planned":  # its title, from the outline while the model writes it
                row.title = event.detail or row.title
            if event.state == "fixing" and event.line:
                row.fixed = event.line
            if event.state == "drawn":  # pictures, not a new state: the row keeps saying what it does
                row.keyframes = event.keyframes
            elif event.state == "critic":
                row.critic = event.detail
            elif not (event.state == "narrating" and row.event is not None and row.event.state == "rendering"):
                row.event = event
            self._update()

    def folded(self, summary: str) -> str:
        """A one-section display closes with its summary alone: the row's own words that the
        summary lacks (animations kept, the line fixed) go into it, and the row goes."""
        with self._lock:
            if len(self.rows) != 1:
                return summary
            row = next(iter(self.rows.values()))
            event, self.rows = row.event, {}
        if event is not None and event.state == "done" and event.reused:
            summary += f", {event.reused} of {event.plays} animations unchanged"
        if event is not None and event.state == "done" and row.fixed:
            summary += f" (fixed {self._line(row.fixed)})"
        return summary

    def done(self, summary: str, ok: bool = True, where: str = "") -> None:
        """Close the display with the outcome: each section's row in its final state (and `where`
        its preview is), then one ✓ or ✗ line; the other stages' lines give way to it."""
        with self._lock:
            self.stage, self.lines, self.summary, self.ok, self.where = "", {}, summary, ok, where
            self._update()

    def _update(self) -> None:
        if self._handle is not None:
            self._handle.update(self._view())

    def _view(self) -> View:
        return View(self._html(), self._text())

    # what it says ---------------------------------------------------------------------------
    def _stage_lines(self) -> list[tuple[str, str]]:
        """(mark, text) of the other stages: planning and code writing read as done once sections build."""
        events = [r.event for r in self.rows.values()]
        written = events and all(e is not None and e.state not in ("planned", "writing") for e in events)
        planned = bool(self.rows) and all(e is None or e.state != "planned" for e in events)  # titles alone: not yet
        out = []
        for stage, text in self.lines.items():
            done = stage == "plan" and planned or stage == "code" and written
            words = {"plan": f"done ({len(self.rows)} sections)", "code": "done"}.get(stage, text) if done else text
            out.append(("✓ " if done else "", f"{_STAGE_LABELS.get(stage, stage.title())}: {words}"))
        return out

    def _row_lines(self) -> list[tuple[str, str, str, tuple[Path, ...]]]:
        """(mark, colour, text, keyframes so far) per section."""
        out = []
        for section_id, row in self.rows.items():
            event = row.event
            state = self._state_words(event)
            if event is not None and event.state == "done" and row.fixed:
                state += f", after fixing {self._line(row.fixed)}"
            if row.critic:
                state += f" · {row.critic}"
            if row.keyframes and not (event is not None and event.final):
                state += f" · {_drawn(row.keyframes)}"
            if self.summary and self.where and event is not None and event.state in ("done", "cached"):
                state += f" — {self.where}"
            mark, colour = _mark(event, closed=bool(self.summary))
            name = f"{section_id}. {row.title}" if row.title else f"section {section_id}"
            out.append((mark, colour, f"{name}: {state}", row.keyframes))
        return out

    def _state_words(self, event: SectionEvent | None) -> str:
        if event is None:
            return "not started" if self.summary else "waiting for its code"
        line = self._line(event.line)
        words = {
            "planned": "planned, its storyboard being written",
            "writing": "writing its code",
            "waiting": "code written, waiting to render",
            "narrating": f"speaking its lines ({event.detail})" if event.detail else "speaking its lines",
            "checking": "checking its layout before the render",
            "rendering": "rendering" + (f", animation {event.done}/{event.total}" if event.total else "")
                         + (f" ({event.detail})" if event.detail else ""),
            "fixing": "fixing" + (f" {line}" if line else "") + (f": {_short(event.detail)}" if event.detail else ""),
            "cached": "unchanged, its cached preview",
            "failed": "failed" + (f" at {line}" if line else "")
                      + (f": {_short(event.detail)}" if event.detail else ""),
        }
        if event.state == "done":
            text = f"rendered in {event.seconds:.1f} s" if event.seconds is not None else "rendered"
            if event.reused:
                text += f", {event.reused} of {event.plays} animations unchanged"
            return text
        text = words.get(event.state, event.state)
        if self.summary and not event.final:
            text += " — stopped"
        return text

    def _line(self, line: int | None) -> str:
        if not line:
            return ""
        return f"line {line + self.line_offset}" + (" of its cell" if self.line_offset else "")

    def _text(self) -> str:
        out = [self.title] + [mark + text for mark, text in self._stage_lines()]
        for mark, _colour, text, keyframes in self._row_lines():
            out.append(f"  {mark}{text}")
            if keyframes:
                out.append(f"      pictures: {', '.join(p.name for p in keyframes)} in {keyframes[0].parent}")
        if self.summary:
            out.append(("✓ " if self.ok else "✗ ") + self.summary)
        return "\n".join(out)

    def _html(self) -> str:
        elapsed = time.monotonic() - self.started
        rows = "".join(f"<div>{html.escape(mark + text)}</div>" for mark, text in self._stage_lines())
        rows += "".join(f"<div style='padding-left:1.5em;color:{colour}'>{html.escape(mark + text)}"
                        f"{thumbnail_row(keyframes)}</div>" for mark, colour, text, keyframes in self._row_lines())
        if self.summary:
            mark, colour = ("✓", "inherit") if self.ok else ("✗", "#d32f2f")
            rows += f"<div style='color:{colour}'>{mark} {html.escape(self.summary)}</div>"
        return (f"<div style='font-family:monospace;font-size:12px'><b>{html.escape(self.title)}</b> "
                f"<span style='color:#888'>({elapsed:.0f} s)</span>{rows}</div>")


def _drawn(keyframes: tuple[Path, ...]) -> str:
    """What its pictures so far cover: "block 1 drawn", "blocks 1–3 drawn"."""
    first, last = keyframes[0].stem, keyframes[-1].stem
    return f"block {first} drawn" if first == last else f"blocks {first}–{last} drawn"


def _mark(event: SectionEvent | None, closed: bool) -> tuple[str, str]:
    if event is not None and event.state in ("done", "cached"):
        return "✓ ", "inherit"
    if event is not None and event.state == "failed" or closed:
        return "✗ ", "#d32f2f"
    return "… ", "inherit"


def _short(text: str) -> str:
    """An error's first words (the row stays one line; the cell shows the whole of it)."""
    words = " ".join(str(text).split()).split(" ")
    return " ".join(words[:_FIRST_ERROR_WORDS]) + (" …" if len(words) > _FIRST_ERROR_WORDS else "")


class LazyProgress:
    """A progress display that appears only once real work starts, so a cached preview shows
    none; `close` ends it with the outcome if it appeared."""

    def __init__(self, title: str, quiet_stages: tuple[str, ...] = ("cached",)):
        self.title, self.quiet_stages = title, quiet_stages
        self.view: ProgressView | None = None

    def __call__(self, stage: str, message: str) -> None:
        if stage in self.quiet_stages:
            return
        self._shown()(stage, message)

    def on_section(self, event: SectionEvent) -> None:
        if event.state not in self.quiet_stages:
            self._shown().on_section(event)

    def _shown(self) -> ProgressView:
        if self.view is None:
            self.view = ProgressView(self.title)
        return self.view

    def close(self, summary: str, ok: bool = True) -> None:
        if self.view is not None:
            self.view.done(self.view.folded(summary), ok)


class EarlyKeyframes:
    """The keyframe strip of a section being rendered, shown as soon as the check pass has
    drawn it (the engine's `on_keyframes`), before the video exists. A slot for the video is kept
    above it, so the finished cell reads as a cached one does (video, where it is, strip, …);
    `settle` fills the slot and puts the build's own strip in place (or empties both, if the
    build failed), so the cell shows one strip."""

    def __init__(self, lecture_lines: list[str]):
        self.lines = lecture_lines
        self._slot: Any = None  # IPython display handles, once shown
        self._strip: Any = None

    def __call__(self, section_id: str, paths) -> None:
        view = keyframe_strip(paths, self.lines, note="rendering the video…")
        if self._strip is None:
            self._slot = display(View("", ""), display_id=True)
            self._strip = display(view, display_id=True)
        else:
            self._strip.update(view)

    def settle(self, views: list) -> list:
        """The views left to show after the slot and the strip shown early took theirs."""
        if self._strip is None:
            return views
        at = next((i for i, v in enumerate(views) if getattr(v, "kind", "") == "keyframes"), None)
        above, strip, rest = (views[:at], views[at], views[at + 1:]) if at is not None else ([], None, views)
        self._slot.update(stacked(above))
        self._strip.update(strip if strip is not None else View("", ""))
        return rest


def stacked(views: list) -> View:
    """Several views as one output (a display slot holds one)."""
    return View("".join(v.html for v in views), "\n".join(v.text for v in views))
