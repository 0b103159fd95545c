"""Scene files written elsewhere: read into a storyboard entry, imported as sections kept as written,
rendered with `code2video render FILE.py` through a section's whole path, and critiqued on the
file's own grid (paper-style base classes with 6x6, 5x5 and 8x8 grids).

The files under tests/data/imported/ were written for these tests in the shapes real pipelines
produce (the original Code2Video's inline TeachingScene and variants of it).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from code2video_nb import scene_import, static_fix
from code2video_nb.critic import vlm
from code2video_nb.critic.critique import critique_file
from code2video_nb.errors import SceneFileError, WorkspaceError
from code2video_nb.grounding.grid import grid_facts
from code2video_nb.suggestions import patch_code
from code2video_nb.video import probe
from code2video_nb.workspace import Workspace

from conftest import isolate

DATA = Path(__file__).parent / "data"
IMPORTED = DATA / "imported"
CLI = "import sys; from code2video_nb.cli import main; sys.exit(main())"


def code2video(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, *map(str, args)], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


# --- what a file says about itself -----------------------------------------------------------
@pytest.mark.parametrize("path, scene, title, lines", [
    (IMPORTED / "primes_6x6.py", "PrimesScene", "Prime numbers",  # literal list, "- " bullets dropped
     ["What makes a number prime", "Crossing out multiples"]),
    (IMPORTED / "fractions_5x5.py", "FractionsScene", "Adding fractions",  # a module constant, "1. " dropped
     ["Same denominators", "Different denominators"]),
    (IMPORTED / "chessboard_8x8.py", "KnightScene", "How a knight moves",  # keywords
     ["The knight jumps in an L"]),
    (DATA / "paper_style_section.py", "Section2Scene", "Section 2: The Pythagorean Theorem",
     ["A right triangle", "The squares relation", "An example: 3, 4, 5"]),
    (DATA / "critic_corpus" / "t08_stale_formula.py", "SumsScene", "Sums of powers",  # our TeachingScene
     ["The sum of the first n integers", "The sum of the first n squares"]),
])
def test_the_storyboard_entry_is_read_from_the_file(path, scene, title, lines):
    found = scene_import.read_scene(path)
    assert (found.scene, found.title, found.lecture_lines) == (scene, title, lines)
    assert found.code == path.read_text()


def test_a_file_that_names_no_lines_gets_its_title_and_blocks_from_what_it_has(tmp_path):
    marked = tmp_path / "wave_speed.py"
    marked.write_text('"""Waves on a string\n\nMore words."""\nfrom manim import *\n\n\nclass W(Scene):\n'
                      "    def construct(self):\n        # === Animation for Lecture Line 1 ===\n"
                      "        self.wait(1)\n        # === Animation for Lecture Line 2 ===\n        self.wait(1)\n")
    assert (scene_import.read_scene(marked).title, scene_import.read_scene(marked).lecture_lines) == \
        ("Waves on a string", ["Part 1", "Part 2"])
    attributes = tmp_path / "vectors.py"  # the base class sets up from the scene's class attributes
    attributes.write_text("from manim import *\n\n\nclass Base(Scene):\n    def construct(self):\n"
                          "        self.setup_layout(self.TITLE, self.LINES)\n\n\nclass Lesson(Base):\n"
                          '    TITLE = "Vectors"\n    LINES = ["1) Arrows", "2) Adding them"]\n\n'
                          "    def construct(self):\n        super().construct()\n")
    assert (scene_import.read_scene(attributes).title, scene_import.read_scene(attributes).lecture_lines) == \
        ("Vectors", ["Arrows", "Adding them"])
    plain = tmp_path / "bouncing_ball.py"
    plain.write_text("from manim import *\n\n\nclass Ball(Scene):\n    def construct(self):\n        self.wait(1)\n")
    assert (scene_import.read_scene(plain).title, scene_import.read_scene(plain).lecture_lines) == \
        ("Bouncing ball", ["Bouncing ball"])


def test_a_file_that_cannot_be_a_section_is_one_line_naming_it(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text("from manim import *\n\nclass S(Scene):\n    def construct(self)\n        pass\n")
    cases = {broken: f"{broken} line 4: SyntaxError: expected ':'; fix it, then run again",
             tmp_path / "none.py": f"{tmp_path / 'none.py'}: no such file",
             tmp_path / "notes.md": f"{tmp_path / 'notes.md'}: not a Python file; give a scene file (.py) "
                                    "or a lecture folder"}
    (tmp_path / "helpers.py").write_text("def f():\n    return 1\n")
    cases[tmp_path / "helpers.py"] = f"{tmp_path / 'helpers.py'}: defines no Scene subclass with a construct() " \
                                     "method, so there is nothing to render"
    for path, message in cases.items():
        with pytest.raises(SceneFileError) as caught:
            scene_import.read_scene(path)
        assert str(caught.value) == message


# --- into a lecture ----------------------------------------------------------------------------
def test_import_makes_one_section_per_file_each_kept_as_written(tmp_path):
    files = [shutil.copy(IMPORTED / n, tmp_path / n) for n in ("primes_6x6.py", "fractions_5x5.py")]
    done = code2video("import", *files, "--into", tmp_path / "lectures" / "numbers", "--topic", "Numbers")
    assert done.returncode == 0, done.stderr
    assert "  section 2: Adding fractions (2 lecture lines) <- " in done.stdout
    ws = Workspace(tmp_path / "lectures" / "numbers")
    assert ws.lecture.topic == "Numbers"
    assert [s.id for s in ws.storyboard.sections] == ["1", "2"]
    for sid, path in zip(("1", "2"), files):
        (first,) = ws.section_state(sid).history
        assert (first.code, first.reason) == (Path(path).read_text(), f"imported from {Path(path).name}")
        assert ws.read_code(sid) == Path(path).read_text()
    assert ws.storyboard.section("2").extra["imported_from"] == str(Path(files[1]).resolve())
    assert [s.title for s in ws.outline.sections] == ["Prime numbers", "Adding fractions"]


def test_importing_again_updates_the_files_section_and_adds_others_after_it(tmp_path):
    primes = Path(shutil.copy(IMPORTED / "primes_6x6.py", tmp_path / "primes.py"))
    lecture = tmp_path / "lecture"
    scene_import.import_files([primes], lecture)
    again = scene_import.import_files([primes], lecture)  # unchanged: no new version
    assert again.ids == ["1"] and len(again.workspace.section_state("1").history) == 1
    primes.write_text(primes.read_text().replace("Prime numbers", "Primes"))
    knight = shutil.copy(IMPORTED / "chessboard_8x8.py", tmp_path / "knight.py")
    added = scene_import.import_files([knight, primes], lecture)
    ws = added.workspace
    assert added.ids == ["2", "1"] and not added.created
    assert [s.title for s in ws.storyboard.sections] == ["Primes", "How a knight moves"]
    assert [v.reason for v in ws.section_state("1").history] == ["imported from primes.py"] * 2
    assert ws.read_code("1") == primes.read_text()
    windows = tmp_path / "windows.py"  # Windows line ends: the text as Python reads it, no spurious version
    windows.write_bytes((IMPORTED / "fractions_5x5.py").read_bytes().replace(b"\n", b"\r\n"))
    for _ in range(2):
        crlf = scene_import.import_files([windows], lecture)
    assert crlf.ids == ["3"] and [v.code for v in ws.section_state("3").history] == [windows.read_text()]
    with pytest.raises(WorkspaceError, match="pass --out DIR"):  # render FILE.py never adds to another lecture
        scene_import.import_files([shutil.copy(IMPORTED / "fractions_5x5.py", tmp_path / "f.py")], lecture,
                                  only_own=True)


# --- render FILE.py ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    folder = tmp_path_factory.mktemp("render-file")
    scene = Path(shutil.copy(IMPORTED / "primes_6x6.py", folder / "primes.py"))
    with pytest.MonkeyPatch.context() as monkeypatch:
        isolate(monkeypatch, folder)  # as every test's own: silent, no key
        yield folder, scene, code2video("render", scene, "--out", folder / "lectures")


@pytest.mark.render
def test_render_file_makes_a_preview_of_the_scenes_length_in_a_lecture_of_its_own(rendered):
    folder, scene, done = rendered
    assert done.returncode == 0, done.stderr
    lecture = folder / "lectures" / "primes"
    preview = lecture / "previews" / "1.mp4"
    assert f"preview: {preview} (" in done.stdout and f"lecture workspace: {lecture}" in done.stdout
    assert "primes.py: no layout findings" in done.stdout  # the critic ran on it
    assert 2.9 <= probe(preview).duration <= 3.6  # its plays and waits: 3.0 s
    state = json.loads((lecture / "lecture.json").read_text())
    assert state["sections"]["1"]["history"][0]["code"] == scene.read_text()
    assert (lecture / "keyframes" / "1").is_dir()


@pytest.mark.render
def test_a_lecture_folder_still_renders_and_the_file_again_is_cached(rendered):
    folder, scene, _ = rendered
    again = code2video("render", folder / "lectures" / "primes", "--quiet")
    assert again.returncode == 0, again.stderr
    assert "section 1: cached" in again.stdout
    section = code2video("render", folder / "lectures" / "primes" / "sections" / "1.py", "--quiet")
    assert section.returncode == 0 and "section 1: cached" in section.stdout  # a lecture's own section file
    assert not (folder / "lectures" / "primes" / "sections" / "code2video").exists()
    file_again = code2video("render", scene, "--out", folder / "lectures", "--quiet")
    assert file_again.returncode == 0 and "section 1: unchanged, cached" in file_again.stdout


@pytest.mark.render
def test_a_file_that_fails_names_its_line_in_one_line(tmp_path):
    broken = Path(shutil.copy(IMPORTED / "broken_cell.py", tmp_path / "broken_cell.py"))
    done = code2video("render", broken, "--quiet", cwd=tmp_path)  # default folder: code2video/ beside it
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    at = line_of(broken, 'circle, "D4"')
    assert line.startswith(f"code2video: error: {broken} line {at}: KeyError: 'D4'; "
                           "edit broken_cell.py and run the same command again")
    assert (tmp_path / "code2video" / "broken-cell" / "lecture.json").is_file()


# --- the file's own grid: the static pass, auto-fix's facts and the critic -------------------------
def test_the_static_pass_clamps_a_cell_only_on_an_a1_f6_grid():
    original = (IMPORTED / "primes_6x6.py").read_text()  # rows A-F as a list, as the original's base has
    repaired = static_fix.repair(original.replace('"B3")', '"G3")', 1))
    assert repaired.code == original.replace('"B3")', '"F3")', 1) and len(repaired.fixes) == 1
    for name, cell in (("fractions_5x5.py", '"B2")'), ("chessboard_8x8.py", '"H8")')):  # no row G there either
        outside = (IMPORTED / name).read_text().replace(cell, '"K2")', 1)
        assert static_fix.repair(outside).code == outside


@pytest.mark.parametrize("name, placed, wrong, facts", [
    ("primes_6x6.py", '"B3")', "G2", ["grid cells are A1 (top-left) to F6 (bottom-right): rows A-F, columns 1-6; "
                                      "the nearest to 'G2' is 'F2'"]),
    ("fractions_5x5.py", '"B2")', "F2", []),  # rows A-E: A1-F6 would be a wrong fact
    ("chessboard_8x8.py", '"H8")', "J9", []),
])
def test_auto_fix_is_told_the_a1_f6_grid_only_where_the_file_has_it(name, placed, wrong, facts):
    code = (IMPORTED / name).read_text().replace(placed, f'"{wrong}")', 1)
    line = next(i for i, text in enumerate(code.splitlines(), 1) if f'"{wrong}"' in text)
    assert grid_facts(wrong, code, line) == facts


@pytest.mark.render
def test_a_5x5_grid_is_the_critics_stage_and_its_finding_names_the_line(tmp_path):
    path = Path(shutil.copy(IMPORTED / "fractions_5x5.py", tmp_path / "fractions.py"))
    found = critique_file(path, media_dir=tmp_path / "media")
    assert found.ok, found.error
    assert sorted(found.stage.grid) == sorted(f"{r}{c}" for r in "ABCDE" for c in range(1, 6))
    assert found.stage.cell_size == pytest.approx((1.5, 1.2))
    assert [(f.kind, f.line, f.block) for f in found.findings] == [
        ("stale_overlap", line_of(path, "place_at_grid(other"), 2)]  # where it is put


@pytest.mark.render
def test_an_8x8_grids_move_uses_its_own_cells_and_what_its_base_class_offers(tmp_path):
    path = Path(shutil.copy(IMPORTED / "chessboard_8x8.py", tmp_path / "knight.py"))
    found = critique_file(path, media_dir=tmp_path / "media")
    assert len(found.stage.grid) == 64 and found.stage.cell_size == pytest.approx((0.8, 0.7))
    asked = vlm.build_messages([], "How a knight moves", grid=vlm.grid_of(found.stage))[1]["content"][0]["text"]
    assert "in a 8×8 visual-anchor grid: cells A1–H8, rows A–H from top to bottom, columns 1–8" in asked
    assert "6×6 visual-anchor grid: cells A1–F6, rows A–F" in vlm.build_messages([], "t")[1]["content"][0]["text"]
    (offscreen,) = found.findings
    assert offscreen.kind == "offscreen" and offscreen.objects == ["note"]
    # The base class has no place_in_area: the move is made with the file's own grid of points.
    assert "place_in_area" not in offscreen.patch.new and 'self.grid["H' in offscreen.patch.new
    path.write_text(patch_code(path.read_text(), offscreen.patch))
    after = critique_file(path, media_dir=tmp_path / "media")
    assert after.ok and after.findings == []
