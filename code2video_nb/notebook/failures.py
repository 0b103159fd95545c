"""A failed section in the user's terms: one line saying what failed, at which line of the
cell, and what to do; the full log (render traceback, auto-fix attempts) behind a click.

The engine speaks in section-file lines; a section cell is `%%c2v_section <lecture>/<id>`
followed by that file, so every line number the user sees is one more than the file's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..engine import SectionResult
from ..section_state import FixAttempt
from .display import View, error_view

CELL_LINE_OFFSET = 1  # the `%%c2v_section` line above the section's code
_LINE = re.compile(r"\bline (\d+)\b")


def cell_line(file_line: int | None) -> int | None:
    return None if file_line is None else file_line + CELL_LINE_OFFSET


def in_cell_terms(message: str) -> str:
    """'line 28' in an engine message (a safety finding, a syntax error) as the cell's line."""
    return _LINE.sub(lambda m: f"line {int(m.group(1)) + CELL_LINE_OFFSET}", message)


def failure_message(result: SectionResult, *, key_env: str, replayed: bool = False, code: str | None = None) -> str:
    """One line: "Section 2 failed at line 29 of the cell (`self.play(Creat(plane))`): NameError: … .
    <what to do>". `code` is the section's code, to quote the line: notebooks hide line numbers."""
    line = cell_line(result.line)
    where = f" at line {line} of the cell{_quoted(code, result.line)}" if line else ""
    error = _short(in_cell_terms(result.error or "unknown error"))
    if result.timed_out:
        error += " (the limit is %config Code2Video.render_timeout)"
    by_hand = f"fix line {line} by hand" if line else "fix the code by hand"
    return f"Section {result.id} failed{where}: {error}. {_next_step(result, by_hand, key_env, replayed)}"


def _next_step(result: SectionResult, by_hand: str, key_env: str, replayed: bool) -> str:
    if result.needs_model:
        why = "the demo recording has no fix for this change, and " if replayed else ""
        return (f"Auto-fix needs a model: {why}{key_env} is not set. Either {by_hand} and run the cell again, "
                f"or set a key (%env {key_env}=<your key>) and run the cell again to let auto-fix repair it.")
    if result.fix_blocked:
        return (f"Auto-fix could not ask the model ({_short(result.fix_blocked, 160)}). "
                f"{by_hand.capitalize()} and run the cell again, or run it again later.")
    if result.fix_attempts:
        tries = "once" if result.fix_attempts == 1 else f"{result.fix_attempts} times"
        return (f"Auto-fix tried {tries} and could not repair it; the attempts are in the log below. "
                f"{by_hand.capitalize()} and run the cell again.")
    return f"{by_hand.capitalize()} and run the cell again."


def failure_view(result: SectionResult, *, key_env: str, replayed: bool = False, attempts: Sequence[FixAttempt] = (),
                 code: str | None = None) -> View:
    """The red line, with the render's log and auto-fix's attempts behind "full log"."""
    log = result.log or ""
    if attempts:
        log = log.rstrip("\n") + "\n\nAuto-fix attempts:\n" + "\n".join(_attempt_line(a) for a in attempts)
    return error_view(failure_message(result, key_env=key_env, replayed=replayed, code=code), log)


def _quoted(code: str | None, file_line: int | None) -> str:
    lines = (code or "").splitlines()
    if not file_line or not 1 <= file_line <= len(lines) or not lines[file_line - 1].strip():
        return ""
    return f" (`{_short(lines[file_line - 1].strip(), 80)}`)"


def _attempt_line(attempt: FixAttempt) -> str:
    start, end = cell_line(attempt.start), cell_line(attempt.end)
    result = "fixed" if attempt.result == "ok" else f"still failing: {in_cell_terms(attempt.result)}"
    return (f"  {attempt.level} {attempt.scope} (cell lines {start}–{end}): {result} "
            f"({attempt.tokens:,} tokens, {attempt.seconds:.1f} s)")


def exception_line(exc: BaseException) -> str:
    """An exception as one short line, for a progress display or a card that stopped."""
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted"
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def _short(text: str, limit: int = 300) -> str:
    text = " ".join(str(text).split()).rstrip(".")
    return text if len(text) <= limit else text[: limit - 1] + "…"
