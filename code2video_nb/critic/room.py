"""Free room on the anchor grid: where an object can go at one moment without covering anything.

    find(stage, blockers, box) -> Spot(cells=("B4", "C5"), scale=1.0) | None

A spot is a cell (the object centred on it, as `place_at_grid` does; it may spill over the cell
if nothing is there, but not out of the grid) or an area of cells the object fits in (as
`place_in_area`), nearest to where the object is now. When nothing fits at its size, the area
that allows the largest scale.
Boxes are manim scene units; pure geometry.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from ..findings import Box, Stage

MARGIN = 0.1  # kept free around what is already there, and inside the frame
MIN_SCALE = 0.4  # below this a "fit" is no longer the same object to a viewer
AREA_PENALTY = 0.1  # per extra cell: of two spots about as near, the smaller area reads simpler


@dataclass(frozen=True)
class Spot:
    cells: tuple[str, str]  # first (top-left) and last (bottom-right) cell; equal for one cell
    scale: float = 1.0
    center: tuple[float, float] = (0.0, 0.0)

    def words(self) -> str:
        where = self.cells[0] if self.cells[0] == self.cells[1] else f"{self.cells[0]}–{self.cells[1]}"
        return where if self.scale == 1.0 else f"{where}, scaled by {self.scale:g}"


@dataclass(frozen=True)
class Grid:
    rows: str
    columns: tuple[int, ...]
    centers: dict[str, tuple[float, float]]
    cell: tuple[float, float]

    def bounds(self, first: str, last: str) -> Box:
        (x1, y1), (x2, y2) = self.centers[first], self.centers[last]
        w, h = self.cell
        return Box(min(x1, x2) - w / 2, min(y1, y2) - h / 2, max(x1, x2) + w / 2, max(y1, y2) + h / 2)

    def count(self, first: str, last: str) -> int:
        (r1, c1), (r2, c2) = (self._index(first), self._index(last))
        return (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1)

    def _index(self, cell: str) -> tuple[int, int]:
        return self.rows.index(cell[0]), self.columns.index(int(cell[1:]))

    def areas(self):
        """Every rectangle of cells as (first, last), smallest first."""
        spans = [(r1, r2, c1, c2) for r1 in range(len(self.rows)) for r2 in range(r1, len(self.rows))
                 for c1 in range(len(self.columns)) for c2 in range(c1, len(self.columns))]
        for r1, r2, c1, c2 in sorted(spans, key=lambda s: (s[1] - s[0] + 1) * (s[3] - s[2] + 1)):
            first, last = f"{self.rows[r1]}{self.columns[c1]}", f"{self.rows[r2]}{self.columns[c2]}"
            if first in self.centers and last in self.centers:
                yield first, last


def grid_of(stage: Stage) -> Grid | None:
    cells = {}
    for name, center in stage.grid.items():
        m = re.fullmatch(r"([A-Za-z])(\d+)", name)
        if m:
            cells[(m.group(1).upper(), int(m.group(2)))] = (float(center[0]), float(center[1]))
    if not cells:
        return None
    rows = "".join(sorted({r for r, _ in cells}))
    columns = tuple(sorted({c for _, c in cells}))
    centers = {f"{r}{c}": xy for (r, c), xy in cells.items()}
    cell = (stage.cell_size[0], stage.cell_size[1]) if stage.cell_size else (
        _step(sorted({xy[0] for xy in cells.values()})), _step(sorted({xy[1] for xy in cells.values()})))
    return Grid(rows, columns, centers, cell)


def _step(values: list[float]) -> float:
    gaps = [b - a for a, b in zip(values, values[1:]) if b - a > 1e-6]
    return min(gaps) if gaps else 1.0


def find(stage: Stage, blockers: list[Box], box: Box, text_height: float | None = None,
         min_text_height: float = 0.0) -> Spot | None:
    grid = grid_of(stage)
    if grid is None or box.width <= 0 and box.height <= 0:
        return None
    region = grid.bounds(*_corners(grid))
    near = (_clamp((box.left + box.right) / 2, region.left, region.right),
            _clamp((box.bottom + box.top) / 2, region.bottom, region.top))
    least = MIN_SCALE
    if text_height:
        least = max(least, min_text_height / text_height)
    inside = region.intersection(_inflate(stage.frame, -MARGIN)) or region
    inside = _inflate(inside, MARGIN)
    # each distinct box once, with its margin, as plain tuples: this loop runs for every area
    walls = [(b.left - MARGIN, b.bottom - MARGIN, b.right + MARGIN, b.top + MARGIN) for b in set(blockers)]
    best = None
    for first, last in grid.areas():
        spot = _try(grid, inside, walls, box, first, last, least)
        if spot is None:
            continue
        cells = grid.count(first, last)
        cost = (-spot.scale, math.dist(spot.center, near) + AREA_PENALTY * (cells - 1))
        if best is None or cost < best[0]:
            best = (cost, spot)
    return best[1] if best else None


NEXT_TO_BUFF = 0.25  # manim's next_to gap (MED_SMALL_BUFF)


def beside(stage: Stage, blockers: list[Box], anchor: Box, box: Box) -> str | None:
    """The side of `anchor` ("UP", "DOWN", "LEFT", "RIGHT") where `box`, put there as `next_to`
    does, stays in the frame and covers nothing: the side it leans to now first."""
    (ax, ay), (bx, by) = _centre(anchor), _centre(box)
    w, h = box.width, box.height
    spots = {"UP": Box(ax - w / 2, anchor.top + NEXT_TO_BUFF, ax + w / 2, anchor.top + NEXT_TO_BUFF + h),
             "DOWN": Box(ax - w / 2, anchor.bottom - NEXT_TO_BUFF - h, ax + w / 2, anchor.bottom - NEXT_TO_BUFF),
             "RIGHT": Box(anchor.right + NEXT_TO_BUFF, ay - h / 2, anchor.right + NEXT_TO_BUFF + w, ay + h / 2),
             "LEFT": Box(anchor.left - NEXT_TO_BUFF - w, ay - h / 2, anchor.left - NEXT_TO_BUFF, ay + h / 2)}
    leaning = ("RIGHT" if bx > ax else "LEFT") if abs(bx - ax) > abs(by - ay) else ("UP" if by > ay else "DOWN")
    inside = _inflate(stage.frame, -MARGIN)
    for side in dict.fromkeys([leaning, "DOWN", "UP", "RIGHT", "LEFT"]):
        spot = spots[side]
        if inside.contains(spot) and not any(_touches(_inflate(b, MARGIN / 2), spot) for b in blockers):
            return side
    return None


def _centre(box: Box) -> tuple[float, float]:
    return (box.left + box.right) / 2, (box.bottom + box.top) / 2


def _touches(a: Box, b: Box) -> bool:
    return a.intersection(b) is not None


def _try(grid: Grid, inside: Box, walls: list[tuple], box: Box, first: str, last: str,
         least: float) -> Spot | None:
    area = grid.bounds(first, last)
    cx, cy = (area.left + area.right) / 2, (area.bottom + area.top) / 2
    w, h = box.width, box.height
    one_cell = first == last
    fits = min([1.0] + [room / size for room, size in ((area.width, w), (area.height, h)) if size > 0])
    scale = 1.0 if one_cell or fits >= 1.0 else round_down(fits * 0.95)
    if scale < least:
        return None
    left, bottom, right, top = cx - w * scale / 2, cy - h * scale / 2, cx + w * scale / 2, cy + h * scale / 2
    if not inside.contains(Box(left, bottom, right, top)):
        return None
    if any(left < r and w < right and bottom < t and b < top for w, b, r, t in walls):
        return None
    return Spot((first, last), scale, (cx, cy))


def _corners(grid: Grid) -> tuple[str, str]:
    return f"{grid.rows[0]}{grid.columns[0]}", f"{grid.rows[-1]}{grid.columns[-1]}"


def _inflate(box: Box, by: float) -> Box:
    return Box(box.left - by, box.bottom - by, box.right + by, box.top + by)


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def scaled(box: Box, factor: float) -> Box:
    """The box scaled about its centre."""
    cx, cy = (box.left + box.right) / 2, (box.bottom + box.top) / 2
    w, h = box.width * factor / 2, box.height * factor / 2
    return Box(cx - w, cy - h, cx + w, cy + h)


def round_up(value: float, step: float = 0.1) -> float:
    return round(math.ceil(value / step - 1e-9) * step, 2)


def round_down(value: float, step: float = 0.05) -> float:
    return round(math.floor(value / step + 1e-9) * step, 2)
