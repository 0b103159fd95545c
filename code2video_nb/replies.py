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
# A JSON string (kept as it is) or a comma before a closing bracket (dropped).
_TRAILING_COMMA = re.compile(r'("(?:\\.|[^"\\])*")|,(\s*[}\]])')
_CODE_START = re.compile(r"^(from |import |class |def |@|#)", re.M)
_STATEMENT_START = re.compile(r"(from |import |class |def |@)")


def parse_json(text: str):
    """Return the JSON value in a reply, or raise ValueError naming the problem."""
    first_error = None
    for candidate in _json_candidates(text):
        for attempt in (candidate, _TRAILING_COMMA.sub(lambda m: m.group(1) or m.group(2), candidate)):
            try:
                return json.loads(attempt)
            except json.JSONDecodeError as exc:
                first_error = first_error or exc  # the likeliest candidate's error is the one to report
    if first_error is None or not re.search(r"[{\[]", text):
        raise ValueError("the reply holds no JSON object")
    raise ValueError(f"the reply is not valid JSON ({first_error})")


def _json_candidates(text: str) -> list[str]:
    """Fenced blocks first, then the outermost braces, then the text itself."""
    candidates = [body for lang, body in _FENCE.findall(text) if lang.lower() in ("", "json")]
    end = text.rfind("}")
    # From the first brace, then from later ones in case the prose before the JSON has braces too.
    starts = [m.start() for m in re.finditer(r"\{", text[:max(end, 0)])][:50]
    candidates += [text[start : end + 1] for start in starts]
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
    """Unfenced code with prose around it: from a code line, the longest run that parses,
    provided all it leaves out is prose. Code with a syntax error comes back whole, never cut short."""
    starts = [m.start() for m in _CODE_START.finditer(text)]
    if not starts:
        return text.strip("\n") + "\n"
    for start in starts:  # a later start only when what lies before it is prose (e.g. a "# Fixed code" heading)
        if not all(_is_prose(line) for line in text[starts[0] : start].splitlines()):
            break
        lines = text[start:].splitlines()
        for end in range(len(lines), 0, -1):
            if _parses("\n".join(lines[:end])):
                if all(_is_prose(line) for line in lines[end:]):
                    return "\n".join(lines[:end]).strip("\n") + "\n"
                break
    return text[starts[0] :].strip("\n") + "\n"


def _is_prose(line: str) -> bool:
    """Blank, or at column 0 and not the start of a statement: safe to leave out."""
    return not line.strip() or (not line[0].isspace() and not _STATEMENT_START.match(line))


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return True
