"""The TeachingScene base class that generated section code subclasses.

Layout of the 16:9 frame (manim units, origin at the centre):

    +---------------------------------------------+
    |                 title band                  |
    +--------------+------------------------------+
    | lecture      |  A1 A2 ... A6                |
    | lines        |  ...    anchor grid          |
    | (column)     |  F1 F2 ... F6                |
    +--------------+------------------------------+

The geometry (constants and ``AnchorGrid``) is plain numpy so the critic can use
it without building a Scene; the grid is the shared language of coder, critic
and user, so cell names must mean the same thing everywhere.
"""
from __future__ import annotations

import os
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from manim import (
    DOWN,
    GREY_B,
    LEFT,
    RIGHT,
    UL,
    UR,
    WHITE,
    YELLOW,
    Animation,
    FadeIn,
    ImageMobject,
    ManimColor,
    Mobject,
    Rectangle,
    RoundedRectangle,
    Scene,
    SVGMobject,
    Text,
    VGroup,
    Write,
    config,
    interpolate_color,
)

from . import fonts, line_wrap

# --- Frame layout (manim's default frame: 8 units high, 16:9) -------------
FRAME_HEIGHT = 8.0
FRAME_WIDTH = FRAME_HEIGHT * 16 / 9  # 14.222...
FRAME_LEFT, FRAME_RIGHT = -FRAME_WIDTH / 2, FRAME_WIDTH / 2
FRAME_TOP, FRAME_BOTTOM = FRAME_HEIGHT / 2, -FRAME_HEIGHT / 2
MARGIN = 0.3                  # keeps content off the frame edge
TITLE_BAND_HEIGHT = 1.0       # title lives in y in [3.0, 4.0]
LECTURE_COLUMN_WIDTH = 4.4    # about a third of the frame width
COLUMN_GAP = 0.3              # between lecture column and grid

# Regions as (left, right, top, bottom).
TITLE_BAND = (FRAME_LEFT + MARGIN, FRAME_RIGHT - MARGIN,
              FRAME_TOP, FRAME_TOP - TITLE_BAND_HEIGHT)
LECTURE_COLUMN = (FRAME_LEFT + MARGIN, FRAME_LEFT + MARGIN + LECTURE_COLUMN_WIDTH,
                  TITLE_BAND[3], FRAME_BOTTOM + MARGIN)
GRID_REGION = (LECTURE_COLUMN[1] + COLUMN_GAP, FRAME_RIGHT - MARGIN,
               TITLE_BAND[3], FRAME_BOTTOM + MARGIN)

DIM_COLOR = GREY_B
HIGHLIGHT_COLOR = YELLOW
LECTURE_FONT_SIZE = 24
DEBUG_GRID_ENV = "CODE2VIDEO_DEBUG_GRID"
ASSETS_FOLDER = "assets"  # in the lecture's folder, which the render sets as manim's assets_dir
PICTURE_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")


