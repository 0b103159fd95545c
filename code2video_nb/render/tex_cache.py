"""One cache of compiled TeX and rendered text, shared by every render of every lecture.

manim keeps what it compiles under its media folder (`Tex/`: .tex → .dvi → .svg through latex
and dvisvgm; `texts/`: Text and MarkupText drawn by Pango), and ours is one folder per section,
so the same formula in two sections, or two lectures, was compiled twice. Here the SVGs also go
to one shared folder (`$XDG_CACHE_HOME/code2video/tex`, `CODE2VIDEO_TEX_CACHE_DIR` to move it,
`CODE2VIDEO_TEX_CACHE_MB` to bound it, 0 to turn it off), under manim's own file names (a hash
of the whole .tex source with its template, or of the text with its font settings).

Two sides, so that many renders at once are safe:

- **The render child only reads it** (`use_shared`, in `child/tex_lookup.py`). Before manim
  compiles a formula or draws a text, the child looks for that file name in the shared folder;
  on a hit it copies the file into its own media folder (write to a temp name, then
  `os.replace`) and manim goes on as if it had made it. The copy, rather than a path into the
  shared folder, is because manim rewrites a text's SVG in place (`remove_last_M`), which the
  sandbox would refuse there and which would change the entry under other renders, and because
  an eviction can then never pull a file from under a render: a file that vanished before it was
  opened is a miss, and the child compiles.
- **The parent publishes** (`TexCache.publish`), after the child exited: every SVG the child made
  or used in its media folder is written to the shared folder through a temp file and
  `os.replace`, so a lookup only ever sees a whole file, and two renders publishing the same
  formula both succeed (last one wins; both wrote the same picture). The child is untrusted and
  sandboxed: given write access to a folder every later render reads, it could change any other
  lecture's pictures at any time and race the readers. The parent instead checks what it copies
  (a regular file under manim's naming pattern, not a link, of bounded size, a complete SVG
  without DTD or entities) and writes only under names it builds itself.

Each text's outlines as a child read them from its SVG (`<hash>.outlines.npz` beside the SVG,
`child/text_geometry.py`) are published the same way, to a folder `outlines` of their own (a
whole .npz of bounded size; the child reads it as numbers only).

What a poisoned entry can do: a child may publish a wrong picture under a formula's name, and a
later render shows that picture. It can never do more, because the entries are only ever parsed
by confined render children, never by the parent, and the parent writes nothing a child named
outside the cache folder.

Least recently used entries go first once the folder is above its bound; a publish or a hit
(the copied file appears in the child's media folder) refreshes an entry's mtime, which is the
order.
"""

from __future__ import annotations

import os
import re
import stat
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path

from ..errors import ConfigError
from .child.tex_lookup import MAX_ENTRY_BYTES, OUTLINES, looks_complete, outlines_complete

MB = 1024**2
DEFAULT_MB = 200
KINDS = ("Tex", "texts")  # manim's subfolders of media_dir: tex_dir (latex + dvisvgm) and text_dir (Pango)
OUTLINES_KIND = "outlines"  # a text's outlines (kept beside its SVG in texts/): a shared folder of their own
_NAME = re.compile(r"[0-9a-f]{16}\.svg")  # manim's tex_hash / _text2hash, truncated to 16 hex digits
_STALE_TEMP_SECONDS = 600  # a temp file this old belongs to a publisher that died


@cache
def _manim_version() -> str:
    """Read from the package metadata, so the parent never imports manim for it."""
    try:
        return metadata.version("manim")
    except metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class Published:
    added: int = 0  # new entries
    touched: int = 0  # entries the render used, made most recent
    evicted: int = 0


