"""Which plays of a re-render can be taken from the last render unseen (the parent's side).

manim's partial-movie cache reuses a play whose key is unchanged, but it still runs every play
in full to compute the key: tweens, drawing, hashing. For an edit in a section's last block,
that is most of the re-render. Yet the code tells us more than manim can see: if everything the
scene runs before some statement of `construct` is the same text as last time, then so are the
plays made before that statement, and their movies can be used without running them in full.

So each full render leaves a log beside manim's cache (`plays-<quality>.json` in the section's
media folder, written here, never by the render child): each play's movie key and the line of
`construct` it was made from (a play inside a helper counts at the helper's call), and for each
statement of construct's body a key over the code that runs before it. The next render finds the
last statement whose key is unchanged; the plays made before that statement's first line are
the reusable prefix. The render child jumps through them (no tween, no frame, no hash:
`movie_cache.py`) while manim joins their movies as cache hits, and renders from the first play
after.

"The code that runs before statement s" is the whole file except construct's body from s on: a
helper defined anywhere, an import or a constant changes every key; so do the quality, manim's
version, the teaching scene and the picture settings (`render_key.picture_salt`).
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..files import atomic_write_text
from ..parse import end_line, parse

_KEY = re.compile(r"[0-9a-f]{64}")
MAX_PLAYS = 5000  # a log longer than any scene: not ours


@dataclass(frozen=True)
class PlayLog:
    """What one render made: per play, its movie key and its line in construct; per statement of
    construct (its first line), the key of the code before it."""

    keys: list[str]
    lines: list[int]
    starts: dict[int, str]

    def to_json(self) -> str:
        return json.dumps({"keys": self.keys, "lines": self.lines,
                           "starts": {str(line): key for line, key in self.starts.items()}})

    @classmethod
    def from_json(cls, text: str) -> PlayLog | None:
        """None for anything but a log this module wrote."""
        try:
            data = json.loads(text)
            keys, lines, starts = data["keys"], data["lines"], data["starts"]
            ok = (isinstance(keys, list) and isinstance(lines, list) and isinstance(starts, dict)
                  and len(keys) == len(lines) <= MAX_PLAYS
                  and all(isinstance(k, str) and _KEY.fullmatch(k) for k in keys)
                  and all(type(n) is int for n in lines)
                  and all(isinstance(v, str) and _KEY.fullmatch(v) and str(k).isdigit() for k, v in starts.items()))
        except (ValueError, KeyError, TypeError):
            return None
        return cls(keys, lines, {int(k): v for k, v in starts.items()}) if ok else None


def log_path(media_dir: Path, quality: str) -> Path:
    return Path(media_dir) / f"plays-{quality}.json"


def statement_keys(code: str, salt: str) -> dict[int, str]:
    """Per statement of construct's body (its first line): the key of everything that runs before it."""
    found = _construct(code)
    if found is None:
        return {}
    starts, last = found
    lines = code.splitlines(keepends=True)
    after = "".join(lines[last:])
    return {start: hashlib.sha256("\0".join([salt, "".join(lines[:start - 1]), after]).encode()).hexdigest()
            for start in starts}


def reusable(log: PlayLog | None, code: str, salt: str) -> list[str]:
    """The movie keys of the plays this code makes exactly as the logged render did (a prefix)."""
    if log is None:
        return []
    now = statement_keys(code, salt)
    same = [line for line, key in now.items() if log.starts.get(line) == key]
    if not same:
        return []
    # The code before this statement is unchanged, and so is every play made before it: a play is
    # made within one statement of construct (its line is in the statement's lines), never across.
    limit = max(same)
    count = 0
    for line in log.lines:
        if line >= limit:
            break
        count += 1
    return log.keys[:count]


def read_log(media_dir: Path, quality: str) -> PlayLog | None:
    try:
        return PlayLog.from_json(log_path(media_dir, quality).read_text(encoding="utf-8"))
    except OSError:
        return None


def write_log(media_dir: Path, quality: str, code: str, salt: str, keys, lines) -> None:
    """Keep what this render made, if the child's report is well formed; otherwise forget the
    last log (a stale one must not be used against movies it does not describe)."""
    log = PlayLog.from_json(json.dumps({"keys": keys, "lines": lines, "starts": {}}))
    path = log_path(media_dir, quality)
    if log is None:
        path.unlink(missing_ok=True)
        return
    atomic_write_text(path, PlayLog(log.keys, log.lines, statement_keys(code, salt)).to_json())


def _construct(code: str) -> tuple[list[int], int] | None:
    """The first line of each statement of the (last) construct method's body, and its last line."""
    try:
        tree = parse(code)
    except SyntaxError:
        return None
    found = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef) and node.name == "construct"]
    if not found:
        return None
    node = found[-1]
    return [statement.lineno for statement in node.body], end_line(node)
