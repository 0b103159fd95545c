"""The grid where it is named (issue 21 §4): a card's keyframe shows the anchor grid faintly, with
the cell(s) its change names tinted, and leaves the rest of the picture as it was."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image

from code2video_nb.critic import grid_overlay
from code2video_nb.findings import Box, Stage
from code2video_nb.notebook.cards import outlined_keyframe

SIZE = (854, 480)  # a preview keyframe (480p)


def _keyframe(tmp_path) -> tuple[Image.Image, object]:
    """A frame with something everywhere (a gradient and stripes), so any change shows."""
    x = np.linspace(0, 200, SIZE[0], dtype=np.float32)[None, :].repeat(SIZE[1], 0)
    y = np.linspace(0, 120, SIZE[1], dtype=np.float32)[:, None].repeat(SIZE[0], 1)
    pixels = np.stack([x, y, (x + y) % 90], axis=-1).astype(np.uint8)
    image = Image.fromarray(pixels)
    path = tmp_path / "2.png"
    image.save(path)
    return image, path


def _px(grid, cell: str, fx: float, fy: float) -> tuple[int, int]:
    """A pixel at fraction (fx, fy) of `cell`, from its top-left corner."""
    box = grid.bounds(cell, cell)
    x = box.left + fx * box.width
    y = box.top - fy * box.height
    frame = grid_overlay.FRAME
    return round((x - frame.left) / frame.width * SIZE[0]), round((frame.top - y) / frame.height * SIZE[1])


def _boundary_pixels(grid) -> list[tuple[int, int]]:
    """Pixels on the cells' edges (middle of each cell's left and top edge)."""
    out = []
    for name in grid.centers:
        box = grid.bounds(name, name)
        frame = grid_overlay.FRAME
        left = round((box.left - frame.left) / frame.width * SIZE[0])
        top = round((frame.top - box.top) / frame.height * SIZE[1])
        mid_y = round((frame.top - (box.top + box.bottom) / 2) / frame.height * SIZE[1])
        mid_x = round(((box.left + box.right) / 2 - frame.left) / frame.width * SIZE[0])
        out += [(left, mid_y), (mid_x, top)]
    return out


def test_card_keyframe_shows_the_grid_faintly_with_the_target_tinted_and_nothing_else_changed(tmp_path):
    original, path = _keyframe(tmp_path)
    grid = grid_overlay.default_grid()
    target = grid_overlay.target_of('        self.place_in_area(slope, "C5", "D6")', grid)
    assert target == ("C5", "D6")
    drawn = np.asarray(grid_overlay.draw(original, grid, target)).astype(int)
    before = np.asarray(original).astype(int)

    # grid lines: every cell edge is lighter than it was, but faint (the picture shows through)
    for x, y in _boundary_pixels(grid):
        lift = drawn[y, x].sum() - before[y, x].sum()
        assert 40 < lift < 500, f"grid line at ({x}, {y}): {before[y, x]} became {drawn[y, x]}"

    # the target area C5–D6 is tinted green inside, in each of its four cells
    for cell in ("C5", "C6", "D5", "D6"):
        x, y = _px(grid, cell, 0.6, 0.6)
        assert drawn[y, x][1] - before[y, x][1] >= 25 and drawn[y, x][0] <= before[y, x][0], (
            f"{cell} is not tinted: {before[y, x]} became {drawn[y, x]}")

    # elsewhere nothing moved: inside the other cells (away from edges and names) and outside the grid
    for cell in grid.centers:
        if cell in ("C5", "C6", "D5", "D6"):
            continue
        x, y = _px(grid, cell, 0.6, 0.6)
        assert (drawn[y, x] == before[y, x]).all(), f"{cell}'s inside changed: {before[y, x]} → {drawn[y, x]}"
    region = grid.bounds(grid.rows[0] + "1", f"{grid.rows[-1]}{grid.columns[-1]}")
    left_of_grid = round((region.left - grid_overlay.FRAME.left) / grid_overlay.FRAME.width * SIZE[0]) - 3
    outside = np.abs(drawn[:, :left_of_grid] - before[:, :left_of_grid]).max()
    assert outside == 0, f"the frame left of the grid (lecture column, title) changed by up to {outside}"

    # the card's picture is that drawing (a 256-colour PNG of it, with the red outlines on top)
    card = np.asarray(Image.open(io.BytesIO(outlined_keyframe(path, [], width=SIZE[0], grid=grid, target=target)))
                      .convert("RGB")).astype(int)
    plain = np.asarray(Image.open(io.BytesIO(outlined_keyframe(path, [], width=SIZE[0]))).convert("RGB")).astype(int)
    x, y = _px(grid, "C5", 0.6, 0.6)
    assert card[y, x][1] - plain[y, x][1] >= 20, "the card's keyframe does not show the target tinted"
    x, y = _boundary_pixels(grid)[0]
    assert card[y, x].sum() - plain[y, x].sum() > 30, "the card's keyframe shows no grid line"


def test_the_scenes_own_grid_of_any_size_is_drawn_and_its_cells_named(tmp_path):
    """A paper-style base class laying out 8×8 (rows A–H): the card draws that grid, and H8 is a cell."""
    original, path = _keyframe(tmp_path)
    centres = {f"{r}{c}": (-1.0 + (c - 1) * 0.75, 3.0 - "ABCDEFGH".index(r) * 0.75)
               for r in "ABCDEFGH" for c in range(1, 9)}
    stage = Stage(grid_overlay.FRAME, None, None, centres, (0.75, 0.75))
    grid = grid_overlay.grid_from(stage, "class Base(Scene):\n    def place_at_grid(self, m, c):\n        pass\n")
    assert len(grid.centers) == 64
    target = grid_overlay.target_of('note.move_to((self.grid["H7"] + self.grid["H8"]) / 2)', grid)
    assert target == ("H7", "H8")
    drawn = np.asarray(grid_overlay.draw(original, grid, target)).astype(int)
    before = np.asarray(original).astype(int)
    x, y = _px(grid, "H8", 0.6, 0.6)
    assert drawn[y, x][1] - before[y, x][1] >= 25, "H8 of the scene's own 8×8 grid is not tinted"
    x, y = _px(grid, "A1", 0.6, 0.6)
    assert np.abs(drawn[y, x] - before[y, x]).max() <= 6


def test_no_grid_is_guessed_for_a_base_class_whose_grid_was_not_recorded():
    own = "class Base(Scene):\n    def place_at_grid(self, m, cell):\n        m.move_to(self.grid[cell])\n"
    assert grid_overlay.grid_from(None, own) is None
    assert grid_overlay.grid_from(None, "class S(TeachingScene):\n    pass\n") is not None
    grid = grid_overlay.default_grid()
    assert grid_overlay.target_of("        slope.scale(0.7)", grid) is None  # a scale names no cell
    assert grid_overlay.target_of('        self.place_at_grid(x, "G9")', grid) is None  # not a cell of A1–F6
