"""A live progress display for long magic runs: one output, updated in place.

Engine progress arrives from worker threads; ipykernel routes their display updates to
the running cell, so a lock keeps the lines consistent and nothing else is needed.
"""

from __future__ import annotations

import threading
import time

from IPython.display import display

from .display import View, keyframe_strip

_STAGE_LABELS = {"plan": "Planning", "code": "Writing code", "render": "Rendering", "fix": "Auto-fix",
                 "export": "Exporting"}


class ProgressView:
    def __init__(self, title: str):
        self.title = title
        self.started = time.monotonic()
        self.stage = ""
        self.lines: dict[str, str] = {}  # one line per stage: its latest message
        self.ok = True
        self._lock = threading.Lock()
        self._handle = display(self._view(), display_id=True)

    def __call__(self, stage: str, message: str) -> None:
        """The engine's progress callback."""
        with self._lock:
            self.stage = stage
            self.lines[stage] = message
            self._update()

    def done(self, summary: str, ok: bool = True) -> None:
        """Close the display with the outcome: the stage lines give way to one ✓ or ✗ line."""
        with self._lock:
            self.stage = ""
            self.lines = {"done": summary}
            self.ok = ok
            self._update()

    def _update(self) -> None:
        if self._handle is not None:
            self._handle.update(self._view())

    def _view(self) -> View:
        return View(self._html(), self._text())

    def _text(self) -> str:
        mark = "✓ " if self.ok else "✗ "
        return "\n".join([self.title] + [mark + t if s == "done" else f"{_STAGE_LABELS.get(s, s.title())}: {t}"
                                          for s, t in self.lines.items()])

    def _html(self) -> str:
        elapsed = time.monotonic() - self.started
        rows = "".join(f"<div>{_STAGE_LABELS.get(stage, stage.title())}: {_escape(text)}</div>"
                       for stage, text in self.lines.items() if stage != "done")
        if "done" in self.lines:
            mark, colour = ("✓", "inherit") if self.ok else ("✗", "#d32f2f")
            rows += f"<div style='color:{colour}'>{mark} {_escape(self.lines['done'])}</div>"
        return (f"<div style='font-family:monospace;font-size:12px'><b>{_escape(self.title)}</b> "
                f"<span style='color:#888'>({elapsed:.0f} s)</span>{rows}</div>")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class LazyProgress:
    """A progress display that appears only once real work starts, so a cached preview shows
    none; `close` ends it with the outcome if it appeared."""

    def __init__(self, title: str, quiet_stages: tuple[str, ...] = ("cached",)):
        self.title, self.quiet_stages = title, quiet_stages
        self.view: ProgressView | None = None

    def __call__(self, stage: str, message: str) -> None:
        if stage in self.quiet_stages:
            return
        if self.view is None:
            self.view = ProgressView(self.title)
        self.view(stage, message)

    def close(self, summary: str, ok: bool = True) -> None:
        if self.view is not None:
            self.view.done(summary, ok)


class EarlyKeyframes:
    """The keyframe strip of a section being rendered, shown as soon as the check pass has
    drawn it (the engine's `on_keyframes`), before the video exists. A slot for the video is kept
    above it, so the finished cell reads as a cached one does (video, where it is, strip, …);
    `settle` fills the slot and puts the build's own strip in place (or empties both, if the
    build failed), so the cell shows one strip."""

    def __init__(self, lecture_lines: list[str]):
        self.lines = lecture_lines
        self._slot = self._strip = None

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
