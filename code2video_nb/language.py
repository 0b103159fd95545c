"""The lecture's language: a BCP 47 tag, what its writing system needs, and finding it in notes.

A lecture is in one language (`lecture.json` → `language`): the planner and the coder are asked for
its titles, lecture lines and narration in it, the teaching scene draws it in a font that covers its
script (`fonts.py`), the voice speaks it, and the critic judges its glyphs' size. Tags are read with
`langcodes` (the IETF registry's tags, aliases such as `iw` → `he`, the likely script of each
language); a teacher's notes are identified by their letters' Unicode script first (Han, kana,
Hangul, Arabic… settle most languages at once) and by `py3langid`'s n-gram model for the rest.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from .errors import ConfigError
from .lecture_state import LectureState

DEFAULT = "en"
# ISO 15924 scripts written right to left, and those written without spaces between words.
RTL_SCRIPTS = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo", "Adlm"})
SPACELESS_SCRIPTS = frozenset({"Hans", "Hant", "Hani", "Jpan", "Thai", "Laoo", "Khmr", "Mymr", "Tibt"})
# A script whose letters name one language where notes are concerned (Arabic letters may be Persian
# or Urdu, Cyrillic Russian or Ukrainian: those go to the n-gram model, which tells them apart).
_SCRIPT_LANGUAGE = {"Hang": "ko", "Kana": "ja", "Hebr": "he", "Thai": "th", "Grek": "el", "Beng": "bn",
                    "Taml": "ta", "Telu": "te", "Gujr": "gu", "Geor": "ka", "Armn": "hy", "Khmr": "km"}
_MIN_LETTERS = 20  # fewer letters than this are no evidence: the default stands
_FORMULA = re.compile(r"\$\$.*?\$\$|\$[^$\n]*\$|\\\(.*?\\\)|\\\[.*?\\\]|```.*?```|`[^`\n]*`", re.S)


@dataclass(frozen=True)
class Language:
    tag: str  # BCP 47, as standardized: "zh", "es", "ar", "pt-BR"
    name: str  # in English, for prompts: "Chinese", "Portuguese (Brazil)"
    autonym: str  # in itself: "中文", "español"
    script: str  # ISO 15924 code of its usual script: "Hans", "Latn", "Arab"

    @property
    def base(self) -> str:
        """The language subtag alone: "pt" of "pt-BR"."""
        return self.tag.split("-")[0].lower()

    @property
    def english(self) -> bool:
        return self.base == "en"

    @property
    def rtl(self) -> bool:
        return self.script in RTL_SCRIPTS

    @property
    def spaceless(self) -> bool:
        return self.script in SPACELESS_SCRIPTS

    def described(self) -> str:
        """For prompts and messages: "Chinese (zh, 中文)"."""
        return self.name if self.english else f"{self.name} ({self.tag}, {self.autonym})"


@lru_cache(maxsize=64)
def language(tag: str | None = None) -> Language:
    """The language a BCP 47 tag names (None or "": English). An unknown tag is a ConfigError
    saying what to give."""
    text = (tag or DEFAULT).strip().replace("_", "-")
    import langcodes  # a registry lookup: loaded when a tag is read, not when the package is

    try:
        found = langcodes.Language.get(text)
    except (ValueError, langcodes.LanguageTagError):
        found = None
    if found is None or not found.is_valid() or not found.language or found.language in ("und", "zxx"):
        raise ConfigError(f"unknown language {tag!r}: give a BCP 47 tag such as zh, es, ar, fr, de, hi or ja "
                          "(en, English, is the default)")
    full = found.maximize()
    return Language(found.to_tag(), found.display_name(), found.autonym(), full.script or "Latn")


def english() -> Language:
    return language(DEFAULT)


def lecture_language(lecture: LectureState) -> Language:
    """The language recorded in a lecture's state (`lecture.json`), English when none is."""
    return language(lecture.language or DEFAULT)


# --- detection ---------------------------------------------------------------------------------------
def detect(text: str) -> Language:
    """The language of a teacher's notes: formulas and code left out, then the letters' script
    (Han with kana is Japanese, Han alone Chinese, Hangul Korean…), else the n-gram model's best
    guess among the languages of that script. Too few letters to tell: English."""
    prose = _FORMULA.sub(" ", text)
    scripts = letter_scripts(prose)
    letters = sum(scripts.values())
    if letters < _MIN_LETTERS:
        return english()
    script, count = scripts.most_common(1)[0]
    if script == "Hani" or (script == "Kana" and scripts["Hani"]):
        return language("ja" if scripts["Kana"] >= 0.05 * letters else "zh")
    if script in _SCRIPT_LANGUAGE and count >= 0.5 * letters:
        return language(_SCRIPT_LANGUAGE[script])
    return language(_ngram_guess(prose))


def _ngram_guess(prose: str) -> str:
    import py3langid  # its model (about 5 MB) loads on first use: only notes are ever detected

    tag, _score = py3langid.classify(prose[:20000])
    return str(tag)


