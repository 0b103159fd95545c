"""Pictures wherever the code points (issue 20, part 2): a picture the code loads from outside the
lecture is copied into its assets/ and the load rewritten (a version "picture copied in"), a
missing one is a labelled box with a one-line note, in a TeachingScene-free scene and in a
paper-style file with its own base class; manim's copy beside an SVG works in the sandbox, which
still refuses writes elsewhere and says what to do."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from code2video_nb import picture_paths
from code2video_nb.config import Settings
from code2video_nb.engine import Engine
from code2video_nb.sandbox import safety
from code2video_nb.plan import Storyboard
from code2video_nb.render.renderer import render_file
from code2video_nb.workspace import Workspace

from conftest import isolate

RED_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#ff2020"/></svg>'

# A scene of its own (no TeachingScene): an SVG by absolute path, a PNG by a path relative to the
# folder the command runs in, and an icon that exists nowhere.
PLAIN = '''from manim import *


class Section1Scene(Scene):
    def construct(self):
        badge = SVGMobject("{svg}", height=2)  # a comment naming "/not/a/load.svg"
        photo = ImageMobject("pictures/leaf.png").scale_to_fit_height(2)
        ghost = SVGMobject(file_name="/nowhere/icon/ghost.svg").scale(0.8)
        self.play(FadeIn(badge.move_to(4 * LEFT)), FadeIn(photo.move_to(ORIGIN)), FadeIn(ghost.move_to(4 * RIGHT)))
        self.wait(0.5)
'''
# Paper-style: its own inline base class, manim's names imported one by one (no star), so the box
# needs names the file does not have; a missing photo with a size; the lecture's own SVG named by
# its absolute path.
PAPER = '''from manim import Scene, SVGMobject, ImageMobject, FadeIn, LEFT, RIGHT


class TeachingScene(Scene):
    def setup_layout(self):
        self.grid = {{}}


class Section2Scene(TeachingScene):
    def construct(self):
        self.setup_layout()
        mark = SVGMobject("{own}")
        chart = ImageMobject("/nowhere/chart.png", height=1.5)
        self.play(FadeIn(mark.shift(3 * LEFT)), FadeIn(chart.shift(3 * RIGHT)))
        self.wait(0.5)
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A two-section lecture built once, the way `code2video render` builds it, from the folder the
    relative picture path starts in."""
    root = tmp_path_factory.mktemp("pictures")
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, root)
        mp.chdir(root)
        (root / "pictures").mkdir()
        Image.new("RGB", (200, 200), (30, 220, 60)).save(root / "pictures" / "leaf.png")
        elsewhere = root / "downloads" / "assets" / "icon"
        elsewhere.mkdir(parents=True)
        (elsewhere / "badge.svg").write_text(RED_SVG)
        ws = Workspace.create(root / "lectures", "pictures", "Pictures")
        ws.set_storyboard(Storyboard.from_dict({"sections": [
            {"id": "1", "title": "Plain", "lecture_lines": ["pictures"], "animations": ["three pictures"]},
            {"id": "2", "title": "Paper", "lecture_lines": ["pictures"], "animations": ["two pictures"],
             "assets": [{"name": "mark", "kind": "icon", "file": "assets/mark.svg", "source": "your folder: mark.svg",
                         "licence": "the teacher's own (not checked)"}]}]}))
        (ws.dir / "assets").mkdir()
        (ws.dir / "assets" / "mark.svg").write_text(RED_SVG.replace("ff2020", "2020ff"))
        ws.write_code("1", PLAIN.format(svg=elsewhere / "badge.svg"), "generated")
        ws.write_code("2", PAPER.format(own=ws.dir / "assets" / "mark.svg"), "generated")
        said: list[str] = []
        engine = Engine(Settings.from_env(critic_rounds=0, workers=2), None, lambda stage, m: said.append(f"[{stage}] {m}"))
        results = {r.id: r for r in engine.render_all(ws)}
        yield Workspace(ws.dir), results, said, elsewhere


def last_frame(video: Path) -> np.ndarray:
    with av.open(str(video)) as container:
        *_, frame = container.decode(video=0)
    return frame.to_ndarray(format="rgb24").astype(int)


