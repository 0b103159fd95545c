"""A font that covers the lecture's script, for the words manim draws with Pango (`Text`, `MarkupText`).

The teaching scene reads the script from its title and lecture lines (`script_of`) and makes the
font below the default of every `Text` the section draws, its own lines and the code's labels
alike. Latin, Greek and Cyrillic keep manim's default font (nothing changes for an English lecture).

Right-to-left text needs one more thing. manimpango lays each line out in a Pango layout as wide as
the frame in pixels, starting 30 px in; Pango aligns a right-to-left paragraph to that layout's right
edge, past the SVG surface, where cairo drops the glyphs: a one-word Arabic `Text` comes out empty
and a longer one loses letters. So every line holding right-to-left letters is wrapped in Unicode's
bidirectional isolate (`isolate_rtl`): a left-to-right mark makes the paragraph start at the left,
and inside a right-to-left isolate the words run right to left exactly as they would on their own.
`scripts/install.sh` installs Debian's Noto fonts for CJK (`fonts-noto-cjk`), Arabic, Devanagari,
Hebrew, Thai… (`fonts-noto-core`); without one, Pango would draw empty boxes, so the render says
which package to install.
"""

from __future__ import annotations

import sys
from collections import Counter
from functools import lru_cache

from .language import RTL_SCRIPTS, letter_scripts

# Preferred families per script (ISO 15924), the first installed one wins.
_FAMILIES = {
    "Hani": ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "Droid Sans Fallback"),
    "Jpan": ("Noto Sans CJK JP", "Noto Sans JP", "Source Han Sans JP", "IPAexGothic", "Droid Sans Fallback"),
    "Hang": ("Noto Sans CJK KR", "Noto Sans KR", "Source Han Sans KR", "NanumGothic", "Droid Sans Fallback"),
    "Arab": ("Noto Sans Arabic", "Noto Naskh Arabic", "DejaVu Sans"),
    "Hebr": ("Noto Sans Hebrew", "DejaVu Sans"),
    "Deva": ("Noto Sans Devanagari", "Lohit Devanagari"),
    "Beng": ("Noto Sans Bengali",), "Taml": ("Noto Sans Tamil",), "Telu": ("Noto Sans Telugu",),
    "Gujr": ("Noto Sans Gujarati",), "Thai": ("Noto Sans Thai", "Noto Looped Thai"),
    "Geor": ("Noto Sans Georgian",), "Armn": ("Noto Sans Armenian",), "Khmr": ("Noto Sans Khmer",),
}
_PACKAGE = {"Hani": "fonts-noto-cjk", "Jpan": "fonts-noto-cjk", "Hang": "fonts-noto-cjk"}  # else fonts-noto-core
_OWN_DEFAULT = frozenset({"Latn", "Grek", "Cyrl", "Zyyy"})  # manim's default font draws these
CJK = frozenset({"Hani", "Jpan", "Hang"})


def script_of(text: str) -> str:
    """The script a text is written in, for its font and its glyphs' size: the most frequent
    script of its letters other than Latin (a Chinese line with "A" in it is Chinese); Han with
    any kana is Japanese ("Jpan"), kana alone too; "Latn" when every letter is Latin (or none)."""
    counts: Counter = letter_scripts(text)
    if counts["Kana"]:
        return "Jpan"
    others = [(n, s) for s, n in counts.items() if s not in ("Latn", "Zyyy")]
    return max(others)[1] if others else "Latn"


def right_to_left(script: str) -> bool:
    return script in RTL_SCRIPTS


@lru_cache(maxsize=1)
def installed_families() -> frozenset[str]:
    """The font families Pango finds on this machine (manimpango asks fontconfig; about 0.1 s)."""
    import manimpango

    return frozenset(manimpango.list_fonts())


def font_for(script: str) -> str | None:
    """An installed family that draws `script`; None where manim's default font does (Latin,
    Greek, Cyrillic) or where none is installed (`missing_font` says what to install)."""
    if script in _OWN_DEFAULT:
        return None
    wanted = _FAMILIES.get(script, ())
    installed = installed_families()
    return next((family for family in wanted if family in installed), None)


def missing_font(script: str) -> str:
    """One line for a script no installed font covers."""
    package = _PACKAGE.get(script, "fonts-noto-core")
    return (f"code2video: no font for the {script} script is installed, so its letters may be drawn as "
            f"empty boxes: run scripts/install.sh (or `sudo apt-get install {package}`)\n")


def use_for(script: str) -> str | None:
    """Make the font covering `script` the default of Text and MarkupText in this render process
    (one section per process), right-to-left lines isolated (`isolate_rtl`: a line without
    right-to-left letters is left as it is), and return the font; None (the default font kept)
    for manim's own scripts."""
    from manim import MarkupText, Text

    font = font_for(script)
    if font is None and script not in _OWN_DEFAULT:
        sys.stderr.write(missing_font(script))
    for cls in (Text, MarkupText):
        if font is not None:
            cls.set_default(font=font)
        _isolating(cls)  # whatever the lecture's script: an Arabic label in an English lecture too
    return font


LRM, RLI, PDI = "\u200e", "\u2067", "\u2069"


def isolate_rtl(text: str) -> str:
    """Each line of `text` holding right-to-left letters as a right-to-left isolate in a
    left-to-right paragraph (see the module's docstring); other lines, and lines already
    isolated, unchanged."""
    def isolated(line: str) -> str:
        if line.startswith(LRM + RLI) or not any(c in RTL_SCRIPTS for c in letter_scripts(line)):
            return line
        return LRM + RLI + line + PDI

    return "\n".join(isolated(line) for line in text.split("\n"))


def _isolating(cls) -> None:
    """`cls(text, …)` (Text, MarkupText) isolates right-to-left lines first; once per class."""
    current = cls.__init__
    if getattr(current, "isolates_rtl", False):
        return

    def __init__(self, text: str = "", *args, **kwargs):
        # `current` may be a partialmethod (set_default's): bind it the way attribute access would
        current.__get__(self, type(self))(isolate_rtl(text) if isinstance(text, str) else text, *args, **kwargs)

    __init__.isolates_rtl = True  # type: ignore[attr-defined]
    cls.__init__ = __init__
