"""The layout critique of one section file: the static safety check, the instrumented run in the
render process (`renderer.render_file(critique=True)`: the same fork, sandbox, time limit and error
frames as a render), then the rules (`layout.analyse`) in this process over what it recorded.

The record comes from a process that ran untrusted code, so it is checked here before any
rule or patch sees it: numbers must be numbers, roles and kinds known ones, and a name must be
a plain variable (`label`, `self.title`, `dots[2]`), since patches write names into code.
"""

from __future__ import annotations

import math
import os
import re
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path

from ..config import Settings
from ..findings import ROLES, Box, Finding, Placed, Shot, Stage
from ..render.renderer import RenderOutcome, lecture_folder, render_file, sandbox_for, stop_all_renders, unsafe_outcome
from .patch_check import checked

_NAME = re.compile(r"^(self\.)?[A-Za-z_][A-Za-z0-9_]*(\[\d{1,4}\])*$")
MAX_INK = 4096  # points of one object's strokes (the render process keeps about a hundred)
_KINDS = {"text", "formula", "shape", "image", "group"}


# The last few recorded runs, by code (and where it runs): a patched version the patch check ran
# is the very code `generate`'s round critiques next (all patches applied), so that costs no run.
# Shots are never changed after they are checked, so they are shared, not copied.
KEEP_RECORDS = 16
_RECORDS: dict[tuple, tuple[list[Shot], Stage]] = {}
_RECORDS_LOCK = threading.Lock()


@dataclass
class Critique:
    findings: list[Finding] = field(default_factory=list)
    shots: list[Shot] = field(default_factory=list)
    stage: Stage | None = None
    seconds: float = 0.0  # the whole analysis: safety check, instrumented run, rules
    error: RenderOutcome | None = None  # the file did not run: the error and its line

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict:
        """The shape `code2video critique FILE --json` prints."""
        return {"findings": [f.to_dict() for f in self.findings], "seconds": round(self.seconds, 3)}


def critique_file(path: Path, *, settings: Settings | None = None, media_dir: Path | None = None,
                  check_patches: bool = True, lecture: Path | None = None) -> Critique:
    """Critique a section file. Never raises for the scene's own errors: they are `error`.
    `media_dir` is manim's folder for this section (its TeX and text caches); by default one per
    file under the user's cache folder, so formulas are not typeset again on every run. Every
    patch is checked before it is offered (`patch_check.py`: a failing one becomes a note);
    `check_patches` False skips that (the critique of a patched candidate inside the check).
    `lecture`: where `assets/<file>` paths point, for a copy kept outside its lecture."""
    settings = settings or Settings.from_env()
    started, path = time.monotonic(), Path(path).resolve()
    code = path.read_text(encoding="utf-8")
    refused = unsafe_outcome(code, settings)
    if refused is not None:
        return Critique(seconds=time.monotonic() - started, error=refused)
    media_dir = media_dir or default_media_dir(path)
    key = _record_key(code, path, media_dir, settings)
    with _RECORDS_LOCK:
        record = _RECORDS.get(key)
    if record is None:
        outcome = render_file(path, media_dir=media_dir, timeout=settings.render_timeout,
                              sandbox=sandbox_for(settings), critique=True, lecture=lecture)
        kept = _kept_record(outcome, key)
        if isinstance(kept, RenderOutcome):
            return Critique(seconds=time.monotonic() - started, error=kept)
        record = kept
    return _analysed(record, path, code, settings, media_dir, started, check_patches)


def keep_render_record(outcome: RenderOutcome, path: Path, *, settings: Settings | None = None,
                       media_dir: Path | None = None) -> bool:
    """Keep the layout a render recorded on its way (`render_file(record_layout=True)`) as if a
    critique run of this code had recorded it: a later `critique_file` of the same code (`render
    FILE.py`'s findings, a notebook's cards) runs the rules without a run of its own. False if the
    record is missing or unreadable (the critique then runs as usual)."""
    settings = settings or Settings.from_env()
    path = Path(path).resolve()
    code = path.read_text(encoding="utf-8")
    key = _record_key(code, path, media_dir or default_media_dir(path), settings)
    return outcome.stage is not None and not isinstance(_kept_record(outcome, key), RenderOutcome)


def kept_stage(code: str) -> Stage | None:
    """The stage (frame, title, lecture, grid) of the last kept run of exactly this code, if any:
    a card drawing the scene's own grid asks, without running anything."""
    wanted = sha256(code.encode()).hexdigest()
    with _RECORDS_LOCK:
        return next((stage for key, (_shots, stage) in reversed(_RECORDS.items()) if key[0] == wanted), None)


def forget_records() -> None:
    """Drop the kept runs (a benchmark times runs, not the memory of them)."""
    with _RECORDS_LOCK:
        _RECORDS.clear()


def _record_key(code: str, path: Path, media_dir: Path, settings: Settings) -> tuple:
    return (sha256(code.encode()).hexdigest(), str(path.parent), str(media_dir), repr(sandbox_for(settings)),
            settings.render_timeout)


def _kept_record(outcome: RenderOutcome, key: tuple) -> tuple[list[Shot], Stage] | RenderOutcome:
    """The run's record, checked and kept by `key`; or what went wrong, as a failed outcome."""
    if not outcome.ok:
        return outcome
    try:
        record = checked_shots(outcome.shots), checked_stage(outcome.stage)
    except (KeyError, TypeError, ValueError, IndexError) as exc:
        return RenderOutcome(False, outcome.seconds, error_type="CriticError", log=outcome.log,
                             message=f"the render process reported a record the critic cannot read ({exc})")
    with _RECORDS_LOCK:
        _RECORDS[key] = record
        while len(_RECORDS) > KEEP_RECORDS:
            _RECORDS.pop(next(iter(_RECORDS)))
    return record


