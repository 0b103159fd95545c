"""The lecture workspace on disk: one folder a lecture, laid out as below.

    <root>/<slug>/lecture.json        plan, code history, render/fix records, usage
    <root>/<slug>/sections/<id>.py    current code of each section (what renders)
    <root>/<slug>/previews/<id>.mp4   preview renders; keyframes/<id>/<block>.png
    <root>/<slug>/<slug>.mp4 .srt     the exported lecture
    <root>/<slug>/log.jsonl           model requests and replies
    <root>/<slug>/.renders/<id>/      earlier previews by content hash (the last few)

Every write is atomic, and every step records what it produced, so a rerun after
an interruption picks up where the last one stopped.

Nothing is lost when several writers share a lecture (a CLI `render` and a notebook,
or parallel renders of different sections): every change to lecture.json goes through
`_update`, which takes an inter-process lock, re-reads the file, applies just that
change and writes it back. Paths are never taken from lecture.json: they are rebuilt
from section ids (checked to be plain names) and content hashes.
"""

from __future__ import annotations

import filecmp
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

from filelock import FileLock, Timeout

from . import lecture_state
from . import section_state as records
from .errors import PlanError, WorkspaceError
from .files import atomic_copy, atomic_write_text, disk_error, disk_errors
from .lecture_state import LectureState
from .plan import SAFE_ID, Outline, Storyboard, StoryboardSection
from .section_state import ErrorRecord, FixRecord, PanelRecord, RenderRecord, SectionState, Version

STATE_VERSION = 1
ARCHIVE_KEEP = 8  # archived previews per section
LOCK_TIMEOUT = 30.0  # seconds; one write holds the lock for milliseconds
HAND_EDIT = "hand edit"  # history reason for code found in sections/<id>.py that no write of ours put there
_HASH = re.compile(r"[0-9a-f]{16,64}")
# The shape lecture.json must have where we read it: key -> the JSON type of its value.
_TOP_SHAPE: dict[str, type] = {"sections": dict, "usage": dict, "outline": dict, "storyboard": dict}

T = TypeVar("T")


@dataclass(frozen=True)
class _Stamp:
    """Which version of lecture.json we hold: every save replaces the file (a new inode)."""

    inode: int
    mtime_ns: int
    size: int

    @classmethod
    def of(cls, st: os.stat_result) -> _Stamp:
        return cls(st.st_ino, st.st_mtime_ns, st.st_size)


def _copy_pngs(source: Path | list[Path], dest: Path) -> None:
    """Replace dest's PNGs with source's (a folder or a list; keyframes: block k -> k.png)."""
    pngs = source if isinstance(source, list) else list(source.glob("*.png"))
    with disk_errors(dest):
        dest.mkdir(parents=True, exist_ok=True)
        for old in dest.glob("*.png"):
            old.unlink()
    for png in pngs:
        atomic_copy(png, dest / png.name)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return filecmp.cmp(a, b, shallow=False)
    except OSError:
        return False


def safe_id(section_id) -> str:
    """A section id as a file name part; anything else (a path, '..') never reaches the disk."""
    text = str(section_id)
    if not SAFE_ID.fullmatch(text):
        raise WorkspaceError(f"section id {text[:60]!r} is not a plain name (letters, digits, '_', '-', "
                             f"at most 40); rename it in lecture.json")
    return text


def lecture_dir(root: Path, name: str) -> Path:
    """`root/name` for a lecture named in a cell or command: a folder name, never a path out of root."""
    if not name or name in (".", "..") or Path(name).name != name or "\\" in name:
        raise WorkspaceError(f"lecture name {name!r} is not a folder name under {root}; use its slug, "
                             "e.g. eigenvectors-and-eigenvalues")
    return Path(root) / name


