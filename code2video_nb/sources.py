"""A teacher's notes as a lecture source: .md, .txt, .ipynb or .html read into a `Source`.

A `Source` is the notes' title and their headed parts in order, each with its text and the
formulas found in it verbatim (the TeX between `$…$`, `$$…$$`, `\\(…\\)`, `\\[…\\]` or an
equation environment), so the planner can keep the notes' structure and the coder can copy
the formulas into `MathTex` unchanged. Everything here is pure: text in, dataclasses out.

Parts are the notes' top level of headings under the title: a single `#` heading is the
title and the `##` headings are the parts; deeper headings stay inside their part. Notes
without headings are cut at paragraphs into parts of a readable size.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

from .errors import SourceError

MAX_SOURCE_BYTES = 1_000_000  # a lecture's notes; a book is several lectures
MAX_NOTEBOOK_BYTES = 20_000_000  # an .ipynb also holds outputs (images), which are not read
KINDS = (".md", ".markdown", ".txt", ".ipynb", ".html", ".htm")
CHARS_PER_TOKEN = 4  # OpenAI's tokenizers average about 4 characters of English a token
EXCERPT_CHARS = 240
PARAGRAPH_PART_CHARS = 1200  # notes without headings: paragraphs joined into parts about this long
LONG_PREAMBLE_CHARS = 600  # text before the first heading longer than this is a part of its own

_ATX = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_SETEXT = re.compile(r"\s{0,3}(=+|-{3,})\s*")
_FORMULAS = re.compile(
    r"\$\$(?P<display>.+?)\$\$"
    r"|\\\[(?P<bracket>.+?)\\\]"
    r"|\\\((?P<paren>.+?)\\\)"
    # an environment's body: MathTex sets its text in align* itself
    r"|\\begin\{(?P<name>equation|align|gather|multline)\*?\}(?P<env>.+?)\\end\{(?P=name)\*?\}"
    r"|(?<![\\$\w])\$(?P<inline>[^$\s](?:[^$\n]*?[^$\s\\])?)\$(?![\w$])",
    re.DOTALL,
)
# A formula states something (a relation, an operation); `$A$` or `$(1, 0)$` only names a thing.
_STATES = re.compile(r"[=<>^_+]|\\(?:le|ge|neq|approx|to|in|frac|int|sum|prod|sqrt|begin|lim|det|partial|nabla|"
                     r"cdot|times|mid)(?![A-Za-z])")


@dataclass(frozen=True)
class SourcePart:
    heading: str
    text: str
    formulas: tuple[str, ...] = ()

    def excerpt(self, limit: int = EXCERPT_CHARS) -> str:
        """The part's opening words on one line: what a section cites."""
        flat = " ".join(self.text.split())
        return flat if len(flat) <= limit else flat[:limit].rsplit(" ", 1)[0] + " …"


@dataclass(frozen=True)
class Source:
    title: str
    parts: tuple[SourcePart, ...]
    preamble: str = ""  # text under the title before the first part
    name: str = ""  # the file it came from, for messages and lecture.json
    formulas: tuple[str, ...] = field(default=())

    @property
    def text(self) -> str:
        return "\n\n".join([self.preamble] + [f"{p.heading}\n{p.text}" for p in self.parts]).strip()

    @property
    def tokens(self) -> int:
        return estimate_tokens(self.text)

    @property
    def fingerprint(self) -> str:
        """The notes' name and a hash of their text: which version of the notes a plan was made from."""
        return f"{self.name} {hashlib.sha256(self.text.encode()).hexdigest()[:10]}".strip()

    def record(self) -> dict:
        """What lecture.json keeps about the notes (the parts' text is in the sections' citations)."""
        return {"name": self.name, "title": self.title, "parts": [p.heading for p in self.parts],
                "tokens": self.tokens}


def is_notes(text: str, topic_chars: int = 2000) -> bool:
    """A notebook cell's body is notes, not a topic, when it has two Markdown headings or more (one
    may be a topic written as a title) or is longer than a topic may be (`planner.MAX_TOPIC_CHARS`)."""
    return len(text) > topic_chars or sum(bool(_ATX.match(line)) for line in text.splitlines()) >= 2


