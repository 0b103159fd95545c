"""What crosses the render process's boundary, typed: the `RenderJob` the parent writes and the
`RenderResult` the child writes back, each as one JSON file.

Both sides import this module (the child before the scene runs), so it imports nothing heavy:
the standard library, `confine.Confinement`, and pydantic for the checked readers. pydantic is
imported only by the readers: the parent's kernel has it already (the openai client's; the
result's reader is then built in milliseconds), and the child's warm server builds the job's
reader once (`render_worker` calls `prepare_job_reader`), not each render.

The result is the child's word, and the child ran untrusted code that can write the result file
itself: the parent reads it with `result_from_json`, which checks every field's type and names
the first bad one. Values are still bounded where used (`render._outcome`).

While it works, the child appends progress events to a third file, one JSON line each: how many
plays are done (`PlaysDone`) and which blocks' keyframes are drawn (`KeyframesDrawn`). The parent
polls that file every few milliseconds, so it is read with `json` alone, and a line that is not an
event (a scene can write there too) is skipped rather than refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields, is_dataclass
from typing import Any, TypeVar

from ...sandbox.confine import Confinement


@dataclass(frozen=True)
class RenderJob:
    """One render, as the child is told it (paths as strings: it is JSON on disk)."""
    file: str  # the section file
    scene: str  # the scene class to render (`renderer.find_scene_class`)
    quality: str  # "preview" or "final" (`render_worker.QUALITIES`)
    media_dir: str  # manim's media folder for this section
    result: str  # where the child writes its RenderResult
    temp_dir: str  # the child's TMPDIR (inside the job folder: writable, removed after)
    progress: str | None = None  # the file the child appends its progress events to (`progress_line`)
    dry_run_only: bool = False  # the check pass alone (a fix's check, a critique)
    critique: bool = False  # the check pass instrumented for the critic (`critic_instrument.py`)
    check_first: bool = False  # someone shows the keyframes before the video: a check pass first
    record_layout: bool = False  # a full render records the critic's facts on its way
    keyframes: str | None = None  # where a full render draws each block's keyframe
    max_cached_plays: int = 100  # manim's partial movies kept per section and quality
    block_minimums: tuple[float, ...] = ()  # each lecture-line block's minimum length (its narration)
    reuse_keys: tuple[str, ...] = ()  # the first plays' movie keys, unchanged since the last render
    plays_hint: int = 0  # plays in the last render: the progress total before a check pass counts them
    assets_dir: str = "."  # where the scene's `assets/<file>` are staged
    confine: Confinement | None = None  # None: --unconfined
    tex_cache: dict[str, str] | None = None  # the shared TeX/text folders, read-only to the child


@dataclass(frozen=True)
class Frame:
    """One traceback frame of the child's error, outermost first (`renderer.section_line` reads them)."""
    file: str | None
    line: int | None
    function: str = ""
    code: str | None = None


@dataclass(frozen=True)
class RenderResult:
    """What the child reports: a render (`video`, timings, plays), a check pass (`ok` alone), a
    critique (`shots`, `stage`), or an error with its frames. Unknown keys are ignored."""
    ok: bool
    video: str | None = None
    duration: float = 0.0
    block_starts: tuple[tuple[int, float], ...] = ()  # (block, start in seconds), as the scene highlighted them
    keyframes: tuple[int, ...] = ()  # the blocks whose keyframe the child drew
    plays: int = 0
    reused_plays: int = 0  # plays whose partial movie came from manim's cache
    keys: tuple[str, ...] = ()  # each play's movie key (`render_prefix`)
    lines: tuple[int, ...] = ()  # the line of construct() each play came from (`movie_cache.construct_lines`)
    shots: tuple[dict[str, Any], ...] = ()  # the critic's record (checked again by critic/critique.py)
    stage: dict[str, Any] | None = None
    warm: bool = False  # the child began with manim imported (forked from the warm server)
    error_type: str = ""
    message: str = ""
    frames: tuple[Frame, ...] = ()
    traceback: str = ""


@dataclass(frozen=True)
class PlaysDone:
    """After each play: `done` plays of about `total` (the check pass counted them, or the last
    render did: an estimate, never below what is done)."""
    done: int
    total: int


@dataclass(frozen=True)
class KeyframesDrawn:
    """These lecture-line blocks' keyframes are on disk (`RenderJob.keyframes`/<block>.png)."""
    blocks: tuple[int, ...]


ProgressEvent = PlaysDone | KeyframesDrawn
_EVENT_KINDS = {"plays": PlaysDone, "keyframes": KeyframesDrawn}


def progress_line(event: ProgressEvent) -> str:
    """The event as one line of the progress file (newline included)."""
    kind = "plays" if isinstance(event, PlaysDone) else "keyframes"
    return json.dumps({"kind": kind, **_fields(event)}) + "\n"


def read_progress(text: str) -> list[ProgressEvent]:
    """The events of the progress file's complete lines (the last piece may be mid-write)."""
    events: list[ProgressEvent] = []
    for line in text.split("\n")[:-1]:
        try:
            record = json.loads(line)
            if record.get("kind") == "plays":
                events.append(PlaysDone(int(record["done"]), int(record["total"])))
            elif record.get("kind") == "keyframes":
                events.append(KeyframesDrawn(tuple(int(block) for block in record["blocks"])))
        except (ValueError, TypeError, KeyError, AttributeError):
            continue  # not one of ours
    return events


class BoundaryError(ValueError):
    """A job or result file that does not hold what its class says; the message names the field.
    `truncated`: not even JSON (a child killed mid-write, or one that never wrote it)."""

    def __init__(self, message: str, *, truncated: bool = False):
        super().__init__(message)
        self.truncated = truncated


def to_json(record: RenderJob | RenderResult) -> str:
    """The record as JSON, nested dataclasses (`Frame`, `Confinement`) as objects. Not
    `dataclasses.asdict`, which deep-copies every value first: a critic's result holds hundreds."""
    return json.dumps(record, default=_fields)


def _fields(value: Any) -> dict[str, Any]:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in fields(value)}
    raise TypeError(f"{type(value).__name__} is not part of a render job or result")


def job_from_json(text: str) -> RenderJob:
    return _read(RenderJob, text)


def result_from_json(text: str) -> RenderResult:
    return _read(RenderResult, text)


T = TypeVar("T")
_ADAPTERS: dict[type, Any] = {}


def prepare_job_reader() -> None:
    """Build the job's reader now: in the child's warm server, so no render pays for it."""
    _adapter(RenderJob)


def _adapter(cls: type):
    if cls not in _ADAPTERS:
        from pydantic import TypeAdapter

        _ADAPTERS[cls] = TypeAdapter(cls)
    return _ADAPTERS[cls]


def _read(cls: type[T], text: str) -> T:
    from pydantic import ValidationError

    try:
        return _adapter(cls).validate_json(text)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"]) or "(the file)"
        value = repr(first.get("input"))[:60] if first["loc"] else ""
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise BoundaryError(f"{cls.__name__}.{where}: {first['msg']}{' ' + value if value else ''}{more}",
                            truncated=first["type"] == "json_invalid") from None
