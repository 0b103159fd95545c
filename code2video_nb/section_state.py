"""A section's record in lecture.json, typed: the one place that knows its keys.

    sections.<id>.history           [{time, reason, code}]        every version of the code (`Version`)
    sections.<id>.render_<quality>  {hash, video, duration, …}    the last render at that quality (`RenderRecord`)
    sections.<id>.archive_preview   {hash: {hash, video, …}}      earlier previews, oldest first
    sections.<id>.error             {message, line, log, hash, …} why the code in the file does not render
    sections.<id>.fix               {ok, attempts: [{level, scope, …}], model_error?, before?, after?}
                                                                    auto-fix's last repair (`FixRecord`, `FixAttempt`)
    sections.<id>.panel             {sha, time, versions, by, taken?}   code a panel Render wrote (sync.py)
    sections.<id>.<anything else>   kept as it is (`other`): suggestions.py's own records

Reading tolerates what older versions (or a hand edit) left: a missing field takes its default,
a record of the wrong shape reads as absent, and nothing is ever rewritten by reading. Writes
are per record (`put_*`), made by `Workspace` inside its locked, re-read, merged `update`, so a
record written by another process meanwhile is kept.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal, get_args

_RENDER = "render_"  # + quality: "render_preview", "render_final"
ARCHIVE, ERROR, FIX, PANEL, HISTORY = "archive_preview", "error", "fix", "panel", "history"
SHAPE: dict[str, type] = {HISTORY: list, ARCHIVE: dict}  # what lecture.json is checked for on opening: key -> JSON type
# How far a fix reached: the static pass (no model: static_fix.py), then auto-fix's levels in order (autofix.py).
FixLevel = Literal["static", "scope", "section", "regenerate"]
STATIC: FixLevel = "static"
MODEL_LEVELS: tuple[FixLevel, ...] = ("scope", "section", "regenerate")
_LEVELS: dict[str, FixLevel] = {level: level for level in get_args(FixLevel)}


def _number(value, default: float = 0.0) -> float:
    return float(value) if _is_number(value) else default


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _text(value, default: str = "") -> str:
    return value if isinstance(value, str) else default


def _line(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Version:
    """One version of the section's code, and why it was written ("generated", "auto-fix", "hand edit"…)."""

    code: str
    reason: str = ""
    time: float = 0.0

    @classmethod
    def from_dict(cls, data) -> Version | None:
        if not isinstance(data, dict):
            return None
        return cls(_text(data.get("code")), _text(data.get("reason")), _number(data.get("time")))

    def to_dict(self) -> dict:
        return {"time": self.time, "reason": self.reason, "code": self.code}


@dataclass(frozen=True)
class RenderRecord:
    """A finished render of the code with content hash `hash` (section_build.content_hash).
    `video` is informative only: the path is always rebuilt from the section id."""

    hash: str
    video: str = ""
    duration: float = 0.0
    block_starts: list[float] = field(default_factory=list)  # seconds at which each lecture-line block starts
    seconds: float = 0.0  # how long the build took
    fix_attempts: int = 0
    narration: str = ""  # the key of the narration it was paced to and carries (narration.py); "" silent

    @classmethod
    def from_dict(cls, data) -> RenderRecord | None:
        """None for a record without a hash (nothing can be matched against it)."""
        if not isinstance(data, dict) or not isinstance(data.get("hash"), str):
            return None
        starts = data.get("block_starts")
        starts = [float(s) for s in starts if _is_number(s)] if isinstance(starts, list) else []
        return cls(data["hash"], _text(data.get("video")), _number(data.get("duration")), starts,
                   _number(data.get("seconds")), int(_number(data.get("fix_attempts"))), _text(data.get("narration")))

    def to_dict(self) -> dict:
        data = {"hash": self.hash, "video": self.video, "duration": self.duration,
                "block_starts": list(self.block_starts), "seconds": self.seconds, "fix_attempts": self.fix_attempts}
        if self.narration:
            data["narration"] = self.narration
        return data


@dataclass(frozen=True)
class ErrorRecord:
    """Why the section's code does not render, and what auto-fix could do about it."""

    message: str
    line: int | None = None  # the section file's line, 1-based
    log: str = ""
    hash: str | None = None  # the code it is the error of; None in records older than that
    timed_out: bool = False
    fix_blocked: str = ""  # why auto-fix could not run or finish
    needs_model: bool = False  # no model was there to ask

    @classmethod
    def from_dict(cls, data) -> ErrorRecord | None:
        if not isinstance(data, dict) or not data:
            return None
        content_hash = data.get("hash")
        return cls(_text(data.get("message")), _line(data.get("line")), _text(data.get("log")),
                   content_hash if isinstance(content_hash, str) else None, data.get("timed_out") is True,
                   _text(data.get("fix_blocked")), data.get("needs_model") is True)

    def to_dict(self) -> dict:
        return {"message": self.message, "line": self.line, "log": self.log, "hash": self.hash,
                "timed_out": self.timed_out, "fix_blocked": self.fix_blocked, "needs_model": self.needs_model}