class Workspace:
    def __init__(self, directory: Path):
        self.dir = Path(directory)
        self.slug = self.dir.name
        self._lock = threading.RLock()  # threads of this process; the FileLock is for other processes
        self._file_lock = FileLock(self.dir / ".lecture.json.lock", thread_local=False)
        self._parsed: dict = {}  # key -> (the JSON it was parsed from, the typed record)
        self._state, self._stamp = self._read()  # a broken lecture.json is reported on opening

    @classmethod
    def create(cls, root: Path, slug: str, topic: str) -> Workspace:
        ws = cls(Path(root) / slug)
        ws._update(lambda state: (state.setdefault("topic", topic), state.setdefault("slug", slug)))
        return ws

    # paths: rebuilt from ids and hashes, never read from lecture.json -------------
    @property
    def state_path(self) -> Path:
        return self.dir / "lecture.json"

    def code_path(self, section_id: str) -> Path:
        return self.dir / "sections" / f"{safe_id(section_id)}.py"

    def preview_path(self, section_id: str, quality: str = "preview") -> Path:
        folder = "previews" if quality == "preview" else "final"
        return self.dir / folder / f"{safe_id(section_id)}.mp4"

    def keyframes_dir(self, section_id: str) -> Path:
        return self.dir / "keyframes" / safe_id(section_id)

    def put_keyframes(self, section_id: str, pngs: list[Path]) -> list[Path]:
        """The section's keyframes are now these (`<k>.png` for block k); returns their paths here.
        Already there (shown while the video rendered): left as they are, so what displayed them
        does not encode them again."""
        folder = self.keyframes_dir(section_id)
        here = [folder / png.name for png in pngs]
        if sorted(folder.glob("*.png")) != sorted(here) or not all(map(_same_file, pngs, here)):
            _copy_pngs(pngs, folder)
        return here

    def media_dir(self, section_id: str) -> Path:
        """manim's own media folder per section: its partial-movie cache speeds re-renders of edits."""
        return self.dir / ".media" / safe_id(section_id)

    def _archive_dir(self, section_id: str, content_hash: str) -> Path | None:
        """Where a preview of this hash is archived; None for a hash that is not one of ours."""
        if not isinstance(content_hash, str) or not _HASH.fullmatch(content_hash[:16]):
            return None
        return self.dir / ".renders" / safe_id(section_id) / content_hash[:16]

    @property
    def log_path(self) -> Path:
        return self.dir / "log.jsonl"

    def export_paths(self) -> tuple[Path, Path]:
        return self.dir / f"{self.slug}.mp4", self.dir / f"{self.slug}.srt"

    # render archive ----------------------------------------------------
    def archive_preview(self, section_id: str, record: RenderRecord) -> None:
        """Keep this preview (and its keyframes) under its content hash, so going back to
        earlier code shows its preview at once instead of rendering it again."""
        folder = self._archive_dir(section_id, record.hash)
        if folder is None:  # not a content hash of ours: nothing to file it under
            return
        atomic_copy(self.preview_path(section_id), folder / "video.mp4")
        _copy_pngs(self.keyframes_dir(section_id), folder / "keyframes")
        dropped = self.update_section(section_id, lambda section: records.put_archived(section, record, ARCHIVE_KEEP))
        for stale in dropped:
            stale_dir = self._archive_dir(section_id, stale)
            if stale_dir is not None:
                shutil.rmtree(stale_dir, ignore_errors=True)

    def restore_preview(self, section_id: str, content_hash: str) -> RenderRecord | None:
        """Bring back an archived preview as the current one; None if it is not archived."""
        entry = self.section_state(section_id).archive.get(content_hash)
        folder = self._archive_dir(section_id, content_hash)
        if entry is None or folder is None or not (folder / "video.mp4").is_file():
            return None
        preview = atomic_copy(folder / "video.mp4", self.preview_path(section_id))
        _copy_pngs(folder / "keyframes", self.keyframes_dir(section_id))
        record = replace(entry, hash=content_hash, video=str(preview.relative_to(self.dir)))
        # Not `record_render`: the section's error (of other code, or another quality) is left as it is.
        self.update_section(section_id, lambda section: records.put_render(section, "preview", record))
        return record

    # plan --------------------------------------------------------------
    @property
    def outline(self) -> Outline | None:
        return self._plan("outline", Outline.from_dict)

    @property
    def storyboard(self) -> Storyboard | None:
        return self._plan("storyboard", Storyboard.from_dict)

    def code(self, section_id: str) -> str:
        """The section's code, for the steps after it was written (cells, the panel, a build)."""
        code = self.read_code(section_id)
        if code is None:
            raise WorkspaceError(f"section {section_id} of {self.dir} has no code yet: write it first")
        return code

    def planned(self) -> Storyboard:
        """The storyboard, for the steps after planning (code, render, export)."""
        storyboard = self.storyboard
        if storyboard is None:
            raise WorkspaceError(f"{self.dir} holds no planned lecture (no storyboard in lecture.json): plan it first")
        return storyboard

    def _plan(self, key: str, parse):
        """Parsed once per version of lecture.json: every section render asks for the storyboard."""
        data = self._current().get(key)
        return self._typed(key, data, parse) if data else None  # _parse_state checked that it parses

    def _typed(self, key: str, data, parse):
        cached = self._parsed.get(key)
        if cached is None or cached[0] is not data:
            cached = self._parsed[key] = (data, parse(data))
        return cached[1]

    def set_outline(self, outline: Outline) -> None:
        self._update(lambda state: state.__setitem__("outline", outline.to_dict()))

    def set_storyboard(self, storyboard: Storyboard) -> None:
        self._update(lambda state: state.__setitem__("storyboard", storyboard.to_dict()))

    def update_storyboard(self, change: Callable[[Storyboard], T]) -> T:
        """`change` the storyboard as it is on disk (a record of its sections' pictures, an edited
        narration), written back whole, under the same lock and merge as every write."""
        def apply(state: dict) -> T:
            if not state.get("storyboard"):
                raise WorkspaceError(f"{self.dir} holds no planned lecture (no storyboard in lecture.json): "
                                     "plan it first")
            board = Storyboard.from_dict(state["storyboard"])  # _parse_state checked that it parses
            result = change(board)
            state["storyboard"] = board.to_dict()
            return result

        return self._update(apply)

    def edit_section_plan(self, section: StoryboardSection, **changes) -> None:
        """Fields of one storyboard section (its narration or quiz, edited in the section's header)
        set in lecture.json and in `section`, so both say the same."""
        def change(board: Storyboard) -> None:
            board.sections = [replace(s, **changes) if s.id == section.id else s for s in board.sections]

        self.update_storyboard(change)
        for name, value in changes.items():
            setattr(section, name, value)

    def update_plan(self, change: Callable[[Outline, Storyboard], T]) -> T:
        """`change` the outline and the storyboard together (empty ones where there are none yet:
        a lecture made of imported files), both written back under the lock."""
        def apply(state: dict) -> T:
            outline = Outline.from_dict(state["outline"]) if state.get("outline") else \
                Outline(LectureState.from_dict(state).topic, "", [])
            board = Storyboard.from_dict(state["storyboard"]) if state.get("storyboard") else Storyboard([])
            result = change(outline, board)
            state["outline"], state["storyboard"] = outline.to_dict(), board.to_dict()
            return result

        return self._update(apply)

    # sections ----------------------------------------------------------
    def read_code(self, section_id: str) -> str | None:
        path = self.code_path(section_id)
        with disk_errors(path):
            return path.read_text(encoding="utf-8") if path.exists() else None

    def write_code(self, section_id: str, code: str, reason: str) -> None:
        """Write the section's code and remember why; unchanged code is not a new version.
        Code on disk that the history has not seen (edited by hand, as the README invites) is
        recorded first as a "hand edit", so a stale cell, a fix or generation loses nothing."""

        def change(section: dict) -> None:
            on_disk = self.read_code(section_id)
            history = SectionState.from_dict(section).history
            last = history[-1].code if history else None
            if on_disk is not None and on_disk != last:
                records.add_version(section, Version(on_disk, HAND_EDIT, time.time()))
            if on_disk != code:
                atomic_write_text(self.code_path(section_id), code)
                records.add_version(section, Version(code, reason, time.time()))

        self.update_section(section_id, change)

    def section_state(self, section_id: str) -> SectionState:
        """The section's record as last written (read-only: change it with the `record_*` methods)."""
        return SectionState.from_dict(self._current().get("sections", {}).get(str(section_id)))

    def record_render(self, section_id: str, quality: str, record: RenderRecord) -> None:
        """A render of the section's code succeeded: its record, and the section no longer fails."""
        def change(section: dict) -> None:
            records.put_render(section, quality, record)
            records.put_error(section, None)

        self.update_section(section_id, change)

    def record_error(self, section_id: str, error: ErrorRecord | None) -> None:
        """Why the section's code does not render; None: it does now."""
        self.update_section(section_id, lambda section: records.put_error(section, error))

    def record_fix(self, section_id: str, fix: FixRecord) -> None:
        self.update_section(section_id, lambda section: records.put_fix(section, fix))

    def record_panel(self, section_id: str, panel: PanelRecord) -> None:
        self.update_section(section_id, lambda section: records.put_panel(section, panel))

    def update_section(self, section_id: str, change: Callable[[dict], T]) -> T:
        """`_update` on one section's dict (made if missing). For section_state.py's writers, and for
        a module that keeps its own records in the section (suggestions.py)."""
        return self._update(lambda state: change(_section(state, section_id)))

    def add_usage(self, usage_by_stage: dict[str, dict]) -> None:
        """This run's usage, added to the lecture's (`lecture_state.add_usage`)."""
        if usage_by_stage:
            self._update(lambda state: lecture_state.add_usage(state, usage_by_stage))

    def section_tokens(self, section_id: str) -> int:
        """Tokens spent on one section (its code, fix and later stages)."""
        return self.lecture.tokens(f":{section_id}")

    # the lecture's own record ------------------------------------------
    @property
    def lecture(self) -> LectureState:
        """The lecture-level record as last written (read-only: change it with `set_lecture`)."""
        state = self._current()
        return self._typed("", state, LectureState.from_dict)

    def set_lecture(self, **changes) -> None:
        """Set lecture-level fields by their LectureState names: `ws.set_lecture(replay="demo")`."""
        self._update(lambda state: lecture_state.put(state, changes))

    # storage -----------------------------------------------------------
    def _current(self) -> dict:
        """lecture.json as it is now: another process may have written it since we last
        looked, so it is re-read when the file changed. Read-only: the typed readers above
        (`lecture`, `outline`, `storyboard`, `section_state`) are what the rest of the code reads."""
        with self._lock:
            if self._stamp != self._stamp_now():
                self._state, self._stamp = self._read()
            return self._state

    def _update(self, change: Callable[[dict], T]) -> T:
        """Apply `change` to lecture.json as it is on disk, under an inter-process lock, and
        save atomically: records another process wrote since we last read are kept."""
        with self._lock, self._locked():
            state, _ = self._read()
            result = change(state)
            atomic_write_text(self.state_path, json.dumps(state, indent=1, ensure_ascii=False))
            self._state, self._stamp = state, self._stamp_now()
            return result

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """Hold lecture.json's lock file: other processes (a CLI render, a notebook) wait."""
        lock = self._file_lock
        with disk_errors(self.dir):
            self.dir.mkdir(parents=True, exist_ok=True)
        try:
            lock.acquire(timeout=LOCK_TIMEOUT)
        except Timeout:  # a TimeoutError, so before OSError
            raise WorkspaceError(f"{lock.lock_file}: another code2video process has been writing this lecture "
                                 f"for {LOCK_TIMEOUT:.0f} s; let it finish, then run again") from None
        except OSError as exc:
            raise disk_error(exc, lock.lock_file) from exc
        try:
            yield
        finally:
            lock.release()

    def _stamp_now(self) -> _Stamp | None:
        try:
            return _Stamp.of(os.stat(self.state_path))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise disk_error(exc, self.state_path) from exc

    def _read(self) -> tuple[dict, _Stamp | None]:
        """The state and the version it was read from; a broken file is a WorkspaceError, and is
        never overwritten (every write reads first)."""
        path = self.state_path
        try:
            with open(path, "rb") as handle:
                stamp, raw = _Stamp.of(os.fstat(handle.fileno())), handle.read()
        except FileNotFoundError:
            return {"version": STATE_VERSION}, None
        except OSError as exc:
            raise disk_error(exc, path) from exc
        return _parse_state(path, raw), stamp


