"""Pipelined builds: each section's check, fix and render start as soon as its code is there.

Code requests are I/O-bound and arrive one by one; renders are CPU-bound. Waiting for every
section's code before the first render would leave the cores idle while the slowest reply is
written, so `BuildPipeline` starts each section's build the moment its code arrives (sections
whose code is already in the workspace start at once). Each build has its own thread, since a
build mostly waits (for a render, for a fix reply); the renders themselves are bounded by the
builder's render slots (`settings.workers`), so a fix request of one section overlaps the
renders of others instead of holding a worker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from .plan import StoryboardSection
from .render.renderer import stop_all_renders
from .section_build import SectionResult

# `write(on_code)` writes the missing sections' code, calling `on_code(section)` as each arrives.
CodeWriter = Callable[[Callable[[StoryboardSection], None]], None]


@dataclass
class SectionTimes:
    """When one section's steps happened, in seconds since the pipeline started."""
    id: str
    code: float | None = None  # its code arrived; None: it was already in the workspace
    start: float | None = None  # its build began (a render worker took it)
    end: float | None = None  # its build returned


@dataclass
class Pipelined:
    results: list[SectionResult]  # in storyboard order, whatever order they finished in
    times: list[SectionTimes] = field(default_factory=list)

    @property
    def code_span(self) -> float:
        """Wall time until the last code arrived (0 when all of it was there)."""
        return max((t.code for t in self.times if t.code is not None), default=0.0)

    @property
    def build_span(self) -> float:
        """Wall time from the first build's start to the last one's end (overlaps `code_span`)."""
        starts = [t.start for t in self.times if t.start is not None]
        ends = [t.end for t in self.times if t.end is not None]
        return max(ends) - min(starts) if starts and ends else 0.0


class BuildPipeline:
    def __init__(self, build: Callable[[StoryboardSection], SectionResult], cancelled: threading.Event):
        """`build` is one section's whole build (`SectionBuilder.build`, which bounds its renders);
        `cancelled` is the builder's own flag, set on Ctrl-C so its threads start nothing new."""
        self.build = build
        self.cancelled = cancelled

    def run(self, sections: list[StoryboardSection], missing: Sequence[StoryboardSection] = (),
            write: CodeWriter | None = None) -> Pipelined:
        """Build every section; those in `missing` once `write` hands their code over, the others at once.
        A failed code request is raised after the builds already started have finished (they are
        paid for and recorded); Ctrl-C kills the renders in flight and records nothing half-done."""
        waiting = {s.id for s in missing}
        started = time.monotonic()
        times = {s.id: SectionTimes(s.id) for s in sections}
        futures: dict[str, Future] = {}
        pool = ThreadPoolExecutor(max_workers=max(1, len(sections)), thread_name_prefix="c2v-build")

        def timed_build(section: StoryboardSection) -> SectionResult:
            times[section.id].start = time.monotonic() - started
            try:
                return self.build(section)
            finally:
                times[section.id].end = time.monotonic() - started

        def submit(section: StoryboardSection) -> None:
            if section.id in waiting:
                times[section.id].code = time.monotonic() - started
            futures[section.id] = pool.submit(timed_build, section)

        try:
            for section in sections:
                if section.id not in waiting:
                    submit(section)
            failure = self._write(write, submit) if waiting else None
            results = [futures[s.id].result() for s in sections if s.id in futures]
            if failure is not None:
                raise failure
            return Pipelined(results, [times[s.id] for s in sections])
        except KeyboardInterrupt:
            # Threads cannot be interrupted, but their renders can: kill them so the threads
            # return at once, and record nothing for the half-done sections.
            self.cancelled.set()
            stop_all_renders()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self.cancelled.clear()

    @staticmethod
    def _write(write: CodeWriter | None, on_code: Callable[[StoryboardSection], None]) -> Exception | None:
        """Run the code writer; a failed request is returned, so the builds already going can finish first."""
        if write is None:
            raise ValueError("sections are missing code and no writer was given")
        try:
            write(on_code)
        except Exception as exc:  # noqa: BLE001 - re-raised by run() once the others are built
            return exc
        return None
