"""Wrapping a lecture line to the lecture column, measured the way Pango draws it.

English wraps at spaces by an estimate of characters per row (`teaching_scene._fit_text`). Chinese
and Japanese have no spaces, and their characters are not all one width (punctuation, Latin letters
and digits in the line are narrower), so a row is cut where the glyphs Pango drew for the whole line
reach the column's width: `wrap` takes each character's left and right edge as drawn (manim's `Text`
has one glyph per character there) and breaks where a line may break:

- between two characters of a script written without spaces, and at a space;
- never inside a run of Latin letters or digits ("A", "λ1", "2x" stay whole);
- never before closing punctuation (，。、！？）」…) or after opening punctuation (（「《…): the
  line-breaking rules of Chinese and Japanese typesetting (kinsoku).

Pure functions over the text and the edges: no manim here, so the rules are tested without a render.
"""

from __future__ import annotations

from collections.abc import Sequence

from .language import is_spaceless_letter

NO_ROW_START = frozenset("，。、！？；：）」』】》〉”’…%,.!?;:)]}—·ー々ゝゞぁぃぅぇぉっゃゅょァィゥェォッャュョ")
NO_ROW_END = frozenset("（「『【《〈“‘([{")
_CJK_PUNCTUATION = NO_ROW_START | NO_ROW_END


def _spaceless(char: str) -> bool:
    return is_spaceless_letter(char) or char in _CJK_PUNCTUATION or "\u3000" <= char <= "\u303f"


def may_break_before(text: str, i: int) -> bool:
    """Whether a row may start at character `i` (0 < i < len(text))."""
    before, here = text[i - 1], text[i]
    if here.isspace():
        return False  # a row starts after the spaces, not on one
    if before.isspace():
        return True
    if here in NO_ROW_START or before in NO_ROW_END:
        return False
    return _spaceless(before) or _spaceless(here)


def wrap(text: str, edges: Sequence[tuple[float, float]], max_width: float) -> list[str]:
    """`text` cut into rows no wider than `max_width` where it may break. `edges`: the (left, right)
    x of each non-space character as drawn, in the text's order. A row holds at least one unit
    (what lies between two break points), however wide: nothing is dropped."""
    drawn = [i for i, c in enumerate(text) if not c.isspace()]
    if len(drawn) != len(edges):
        raise ValueError(f"{len(edges)} glyph edges for {len(drawn)} drawn characters")
    edge_of = dict(zip(drawn, edges))
    rows, start = [], 0
    while start < len(text):
        end = _row_end(text, start, edge_of, max_width)
        row = text[start:end].strip()
        if row:
            rows.append(row)
        start = end
        while start < len(text) and text[start].isspace():
            start += 1
    return rows or [text]


def _row_end(text: str, start: int, edge_of: dict[int, tuple[float, float]], max_width: float) -> int:
    """Where the row starting at `start` ends: the last break point it reaches within max_width,
    else the first one after its start (a unit wider than the column stays whole)."""
    left = min((edge_of[i][0] for i in range(start, len(text)) if i in edge_of), default=0.0)
    best = None
    right = left
    for i in range(start + 1, len(text) + 1):
        if i - 1 in edge_of:
            right = max(right, edge_of[i - 1][1])
        at_break = i == len(text) or may_break_before(text, i)
        if not at_break:
            continue
        if right - left <= max_width + 1e-9:
            best = i
        else:
            return best if best is not None else i
    return len(text)


def estimated_rows(text: str, width: float, max_width: float) -> list[str]:
    """Rows of a spaced line (Arabic, Devanagari, Latin…) by an estimate of characters per row:
    glyphs there are joined or combined, so they do not map one to one onto characters."""
    import textwrap

    chars = max(8, int(0.9 * len(text) * max_width / width)) if width > 0 else len(text)
    return textwrap.wrap(text, chars) or [text]
