"""A section's critic suggestions: what the user still has to decide on, and what became of the rest.

Kept in lecture.json through the workspace (every change a locked, merged `update_section`; read
from the section's `other` records, the part of its state that is this module's):

    sections.<id>.suggestions  [{id, hash, status, finding, time, topic, reason?, applied?, undone?}]  (`Suggestion`)
    sections.<id>.critiques    {hash: {findings, seconds, version, time}}   the last few critic runs (`Critique`)

`hash` is the code a suggestion was made for; `topic` what it is about: its kind, its objects and the
lines of the code that name them (so an unrelated edit keeps a dismissal). Its status is one of

    pending     shown as a card: the critic found it in the code the section holds now
    accepted    its patch was applied (`applied`: when, and the code before and after)
    overridden  applied with the user's own text in place of the proposed one
    dismissed   not shown again for the same kind of finding on the same objects (its `topic`), even
                after the code changes elsewhere, until a line that names those objects changes
    stale       refused: the code no longer held what the patch would change (`reason`)

An applied suggestion is a version in the section's history (reason "critic: accepted <kind>"),
so `undo` can go back to the code before it. The critic's findings are cached by code hash
(`critiques`): a section rendered again with the same code, or going back to earlier code,
shows its suggestions without running the critic again.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from .errors import StalePatch, SuggestionError
from .findings import Finding, Patch
from .workspace import Workspace

Status = Literal["pending", "accepted", "overridden", "dismissed", "stale"]
PENDING: Status = "pending"
ACCEPTED: Status = "accepted"
OVERRIDDEN: Status = "overridden"
DISMISSED: Status = "dismissed"
STALE: Status = "stale"
APPLIED: tuple[Status, ...] = (ACCEPTED, OVERRIDDEN)
_STATUSES: dict[str, Status] = {s: s for s in (PENDING, ACCEPTED, OVERRIDDEN, DISMISSED, STALE)}
KEEP_DECIDED = 100  # decided suggestions kept per section (dismissals among them)
KEEP_CRITIQUES = 8  # critic runs cached per section, like the archived previews
REASON = "critic: "  # history reasons of code a suggestion wrote: "critic: accepted overlap", "critic: undid …"

Critic = Callable[[Path], list[Finding]]  # the section file -> its findings


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def critic_version() -> str:
    """Which critic made a cached critique: its sources and the teaching scene's, so new rules
    (or a new layout) look at the same code again instead of showing old findings."""
    package = Path(__file__).parent
    sources = sorted((package / "critic").glob("*.py")) + [package / "teaching_scene.py"]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass(frozen=True)
class Applied:
    """What applying a suggestion wrote: when, and the hashes of the code before and after it."""
    time: float
    before: str
    after: str
    text: str | None = None  # the user's own text in place of the proposed change (overridden)

    @classmethod
    def from_dict(cls, data) -> Applied | None:
        if not isinstance(data, dict):
            return None
        text = data.get("text")
        return cls(_number(data.get("time")), str(data.get("before") or ""), str(data.get("after") or ""),
                   text if isinstance(text, str) else None)

    def to_dict(self) -> dict:
        data = {"time": self.time, "before": self.before, "after": self.after}
        return {**data, "text": self.text} if self.text is not None else data


@dataclass(frozen=True)
class Suggestion:
    id: str
    finding: Finding
    hash: str  # of the code it was made for
    status: Status = PENDING
    time: float = 0.0
    reason: str = ""  # why it is stale
    applied: Applied | None = None
    topic: str = ""  # what it is about (`topic_key`): a dismissal holds for the same topic
    undone: float | None = None  # when it was applied and then undone (pending again)

    @property
    def patch(self) -> Patch | None:
        return self.finding.patch

    def to_dict(self) -> dict:
        data: dict = {"id": self.id, "hash": self.hash, "status": self.status, "time": self.time,
                      "finding": self.finding.to_dict(full=True), "topic": self.topic}
        if self.reason:
            data["reason"] = self.reason
        if self.applied:
            data["applied"] = self.applied.to_dict()
        if self.undone is not None:
            data["undone"] = self.undone
        return data

    @classmethod
    def from_dict(cls, data) -> Suggestion | None:
        """None for an entry without an id, a finding or a status we know (nothing to show or decide)."""
        if not isinstance(data, dict) or "id" not in data or not isinstance(data.get("finding"), dict):
            return None
        status = _STATUSES.get(str(data.get("status", PENDING)))
        if status is None:
            return None
        undone = data.get("undone")
        return cls(str(data["id"]), Finding.from_dict(data["finding"]), str(data.get("hash", "")), status,
                   _number(data.get("time")), str(data.get("reason") or ""), Applied.from_dict(data.get("applied")),
                   str(data.get("topic") or ""), _number(undone) if undone is not None else None)


@dataclass(frozen=True)
class Critique:
    """One critic run on one version of the code: what it found, how long it took, which critic."""
    findings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0
    version: str = ""  # `critic_version()`: findings of another critic are not shown
    time: float = 0.0

    @classmethod
    def from_dict(cls, data) -> Critique | None:
        if not isinstance(data, dict):
            return None
        findings = data.get("findings")
        return cls([Finding.from_dict(f) for f in findings if isinstance(f, dict)] if isinstance(findings, list)
                   else [], _number(data.get("seconds")), str(data.get("version", "")), _number(data.get("time")))

    def to_dict(self) -> dict:
        return {"findings": [f.to_dict(full=True) for f in self.findings], "seconds": round(self.seconds, 3),
                "version": self.version, "time": self.time}


def _number(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def suggestion_id(content_hash: str, finding: Finding) -> str:
    """The same finding in the same code is the same suggestion (so a dismissal sticks)."""
    key = [finding.kind, list(finding.objects), finding.line, finding.message]
    return hashlib.sha256(f"{content_hash}\0{json.dumps(key)}".encode()).hexdigest()[:10]


def topic_key(code: str, finding: Finding) -> str:
    """What a finding is about, so a dismissal outlives edits elsewhere in the section: its kind, its
    objects, and every line of `code` that names one of them (whitespace aside). Changing how an
    object is made, placed or animated changes the topic (the finding is news again); editing
    another object, a comment or a lecture line does not. A finding without objects is about its
    message and its own line."""
    lines = code.splitlines()
    names = [o for o in finding.objects if re.fullmatch(r"[A-Za-z_]\w*", o)]
    if names:
        word = re.compile(r"\b(?:" + "|".join(map(re.escape, names)) + r")\b")
        code_parts = [_without_comment(t) for t in lines]
        about = [" ".join(t.split()) for t in code_parts if word.search(t)]
    else:
        own = lines[finding.line - 1] if finding.line and 0 < finding.line <= len(lines) else ""
        about = [finding.message, " ".join(own.split())]
    key = [finding.kind, sorted(finding.objects), about]
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()[:16]


def _without_comment(line: str) -> str:
    """The line up to a `#` that starts a comment (one inside a string, a colour "#FF0000", stays)."""
    quote = ""
    for i, ch in enumerate(line):
        if quote:
            if ch == quote and line[i - 1] != "\\":
                quote = ""
        elif ch in "'\"":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


# reading ---------------------------------------------------------------------------------
def _entries(section: Mapping) -> list[Suggestion]:
    """The suggestions of a section's dict (or of its state's `other` records)."""
    entries = section.get("suggestions")
    return [s for s in map(Suggestion.from_dict, entries) if s is not None] if isinstance(entries, list) else []


def _critique(section: Mapping, code: str) -> Critique | None:
    """The critic's cached run on exactly this code, if there is one."""
    critiques = section.get("critiques")
    return Critique.from_dict(critiques.get(code_hash(code))) if isinstance(critiques, dict) else None


