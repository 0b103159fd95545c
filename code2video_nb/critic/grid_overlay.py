"""The anchor grid on a card's keyframe: a card that says `move it to D3–E5` shows where D3–E5 is.

The grid is drawn faintly (thin lines and small cell names, so the frame stays readable) where
the scene really has it: our TeachingScene's A1–F6, or the grid a paper-style base class builds
(any size: the critic's `Stage` records its cells). The cell or area the suggestion's change
names is tinted. Pure: PIL over an image, no notebook; `cards.py` adds the red outlines after.
"""

from __future__ import annotations

import re

from PIL import Image, ImageDraw, ImageFont

from ..findings import Box, Stage
from ..teaching_scene import FRAME_HEIGHT, FRAME_WIDTH, GRID
from .room import Grid

FRAME = Box(-FRAME_WIDTH / 2, -FRAME_HEIGHT / 2, FRAME_WIDTH / 2, FRAME_HEIGHT / 2)
LINE_RGBA = (255, 255, 255, 70)  # faint on manim's black; the picture shows through
LABEL_RGBA = (255, 255, 255, 110)
TARGET_RGBA = (52, 199, 89, 80)  # the suggested cell(s): a green tint, red stays the problem's
TARGET_EDGE_RGBA = (52, 199, 89, 200)
_QUOTED_CELL = re.compile(r"""["']([A-Za-z])(\d{1,2})["']""")


def default_grid() -> Grid:
    """TeachingScene's A1–F6, as the critic's `Grid`."""
    centres = {c: (float(x), float(y)) for c in GRID.cells() for x, y in [GRID.cell_center(c)[:2]]}
    return Grid(GRID.rows, tuple(range(1, GRID.n_cols + 1)), centres, (GRID.cell_width, GRID.cell_height))


def grid_from(stage: Stage | None, code: str = "") -> Grid | None:
    """The scene's own grid when the critic recorded it; else ours when the code places with our
    TeachingScene (it defines no placer of its own); else None (no grid is guessed)."""
    from .room import grid_of

    grid = grid_of(stage) if stage is not None and stage.grid else None
    if grid is not None:
        return grid
    own_placer = re.search(r"^\s*def\s+place_(at_grid|in_area)\s*\(", code, re.M)
    return None if own_placer else default_grid()


def target_of(change: str, grid: Grid) -> tuple[str, str] | None:
    """The cell or area a change's text moves something to: `place_at_grid(x, "C5")` → (C5, C5),
    `place_in_area(x, "C5", "D6")` or `(self.grid["C5"] + self.grid["D6"]) / 2` → (C5, D6).
    None when it names no cell of `grid` (a scale, a fade, a label put beside another object)."""
    named = [f"{r.upper()}{int(c)}" for r, c in _QUOTED_CELL.findall(change or "")]
    named = [n for n in named if n in grid.centers]
    if not named:
        return None
    return named[0], named[-1] if len(named) > 1 else named[0]


def draw(image: Image.Image, grid: Grid, target: tuple[str, str] | None = None, frame: Box = FRAME) -> Image.Image:
    """`image` (a keyframe of the whole frame) with the grid's cells outlined faintly and named,
    and `target` tinted; an RGB copy, the original is left as it is."""
    base = image.convert("RGBA")
    layer = Image.new("RGBA", base.size, (0, 0, 0, 0))
    pen = ImageDraw.Draw(layer)
    if target is not None:
        x0, y0, x1, y1 = _pixels(grid.bounds(*target), base.size, frame)
        pen.rectangle([x0, y0, x1, y1], fill=TARGET_RGBA, outline=TARGET_EDGE_RGBA, width=max(1, base.width // 400))
    font = ImageFont.load_default(size=max(8, base.height // 50))
    for name in grid.centers:
        x0, y0, x1, y1 = _pixels(grid.bounds(name, name), base.size, frame)
        pen.rectangle([x0, y0, x1, y1], outline=LINE_RGBA, width=1)
        pen.text((x0 + 2, y0 + 1), name, fill=LABEL_RGBA, font=font)
    return Image.alpha_composite(base, layer).convert("RGB")


def _pixels(box: Box, size: tuple[int, int], frame: Box) -> tuple[int, int, int, int]:
    """A box in scene units (y up, origin at the centre) as pixel corners of a `size` image (y down)."""
    width, height = size
    sx, sy = width / frame.width, height / frame.height
    return (round((box.left - frame.left) * sx), round((frame.top - box.top) * sy),
            round((box.right - frame.left) * sx), round((frame.top - box.bottom) * sy))