def at(frame: np.ndarray, x: float) -> np.ndarray:
    """The colour at (x, 0) in scene units."""
    height, width, _ = frame.shape
    return frame[height // 2, int((x + 64 / 9) / (128 / 9) * width)]


def test_pictures_from_outside_are_copied_in_and_a_missing_one_is_a_box(built):
    ws, results, said, elsewhere = built
    assert results["1"].ok, results["1"].error
    code = ws.read_code("1")
    assert 'SVGMobject("assets/badge.svg", height=2)' in code and 'ImageMobject("assets/leaf.png")' in code
    assert '"/not/a/load.svg"' in code  # a comment is not a load
    assert "ghost" in code and "/nowhere/icon/ghost.svg" not in code
    assert (ws.dir / "assets" / "badge.svg").read_text() == RED_SVG
    assert [v.reason for v in ws.section_state("1").history] == ["generated", "picture copied in",
                                                                  "missing picture: box"]
    # What the viewer sees: the red badge on the left, the green photo in the middle, a grey box's
    # label on the right (its outline and text, never black everywhere).
    frame = last_frame(results["1"].video)
    assert at(frame, -4)[0] > 200 and at(frame, -4)[1] < 80
    assert at(frame, 0)[1] > 180 and at(frame, 0)[0] < 100
    box = frame[frame.shape[0] // 2 - 40: frame.shape[0] // 2 + 40, int(0.75 * frame.shape[1]) - 60: int(0.75 * frame.shape[1]) + 60]
    assert box.max() > 120
    # One line said, and one recorded, for the missing picture; the copies' sources recorded.
    note = "section 1: picture '/nowhere/icon/ghost.svg' (line 8): no such file; a labelled box stands in"
    assert f"[picture] {note}" in said
    entries = {e["name"]: e for e in ws.planned().sections[0].extra["assets"]}
    assert entries["badge"]["file"] == "assets/badge.svg"
    assert entries["badge"]["source"] == f"file: {elsewhere / 'badge.svg'}"
    assert entries["leaf"]["file"] == "assets/leaf.png"
    assert entries["ghost"]["note"].endswith("no such file; a labelled box stands in") and not entries["ghost"]["file"]


def test_a_paper_style_file_gets_a_box_in_manims_own_names_and_its_own_picture_by_path(built):
    ws, results, said, _ = built
    assert results["2"].ok, results["2"].error
    code = ws.read_code("2")
    assert 'SVGMobject("assets/mark.svg")' in code
    assert "from manim import GREY_B, RoundedRectangle, Text, VGroup" in code
    assert ".scale_to_fit_height(1.5)" in code
    assert not safety.check_code(code)  # the rewrite passes the static check
    assert any("section 2: picture '/nowhere/chart.png' (line 13): no such file" in line for line in said)
    # The lecture's own picture named by its absolute path is not copied again nor recorded twice.
    assert sorted(p.name for p in (ws.dir / "assets").iterdir()) == ["badge.svg", "leaf.png", "mark.svg"]
    names = [e["name"] for e in ws.planned().sections[1].extra["assets"]]
    assert names == ["mark", "chart"]
    frame = last_frame(results["2"].video)
    assert at(frame, -3)[2] > 200 and at(frame, -3)[0] < 80  # the blue mark


def test_building_again_changes_nothing(built):
    ws, _, _, _ = built
    versions = len(ws.section_state("1").history)
    said: list[str] = []
    result = Engine(Settings.from_env(critic_rounds=0), None, lambda s, m: said.append(m)).build_section(
        ws, ws.storyboard.section("1"))
    assert result.cached and len(Workspace(ws.dir).section_state("1").history) == versions
    assert not [m for m in said if "picture" in m]


def test_another_picture_under_a_taken_name_gets_a_hashed_name(tmp_path):
    ws = Workspace.create(tmp_path, "l", "L")
    ws.set_storyboard(Storyboard.from_dict({"sections": [{"id": "1", "title": "t", "lecture_lines": ["a"],
                                                                  "animations": ["a"]}]}))
    (ws.dir / "assets").mkdir()
    (ws.dir / "assets" / "badge.svg").write_text(RED_SVG)
    (tmp_path / "badge.svg").write_text(RED_SVG.replace("ff2020", "00ff00"))
    code = f'from manim import *\nx = SVGMobject(r"{tmp_path / "badge.svg"}")\n'
    ws.write_code("1", code, "generated")
    new = picture_paths.bring_in(ws, "1", code)
    (copied,) = [p.name for p in (ws.dir / "assets").iterdir() if p.name != "badge.svg"]
    assert copied.startswith("badge-") and f'SVGMobject("assets/{copied}")' in new
    assert (ws.dir / "assets" / "badge.svg").read_text() == RED_SVG  # never overwritten
    entry = ws.planned().sections[0].extra["assets"][0]
    assert entry["file"] == f"assets/{copied}"


def test_loads_are_found_by_their_exact_spans():
    code = ('from manim import *\nimport manim as mn\n'
            's = Text("é→λ"); a = SVGMobject("/x/ä.svg", height=h * 2)\n'
            'b = mn.ImageMobject(filename_or_array="p.png")\n'
            'c = self.asset(path="/y/z.svg")\n'
            'd = SVGMobject(name)  # not a literal\n'
            '"""SVGMobject("/in/a/docstring.svg")"""\n')
    loads = picture_paths.find_loads(code)
    assert [(ld.loader, ld.path, ld.line, ld.module, ld.height) for ld in loads] == [
        ("SVGMobject", "/x/ä.svg", 3, "", "h * 2"), ("ImageMobject", "p.png", 4, "mn.", ""),
        ("asset", "/y/z.svg", 5, "", "")]
    assert [code[slice(*ld.literal)] for ld in loads] == ['"/x/ä.svg"', '"p.png"', '"/y/z.svg"']
    assert code[slice(*loads[1].call)] == 'mn.ImageMobject(filename_or_array="p.png")'
    boxed = picture_paths.with_boxes(code, [picture_paths.Missing(loads[1], "no such file")])
    assert "b = mn.VGroup(mn.RoundedRectangle(" in boxed and "from manim import GREY_B" not in boxed


def test_a_path_bound_once_to_a_name_is_a_load_rewritten_where_it_is_written():
    code = ('from manim import *\nICON = "/run/assets/icon/cat.svg"\n'
            'def f():\n    photo_path = "/run/photo.png"\n    return ImageMobject(photo_path), SVGMobject(ICON)\n'
            'p = "/a.svg"\np = "/b.svg"\nq = SVGMobject(p)  # bound twice: which one is not known\n')
    loads = picture_paths.find_loads(code)
    assert [(ld.loader, ld.path, ld.line) for ld in loads] == [("ImageMobject", "/run/photo.png", 5),
                                                               ("SVGMobject", "/run/assets/icon/cat.svg", 5)]
    assert [code[slice(*ld.literal)] for ld in loads] == ['"/run/photo.png"', '"/run/assets/icon/cat.svg"']
    boxed = picture_paths.with_boxes(code, [picture_paths.Missing(loads[1], "no such file")])
    assert "SVGMobject(ICON)" not in boxed and "RoundedRectangle(" in boxed


def test_an_svg_outside_every_writable_folder_renders_and_a_refused_write_says_what_to_do(tmp_path):
    """manim's `x_.svg` is made beside a scratch copy in the render's folder (svg_scratch.py), so a
    picture anywhere readable works, and nothing is written beside it; a scene that makes manim
    write beside the original anyway is refused, with what to do."""
    pictures = tmp_path / "read-only"
    pictures.mkdir()
    (pictures / "star.svg").write_text(RED_SVG)
    scene = tmp_path / "scene.py"
    scene.write_text(f'from manim import *\n\n\nclass A(Scene):\n    def construct(self):\n'
                     f'        self.add(SVGMobject("{pictures / "star.svg"}"))\n        self.wait(0.1)\n')
    outcome = render_file(scene, media_dir=tmp_path / "media", timeout=60, dry_run_only=True)
    assert outcome.ok, outcome.log[-2000:]
    assert [p.name for p in pictures.iterdir()] == ["star.svg"]

    scene.write_text(f'from pathlib import Path\nfrom manim import *\n\n\nclass Icon(SVGMobject):\n'
                     f'    def get_file_path(self):\n        return Path("{pictures / "star.svg"}")\n\n\n'
                     f'class A(Scene):\n    def construct(self):\n        self.add(Icon("star"))\n'
                     f'        self.wait(0.1)\n')
    refused = render_file(scene, media_dir=tmp_path / "media", timeout=60, dry_run_only=True)
    assert refused.error_type == "SandboxRefused" and refused.line == 12
    assert f"writing {pictures / 'star_.svg'}" in refused.message
    assert "copy star.svg into the lecture's assets/ folder and load it as SVGMobject(\"assets/star.svg\")" \
        in refused.message
    assert [p.name for p in pictures.iterdir()] == ["star.svg"]


def test_an_imported_sections_relative_paths_start_beside_the_file_it_came_from(tmp_path, monkeypatch):
    """Relative paths of an imported file start where it was written (scene_import's record), not
    where the command runs; a picture we do not copy (a GIF) is left with a note; `self.asset` of a
    path outside the lecture is brought in too."""
    written = tmp_path / "paper" / "run1"
    (written / "figs").mkdir(parents=True)
    Image.new("RGB", (20, 20), (0, 0, 255)).save(written / "figs" / "wave.png")
    Image.new("RGB", (20, 20), (0, 0, 255)).save(written / "figs" / "spin.gif")
    (written / "figs" / "atom.svg").write_text(RED_SVG)
    (written / "assets" / "icon").mkdir(parents=True)
    (written / "assets" / "icon" / "rocket.svg").write_text(RED_SVG.replace("ff2020", "ffff00"))
    monkeypatch.chdir(tmp_path)  # the command runs elsewhere: figs/ is not here
    ws = Workspace.create(tmp_path / "lectures", "l", "L")
    ws.set_storyboard(Storyboard.from_dict({"sections": [
        {"id": "1", "title": "t", "lecture_lines": ["a"], "animations": ["a"],
         picture_paths.IMPORTED_FROM: str(written / "scene.py")}]}))
    code = ('from manim import *\n\n\nclass S(TeachingScene):\n    def construct(self):\n'
            '        a = ImageMobject("figs/wave.png")\n        b = ImageMobject("figs/spin.gif")\n'
            f'        c = self.asset("{written / "figs" / "atom.svg"}")\n'
            # written on other machines: found by their last parts beside the file
            '        d = SVGMobject("/home/someone/Code2Video/assets/icon/rocket.svg")\n'
            '        e = ImageMobject(r"C:\\Users\\me\\figs\\wave.png")\n')
    ws.write_code("1", code, "imported from scene.py")
    said: list[str] = []
    new = picture_paths.bring_in(ws, "1", code, lambda stage, message: said.append(message))
    assert 'ImageMobject("assets/wave.png")' in new and 'self.asset("assets/atom.svg")' in new
    assert 'SVGMobject("assets/rocket.svg")' in new and new.count('ImageMobject("assets/wave.png")') == 2
    assert (f"section 1: picture '/home/someone/Code2Video/assets/icon/rocket.svg' (line 9) copied in as "
            f"assets/rocket.svg (found at {written / 'assets' / 'icon' / 'rocket.svg'})") in said
    gif = written / "figs" / "spin.gif"
    assert f'ImageMobject("{gif}")' in new  # read where it is, named so that the render finds it
    assert said[-1] == (f"section 1: picture 'figs/spin.gif' (line 7) is read where it is ({gif}): "
                        "not a picture manim reads (.svg, .png, .jpg, .jpeg)")
    assert [v.reason for v in Workspace(ws.dir).section_state("1").history] == [
        "imported from scene.py", "picture copied in", "picture path made absolute"]
    assert [e["name"] for e in ws.planned().sections[0].extra["assets"]] == ["wave", "atom", "rocket"]


def test_pictures_copied_in_at_once_under_one_name_never_overwrite_each_other(tmp_path):
    """Sections build in parallel: each different picture named `icon` keeps its own file."""
    from concurrent.futures import ThreadPoolExecutor

    from code2video_nb import assets

    sources = []
    for k in range(8):
        (tmp_path / f"run{k}").mkdir()
        sources.append(tmp_path / f"run{k}" / "icon.svg")
        sources[-1].write_text(RED_SVG.replace("ff2020", f"ff20{k:02d}"))
    request = assets.AssetRequest("icon")
    with ThreadPoolExecutor(8) as pool:
        placed = list(pool.map(lambda s: assets.copy_in(tmp_path / "l", request, assets.user_file(s)), sources * 2))
    for source, p in zip(sources * 2, placed):
        assert (tmp_path / "l" / p.file).read_text() == source.read_text()
    assert len({p.file for p in placed}) == 8 and len(list((tmp_path / "l" / "assets").iterdir())) == 8
