"""TeachingScene: the anchor-grid geometry, placement helpers, highlighting and real renders."""
from __future__ import annotations

import itertools
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from manim import Circle, Dot, Square, tempconfig

from code2video_nb.teaching_scene import (
    DIM_COLOR, FRAME_BOTTOM, FRAME_LEFT, FRAME_RIGHT, FRAME_TOP, GRID, HIGHLIGHT_COLOR,
    LECTURE_COLUMN, TITLE_BAND, AnchorGrid, TeachingScene,
)

EPS = 1e-6
DATA = Path(__file__).parent / "data"


# --- geometry -----------------------------------------------------------------

def test_a1_is_top_left_and_f6_bottom_right():
    centers = {c: GRID.cell_center(c) for c in GRID.cells()}
    xs, ys = [p[0] for p in centers.values()], [p[1] for p in centers.values()]
    assert centers["A1"][0] == min(xs) and centers["A1"][1] == max(ys)
    assert centers["F6"][0] == max(xs) and centers["F6"][1] == min(ys)
    assert centers["A2"][0] > centers["A1"][0]  # columns go left to right
    assert centers["B1"][1] < centers["A1"][1]  # rows go top to bottom
    assert GRID.cells()[:2] == ["A1", "A2"] and len(GRID.cells()) == 36


def test_every_cell_is_in_frame_right_of_column_and_below_title():
    for cell in GRID.cells():
        left, right, top, bottom = GRID.cell_bounds(cell)
        assert FRAME_LEFT <= left < right <= FRAME_RIGHT
        assert FRAME_BOTTOM <= bottom < top <= FRAME_TOP
        assert left >= LECTURE_COLUMN[1], cell
        assert top <= TITLE_BAND[3], cell


def test_cells_do_not_overlap():
    for a, b in itertools.combinations(GRID.cells(), 2):
        la, ra, ta, ba = GRID.cell_bounds(a)
        lb, rb, tb, bb = GRID.cell_bounds(b)
        overlap_w = min(ra, rb) - max(la, lb)
        overlap_h = min(ta, tb) - max(ba, bb)
        assert overlap_w <= EPS or overlap_h <= EPS, (a, b)


def test_cell_at_finds_each_cell_centre_and_none_outside_grid():
    for cell in GRID.cells():
        assert GRID.cell_at(GRID.cell_center(cell)) == cell
    left, right, top, bottom = LECTURE_COLUMN
    assert GRID.cell_at([(left + right) / 2, (top + bottom) / 2, 0]) is None
    assert GRID.cell_at([0, FRAME_TOP - 0.1, 0]) is None  # title band


def test_area_bounds_span_both_cells():
    left, right, top, bottom = GRID.area_bounds("A1", "C3")
    assert (left, top) == GRID.cell_bounds("A1")[::2]
    assert (right, bottom) == GRID.cell_bounds("C3")[1::2]


@pytest.mark.parametrize("bad", ["G7", "G1", "A7", "A0", "Z", "", "11", "B3x"])
def test_invalid_cell_raises_with_valid_range(bad):
    with pytest.raises(ValueError) as err:
        GRID.cell_center(bad)
    assert "rows A-F" in str(err.value) and "columns 1-6" in str(err.value)


def test_lowercase_cell_is_accepted():
    assert np.allclose(GRID.cell_center("b3"), GRID.cell_center("B3"))
    assert isinstance(GRID, AnchorGrid)


# --- scene helpers (no frames written) -----------------------------------------