def _section(state: dict, section_id: str) -> dict:
    return state.setdefault("sections", {}).setdefault(str(section_id), {})


# reading lecture.json -----------------------------------------------------
_FIX_ADVICE = "fix it by hand (or move it away to start afresh), then run again; nothing was overwritten"


def _parse_state(path: Path, raw: bytes) -> dict:
    """lecture.json's state, or a one-line WorkspaceError naming the file and the position."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise WorkspaceError(f"{path}: byte {exc.start + 1}: not UTF-8 text; {_FIX_ADVICE}") from None
    if not text.strip():
        raise WorkspaceError(f"{path}: line 1, column 1: the file is empty; {_FIX_ADVICE}")
    try:
        state = json.loads(text)
    except json.JSONDecodeError as exc:
        raise WorkspaceError(f"{path}: line {exc.lineno}, column {exc.colno}: invalid JSON ({exc.msg}); "
                             f"{_FIX_ADVICE}") from None
    problem = _shape_problem(state, text)
    if problem:
        raise WorkspaceError(f"{path}: {problem}; {_FIX_ADVICE}")
    return state


def _shape_problem(state, text: str) -> str:
    """Where lecture.json does not have the shape we read, as "line L, column C: what"; '' if it does."""
    if not isinstance(state, dict):
        return f"{_position(text, '')}: expected a JSON object {{...}}, found {_json_type(state)}"
    for key, kind in _TOP_SHAPE.items():
        if key in state and not isinstance(state[key], kind):
            return f"{_position(text, key)}: {key!r} should be {_json_type(kind())}, found {_json_type(state[key])}"
    for section_id, section in state.get("sections", {}).items():
        if not isinstance(section, dict):
            return f"{_position(text, section_id)}: section {section_id!r} should be an object, " \
                   f"found {_json_type(section)}"
        for key, kind in records.SHAPE.items():
            if key in section and not isinstance(section[key], kind):
                return f"{_position(text, key)}: section {section_id!r}: {key!r} should be " \
                       f"{_json_type(kind())}, found {_json_type(section[key])}"
    for key, parse in (("outline", Outline.from_dict), ("storyboard", Storyboard.from_dict)):
        try:
            if state.get(key):
                parse(state[key])
        except PlanError as exc:
            return f"{_position(text, key)}: {exc}"
    return ""


def _position(text: str, key: str) -> str:
    """'line L, column C' of the key's first occurrence (of the first value for key '')."""
    index = text.find(json.dumps(key)) if key else len(text) - len(text.lstrip())
    index = max(index, 0)
    line = text.count("\n", 0, index) + 1
    return f"line {line}, column {index - (text.rfind(chr(10), 0, index) + 1) + 1}"


def _json_type(value) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true/false", type(None): "null"}
    return names.get(type(value), "a number")