def all_suggestions(ws: Workspace, section_id: str) -> list[Suggestion]:
    return _entries(ws.section_state(section_id).other)


def pending(ws: Workspace, section_id: str, code: str | None = None) -> list[Suggestion]:
    """The suggestions to show for `code` (default: the code in the section's file now)."""
    code = ws.read_code(section_id) if code is None else code
    if code is None:
        return []
    wanted = code_hash(code)
    return [s for s in all_suggestions(ws, section_id) if s.status == PENDING and s.hash == wanted]


def get(ws: Workspace, section_id: str, suggestion_id_: str) -> Suggestion:
    for s in all_suggestions(ws, section_id):
        if s.id == suggestion_id_:
            return s
    raise SuggestionError(f"section {section_id} has no suggestion {suggestion_id_!r}; run its cell to check "
                          "the code again")


def cached_findings(ws: Workspace, section_id: str, code: str, version: str = "") -> list[Finding] | None:
    """What the critic found in exactly this code when it last looked; None if it has not."""
    critique = _critique(ws.section_state(section_id).other, code)
    return critique.findings if critique is not None and critique.version == version else None


# recording the critic's findings ----------------------------------------------------------------
def record_findings(ws: Workspace, section_id: str, code: str, findings: list[Finding], *,
                    seconds: float | None = None, version: str = "") -> list[Suggestion]:
    """The critic's findings for `code` become its pending suggestions, replacing the pending
    ones of any code (older code's are dropped; the same finding keeps its id). A finding
    dismissed for this code stays dismissed. Returns the pending suggestions for `code`."""
    wanted, now = code_hash(code), time.time()

    def change(section: dict) -> list[Suggestion]:
        entries = _entries(section)
        ids = {suggestion_id(wanted, f): f for f in findings}
        topics = {i: topic_key(code, f) for i, f in ids.items()}
        gone = _dismissed_topics(entries)
        dismissed = {i for i, t in topics.items() if t in gone} | {
            e.id for e in entries if e.status == DISMISSED and e.hash == wanted}
        kept = {e.id: e for e in entries if e.status == PENDING and e.hash == wanted}
        fresh = [kept.get(i) or Suggestion(i, f, wanted, PENDING, now, topic=topics[i])
                 for i, f in ids.items() if i not in dismissed]
        # Decided ones stay as the record (an undone accept comes back as pending instead).
        decided = [e for e in entries if (e.status != PENDING and e.id not in ids) or e.id in dismissed]
        section["suggestions"] = [s.to_dict() for s in decided[-KEEP_DECIDED:] + fresh]
        earlier = _critique(section, code)
        critiques = kept_ones if isinstance(kept_ones := section.get("critiques"), dict) else {}
        critiques.pop(wanted, None)  # re-insert: the dict's order is the age
        # seconds None: recorded again from the cache, so how long the critic took stays
        took = seconds if seconds is not None else earlier.seconds if earlier is not None else 0.0
        critiques[wanted] = Critique(list(findings), took, version, now).to_dict()
        section["critiques"] = dict(list(critiques.items())[-KEEP_CRITIQUES:])
        return fresh

    return ws.update_section(section_id, change)