@dataclass(frozen=True)
class TexCache:
    root: Path
    max_bytes: int = DEFAULT_MB * MB

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TexCache | None:
        """The user's cache, or None when `CODE2VIDEO_TEX_CACHE_MB=0` turns it off."""
        env = os.environ if env is None else env
        try:
            megabytes = float(env.get("CODE2VIDEO_TEX_CACHE_MB") or DEFAULT_MB)
        except ValueError:
            raise ConfigError(f"CODE2VIDEO_TEX_CACHE_MB={env['CODE2VIDEO_TEX_CACHE_MB']!r} is not a number: "
                              "set it to the size in MB of the shared TeX cache (0 turns it off)") from None
        if megabytes <= 0:
            return None
        base = env.get("CODE2VIDEO_TEX_CACHE_DIR")
        root = Path(base) if base else Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "code2video" / "tex"
        return cls(root, int(megabytes * MB))

    def folder(self, kind: str) -> Path:
        """One folder per manim version: another version may typeset or draw the same source
        differently, and its files must not stand in for ours."""
        return self.root / f"manim-{_manim_version()}" / kind

    def for_job(self) -> dict[str, str]:
        """What the child is told: where to look, per kind (read-only for it)."""
        return {kind: str(self.folder(kind)) for kind in (*KINDS, OUTLINES_KIND)}

    def publish(self, media_dir: Path, since: float) -> Published:
        """After a render: the SVGs its media folder got since `since` (wall clock) go into the
        shared folder, or make their entry the most recent. Never raises: a cache that cannot be
        written costs time, not a render."""
        since -= 1.0  # file times come from a coarse kernel clock that may lag time.time() a little
        added = touched = 0
        for kind in KINDS:
            for entry in _recent_entries(Path(media_dir) / kind, since):
                target = self.folder(OUTLINES_KIND if OUTLINES.fullmatch(entry.name) else kind)
                if _touch(target / entry.name):
                    touched += 1
                elif (data := _read_untrusted(entry.path)) is not None and _write_atomic(target, entry.name, data):
                    added += 1
        return Published(added, touched, self.evict() if added else 0)

    def evict(self) -> int:
        """Delete least recently used entries until the folder is within its bound; returns how
        many. Safe under renders in flight: a child copies an entry out before it uses it, and a
        file deleted first is a miss it compiles."""
        entries, total = _entries(self.root)
        evicted = 0
        for _mtime, size, path in sorted(entries):
            if total <= self.max_bytes:
                break
            try:
                path.unlink()
                evicted += 1
            except OSError:  # another process evicted it first (or it cannot be deleted: skip it)
                pass
            total -= size
        return evicted

    def size(self) -> int:
        return _entries(self.root)[1]


def _entry_name(name: str) -> bool:
    """manim's SVG, or a text's outlines kept beside it (`child/text_geometry.py`)."""
    return bool(_NAME.fullmatch(name) or OUTLINES.fullmatch(name))


def _recent_entries(folder: Path, since: float) -> list[os.DirEntry]:
    """The folder's files named like entries and changed since `since`: what this render
    compiled, drew, or copied in from the cache. Links and odd names are the child's, not manim's."""
    try:
        with os.scandir(folder) as it:
            return [e for e in it if _entry_name(e.name) and e.is_file(follow_symlinks=False)
                    and e.stat(follow_symlinks=False).st_mtime >= since]
    except OSError:
        return []


def _touch(path: Path) -> bool:
    """Make an existing entry the most recent; False if there is none."""
    try:
        os.utime(path)
        return True
    except OSError:
        return False


def _read_untrusted(path: str) -> bytes | None:
    """A file the child wrote: not followed if it is a link, never blocked on if it is a pipe,
    read only if it is a regular file of bounded size holding a whole SVG (or text outlines)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    complete = outlines_complete if OUTLINES.fullmatch(os.path.basename(path)) else looks_complete
    return data if complete(data) else None


def _write_atomic(folder: Path, name: str, data: bytes) -> bool:
    """Write beside the entry under a name no other writer uses, then rename over it: readers
    see no file or a whole one."""
    tmp = folder / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        os.replace(tmp, folder / name)
        return True
    except OSError:
        tmp.unlink(missing_ok=True)
        return False


def _entries(root: Path) -> tuple[list[tuple[float, int, Path]], int]:
    """The entries under the cache (mtime, size, path) and the size of what we wrote there.
    A publisher's temp file counts towards the size; one whose publisher died is listed as the
    oldest, so it goes first. Anything else someone put there is left alone and not counted."""
    found, total, now = [], 0, time.time()
    for folder, _, names in os.walk(root):
        for name in names:
            entry, temp = _entry_name(name), name.endswith(".tmp")
            try:
                info = os.stat(os.path.join(folder, name), follow_symlinks=False)
            except OSError:  # evicted or renamed meanwhile
                continue
            stale = temp and now - info.st_mtime > _STALE_TEMP_SECONDS
            if entry or stale:
                found.append((0.0 if stale else info.st_mtime, info.st_size, Path(folder, name)))
            total += info.st_size if entry or temp else 0
    return found, total


# In the render child ---------------------------------------------------------------------------
