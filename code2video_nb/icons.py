"""The offline icon set: Font Awesome Free 6, from the `fontawesomefree` package (PyPI).

Chosen because it is the publisher's own package (Fonticons, Inc.), pure data with no
dependencies, and ships what a search needs beside the SVGs: `metadata/icons.json` gives each of
its ~1,900 free icons a label, alias names and search terms ("earth-americas": planet, globe,
world, ...). Its icons are CC BY 4.0 (credit in lecture.json travels with each copied icon), its
code MIT. manim's SVGMobject draws its SVGs as they are; they carry no fill, so SVG's default
black applies, which the video's black background would hide: `white_svg` gives a copy a white fill.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

PACKAGE = "fontawesomefree"
LICENCE = "CC BY 4.0 (Font Awesome Free by Fonticons, Inc.; https://fontawesome.com/license/free)"
STYLES = ("solid", "regular", "brands")  # preferred first: solid reads best at 480p
# Words that say what kind of picture is wanted, not what it shows.
_NOISE = frozenset({"a", "an", "the", "of", "and", "or", "with", "for", "to", "in", "on", "icon", "photo",
                    "picture", "image", "diagram", "drawing", "simple", "small", "showing", "symbol"})
_WORD = re.compile(r"[a-z0-9]+")


@dataclass(frozen=True)
class Icon:
    name: str
    style: str
    label: str
    terms: frozenset[str]  # alias names, search terms and label words, lower case
    path: Path

    @property
    def source(self) -> str:
        return f"Font Awesome Free {version()}: {self.style}/{self.name}.svg"


def installed() -> bool:
    try:
        return _root().is_dir()
    except ModuleNotFoundError:
        return False


@lru_cache(maxsize=1)
def version() -> str:
    return metadata.version(PACKAGE)


def _root() -> Path:
    return Path(str(resources.files(PACKAGE))) / "static" / PACKAGE


@lru_cache(maxsize=1)
def catalogue() -> tuple[Icon, ...]:
    """Every free icon once, in its preferred style (about 0.1 s, once per process)."""
    root = _root()
    data = json.loads((root / "metadata" / "icons.json").read_text(encoding="utf-8"))
    icons = []
    for name, entry in data.items():
        style = next((s for s in STYLES if s in entry.get("free", entry.get("styles", []))
                      and (root / "svgs" / s / f"{name}.svg").is_file()), None)
        if style is None:
            continue
        label = str(entry.get("label") or name)
        words = {*_words(label), *_words(name), *(w for t in entry.get("search", {}).get("terms", []) or []
                                                  for w in _words(str(t)))}
        words.update(str(a) for a in entry.get("aliases", {}).get("names", []) or [])
        icons.append(Icon(name, style, label, frozenset(words), root / "svgs" / style / f"{name}.svg"))
    return tuple(icons)


def search(query: str, limit: int = 5) -> list[Icon]:
    """Icons for a name or a short description, best first; [] when nothing matches a word of it."""
    words = [w for w in _words(query) if w not in _NOISE]
    if not words:
        return []
    slug = "-".join(words)
    scored = [(score, icon) for icon in catalogue() if (score := _score(icon, words, slug)) > 0]
    scored.sort(key=lambda pair: (-pair[0], STYLES.index(pair[1].style), pair[1].name))
    return [icon for _, icon in scored[:limit]]


def _score(icon: Icon, words: list[str], slug: str) -> float:
    if slug == icon.name:
        return 1000.0
    name_parts = icon.name.split("-")
    score = sum(10 if w in name_parts else 5 if w in icon.terms else 0 for w in words)
    if not score:
        return 0.0
    score += 20 if slug in icon.terms else 0  # an alias or tag the whole request names ("planet")
    # Fewer other words in the name: "eye" before "arrows-to-eye". A brand logo is seldom what a
    # lecture means by a word (a "python" snake, not the logo): it wins only when nothing else does.
    return score - 0.5 * len(name_parts) - (3 if icon.style == "brands" else 0)


def white_svg(path: Path) -> bytes:
    """An icon's SVG with a white fill on its root, so it shows on the video's black background."""
    text = Path(path).read_text(encoding="utf-8")
    return re.sub(r"<svg\b", '<svg fill="#ffffff"', text, count=1).encode("utf-8")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())