@dataclass(frozen=True)
class AnchorGrid:
    """A rows x columns grid of named cells ("A1" top-left .. "F6" bottom-right)."""

    left: float = GRID_REGION[0]
    right: float = GRID_REGION[1]
    top: float = GRID_REGION[2]
    bottom: float = GRID_REGION[3]
    rows: str = "ABCDEF"
    n_cols: int = 6

    @property
    def cell_width(self) -> float:
        return (self.right - self.left) / self.n_cols

    @property
    def cell_height(self) -> float:
        return (self.top - self.bottom) / len(self.rows)

    def _parse(self, cell: str) -> tuple[int, int]:
        """Return 0-based (row, col); case-insensitive because models and users vary."""
        m = re.fullmatch(r"([A-Za-z])(\d+)", cell.strip()) if isinstance(cell, str) else None
        if m:
            row, col = self.rows.find(m.group(1).upper()), int(m.group(2)) - 1
            if row >= 0 and 0 <= col < self.n_cols:
                return row, col
        raise ValueError(
            f"invalid grid cell {cell!r}: rows {self.rows[0]}-{self.rows[-1]}, "
            f"columns 1-{self.n_cols}, e.g. 'B3'")

    def cells(self) -> list[str]:
        return [f"{r}{c}" for r in self.rows for c in range(1, self.n_cols + 1)]

    def cell_bounds(self, cell: str) -> tuple[float, float, float, float]:
        row, col = self._parse(cell)
        left = self.left + col * self.cell_width
        top = self.top - row * self.cell_height
        return left, left + self.cell_width, top, top - self.cell_height

    def cell_center(self, cell: str) -> np.ndarray:
        left, right, top, bottom = self.cell_bounds(cell)
        return np.array([(left + right) / 2, (top + bottom) / 2, 0.0])

    def area_bounds(self, top_left: str, bottom_right: str) -> tuple[float, float, float, float]:
        """Bounds of the rectangle spanned by two cells (either order is accepted)."""
        a, b = self.cell_bounds(top_left), self.cell_bounds(bottom_right)
        return min(a[0], b[0]), max(a[1], b[1]), max(a[2], b[2]), min(a[3], b[3])

    def cell_at(self, point) -> str | None:
        x, y = float(point[0]), float(point[1])
        if not (self.left <= x <= self.right and self.bottom <= y <= self.top):
            return None
        # min() puts points exactly on the right/bottom edge into the last cell.
        col = min(int((x - self.left) // self.cell_width), self.n_cols - 1)
        row = min(int((self.top - y) // self.cell_height), len(self.rows) - 1)
        return f"{self.rows[row]}{col + 1}"


GRID = AnchorGrid()


def _asset_file(path: str) -> Path | None:
    """`assets/<file>` (or a bare name: `assets/<name>.svg|png|jpg|jpeg`) inside the lecture's assets
    folder, as a regular file; None for anything else, a path leading out of it included."""
    root = Path(config.assets_dir).resolve() / ASSETS_FOLDER
    parts = str(path).replace("\\", "/").split("/")
    if len(parts) == 2 and parts[0] == ASSETS_FOLDER:
        found = [root / parts[1]]
    elif len(parts) == 1:
        found = [root / (parts[0] + suffix) for suffix in PICTURE_SUFFIXES]
    else:
        return None
    for file in found:
        real = file.resolve()
        if real.parent == root and real.suffix.lower() in PICTURE_SUFFIXES and real.is_file():
            return real
    return None


def _placeholder(label: str, width: float, height: float) -> VGroup:
    """What stands for a missing picture: a box with its name, so the lecture still shows something."""
    box = RoundedRectangle(width=width, height=height, corner_radius=0.12, color=GREY_B, stroke_width=2)
    text = Text(label, font_size=24, color=GREY_B)
    if text.width > 0.9 * width:
        text.scale_to_fit_width(0.9 * width)
    return VGroup(box, text.move_to(box))


def _fit_text(line: str, max_width: float, color, script: str = "Latn") -> Mobject:
    """A Text no wider than max_width: wrap long lines first, shrink only as a last resort.
    Chinese and Japanese rows are cut where Pango's glyphs reach the width (`line_wrap`); a
    right-to-left line's rows are right-aligned, each drawn right to left by Pango."""
    text = Text(line, font_size=LECTURE_FONT_SIZE, color=color)
    if text.width > max_width and len(line) > 1:
        rows = _rows(line, text, max_width, script)
        if fonts.right_to_left(script) and len(rows) > 1:
            lines = VGroup(*(Text(row, font_size=LECTURE_FONT_SIZE, color=color) for row in rows))
            return _narrowed(lines.arrange(DOWN, aligned_edge=RIGHT, buff=0.12), max_width)
        text = Text("\n".join(rows), font_size=LECTURE_FONT_SIZE, color=color)
    return _narrowed(text, max_width)


def _rows(line: str, text: Text, max_width: float, script: str) -> list[str]:
    glyphs = text.submobjects
    if script in fonts.CJK and len(glyphs) == sum(not c.isspace() for c in line):
        return line_wrap.wrap(line, [(g.get_left()[0], g.get_right()[0]) for g in glyphs], max_width)
    if script == "Latn":  # as English lectures always wrapped
        chars = max(8, int(0.9 * len(line) * max_width / text.width))
        return textwrap.wrap(line, chars) or [line]
    return line_wrap.estimated_rows(line, text.width, max_width)


def _narrowed(mobject: Mobject, max_width: float) -> Mobject:
    if mobject.width > max_width:
        mobject.scale_to_fit_width(max_width)
    return mobject


class _Recolor(Animation):
    """A colour change that does not copy its mobject.

    `mobject.animate.set_color` deep-copies the mobject twice per call; for Text (one
    sub-mobject per glyph) that dominated the render time of a whole section.
    """

    def __init__(self, mobject: Mobject, color, **kwargs):
        self.start_color, self.end_color = ManimColor(mobject.get_color()), ManimColor(color)
        super().__init__(mobject, **kwargs)

    def create_starting_mobject(self) -> Mobject:
        return Mobject()  # interpolate_mobject below never reads it

    def interpolate_mobject(self, alpha: float) -> None:
        self.mobject.set_color(interpolate_color(self.start_color, self.end_color, self.rate_func(alpha)))


class _Alias:
    """One of the original Code2Video base class's names (`self.title`, `self.lecture`, `self.grid`),
    read from this class's own state. A non-data descriptor: an assignment in scene code
    (`self.grid = NumberPlane()`, common) goes to the instance and wins from then on, so the
    alias never breaks a scene; the critic reads `title_mobject`, `lecture_line_mobjects` and
    `anchor_grid`, which no scene overwrites by accident."""

    def __init__(self, read, needs: str):
        self.read, self.needs = read, needs

    def __set_name__(self, owner, name):
        self.name = name

    def __get__(self, scene, owner=None):
        if scene is None:
            return self
        try:
            return self.read(scene)
        except AttributeError:
            raise AttributeError(f"self.{self.name} is set by {self.needs}; call it first") from None


class TeachingScene(Scene):
    """Base scene: title on top, lecture lines on the left, anchor grid on the right."""

    anchor_grid = GRID  # not "grid": scene code often names a NumberPlane self.grid
    # The original base class's names, so code and critic rules written for it work here too.
    title = _Alias(lambda self: self.title_mobject, "setup_lecture()")
    lecture = _Alias(lambda self: self.lecture_column, "setup_lecture()")  # a VGroup of the lecture lines
    grid = _Alias(lambda self: {cell: self.anchor_grid.cell_center(cell) for cell in self.anchor_grid.cells()},
                  "the class")  # "A1" -> centre point

    def _ensure_state(self) -> None:
        # Lazily created: subclasses often override setup() without calling super().
        if not hasattr(self, "block_start_times"):
            self.block_start_times: list[tuple[int, float]] = []
            self.lecture_line_mobjects: list[Mobject] = []  # a Text each (a VGroup of rows: a wrapped RTL line)

    def setup_lecture(self, title: str, lecture_lines: list[str], *, animate: bool = True) -> None:
        self._ensure_state()
        # The lecture's script (from its own words) picks the font of every Text from here on, and
        # a right-to-left one aligns the lines to the column's right edge; the column stays put.
        self.lecture_script = fonts.script_of(" ".join([title, *lecture_lines]))
        fonts.use_for(self.lecture_script)
        left, right, top, bottom = TITLE_BAND
        self.title_mobject = Text(title, font_size=36, color=WHITE)
        self.title_mobject.scale(min(1.0, (right - left) / self.title_mobject.width,
                                     0.7 * (top - bottom) / self.title_mobject.height))
        self.title_mobject.move_to([(left + right) / 2, (top + bottom) / 2, 0])

        left, right, top, bottom = LECTURE_COLUMN
        self.lecture_line_mobjects = [_fit_text(s, right - left, DIM_COLOR, self.lecture_script) for s in lecture_lines]
        column = self.lecture_column = VGroup(*self.lecture_line_mobjects)
        if lecture_lines:
            rtl = fonts.right_to_left(self.lecture_script)
            column.arrange(DOWN, aligned_edge=RIGHT if rtl else LEFT, buff=0.3)
            if column.height > top - bottom:  # too many lines: shrink the whole column
                column.scale_to_fit_height(top - bottom)
            column.move_to([right, top, 0] if rtl else [left, top, 0], aligned_edge=UR if rtl else UL)

        if animate:
            self.play(Write(self.title_mobject), FadeIn(column), run_time=1)
        else:
            self.add(self.title_mobject, column)
        if os.environ.get(DEBUG_GRID_ENV) == "1":
            self.show_grid()

    def _scene_time(self) -> float:
        # renderer.time is the elapsed scene time (it advances even when skipping).
        return float(getattr(self.renderer, "time", 0.0))

    def highlight_line(self, k: int, run_time: float = 0.3) -> None:
        """Start block k (1-based): colour line k, dim the others, record the start time."""
        self._ensure_state()
        n = len(self.lecture_line_mobjects)
        if not 1 <= k <= n:
            raise ValueError(f"highlight_line({k}): lecture lines are numbered 1..{n}"
                             + ("" if n else " (call setup_lecture first)"))
        self.block_start_times.append((k, self._scene_time()))
        targets = [(m, ManimColor(HIGHLIGHT_COLOR if i == k else DIM_COLOR))
                   for i, m in enumerate(self.lecture_line_mobjects, start=1)]
        # Only the lines whose colour changes are animated: usually the old and the new one.
        changes = [(m, c) for m, c in targets if ManimColor(m.get_color()) != c]
        if run_time > 0 and changes:
            self.play(*(_Recolor(m, c) for m, c in changes), run_time=run_time)
        else:  # manim refuses zero-length animations
            for m, c in changes:
                m.set_color(c)

    def place_at_grid(self, mobject: Mobject, cell: str, scale_factor: float = 1.0) -> Mobject:
        center = self.anchor_grid.cell_center(cell)  # validate before touching the mobject
        return mobject.scale(scale_factor).move_to(center)

    def place_in_area(self, mobject: Mobject, top_left: str, bottom_right: str,
                      scale_factor: float = 1.0) -> Mobject:
        left, right, top, bottom = self.anchor_grid.area_bounds(top_left, bottom_right)
        # Only shrink (never enlarge) to fit; zero-size dimensions (lines, dots) impose no limit.
        fits = [1.0] + [room / size for room, size in
                        ((right - left, mobject.width), (top - bottom, mobject.height)) if size > 0]
        mobject.scale(min(fits) * scale_factor)
        return mobject.move_to([(left + right) / 2, (top + bottom) / 2, 0])

    def asset(self, path: str, label: str | None = None) -> Mobject:
        """A picture `assets/<file>` (SVG, PNG, JPEG) fitted to 2x2 grid cells, or a labelled box if missing.

        Place it like any visual. A missing or unreadable file gives the box (and a note in the
        render's log), never an error: a lecture renders without its picture rather than not at all."""
        width, height = 2 * self.anchor_grid.cell_width, 2 * self.anchor_grid.cell_height
        file = _asset_file(path)
        picture = None
        if file is not None:
            try:
                picture = SVGMobject(str(file)) if file.suffix.lower() == ".svg" else ImageMobject(str(file))
            except Exception as exc:  # noqa: BLE001 - a broken picture must not fail the lecture
                sys.stderr.write(f"code2video: picture {path!r} could not be read ({exc}); a box stands in\n")
        else:
            sys.stderr.write(f"code2video: picture {path!r} is not in the lecture's assets folder; a box stands in\n")
        if picture is None or picture.width == 0 or picture.height == 0:
            return _placeholder(label or Path(str(path)).stem.replace("-", " "), width, height)
        return picture.scale(min(width / picture.width, height / picture.height))

    def show_grid(self) -> VGroup:
        """Debug overlay: thin cell outlines labelled A1..F6, added on top of the scene."""
        overlay = VGroup()
        for cell in self.anchor_grid.cells():
            left, right, top, bottom = self.anchor_grid.cell_bounds(cell)
            rect = Rectangle(width=right - left, height=top - bottom,
                             stroke_width=1, stroke_opacity=0.5, color=GREY_B)
            rect.move_to(self.anchor_grid.cell_center(cell))
            label = Text(cell, font_size=14, color=GREY_B, fill_opacity=0.7)
            label.move_to(rect.get_corner(UL) + np.array([0.08, -0.08, 0]), aligned_edge=UL)
            overlay.add(VGroup(rect, label))
        self.grid_overlay = overlay
        self.add(overlay)
        return overlay