def review(ws: Workspace, section_id: str, code: str, critic: Critic, *, version: str = "") -> list[Suggestion]:
    """The pending suggestions for `code`, which the section's file holds: from the critic's cached
    findings for this code when there are any (instant), else from running `critic` on the file."""
    findings = cached_findings(ws, section_id, code, version)
    if findings is None:
        started = time.monotonic()
        findings = list(critic(ws.code_path(section_id)))
        return record_findings(ws, section_id, code, findings, seconds=time.monotonic() - started, version=version)
    shown = pending(ws, section_id, code)
    entries = _entries(ws.section_state(section_id).other)
    decided = {e.id for e in entries if e.status == DISMISSED}
    gone = _dismissed_topics(entries)
    wanted = {suggestion_id(code_hash(code), f) for f in findings if topic_key(code, f) not in gone} - decided
    if {s.id for s in shown} == wanted:  # as recorded: nothing to write
        return shown
    return record_findings(ws, section_id, code, findings, version=version)  # back to earlier code


def dismissed_count(ws: Workspace, section_id: str, code: str) -> int:
    """How many of the critic's findings in `code` are not shown because they were dismissed."""
    other = ws.section_state(section_id).other
    critique = _critique(other, code)
    if critique is None:
        return 0
    entries = _entries(other)
    gone, ids = _dismissed_topics(entries), {e.id for e in entries if e.status == DISMISSED}
    wanted = code_hash(code)
    return sum(1 for f in critique.findings if topic_key(code, f) in gone or suggestion_id(wanted, f) in ids)


def _dismissed_topics(entries: list[Suggestion]) -> set[str]:
    return {e.topic for e in entries if e.status == DISMISSED and e.topic}


