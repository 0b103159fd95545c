"""Pull JSON and Python code out of model replies of any shape.

Models wrap answers in fences, add prose before and after, leave trailing commas.
These functions repair what is safe to repair and report the rest, so the caller
can re-ask with the exact parse error.
"""

from __future__ import annotations

import ast
import json
import re
import textwrap

from .parse import parse

_FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.S)
# A JSON string (kept as it is) or a comma before a closing bracket (dropped).
_TRAILING_COMMA = re.compile(r'("(?:\\.|[^"\\])*")|,(\s*[}\]])')
_CODE_START = re.compile(r"^(from |import |class |def |@|#)", re.M)
_STATEMENT_START = re.compile(r"(from |import |class |def |@)")
_OPENER = re.compile(r"[{\[]")
_NUMBER_PREFIX = re.compile(r"-?\d*\.?\d*(?:[eE][-+]?\d*)?")
_SCENE_CLASS = re.compile(r"^class\s+\w+", re.M)
_CONSTRUCT = re.compile(r"\bdef\s+construct\s*\(")


class CutOffError(ValueError):
    """The reply stops inside its JSON: the model ran out of output, so re-ask for a shorter answer."""


def parse_json(text: str):
    """Return the JSON value in a reply, or raise ValueError naming the problem."""
    cut = cut_off_at(text)
    if cut is not None:
        # Checked first: an inner object of a cut-off reply parses, and would be blamed for missing keys.
        raise CutOffError(f"the reply was cut off mid-JSON at character {cut}; "
                          "answer more briefly so the whole JSON object fits")
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


def cut_off_at(text: str) -> int | None:
    """Where the reply ends inside a JSON value that never closes, or None.

    Values are scanned in order: braces in prose before the JSON close without parsing, so the
    scan moves on; the first value that is complete JSON means nothing was cut off."""
    pos = 0
    while (start := _next_opener(text, pos)) is not None:
        end = _value_end(text, start)
        if end is None:
            return None  # mismatched brackets: malformed, not cut off; the parse error says where
        if end < 0:  # the text ended first; cut off only if all of it so far was JSON
            return len(text.rstrip()) if _is_json_prefix(text[start:]) else None
        if _is_json(text[start:end]):
            return None
        pos = end
    return None


def complete_items(text: str, key: str = "sections") -> list:
    """The items of the reply's `key` array that are complete so far, from a reply still being
    written (a streamed prefix): each closed value parsed, the one being written left out. Read
    the whole reply with `parse_json`: this only looks ahead, it never decides what the reply says."""
    return ItemReader(key).read(text)


class ItemReader:
    """`complete_items` over a growing reply: each `read` rescans only what came after the last
    complete item (a prefix read again would cost its length at every chunk). A text that does not
    continue the last one (a reply asked again) is read from its start."""

    def __init__(self, key: str = "sections"):
        self._array = re.compile(rf'"{re.escape(key)}"\s*:\s*\[')
        self._read = ""  # the text up to the end of the last complete item
        self.items: list = []

    def read(self, text: str) -> list:
        if not self._read or not text.startswith(self._read):
            found = self._array.search(text)
            if found is None:
                return []
            self._read, self.items = text[:found.end()], []
        pos = len(self._read)
        while (start := _item_start(text, pos)) is not None:
            end = _value_end(text, start)
            if end is None or end < 0:  # unbalanced (malformed), or still being written
                break
            try:
                self.items.append(json.loads(_TRAILING_COMMA.sub(lambda m: m.group(1) or m.group(2), text[start:end])))
            except json.JSONDecodeError:
                break  # malformed: the whole reply's check will say how
            pos = end
        self._read = text[:pos]
        return list(self.items)


def _item_start(text: str, pos: int) -> int | None:
    """Where the next object of an array starts after `pos` (commas and blanks between), or None at
    the array's end, the text's end, or anything else."""
    match = re.compile(r"[\s,]*").match(text, pos)
    at = match.end() if match else pos
    return at if text.startswith("{", at) else None


def _next_opener(text: str, pos: int) -> int | None:
    match = _OPENER.search(text, pos)
    return match.start() if match else None


def _value_end(text: str, start: int) -> int | None:
    """The index after the bracket closing the one at `start`; -1 if the text ends first;
    None if brackets mismatch or a code fence closes before the value does."""
    stack, in_string, escaped = [], False, False
    for i in range(start, len(text)):
        char = text[i]
        if in_string:
            escaped, in_string = (False, True) if escaped else (char == "\\", char != '"')
        elif char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]":
            if stack.pop() != char:
                return None
            if not stack:
                return i + 1
        elif text.startswith("```", i):
            return None
    return -1


def _is_json_prefix(fragment: str) -> bool:
    """True if `fragment` could be the start of a JSON value: json's error is only at its end
    (inside a string, or after a partial number or true/false/null)."""
    for attempt in (fragment, _TRAILING_COMMA.sub(lambda m: m.group(1) or m.group(2), fragment)):
        try:
            json.loads(attempt)
            return True
        except json.JSONDecodeError as exc:
            rest = attempt[exc.pos:].strip()
            if (exc.msg.startswith("Unterminated string") or not rest or _NUMBER_PREFIX.fullmatch(rest)
                    or any(word.startswith(rest) for word in ("true", "false", "null"))):
                return True
    return False


def _is_json(candidate: str) -> bool:
    for attempt in (candidate, _TRAILING_COMMA.sub(lambda m: m.group(1) or m.group(2), candidate)):
        try:
            json.loads(attempt)
            return True
        except json.JSONDecodeError:
            pass
    return False


def code_in_reply(text: str, *, scene: bool = False) -> str:
    """`extract_code`, refusing a reply that holds no code: empty, prose only, or a JSON object
    (an endpoint's error passed through as content). `scene`: a whole section, which must define
    a scene class with construct(). Code with a syntax error is still code (auto-fix repairs it)."""
    if not text.strip():
        raise ValueError("the reply is empty; it holds no code")
    if text.strip()[0] in "{[" and _is_json(text.strip()):
        raise ValueError(f"the reply is a JSON object, not Python code: {_clip(text)}")
    code = extract_code(text)
    if not _has_statement(code):
        raise ValueError(f"the reply holds no Python code, only prose: {_clip(text)}")
    if scene and not (_SCENE_CLASS.search(code) and _CONSTRUCT.search(code)):
        raise ValueError("the reply's code defines no scene class with a construct() method")
    return code


def _has_statement(code: str) -> bool:
    """True if some line is a Python statement; prose sentences do not parse, and a bare
    word or literal does not count."""
    try:
        return _any_statement(parse(textwrap.dedent(code)))
    except SyntaxError:
        pass
    for line in code.splitlines():
        line = line.strip()
        for attempt in (line, line + " pass"):  # "for x in y:" parses once given a body
            try:
                if line and not line.startswith("#") and _any_statement(parse(attempt)):
                    return True
            except SyntaxError:
                continue
    return False


def _any_statement(tree: ast.Module) -> bool:
    inert = (ast.Constant, ast.Name, ast.Dict, ast.List, ast.Set, ast.Tuple, ast.Attribute)
    return any(not (isinstance(node, ast.Expr) and isinstance(node.value, inert)) for node in tree.body)


def _clip(text: str, limit: int = 120) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


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
        parse(code)
    except SyntaxError:
        return False
    return True
