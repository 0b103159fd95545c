"""`parse`: `ast.parse` one thread at a time, for every parse the project makes.

CPython before 3.13 keeps the AST constructor's recursion depth in per-interpreter state: two
threads building trees at once (the engine's sections are coded, checked and grounded in
parallel) can interleave when a garbage collection runs Python code mid-tree, and one of them
fails with "SystemError: AST constructor recursion depth mismatch" (python/cpython#106905 and its
follow-ups). It showed up as lectures failing at random on Dask workers, whose threads collect
often. Parsing is milliseconds; a lock costs nothing noticeable.

A function of our own rather than a patched `ast.parse`: importing the package must leave the
user's kernel as it was (`tests/test_public_api.py`). A library in another thread parsing
through `ast.parse` is not serialised with ours; the project's own parses are all here.
"""

from __future__ import annotations

import ast
import sys
import threading
from typing import Any, Literal, overload

_lock = threading.RLock()
_SERIAL = sys.version_info < (3, 13)  # 3.13 keeps the depth per thread


@overload
def parse(source: str | bytes, filename: str = ..., mode: Literal["exec"] = ..., **options: Any) -> ast.Module: ...
@overload
def parse(source: str | bytes, filename: str = ..., *, mode: Literal["eval"], **options: Any) -> ast.Expression: ...


def parse(source, filename="<unknown>", mode="exec", **options):
    """`ast.parse(source, filename, mode, ...)`, serialised with every other parse of ours."""
    if not _SERIAL:
        return ast.parse(source, filename, mode, **options)
    with _lock:
        return ast.parse(source, filename, mode, **options)


# A parsed node's end: typeshed types `end_lineno`/`end_col_offset` as optional because a node built
# by hand may lack them; every node `parse` returns has both.
Located = ast.stmt | ast.expr | ast.arg | ast.keyword | ast.excepthandler


def end_line(node: Located) -> int:
    """The node's last line (1-based)."""
    return node.lineno if node.end_lineno is None else node.end_lineno


def end_column(node: Located) -> int:
    """The UTF-8 byte offset just after the node on its last line."""
    return node.col_offset if node.end_col_offset is None else node.end_col_offset