# deciding ---------------------------------------------------------------------------------
def _set(ws: Workspace, section_id: str, suggestion_id_: str, **changes) -> None:
    """Change one suggestion's fields (`Suggestion`'s names), the section's others as they are."""
    def change(section: dict) -> None:
        entries = given if isinstance(given := section.get("suggestions"), list) else []
        for k, entry in enumerate(entries):
            if isinstance(entry, dict) and entry.get("id") == suggestion_id_:
                suggestion = Suggestion.from_dict(entry)
                if suggestion is not None:
                    entries[k] = replace(suggestion, **changes).to_dict()
    ws.update_section(section_id, change)


def patch_code(code: str, patch: Patch, new_text: str | None = None) -> str:
    """`code` with lines patch.start..patch.end replaced by `new_text` (default: the patch's own);
    StalePatch (one line) when those lines no longer hold `patch.old`."""
    lines = code.splitlines(keepends=True)
    start, end = patch.start, patch.end
    if not (1 <= start <= len(lines) + 1 and start - 1 <= end <= len(lines)):
        raise StalePatch(f"the code is now {len(lines)} lines long, so lines {start}–{end} it would change are gone; "
                         "run the cell to check the code again")
    held = "".join(lines[start - 1:end])
    if held.rstrip("\n") != patch.old.rstrip("\n"):
        found = held.strip().splitlines()[0].strip() if held.strip() else "nothing"
        expected = patch.old.strip().splitlines()[0].strip() if patch.old.strip() else ""
        raise StalePatch(f"the code changed there since the suggestion was made: it expected `{expected}` and "
                         f"found `{found}`; run the cell to check the code again")
    new = patch.new if new_text is None else new_text
    if new and not new.endswith("\n"):
        new += "\n"
    return "".join(lines[:start - 1]) + new + "".join(lines[end:])


def apply(ws: Workspace, section_id: str, suggestion_id_: str, new_text: str | None = None) -> str:
    """Apply a suggestion to the section's code (its patch, or the user's `new_text` in place of
    the proposed change): written as a new version ("critic: accepted <kind>") that `undo` can
    take back. Returns the new code. A patch whose place changed is refused (StalePatch) and
    the suggestion marked stale."""
    suggestion = get(ws, section_id, suggestion_id_)
    if suggestion.status not in (PENDING, STALE):
        raise SuggestionError(f"this suggestion was already {suggestion.status}")
    if suggestion.patch is None:
        raise SuggestionError("this suggestion is a remark without a change to apply; dismiss it once read")
    code = ws.read_code(section_id) or ""
    try:
        if not suggestion.patch.old and code_hash(code) != suggestion.hash:  # an insertion has nothing to check
            raise StalePatch("the code changed since this insertion was suggested; run the cell to check it again")
        new_code = patch_code(code, suggestion.patch, new_text)
    except StalePatch as exc:
        _set(ws, section_id, suggestion.id, status=STALE, reason=str(exc))
        raise
    overridden = new_text is not None and new_text.rstrip("\n") != suggestion.patch.new.rstrip("\n")
    status = OVERRIDDEN if overridden else ACCEPTED
    ws.write_code(section_id, new_code, f"{REASON}{status} {suggestion.finding.kind}")
    _set(ws, section_id, suggestion.id, status=status, reason="",
         applied=Applied(time.time(), code_hash(code), code_hash(new_code), new_text if overridden else None))
    return new_code


def _version(ws: Workspace, section_id: str, wanted: str | None) -> str | None:
    """The newest version in the section's history whose code hash is `wanted`."""
    found = [h.code for h in ws.section_state(section_id).history if code_hash(h.code) == wanted]
    return found[-1] if found else None


def _applied_code(ws: Workspace, section_id: str, suggestion: Suggestion) -> str | None:
    return _version(ws, section_id, suggestion.applied.after if suggestion.applied else None)


def fit(ws: Workspace, section_id: str, suggestion_id_: str, code: str) -> str | None:
    """An applied suggestion's change (its patch, or the user's override text) made to other `code`
    (the cell as the teacher edited it since), or None where it no longer fits there: the lines it
    changes, and one line either side, must read as they did in the code it was applied to."""
    suggestion = get(ws, section_id, suggestion_id_)
    patch = suggestion.patch
    applied = suggestion.applied
    before = _version(ws, section_id, applied.before) if applied is not None else None
    if patch is None or applied is None or before is None:
        return None
    lo, hi = max(patch.start - 2, 0), patch.end + 1  # 0-based, one line of context either side
    if before.splitlines()[lo:hi] != code.splitlines()[lo:hi]:
        return None
    try:
        return patch_code(code, patch, applied.text)
    except StalePatch:
        return None


