"""The part of a section's code that is already whole while the model is still writing it.

Generated code comes in lecture-line blocks (`scopes.BLOCK_MARK` opens each). While a reply
streams in, block k is complete once block k+1's mark has arrived: the code before that mark is
a program of its own (the scene's class, `construct` ending after block k) that the check pass
can run and draw. Pure functions over text; nothing here runs the code.
"""

from __future__ import annotations

from dataclasses import dataclass

from .parse import parse
from .replies import extract_code
from .scopes import BLOCK_MARK


@dataclass(frozen=True)
class Prefix:
    """The code through its last complete lecture-line block."""
    block: int  # that block's number (its mark's k)
    code: str


def code_so_far(reply: str) -> str:
    """The code of a reply that is still arriving, up to its last whole line ("" before any code)."""
    whole = reply[: reply.rfind("\n") + 1]
    return extract_code(whole) if whole.strip() else ""


def marks_in(text: str) -> int:
    """How many block marks `text` holds on whole lines: cheap, so a caller can tell when one more arrived."""
    return sum(1 for line in text[: text.rfind("\n") + 1].splitlines() if BLOCK_MARK.match(line))


def complete_prefix(code: str) -> Prefix | None:
    """The code before its last block mark, if that holds a complete block and parses; else None
    (no second mark yet, or a mark that opens a compound statement's body, whose cut is not whole)."""
    lines = code.splitlines()
    marks = [(i, m) for i, line in enumerate(lines) if (m := BLOCK_MARK.match(line))]
    if len(marks) < 2:
        return None
    last_start, _ = marks[-1]
    text = "\n".join(lines[:last_start]).rstrip() + "\n"
    try:
        parse(text)
    except SyntaxError:
        return None
    return Prefix(int(marks[-2][1].group(2)), text)