@pytest.fixture
def scene(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # anything manim might write stays in tmp
    monkeypatch.delenv("CODE2VIDEO_DEBUG_GRID", raising=False)
    quiet = {"dry_run": True, "disable_caching": True, "verbosity": "ERROR", "progress_bar": "none"}
    with tempconfig(quiet):
        # skip_animations: play() jumps to each animation's end state and advances time.
        yield TeachingScene(skip_animations=True)


def _inside(mob, bounds):
    left, right, top, bottom = bounds
    return (mob.get_left()[0] >= left - EPS and mob.get_right()[0] <= right + EPS
            and mob.get_top()[1] <= top + EPS and mob.get_bottom()[1] >= bottom - EPS)


def test_place_at_grid_centres_mobject_in_cell(scene):
    sq = Square(side_length=0.4)
    assert scene.place_at_grid(sq, "B2", scale_factor=2) is sq
    assert GRID.cell_at(sq.get_center()) == "B2"
    assert np.allclose(sq.get_center(), GRID.cell_center("B2"))
    assert sq.width == pytest.approx(0.8)


def test_place_in_area_shrinks_a_huge_mobject_inside(scene):
    huge = Circle(radius=50)
    scene.place_in_area(huge, "A1", "C3")
    bounds = GRID.area_bounds("A1", "C3")
    assert _inside(huge, bounds)
    assert np.allclose(huge.get_center(), [(bounds[0] + bounds[1]) / 2, (bounds[2] + bounds[3]) / 2, 0])
    smaller = scene.place_in_area(Circle(radius=50), "D4", "F6", scale_factor=0.5)
    assert _inside(smaller, GRID.area_bounds("D4", "F6"))


def test_place_in_area_does_not_enlarge_small_mobject(scene):
    dot = Dot()
    width = dot.width
    scene.place_in_area(dot, "A1", "F6")
    assert dot.width == pytest.approx(width)


def test_lecture_lines_and_title_fit_their_regions(scene):
    long_line = "A deliberately long lecture line that cannot possibly fit on one row of the column"
    scene.setup_lecture("A title " * 12, ["Short", long_line, "Third"], animate=False)
    assert _inside(scene.title_mobject, TITLE_BAND)
    for mob in scene.lecture_line_mobjects:
        assert _inside(mob, LECTURE_COLUMN)
        assert mob.get_color() == DIM_COLOR


def test_highlight_changes_colour_only(scene):
    scene.setup_lecture("Title", ["one", "two", "three"], animate=False)
    lines = scene.lecture_line_mobjects
    before = [(m.get_center().copy(), m.width, m.height) for m in lines]
    scene.highlight_line(2)
    assert [m.get_color() for m in lines] == [DIM_COLOR, HIGHLIGHT_COLOR, DIM_COLOR]
    scene.highlight_line(3)
    assert [m.get_color() for m in lines] == [DIM_COLOR, DIM_COLOR, HIGHLIGHT_COLOR]
    for m, (center, w, h) in zip(lines, before):
        assert np.allclose(m.get_center(), center) and (m.width, m.height) == pytest.approx((w, h))


def test_highlight_records_block_start_times(scene):
    scene.setup_lecture("Title", ["one", "two"])  # animated: 1 s
    scene.highlight_line(1, run_time=0.3)
    scene.wait(0.5)
    scene.highlight_line(2, run_time=0)
    ks, times = zip(*scene.block_start_times)
    assert ks == (1, 2)
    assert times == pytest.approx((1.0, 1.8))


def test_highlight_rejects_out_of_range_line(scene):
    scene.setup_lecture("Title", ["one", "two"], animate=False)
    with pytest.raises(ValueError, match="1..2"):
        scene.highlight_line(3)


def test_show_grid_overlay_and_debug_env(scene, monkeypatch):
    overlay = scene.show_grid()
    assert len(overlay) == 36 and overlay in scene.mobjects
    monkeypatch.setenv("CODE2VIDEO_DEBUG_GRID", "1")
    scene.setup_lecture("Title", ["one"], animate=False)
    overlays = [m for m in scene.mobjects if m is not overlay and len(m) == 36]
    assert overlays, "setup_lecture should draw the grid when CODE2VIDEO_DEBUG_GRID=1"


# --- real renders ----------------------------------------------------------------

def _render(tmp_path: Path, file: Path, scene_name: str) -> float:
    """Render at -ql in a subprocess; return the mp4's duration in seconds."""
    import av

    media = tmp_path / "media"
    proc = subprocess.run(
        [sys.executable, "-m", "manim", "-ql", "--disable_caching", "--progress_bar", "none",
         "--media_dir", str(media), str(file), scene_name],
        cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    videos = [p for p in media.rglob(f"{scene_name}.mp4") if "partial" not in p.parts[-2]]
    assert len(videos) == 1, list(media.rglob("*.mp4"))
    with av.open(str(videos[0])) as container:
        return container.duration / av.time_base


@pytest.mark.render
def test_teaching_scene_subclass_renders(tmp_path):
    src = tmp_path / "section_1.py"
    src.write_text(textwrap.dedent("""
        from manim import *
        from code2video_nb.teaching_scene import TeachingScene

        class Section1Scene(TeachingScene):
            def construct(self):
                self.setup_lecture("Circles", ["1. A circle", "2. Its area"])  # 1.0 s
                # === Animation for Lecture Line 1 ===
                self.highlight_line(1, run_time=0.4)
                self.play(Create(self.place_at_grid(Circle(), "B2")), run_time=0.6)
                # === Animation for Lecture Line 2 ===
                self.highlight_line(2, run_time=0.4)
                self.play(FadeIn(self.place_in_area(Square(side_length=9), "D4", "F6")), run_time=0.6)
    """))
    assert _render(tmp_path, src, "Section1Scene") == pytest.approx(3.0, abs=0.25)


@pytest.mark.render
def test_paper_style_section_renders_unchanged(tmp_path):
    # Blocks of 1.0 + 1.0 + 1.5 s; 0.3 s highlights round up to whole frames at 15 fps.
    assert _render(tmp_path, DATA / "paper_style_section.py", "Section2Scene") == pytest.approx(3.5, abs=0.3)