def estimate_tokens(text: str) -> int:
    """About how many tokens a model reads for `text` (no tokenizer dependency: a bound, not a bill)."""
    return -(-len(text) // CHARS_PER_TOKEN)


def read_source(path: Path | str) -> Source:
    """The notes at `path`; SourceError (one line) if they are missing, too large or unreadable."""
    path = Path(path)
    kind = path.suffix.lower()
    if kind not in KINDS:
        raise SourceError(f"{path}: notes must be Markdown, text, a notebook or HTML ({', '.join(KINDS)})")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the notes ({exc.strerror or exc})") from None
    limit = MAX_NOTEBOOK_BYTES if kind == ".ipynb" else MAX_SOURCE_BYTES
    if size > limit:
        raise SourceError(f"{path} is {size / 1e6:.1f} MB; notes of at most {limit / 1e6:.0f} MB make one lecture: "
                          "split them (e.g. one file per chapter) and make a lecture of each")
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot read the notes as UTF-8 text ({exc})") from None
    markdown = {".ipynb": _notebook_markdown, ".html": _html_markdown, ".htm": _html_markdown}.get(kind, str)(raw)
    return source_from_markdown(markdown, name=path.name, fallback_title=_title_from_name(path))


def source_from_markdown(text: str, *, name: str = "", fallback_title: str = "") -> Source:
    """Markdown (or plain text) notes as a Source; a cell body typed in a notebook comes here too."""
    headings = _headings(text)
    titles = [h for h in headings if h.level == 1]
    title_line = titles[0] if len(titles) == 1 and titles[0] == headings[0] else None
    rest = [h for h in headings if h is not title_line]
    lines = text.splitlines()
    title = title_line.text if title_line else fallback_title or (rest[0].text if rest else _first_words(text))
    start = title_line.body if title_line else 0
    if not rest:
        parts = _paragraph_parts("\n".join(lines[start:]))
        return _source(title, parts, "", name)
    level = min(h.level for h in rest)
    cuts = [h for h in rest if h.level == level]
    preamble = "\n".join(lines[start:cuts[0].start]).strip()
    ends = [h.start for h in cuts[1:]] + [len(lines)]
    parts = [(h.text, "\n".join(lines[h.body:end]).strip()) for h, end in zip(cuts, ends)]
    if len(preamble) > LONG_PREAMBLE_CHARS:  # an introduction the lecture should cover too
        parts, preamble = [("Introduction", preamble)] + parts, ""
    return _source(title, parts, preamble, name)


def find_formulas(text: str) -> tuple[str, ...]:
    """The TeX of every formula in `text`, verbatim, in order, each once; code blocks and bare
    symbols (`$A$`, `$(1, 0)$`) are skipped."""
    found = []
    for match in _FORMULAS.finditer(_without_code(text)):
        tex = next(v for k, v in match.groupdict().items() if v is not None and k != "name").strip()
        if _STATES.search(tex) and tex not in found:
            found.append(tex)
    return tuple(found)


def _source(title: str, parts: list[tuple[str, str]], preamble: str, name: str) -> Source:
    made = tuple(SourcePart(h, t, find_formulas(t)) for h, t in parts if h.strip() or t.strip())
    if not made:
        raise SourceError(f"{name or 'the notes'}: no text to make a lecture from")
    every = tuple(dict.fromkeys(f for p in made for f in (find_formulas(preamble) + p.formulas)))
    return Source(title.strip(), made, preamble, name, every)


class _Heading(NamedTuple):
    start: int  # its first line
    body: int  # the first line of the text under it
    level: int
    text: str


def _headings(text: str) -> list[_Heading]:
    """Each ATX (`## x`) or setext (x underlined) heading outside code, in order."""
    found, fenced = [], False
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if _FENCE.match(line):
            fenced = not fenced
        elif fenced:
            continue
        elif m := _ATX.match(line):
            found.append(_Heading(i, i + 1, len(m.group(1)), m.group(2).strip()))
        elif i > 0 and _SETEXT.fullmatch(line) and _setext_title(lines[i - 1]):
            found.append(_Heading(i - 1, i + 1, 1 if line.lstrip().startswith("=") else 2, lines[i - 1].strip()))
    return found


def _setext_title(line: str) -> bool:
    """A line an underline makes a heading: text, not a list item, a quote or an ATX heading."""
    return bool(line.strip()) and not re.match(r"\s*([-*+>#]|\d+\.)\s", line) and not line.startswith((" ", "\t"))


def _paragraph_parts(text: str) -> list[tuple[str, str]]:
    """Notes without headings: paragraphs joined into parts, each named by its first sentence."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    parts, current = [], []
    for paragraph in paragraphs:
        current.append(paragraph)
        if sum(map(len, current)) >= PARAGRAPH_PART_CHARS:
            parts.append(current)
            current = []
    if current:
        parts.append(current)
    return [(_first_words(" ".join(p)), "\n\n".join(p)) for p in parts]


def _first_words(text: str, limit: int = 60) -> str:
    sentence = re.split(r"(?<=[.!?])\s", " ".join(text.split()), maxsplit=1)[0]
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0] + " …"


def _title_from_name(path: Path) -> str:
    return re.sub(r"[_-]+", " ", path.stem).strip().capitalize()


def _without_code(text: str) -> str:
    """Fenced code blocks and `inline code` blanked out: `$x` in code is no formula."""
    kept, fenced = [], False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        kept.append("" if fenced else re.sub(r"`[^`\n]*`", "", line))
    return "\n".join(kept)


# other kinds of notes, as Markdown ---------------------------------------------------
def _notebook_markdown(raw: str) -> str:
    """Markdown cells as they are, code cells as fenced code; outputs are not read."""
    import nbformat

    try:
        nb = nbformat.reads(raw, as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises several kinds (JSON, validation, version)
        raise SourceError(f"the notebook cannot be read: {str(exc).splitlines()[0][:200]}") from None
    blocks = []
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            blocks.append(cell.source)
        elif cell.cell_type == "code" and cell.source.strip():
            blocks.append(f"```python\n{cell.source}\n```")
    return "\n\n".join(blocks)


def _html_markdown(raw: str) -> str:
    parser = _HTMLText()
    parser.feed(raw)
    parser.close()
    return parser.markdown()


class _HTMLText(HTMLParser):
    """An article's headings and text; MathJax/KaTeX TeX (a math/tex script or a MathML
    annotation) becomes `$…$` so its formulas are found like Markdown's."""

    SKIP = {"script", "style", "head", "nav", "footer", "noscript", "svg"}
    BLOCKS = {"p", "div", "li", "br", "tr", "pre", "blockquote", "section", "article", "table", "ul", "ol"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0
        self.tex: list[str] | None = None  # collecting a formula's TeX
        self.display = False
        self.in_math = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and (attrs.get("type") or "").startswith("math/tex"):
            self.tex, self.display = [], "mode=display" in attrs.get("type", "")
        elif tag == "annotation" and attrs.get("encoding") == "application/x-tex":
            self.tex, self.display = [], False
        elif tag == "math":
            self.in_math += 1
        elif tag in self.SKIP:
            self.skipping += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.out.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag in self.BLOCKS:
            self.out.append("\n\n" if tag != "li" else "\n- ")

    def handle_endtag(self, tag):
        if self.tex is not None and tag in ("script", "annotation"):
            tex = "".join(self.tex).strip()
            self.out.append(f" $${tex}$$ " if self.display else f" ${tex}$ ")
            self.tex = None
        elif tag == "math":
            self.in_math = max(0, self.in_math - 1)
        elif tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif re.fullmatch(r"h[1-6]", tag) or tag in self.BLOCKS:
            self.out.append("\n\n")

    def handle_data(self, data):
        if self.tex is not None:
            self.tex.append(data)
        elif not self.skipping and not self.in_math:  # MathML's own glyphs repeat its TeX annotation
            self.out.append(data)

    def markdown(self) -> str:
        text = "".join(self.out)
        # A heading is one line: the text the parser split inside <h2> joins again.
        text = re.sub(r"(^|\n)(#{1,6} )\s*([^\n]*)", lambda m: m.group(1) + m.group(2) + m.group(3).strip(), text)
        return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+", " ", text)).strip()
