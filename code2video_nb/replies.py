"""Pull JSON and Python code out of model replies of any shape.

Models wrap answers in fences, add prose before and after, leave trailing commas.
These functions repair what is safe to repair and report the rest, so the caller
can re-ask with the exact parse error.
"""

from __future__ import annotations

import ast
import json
import re

_FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.S)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_CODE_START = re.compile(r"^(from |import |class |def |@|#)", re.M)


def parse_json(text: str):
    """Return the JSON value in a reply, or raise ValueError naming the problem."""
    last_error = None
    for candidate in _json_candidates(text):
        for attempt in (candidate, _TRAILING_COMMA.sub(r"\1", candidate)):
            try:
                return json.loads(attempt)
            except json.JSONDecodeError as exc:
                last_error = exc
    if last_error is None:
        raise ValueError("the reply holds no JSON object")
    raise ValueError(f"the reply is not valid JSON ({last_error})")


def _json_candidates(text: str) -> list[str]:
    """Fenced blocks first, then the outermost braces, then the text itself."""
    candidates = [body for lang, body in _FENCE.findall(text) if lang.lower() in ("", "json")]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        candidates.append(text[start : end + 1])
    if text.strip():
        candidates.append(text.strip())
    return candidates


def extract_code(text: str) -> str:
    """Return the Python program in a reply: fenced or not, with prose around it."""
    fenced = [body for lang, body in _FENCE.findall(text) if lang.lower() in ("", "python", "py", "python3")]
    if fenced:
        # Several blocks: the one that defines a scene wins, else the longest.
        return max(fenced, key=lambda b: ("class " in b and "construct" in b, len(b))).strip("\n") + "\n"
    if _parses(text):
        return text.strip("\n") + "\n"
    return _strip_prose(text)


def _strip_prose(text: str) -> str:
    """Unfenced code with prose around it: keep the longest parseable run from the first code line."""
    match = _CODE_START.search(text)
    if not match:
        return text.strip("\n") + "\n"
    lines = text[match.start() :].splitlines()
    for end in range(len(lines), 0, -1):
        chunk = "\n".join(lines[:end])
        if _parses(chunk):
            return chunk.strip("\n") + "\n"
    return "\n".join(lines).strip("\n") + "\n"


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True