@dataclass(frozen=True)
class FixAttempt:
    """One try at a repair: which level and scope it took, what it set out to fix, what became of it."""

    level: FixLevel
    scope: str = ""  # e.g. "Lecture Line 1 block", "line 13"
    start: int | None = None  # the scope's lines in the section file, 1-based
    end: int | None = None
    error: str = ""  # what this attempt set out to fix
    line: int | None = None  # where that error was
    result: str = ""  # "ok", or the error the candidate still had
    tokens: int = 0
    seconds: float = 0.0

    @property
    def asked_model(self) -> bool:
        return self.level != STATIC

    @classmethod
    def from_dict(cls, data) -> FixAttempt | None:
        """None for an attempt of no level we know (nothing could be said about it)."""
        level = _LEVELS.get(_text(data.get("level"))) if isinstance(data, dict) else None
        if level is None:
            return None
        return cls(level, _text(data.get("scope")), _line(data.get("start")), _line(data.get("end")),
                   _text(data.get("error")), _line(data.get("line")), _text(data.get("result")),
                   int(_number(data.get("tokens"))), _number(data.get("seconds")))

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FixRecord:
    """Auto-fix's last repair of the section (with the static pass's, which come first);
    `before`/`after` the code around a successful fix (None in records older than that: the
    history tells them)."""

    ok: bool
    attempts: list[FixAttempt] = field(default_factory=list)
    model_error: str = ""  # why the model could not be asked
    before: str | None = None
    after: str | None = None

    @property
    def model_attempts(self) -> int:
        """The attempts that asked the model (the static pass's repairs are free)."""
        return sum(a.asked_model for a in self.attempts)

    @classmethod
    def from_dict(cls, data) -> FixRecord | None:
        if not isinstance(data, dict):
            return None
        attempts = given if isinstance(given := data.get("attempts"), list) else []
        before, after = data.get("before"), data.get("after")
        return cls(data.get("ok") is True, [a for a in map(FixAttempt.from_dict, attempts) if a is not None],
                   _text(data.get("model_error")),
                   before if isinstance(before, str) else None, after if isinstance(after, str) else None)

    def to_dict(self) -> dict:
        data: dict = {"ok": self.ok, "attempts": [a.to_dict() for a in self.attempts]}
        if self.model_error:
            data["model_error"] = self.model_error
        if self.after is not None:
            data.update(before=self.before, after=self.after)
        return data


@dataclass(frozen=True)
class PanelRecord:
    """Code a panel Render (or an accepted suggestion: `by`) wrote, for the section cell to take once."""

    sha: str  # sha256 of the code
    time: float = 0.0
    versions: int = 0  # the history's length after it was written
    by: str = "panel"
    taken: float | None = None  # when a section cell took it

    @classmethod
    def from_dict(cls, data) -> PanelRecord | None:
        if not isinstance(data, dict) or not isinstance(data.get("sha"), str):
            return None
        taken = data.get("taken")
        return cls(data["sha"], _number(data.get("time")), int(_number(data.get("versions"), -1)),
                   _text(data.get("by")) or "panel", _number(taken) if taken else None)

    def to_dict(self) -> dict:
        data = {"sha": self.sha, "time": self.time, "versions": self.versions, "by": self.by}
        if self.taken:
            data["taken"] = self.taken
        return data


@dataclass(frozen=True)
class SectionState:
    """One section's record as last written (read-only: change it through the Workspace)."""

    history: list[Version] = field(default_factory=list)
    renders: Mapping[str, RenderRecord] = field(default_factory=dict)  # by quality
    archive: Mapping[str, RenderRecord] = field(default_factory=dict)  # earlier previews by hash, oldest first
    error: ErrorRecord | None = None
    fix: FixRecord | None = None
    panel: PanelRecord | None = None
    other: Mapping = field(default_factory=dict)  # records other modules own (suggestions.py), as stored

    def render(self, quality: str) -> RenderRecord | None:
        return self.renders.get(quality)

    @classmethod
    def from_dict(cls, data) -> SectionState:
        if not isinstance(data, dict):
            return cls()
        history = given if isinstance(given := data.get(HISTORY), list) else []
        archive = filed if isinstance(filed := data.get(ARCHIVE), dict) else {}
        renders = {key[len(_RENDER):]: RenderRecord.from_dict(value)
                   for key, value in data.items() if key.startswith(_RENDER)}
        kept = {h: RenderRecord.from_dict({"hash": h, **entry})  # an entry is filed under its hash
                for h, entry in archive.items() if isinstance(entry, dict)}
        typed = (HISTORY, ARCHIVE, ERROR, FIX, PANEL)
        return cls([v for v in map(Version.from_dict, history) if v is not None],
                   {q: r for q, r in renders.items() if r is not None},
                   {h: r for h, r in kept.items() if r is not None},
                   ErrorRecord.from_dict(data.get(ERROR)), FixRecord.from_dict(data.get(FIX)),
                   PanelRecord.from_dict(data.get(PANEL)),
                   {k: v for k, v in data.items() if k not in typed and not k.startswith(_RENDER)})


# writing: each changes one record of a section's dict, inside Workspace.update ----------------------
def put_render(section: dict, quality: str, record: RenderRecord) -> None:
    section[_RENDER + quality] = record.to_dict()


def put_error(section: dict, error: ErrorRecord | None) -> None:
    section[ERROR] = error.to_dict() if error is not None else None


def put_fix(section: dict, fix: FixRecord) -> None:
    section[FIX] = fix.to_dict()


def put_panel(section: dict, panel: PanelRecord) -> None:
    section[PANEL] = panel.to_dict()


def add_version(section: dict, version: Version) -> None:
    history = section.get(HISTORY)
    if not isinstance(history, list):
        history = section[HISTORY] = []
    history.append(version.to_dict())


def put_archived(section: dict, record: RenderRecord, keep: int) -> list[str]:
    """File `record` as the newest archived preview, keeping the newest `keep`; the hashes dropped."""
    archive = section.get(ARCHIVE)
    if not isinstance(archive, dict):
        archive = section[ARCHIVE] = {}
    archive.pop(record.hash, None)  # re-insert: the dict's order is the age
    archive[record.hash] = record.to_dict()
    stale = list(archive)[:-keep]
    for content_hash in stale:
        del archive[content_hash]
    return stale