def reapply(ws: Workspace, section_id: str, suggestion_id_: str, edited: str) -> tuple[str, str]:
    """The teacher edited the section cell after it ran and then took an applied suggestion anyway:
    the edit becomes a version ("notebook edit"), then the suggestion's change made to it (`fit`),
    or where it does not fit, the code the suggestion wrote (the edit stays in the history).
    Returns (the edit, the new code); `undo` goes back to the edit."""
    suggestion = get(ws, section_id, suggestion_id_)
    if suggestion.status not in APPLIED:
        raise SuggestionError(f"this suggestion is {suggestion.status}, not applied; run the cell to check the "
                              "code again")
    new_code = fit(ws, section_id, suggestion_id_, edited) or _applied_code(ws, section_id, suggestion)
    if new_code is None:
        raise SuggestionError("the code this suggestion wrote is not in the section's history any more")
    if ws.read_code(section_id) != edited:
        ws.write_code(section_id, edited, "notebook edit")
    ws.write_code(section_id, new_code, f"{REASON}{suggestion.status} {suggestion.finding.kind}")
    text = suggestion.applied.text if suggestion.applied else None
    _set(ws, section_id, suggestion.id, applied=Applied(time.time(), code_hash(edited), code_hash(new_code), text))
    return edited, new_code


def dismiss(ws: Workspace, section_id: str, suggestion_id_: str) -> None:
    """Not shown again for its topic: the same kind of finding on the same objects, until a line that
    names them changes (`topic_key`)."""
    suggestion = get(ws, section_id, suggestion_id_)
    topic = suggestion.topic
    code = ws.read_code(section_id)
    if not topic and code is not None and code_hash(code) == suggestion.hash:  # recorded before topics
        topic = topic_key(code, suggestion.finding)
    _set(ws, section_id, suggestion_id_, status=DISMISSED, topic=topic)


def last_applied(ws: Workspace, section_id: str) -> Suggestion | None:
    applied = [s for s in all_suggestions(ws, section_id) if s.status in APPLIED and s.applied]
    return max(applied, key=lambda s: s.applied.time if s.applied else 0.0) if applied else None


def undoable(ws: Workspace, section_id: str, code: str) -> bool:
    """Whether `code` is what the last applied suggestion wrote (so Undo is offered with it)."""
    last = last_applied(ws, section_id)
    return last is not None and last.applied is not None and last.applied.after == code_hash(code)


def undo(ws: Workspace, section_id: str) -> str:
    """Back to the code before the last applied suggestion, which is pending again. Refused when
    the code was changed since by anything but auto-fix (nothing is lost: the history keeps it)."""
    suggestion = last_applied(ws, section_id)
    if suggestion is None:
        raise SuggestionError(f"section {section_id} has no applied suggestion to undo")
    history = ws.section_state(section_id).history
    applied = suggestion.applied
    after, before = (applied.after, applied.before) if applied else (None, None)
    wrote = [i for i, h in enumerate(history) if h.reason.startswith(REASON) and code_hash(h.code) == after]
    earlier = [h.code for h in history[:wrote[-1]] if code_hash(h.code) == before] if wrote else []
    if not earlier:
        raise SuggestionError("the code this suggestion was applied to is not in the section's history any more")
    current = ws.read_code(section_id) or ""
    since = history[wrote[-1] + 1:]
    untouched = code_hash(current) == after or (
        since and current == since[-1].code and all(h.reason == "auto-fix" for h in since))
    if not untouched:
        raise SuggestionError("the code was changed after the suggestion was applied, so undoing it would undo "
                              "that too; every version is in lecture.json's history")
    ws.write_code(section_id, earlier[-1], f"{REASON}undid {suggestion.finding.kind}")
    _set(ws, section_id, suggestion.id, status=PENDING, applied=None, undone=time.time())
    return earlier[-1]
