"""The stage of a running scene: the frame, the title, the lecture lines and the anchor grid,
read from our TeachingScene or from a paper-style base class inline in the section file (the
original Code2Video convention: `self.title`, `self.lecture` a VGroup of lines, `self.grid` a
dict "A1".."F6" -> points, sometimes `self.cell_size`). Runs in the render process with the
instrumentation (`critic_instrument.py`).

Our TeachingScene is read through its own attributes (`title_mobject`, `lecture_line_mobjects`,
`lecture_column`, `anchor_grid`, `grid_overlay`), not the aliases, since scene code reuses
`self.grid` and `self.title` for its own things; other scenes through the original's names.
"""

from __future__ import annotations

import re

import numpy as np
from manim import Mobject, config

from ...findings import Box, Stage
from ...teaching_scene import AnchorGrid


def box_of_family(family: list) -> Box:
    """The box of these mobjects' points (each with points)."""
    points = np.concatenate([m.points for m in family])
    low, high = points.min(axis=0), points.max(axis=0)
    return Box(float(low[0]), float(low[1]), float(high[0]), float(high[1]))


def _mobject(*values):
    """The first value that is a mobject (not `or`: a mobject without parts is falsy)."""
    return next((v for v in values if isinstance(v, Mobject)), None)


def title_of(scene):
    """Our TeachingScene's own attribute first (scene code may reuse `self.title`), then the original's."""
    return _mobject(scene.__dict__.get("title_mobject"), getattr(scene, "title", None))


def _lecture_lines(scene) -> list:
    lines = scene.__dict__.get("lecture_line_mobjects")
    if isinstance(lines, list):
        return [m for m in lines if isinstance(m, Mobject)]
    group = _mobject(getattr(scene, "lecture", None))
    return list(group.submobjects) if group is not None else []


def lecture_group(scene):
    return _mobject(scene.__dict__.get("lecture_column"), getattr(scene, "lecture", None))


def role_ids(scene) -> dict[int, str]:
    roles = {id(m): "lecture" for m in _lecture_lines(scene)}
    if (group := lecture_group(scene)) is not None:
        roles[id(group)] = "lecture"
    if (title := title_of(scene)) is not None:
        roles[id(title)] = "title"
    if (overlay := _mobject(scene.__dict__.get("grid_overlay"))) is not None:
        roles[id(overlay)] = "grid"
    return roles


def stage_of(scene) -> Stage:
    width, height = float(config.frame_width), float(config.frame_height)
    frame = Box(-width / 2, -height / 2, width / 2, height / 2)
    title, lines = title_of(scene), _lecture_lines(scene)
    grid, cell = _grid(scene)
    return Stage(frame, _box_of([title]) if title is not None else None, _box_of(lines) if lines else None,
                 grid, cell)


def _box_of(mobjects: list) -> Box | None:
    family = [m for mob in mobjects for m in mob.get_family() if m.has_points()]
    return box_of_family(family) if family else None


_CELL = re.compile(r"^[A-Z]\d+$")


def _grid(scene) -> tuple[dict, tuple[float, float] | None]:
    """Cell centres and cell size: our AnchorGrid, or the original's `self.grid` dict of points."""
    anchor = getattr(scene, "anchor_grid", None)
    if isinstance(anchor, AnchorGrid):
        return ({c: tuple(float(v) for v in anchor.cell_center(c)[:2]) for c in anchor.cells()},
                (anchor.cell_width, anchor.cell_height))
    raw = scene.__dict__.get("grid")
    if not isinstance(raw, dict):
        return {}, None
    grid = {}
    for cell, point in raw.items():
        try:
            if isinstance(cell, str) and _CELL.match(cell):
                grid[cell] = (float(point[0]), float(point[1]))
        except (TypeError, ValueError, IndexError):
            continue
    return grid, _cell_size(scene.__dict__.get("cell_size"), grid)


def _cell_size(declared, grid: dict) -> tuple[float, float] | None:
    try:
        width, height = (float(v) for v in declared)
        if width > 0 and height > 0:
            return width, height
    except (TypeError, ValueError):
        pass
    steps = [np.diff(sorted({round(p[axis], 6) for p in grid.values()})) for axis in (0, 1)]
    if not all(len(s) for s in steps):
        return None
    return float(steps[0].min()), float(steps[1].min())
