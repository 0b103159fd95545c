"""`ast.parse` one thread at a time, in this process.

CPython before 3.13 keeps the AST constructor's recursion depth in per-interpreter state: two
threads building trees at once (the engine's sections are coded, checked and grounded in
parallel) can interleave when a garbage collection runs Python code mid-tree, and one of them
fails with "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905 and its
follow-ups). It showed up as lectures failing at random on Dask workers, whose threads collect
often. Parsing is milliseconds; a lock costs nothing noticeable.
"""

from __future__ import annotations

import ast
import functools
import sys
import threading

_lock = threading.RLock()


def install() -> None:
    """Wrap `ast.parse` in a process-wide lock (once; later calls do nothing)."""
    if sys.version_info >= (3, 13) or getattr(ast.parse, "_code2video_guarded", False):
        return
    unguarded = ast.parse

    @functools.wraps(unguarded)
    def parse(*args, **kwargs):
        with _lock:
            return unguarded(*args, **kwargs)

    parse._code2video_guarded = True
    ast.parse = parse
