"""Atomic file writes, and disk failures as one line naming the path.

A crash or Ctrl-C never leaves a half-written file behind; a full disk, a read-only
folder or a file where a folder should be is a `WorkspaceError` saying what to do,
not a traceback.
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import WorkspaceError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# mkstemp creates 0600 files; the results are ordinary user files, so give them the usual mode.
FILE_MODE = 0o666 & ~_umask()

_ADVICE: dict[int | None, str] = {  # by errno (None: the OS gave none)
    errno.ENOSPC: "the disk is full: free some space, then run the same command again",
    errno.EDQUOT: "the disk quota is used up: free some space, then run the same command again",
    errno.EROFS: "the file system is read-only: choose a folder you can write to",
    errno.EACCES: "no permission: choose a folder you can write to, or change its permissions",
    errno.EPERM: "not permitted: choose a folder you can write to, or change its permissions",
    errno.ENOTDIR: "part of this path is a file, not a folder: move that file or choose another folder",
    errno.EEXIST: "a file is where a folder should be: move it or choose another folder",
    errno.EISDIR: "a folder is where a file should be: move it away",
    errno.ENOENT: "it does not exist: check the path",
    errno.ENAMETOOLONG: "the name is too long: choose a shorter folder",
    errno.EIO: "the disk reported an error: check it, then run again",
}


def disk_error(exc: OSError, path: Path | str | None = None) -> WorkspaceError:
    """One line: the path the OS named (else `path`), what went wrong, what to do."""
    where = exc.filename or path or "a file"
    reason = exc.strerror or str(exc) or type(exc).__name__
    advice = _ADVICE.get(exc.errno, "check the path, then run again")
    return WorkspaceError(" ".join(f"{where}: {reason}; {advice}".split()))


@contextmanager
def disk_errors(path: Path | str | None = None) -> Iterator[None]:
    """Re-raise an OSError in the body as a one-line WorkspaceError naming the path."""
    try:
        yield
    except OSError as exc:
        raise disk_error(exc, path) from exc


@contextmanager
def atomic_path(path: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temp path beside `path` to write; when the body succeeds, give it the user's
    usual file mode and rename it over `path`. Readers see the old file or the whole new one."""
    path = Path(path)
    with disk_errors(path):
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix)
        os.close(fd)
    try:
        with disk_errors(path):
            yield Path(tmp)
            os.chmod(tmp, FILE_MODE)
            os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def atomic_write_text(path: Path, text: str) -> Path:
    return atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_copy(src: Path, dest: Path) -> Path:
    """Copy then rename; streamed, so a large final render never sits in memory."""
    with atomic_path(dest) as tmp:
        shutil.copyfile(src, tmp)
    return Path(dest)
