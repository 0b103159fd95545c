"""A text's outlines read once per section, not once per run (render child only).

A `Text` is a Pango SVG (kept on disk: `texts/<hash>.svg`, and the shared TeX cache) that manim
parses again in every run: svgelements reads each glyph's path, then a VMobject and a VGroup are
built per SVG element. That was most of a check pass or a critique of a lecture scene (its title
and lecture lines; a long line is built twice, to measure and to wrap), and the runs of one section
(the critique, its patch checks, the fix loop's checks, the render) read the same files. So the
first run keeps the outlines it got, as plain numbers beside the SVG (`texts/<sha>.outlines.npz`,
keyed by the SVG's bytes and manim's settings for it); a later run builds the same glyphs from
them: the same class, the same points, the same style calls, without parsing (about a third of
the time of a Text). manim's `SVGMobject.id_to_vgroup_dict` (a VGroup per SVG element, which Text
never reads, unlike MathTex) is built when first read.

Only what Pango writes is kept: every element a path. A file that holds anything else, or a kept
file that does not read back whole, is parsed as before. The file is numbers only (numpy without
pickle), written in the section's own media folder; the parent publishes it to the shared TeX
cache with the SVGs (`render/tex_cache.py`), so another section or lecture with the same text
reads it too. A run can at worst spoil text shapes, as it could spoil the SVG they come from.

Check passes only (`render_worker.run`): a rebuilt text does not pickle as a parsed one does
(its glyphs' empty path objects, the lazy groups), and a render keys its plays' partial movies by
that pickle (`movie_cache.py`), so a render that rebuilt where the last one parsed would reuse
none of its movies.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import svgelements as se
from manim import MarkupText, RendererType, Text, VGroup, config
from manim.mobject.svg.svg_mobject import SVGMobject, VMobjectFromSVGPath

from .tex_lookup import copy_in, outlines_complete

VERSION = "1"  # of the file's layout
_STYLE = ("stroke_width", "stroke_opacity", "fill_opacity")
_COLOURS = ("stroke_color", "fill_color")


def install(shared: str | None = None) -> None:
    """From now on in this process, Text and MarkupText outlines come from their kept file when
    there is one: the section's, else the shared TeX cache's `outlines` folder (`shared`, read only:
    copied in, as its SVGs are, and published by the parent after the run). Once per process:
    the warm server's children each call it once."""
    if getattr(SVGMobject.generate_mobject, "keeps_outlines", False):
        return
    parse = SVGMobject.generate_mobject

    def generate_mobject(self):
        if not isinstance(self, (Text, MarkupText)) or config.renderer != RendererType.CAIRO:
            return parse(self)  # OpenGL's mobjects keep their points otherwise: never rebuilt here
        svg = Path(self.get_file_path())
        kept = svg.with_name(f"{_key(self, svg)}.outlines.npz")
        if not kept.exists() and shared:
            copy_in(Path(shared) / kept.name, kept, outlines_complete)
        if _rebuilt(self, kept):
            return self
        styles = _parsed_with_styles(self, parse)
        _keep(self, styles, kept)
        return self

    generate_mobject.keeps_outlines = True  # type: ignore[attr-defined]
    SVGMobject.generate_mobject = generate_mobject


def _key(mob, svg: Path) -> str:
    """The SVG's bytes and every setting of manim's that shapes the glyphs read from it."""
    seed = repr((VERSION, type(mob).__name__, mob.svg_default, mob.path_string_config, str(config.renderer)))
    return hashlib.sha256(svg.read_bytes() + seed.encode()).hexdigest()[:24]


def _parsed_with_styles(mob, parse) -> dict[int, dict]:
    """manim's own parse, noting the style each element's mobject was given (by id of the mobject)."""
    styles: dict[int, dict] = {}
    apply_style = SVGMobject.__dict__["apply_style_to_mobject"]

    def noted(shape_mob, shape):
        styles[id(shape_mob)] = {
            "stroke_width": shape.stroke_width if shape.stroke.value is not None else 0,
            "stroke_color": shape.stroke.hexrgb, "stroke_opacity": shape.stroke.opacity,
            "fill_color": shape.fill.hexrgb, "fill_opacity": shape.fill.opacity}
        return apply_style.__func__(shape_mob, shape)

    SVGMobject.apply_style_to_mobject = staticmethod(noted)
    try:
        parse(mob)
    finally:
        SVGMobject.apply_style_to_mobject = apply_style
    return styles


