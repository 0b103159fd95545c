"""Drawing a section while the model is still writing its code (issue 24, part 2).

A section's code streams in block by block (`code_prefix.py`). Each time the code so far holds one
more complete lecture-line block, its check pass runs on that prefix and draws the blocks'
keyframes, so the teacher watches the section appear while the next block is being written.

- One check pass at a time per section, always on the latest complete prefix: a prefix that
  arrives while a pass runs waits, and a newer one replaces it. Each pass covers more blocks than
  the last, so there are never more passes than blocks.
- A pass takes a render slot like any render, but only a free one: it waits for one with short
  looks, taking the latest prefix once it has it, and gives up once the code is complete.
- A prefix that fails (syntax, runtime, the sandbox) ends the drawing for that section, silently:
  the later prefixes hold the same code. The whole code is checked, reported and fixed as it is
  today, by the section's build.
- Once the code is complete (`close`), no new pass starts. A pass still running then is stopped
  (its process killed, so the build has the CPU) unless the section has no picture yet: its first
  picture is worth the rest of that one pass. Once the build shows its own keyframes, or ends
  (`supersede`), nothing from a prefix is shown: an older picture must never replace the build's.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from .code_prefix import Prefix, code_so_far, complete_prefix, marks_in
from .plan import StoryboardSection

# (the code so far, set when it is no longer wanted) -> its keyframes (block k -> k.png), or None when
# its check pass failed (or was stopped).
Check = Callable[[str, threading.Event], list[Path] | None]
# (the prefix's keyframes) -> shown: put into the workspace, told to whoever listens.
Publish = Callable[[list[Path]], object]

_SLOT_LOOK = 0.25  # seconds between looks for a free render slot


class SectionDrawer:
    """One section's drawing while its reply streams in; `feed` is called on the request's thread."""

    def __init__(self, check: Check, publish: Publish, slots: threading.Semaphore):
        self.check, self.publish, self.slots = check, publish, slots
        self.passes = 0  # check passes run (a test and the benchmark read it)
        self.drawn = 0  # the last block whose keyframe was shown
        self._marks = self._length = 0
        self._pending: Prefix | None = None
        self._asked = 0  # the last block handed to a pass (or waiting for one)
        self._closed = self._failed = self._superseded = False
        self._cond = threading.Condition()
        self._stop = threading.Event()  # set by `close`: a pass still running is killed
        self._worker: threading.Thread | None = None

    def feed(self, reply_so_far: str) -> None:
        """The reply as it stands; a prefix with one more complete block wakes the worker."""
        if len(reply_so_far) < self._length:  # a reply asked again starts over: its blocks are new
            self._marks = self._asked = 0
        self._length = len(reply_so_far)
        marks = marks_in(reply_so_far)
        if marks <= self._marks or self._closed or self._failed:
            return  # cheap on every chunk: the code is looked at only when a mark arrived
        self._marks = marks
        prefix = complete_prefix(code_so_far(reply_so_far))
        if prefix is None or prefix.block <= self._asked:
            return
        with self._cond:
            self._pending, self._asked = prefix, prefix.block
            if self._worker is None:
                self._worker = threading.Thread(target=self._work, name="c2v-draw", daemon=True)
                self._worker.start()
            self._cond.notify()

    def close(self) -> None:
        """The code is complete: no new pass starts; one in flight is stopped unless it would show
        the section's first picture."""
        with self._cond:
            self._closed = True
            if self.drawn:
                self._stop.set()
            self._cond.notify()

    def supersede(self) -> None:
        """The build shows its own pictures (or has ended): nothing from a prefix after this."""
        with self._cond:
            self._closed = self._superseded = True
            self._stop.set()
            self._cond.notify()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the worker (tests; the build never waits for a prefix's pass)."""
        if self._worker is not None:
            self._worker.join(timeout)

    def _work(self) -> None:
        while (prefix := self._next()) is not None:
            try:
                self.passes += 1
                paths = self.check(prefix.code, self._stop)
            finally:
                self.slots.release()
            if paths is None:  # failed: the whole code is checked, reported and fixed by its build
                self._failed = True
                return
            with self._cond:  # under the lock: `supersede` waits for a picture being shown
                if self._superseded or (self._closed and self.drawn):
                    return
                if paths:
                    self.publish(paths)
                    self.drawn = prefix.block

    def _next(self) -> Prefix | None:
        """The latest prefix, with a render slot held for it; None once the code is complete."""
        with self._cond:
            while self._pending is None and not self._closed:
                self._cond.wait()
        while not self.slots.acquire(timeout=_SLOT_LOOK):
            if self._closed:
                return None
        with self._cond:
            prefix, self._pending = self._pending, None
            if self._closed or prefix is None:
                self.slots.release()
                return None
            return prefix


class EarlyDrawing:
    """Every section of a lecture whose code is being written: a `SectionDrawer` each, made when
    its reply starts to stream. `check(section, code, stop)` and `publish(section id, paths)` are the
    builder's (`SectionBuilder.draw_prefix`, `SectionBuilder.show_drawn`)."""

    def __init__(self, check: Callable[[StoryboardSection, str, threading.Event], list[Path] | None],
                 publish: Callable[[str, list[Path]], object], slots: threading.Semaphore):
        self._check, self._publish, self.slots = check, publish, slots
        self.drawers: dict[str, SectionDrawer] = {}
        self._lock = threading.Lock()

    def feed(self, section: StoryboardSection, reply_so_far: str) -> None:
        """A section's code reply so far (`coder.OnReply`)."""
        self.drawer(section).feed(reply_so_far)

    def close(self, section_id: str) -> None:
        with self._lock:
            drawer = self.drawers.get(section_id)
        if drawer is not None:
            drawer.close()

    def supersede(self, section_id: str) -> None:
        with self._lock:
            drawer = self.drawers.get(section_id)
        if drawer is not None:
            drawer.supersede()

    def close_all(self) -> None:
        """The run is over (or stopped): every pass still running is stopped, nothing more is shown."""
        with self._lock:
            drawers = list(self.drawers.values())
        for drawer in drawers:
            drawer.supersede()

    def drawer(self, section: StoryboardSection) -> SectionDrawer:
        with self._lock:
            if section.id not in self.drawers:
                self.drawers[section.id] = SectionDrawer(
                    lambda code, stop: self._check(section, code, stop),
                    lambda paths: self._publish(section.id, paths), self.slots)
            return self.drawers[section.id]


class FirstPicture:
    """The one line a lecture's run says when its first picture is on disk, with its path (the CLI
    prints it); every later picture says nothing in a line (the notebook's display shows them all)."""

    def __init__(self) -> None:
        self._said = False
        self._lock = threading.Lock()

    def line(self, paths: list[Path]) -> str:
        with self._lock:
            if self._said or not paths:
                return ""
            self._said = True
        return f"first picture ready: {paths[0]}"