def letter_scripts(text: str) -> Counter:
    """How many letters of each script a text holds, by the Unicode names of its letters
    ("CJK UNIFIED IDEOGRAPH" → Hani, "ARABIC LETTER" → Arab, "HIRAGANA/KATAKANA" → Kana)."""
    counts: Counter = Counter()
    for char in text:
        if char.isalpha():
            counts[char_script(char)] += 1
    return counts


@lru_cache(maxsize=4096)
def char_script(char: str) -> str:
    """The ISO 15924 code of one letter's script, from its Unicode name (unknown: "Zyyy")."""
    if char.isascii():
        return "Latn" if char.isalpha() else "Zyyy"
    name = unicodedata.name(char, "")
    for prefix, script in _NAME_SCRIPTS:
        if name.startswith(prefix):
            return script
    return "Zyyy"


_NAME_SCRIPTS = (
    ("CJK", "Hani"), ("HIRAGANA", "Kana"), ("KATAKANA", "Kana"), ("HANGUL", "Hang"), ("LATIN", "Latn"),
    ("ARABIC", "Arab"), ("HEBREW", "Hebr"), ("DEVANAGARI", "Deva"), ("CYRILLIC", "Cyrl"), ("GREEK", "Grek"),
    ("THAI", "Thai"), ("BENGALI", "Beng"), ("TAMIL", "Taml"), ("TELUGU", "Telu"), ("GUJARATI", "Gujr"),
    ("GEORGIAN", "Geor"), ("ARMENIAN", "Armn"), ("KHMER", "Khmr"), ("SYRIAC", "Syrc"), ("THAANA", "Thaa"),
)


def is_spaceless_letter(char: str) -> bool:
    """A letter of a script written without spaces between words (Han, kana, Thai…)."""
    return char.isalpha() and char_script(char) in ("Hani", "Kana", "Thai", "Laoo", "Khmr", "Mymr", "Tibt")


def count_words(line: str) -> int:
    """Words in a lecture line, for its length limit: spaced words as written; in a script without
    spaces, two letters count as one word (a Chinese word is one to three characters, two on average)."""
    total = 0
    for token in line.split():
        spaceless = sum(is_spaceless_letter(c) for c in token)
        total += max(1, -(-spaceless // 2)) if spaceless else 1
    return total


# --- what the model is told ------------------------------------------------------------------------
def plan_note(lang: Language, max_words: int) -> str:
    """The outline's and storyboard's request note ("" for English: those requests stay as they were)."""
    if lang.english:
        return ""
    from . import prompts

    spacing = (f" {lang.name} is written without spaces: two characters count as one word, so a lecture line "
               f"holds at most {2 * max_words} characters.") if lang.spaceless else ""
    return prompts.render("language", language=lang.described(), language_name=lang.name, spacing=spacing).strip()


def code_note(lang: Language) -> str:
    """The coder's request note ("" for English)."""
    if lang.english:
        return ""
    from . import prompts

    return prompts.render("language_code", language=lang.described(), language_name=lang.name).strip()


def review_note(lang: Language) -> str:
    """What a model that looks at the video (the VLM critic, the judge) is told ("" for English)."""
    if lang.english:
        return ""
    from . import prompts

    direction = ", written right to left" if lang.rtl else ""
    return prompts.render("language_review", language=lang.described(), language_name=lang.name,
                          direction=direction).strip()


def with_note(request: list[dict], note: str) -> list[dict]:
    """A chat request with `note` appended to its last message (unchanged for an empty note)."""
    if note:
        request[-1]["content"] += "\n\n" + note
    return request


# --- which language a lecture is in ------------------------------------------------------------------
def choose(asked: str | None, recorded: str | None, notes: str | None = None) -> tuple[Language, str]:
    """The language of a lecture being planned, and a line to say about it ("" for nothing).
    A lecture keeps the language it was planned in (`recorded`); otherwise the one asked for
    (`--language`, `%config Code2Video.language`), else the notes' own, else English."""
    wanted = language(asked) if asked else None  # an unknown tag stops the run before any request
    if recorded:
        kept = language(recorded)
        if wanted is not None and wanted.base != kept.base:
            return kept, (f"kept the lecture's language, {kept.described()}, which it was planned in; to plan it "
                          f"again in {wanted.name}, delete the lecture folder")
        return kept, ""
    if wanted is not None:
        return wanted, ""
    if notes:
        found = detect(notes)
        if not found.english:
            return found, (f"the notes are in {found.described()}: so is the lecture "
                           "(--language or %config Code2Video.language chooses another)")
        return found, ""
    return english(), ""


_LATEX_PUNCTUATION = frozenset("–—‘’“”…·°×«»¡¿")


def latex_draws(text: str) -> bool:
    """Whether manim's default LaTeX (pdfTeX, utf8 input) draws every character of `text`: ASCII,
    accented Latin letters and common punctuation; not Han, Arabic, Devanagari, fullwidth signs…"""
    return all(c.isascii() or c in _LATEX_PUNCTUATION or (c.isalpha() and char_script(c) == "Latn")
               for c in text)