def _keep(mob, styles: dict[int, dict], kept: Path) -> None:
    """Write the glyphs' final points and style calls, and which glyphs each SVG group holds."""
    glyphs = mob.submobjects
    if not glyphs or any(type(g) is not VMobjectFromSVGPath or id(g) not in styles for g in glyphs):
        return  # not only paths (an underline's rect): parsed every time
    index = {id(g): i for i, g in enumerate(glyphs)}
    groups = mob.id_to_vgroup_dict
    if any(id(m) not in index for group in groups.values() for m in group.submobjects):
        return
    members = [[index[id(m)] for m in group.submobjects] for group in groups.values()]
    arrays: dict[str, Any] = {
        "points": np.concatenate([g.points for g in glyphs]).astype(np.float64),
        "counts": np.array([len(g.points) for g in glyphs], dtype=np.int64),
        "groups": np.array(list(groups), dtype=str),
        "members": np.array([i for m in members for i in m], dtype=np.int64),
        "sizes": np.array([len(m) for m in members], dtype=np.int64),
    }
    for name in _STYLE:
        arrays[name] = np.array([_number(styles[id(g)][name]) for g in glyphs], dtype=np.float64)
    for name in _COLOURS:
        arrays[name] = np.array([styles[id(g)][name] or "" for g in glyphs], dtype=str)
    temp = kept.with_name(f".{kept.name}.{os.getpid()}.tmp")
    try:
        with open(temp, "wb") as handle:
            np.savez(handle, **arrays)
        os.replace(temp, kept)
    except OSError:  # a folder it may not write: the next run parses again
        temp.unlink(missing_ok=True)


def _number(value) -> float:
    return float("nan") if value is None else float(value)


def _rebuilt(mob, kept: Path) -> bool:
    """The glyphs built from the kept file, as manim's parse would have built them; False (parse)
    when there is none or it does not read back whole."""
    try:
        with np.load(kept, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
        glyphs = _glyphs(mob, arrays)
        groups = _Groups(glyphs, arrays)
    except (OSError, EOFError, zipfile.BadZipFile, KeyError, ValueError, IndexError, TypeError):
        return False  # none yet, or spoiled: parsed (and kept) again
    mob.add(*glyphs)
    mob.id_to_vgroup_dict = groups
    return True


def _glyphs(mob, arrays: dict) -> list:
    counts, points = arrays["counts"], arrays["points"]
    if counts.ndim != 1 or points.ndim != 2 or points.shape[1] != 3 or int(counts.sum()) != len(points) \
            or (counts < 0).any():
        raise ValueError("the kept outlines do not add up")
    starts = np.concatenate([[0], np.cumsum(counts)])
    glyphs = []
    for i in range(len(counts)):
        glyph = VMobjectFromSVGPath(se.Path(), **mob.path_string_config)
        glyph.set_style(**_style(arrays, i))
        glyph.points = points[starts[i]:starts[i + 1]].copy()
        glyphs.append(glyph)
    return glyphs


def _style(arrays: dict, i: int) -> dict[str, Any]:
    style: dict[str, Any] = {name: (None if np.isnan(arrays[name][i]) else float(arrays[name][i])) for name in _STYLE}
    style.update({name: (str(arrays[name][i]) or None) for name in _COLOURS})
    return style


class _Groups(Mapping):
    """manim's `id_to_vgroup_dict` of a Text: each SVG group's VGroup of glyphs, made when read."""

    def __init__(self, glyphs: list, arrays: dict):
        names, members, sizes = arrays["groups"], arrays["members"], arrays["sizes"]
        if len(names) != len(sizes) or int(sizes.sum()) != len(members) or \
                (len(members) and (members.min() < 0 or members.max() >= len(glyphs))):
            raise ValueError("the kept groups do not add up")
        ends = np.cumsum(sizes)
        self.glyphs = glyphs
        self.members = {str(n): members[e - s:e].tolist() for n, s, e in zip(names, sizes, ends)}
        self.made: dict[str, VGroup] = {}

    def __getitem__(self, name: str) -> VGroup:
        if name not in self.made:
            self.made[name] = VGroup(*(self.glyphs[i] for i in self.members[name]))
        return self.made[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)