def _analysed(record, path: Path, code: str, settings: Settings, media_dir: Path, started: float,
              check_patches: bool) -> Critique:
    shots, stage = record
    from .layout import analyse  # the rules: pure geometry, imported when first needed

    findings = analyse(shots, stage, code)
    if check_patches:
        findings = checked(findings, code, shots, lambda codes: critique_versions(
            path, codes, settings=settings, media_dir=media_dir))
    return Critique(findings, shots, stage, time.monotonic() - started)


def critique_versions(path: Path, codes: list[str], *, settings: Settings, media_dir: Path) -> list[Critique]:
    """Critiques of other versions of a section file (its patched candidates), one after the
    other: each written to a folder of its own, never beside the user's file, with `assets/<file>`
    read from the file's lecture, and run with its media folder (its formulas and texts are
    typeset already), without checking its own patches. Not side by side: manim rewrites a text's
    SVG beside it while reading it, so two runs in one media folder can take each other's file away."""
    found, lecture = [], lecture_folder(Path(path).resolve())
    with tempfile.TemporaryDirectory(prefix="c2v-patch-") as spare:
        for n, code in enumerate(codes):
            version = Path(spare) / f"{Path(path).stem}.check{n}.py"
            version.write_text(code, encoding="utf-8")
            found.append(critique_file(version, settings=settings, media_dir=media_dir, check_patches=False,
                                       lecture=lecture))
    return found


def default_media_dir(path: Path) -> Path:
    """A lecture's section file uses the lecture's media folder (`.media/<id>`, shared with its
    renders); any other file one of its own in the user's cache."""
    lecture = path.parent.parent
    if path.parent.name == "sections" and (lecture / "lecture.json").exists():
        return lecture / ".media" / path.stem
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "code2video" / "critic" / sha256(str(path).encode()).hexdigest()[:16]


# --- the record, checked ------------------------------------------------------------------------
def checked_shots(raw) -> list[Shot]:
    if not isinstance(raw, list):
        raise ValueError("shots is not a list")
    return [Shot(_number(s["time"]), _line(s.get("line")), _line(s.get("block")),
                 [_placed(o) for o in s.get("objects", [])], [int(u) for u in s.get("added", [])],
                 [int(u) for u in s.get("animated", [])]) for s in raw]


def checked_stage(raw) -> Stage:
    if not isinstance(raw, dict):
        raise ValueError("stage is not an object")
    grid = {str(cell): (_number(p[0]), _number(p[1])) for cell, p in (raw.get("grid") or {}).items()
            if re.fullmatch(r"[A-Z]\d{1,2}", str(cell))}
    cell = raw.get("cell_size")
    return Stage(_given_box(raw["frame"]), _box(raw.get("title")), _box(raw.get("lecture")), grid,
                 (_number(cell[0]), _number(cell[1])) if cell else None)


def _placed(o: dict) -> Placed:
    name = o.get("name")
    role, kind = o.get("role", "content"), o.get("kind")
    if role not in ROLES or kind not in _KINDS:
        raise ValueError(f"unknown role or kind {role!r}/{kind!r}")
    height = o.get("text_height")
    return Placed(int(o["uid"]), kind, str(o.get("cls", ""))[:60],
                  name if isinstance(name, str) and _NAME.match(name) else None,
                  _line(o.get("line")), _line(o.get("placed_line")), _given_box(o["box"]), role,
                  None if height is None else _number(height), _number(o.get("opacity", 1.0)),
                  None if o.get("parent") is None else int(o["parent"]), _number(o.get("z", 0.0)),
                  _ink(o.get("ink") or []), _script(o.get("script")))


def _script(raw) -> str:
    """An ISO 15924 code as the child wrote it ("Hani"), else Latin."""
    return raw if isinstance(raw, str) and re.fullmatch(r"[A-Z][a-z]{3}", raw) else "Latn"


def _ink(raw) -> list[list[list[float]]]:
    """Polylines of [x, y]: at most MAX_INK points in all, each a finite number."""
    strokes = [[[_number(p[0]), _number(p[1])] for p in stroke] for stroke in raw]
    if sum(len(s) for s in strokes) > MAX_INK:
        raise ValueError("an object's strokes have too many points")
    return strokes


def _given_box(raw) -> Box:
    """A box the record must have (the frame's, an object's)."""
    box = _box(raw)
    if box is None:
        raise ValueError("a box is missing")
    return box


def _box(raw) -> Box | None:
    if raw is None:
        return None
    values = [raw[k] for k in ("left", "bottom", "right", "top")] if isinstance(raw, dict) else list(raw)
    return Box(*(_number(v) for v in values[:4]))


def _number(value) -> float:
    number = float(value)
    if isinstance(value, bool) or not math.isfinite(number):
        raise ValueError(f"not a finite number: {value!r}")
    return number


def _line(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"not a line number: {value!r}")
    return value


def critique_sections(paths: dict[str, Path], *, settings: Settings | None = None) -> dict[str, Critique]:
    """Several section files (id -> file), `settings.workers` at a time, each in its own render process."""
    settings = settings or Settings.from_env()
    with ThreadPoolExecutor(max_workers=max(1, min(settings.workers, len(paths)))) as pool:
        futures = {sid: pool.submit(critique_file, path, settings=settings) for sid, path in paths.items()}
        try:
            return {sid: future.result() for sid, future in futures.items()}
        except BaseException:  # Ctrl-C: leave no render running behind
            for future in futures.values():
                future.cancel()
            stop_all_renders()
            raise
