"""Code no one here wrote, end to end: a folder of paper-style scene files (tests/data/elsewhere/,
written by us in the shape the original pipeline's coder writes) whose pictures are loaded by
absolute path, or by paths that do not exist, each rendered with `code2video render FILE.py` as a
user would, and looked at in the preview it leaves."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import av
import numpy as np
import pytest
from PIL import Image

from code2video_nb.cli import main
from code2video_nb.plan import slugify
from code2video_nb.video import probe
from code2video_nb.workspace import Workspace

from conftest import isolate

ELSEWHERE = Path(__file__).parent / "data" / "elsewhere"
pytestmark = pytest.mark.render

# file -> (the scene's own length in seconds: its run_times and waits; where its picture is drawn,
# as (x, y) in scene units, or None for a file whose pictures are missing)
SCENES = {
    "atom_icon.py": (2.1, (1.7, 1.25)),  # grid cell B3 of its 6x6 grid
    "cell_photo.py": (2.1, (1.7, 0.22)),  # C3
    "eight_by_eight.py": (2.0, (0.4, 0.9)),  # C3 of its 8x8 grid
    "missing_icons.py": (2.0, None),
}
ATOM = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><circle cx="50" cy="50" r="14" '
        'fill="white"/><ellipse cx="50" cy="50" rx="46" ry="16" fill="none" stroke="white" stroke-width="5"/></svg>')


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """The files as a user has them: pictures at an absolute path somewhere else on the disk."""
    root = tmp_path_factory.mktemp("elsewhere")
    pictures = root / "run" / "assets"
    (pictures / "icon").mkdir(parents=True)
    (pictures / "photo").mkdir()
    (pictures / "icon" / "atom.svg").write_text(ATOM)
    (pictures / "icon" / "bulb.svg").write_text(ATOM.replace("r=\"14\"", "r=\"20\""))
    green = np.zeros((60, 80, 3), np.uint8)
    green[:, :] = (40, 200, 90)
    Image.fromarray(green).save(pictures / "photo" / "cell.png")
    scenes = root / "scenes"
    scenes.mkdir()
    for name in SCENES:
        text = (ELSEWHERE / name).read_text()
        (scenes / name).write_text(text.replace("@PICTURES@", str(pictures)).replace("@MISSING@", str(root / "gone")))
    return root


@pytest.fixture(scope="module")
def rendered(folder):
    """Each file rendered once through the CLI: exit code and what it printed."""
    out = {}
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, folder)
        for name in SCENES:
            said = io.StringIO()
            with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
                code = main(["render", str(folder / "scenes" / name), "--out", str(folder / "lectures")])
            out[name] = (code, said.getvalue())
    return out


def lecture_of(folder: Path, name: str) -> Workspace:
    return Workspace(folder / "lectures" / slugify(Path(name).stem))


def pixel(video: Path, x: float, y: float) -> np.ndarray:
    """The colour of the last frame around scene point (x, y) (a 480p frame spans 14.2 x 8 units)."""
    with av.open(str(video)) as container:
        for frame in container.decode(video=0):
            last = frame
    image = last.to_ndarray(format="rgb24").astype(int)
    height, width = image.shape[:2]
    col, row = int((x + 7.111) / 14.222 * width), int((4 - y) / 8 * height)
    return image[row - 4:row + 5, col - 4:col + 5].reshape(-1, 3).max(axis=0)


@pytest.mark.parametrize("name", list(SCENES))
def test_every_file_renders_to_a_preview_of_its_own_length(folder, rendered, name):
    code, said = rendered[name]
    assert code == 0, said
    ws = lecture_of(folder, name)
    video = probe(ws.preview_path("1"))
    assert video.has_video and video.duration == pytest.approx(SCENES[name][0], abs=0.25)
    assert (folder / "scenes" / name).read_text() == ws.section_state("1").history[0].code  # the file as written


@pytest.mark.parametrize("name", [n for n, (_, where) in SCENES.items() if where])
def test_a_picture_loaded_by_absolute_path_is_copied_in_and_drawn(folder, rendered, name):
    ws = lecture_of(folder, name)
    code = ws.read_code("1")
    assert str(folder / "run") not in code and "assets/" in code  # the load points into the lecture
    assert [p.name for p in ws.dir.joinpath("assets").iterdir()]  # ... where the copy is
    assert "picture copied in" in [v.reason for v in ws.section_state("1").history]
    assert "rendered as the build changed it (picture copied in)" in rendered[name][1]
    x, y = SCENES[name][1]
    drawn = pixel(ws.preview_path("1"), x, y)
    assert drawn.max() > 120, f"nothing bright where the picture should be: {drawn}"
    if name == "cell_photo.py":  # the photo itself, green, not a white box standing in for it
        assert drawn[1] > drawn[0] + 60 and drawn[1] > drawn[2] + 40, drawn


def test_a_missing_picture_is_a_labelled_box_and_a_note_not_a_failed_render(folder, rendered):
    code, said = rendered["missing_icons.py"]
    assert code == 0
    assert said.count("a labelled box stands in") == 2, said
    assert "rendered as the build changed it (missing picture: box)" in said
    assert "sun.svg" in said and "leaf.png" in said
    ws = lecture_of(folder, "missing_icons.py")
    assert "SVGMobject" not in ws.read_code("1") and "ImageMobject" not in ws.read_code("1")
    state = json.loads((ws.dir / "lecture.json").read_text())
    assert "sun" in json.dumps(state["sections"]["1"]) or "sun" in json.dumps(state["storyboard"])


def test_critique_of_the_file_as_it_is_names_the_missing_picture_and_what_to_do(folder, capsys):
    """`critique` runs a file as it is (it copies nothing in), so a missing picture stops it: the
    error names its line and points at `render`, which draws the box."""
    scene = folder / "scenes" / "missing_icons.py"
    line = next(i for i, text in enumerate(scene.read_text().splitlines(), 1) if "SVGMobject(sun_path)" in text)
    assert main(["critique", str(scene)]) == 1
    error = capsys.readouterr().err
    assert f"missing_icons.py line {line}: OSError" in error
    assert "icon/sun.svg' cannot be read there: fix the path, or run `code2video render` on the file" in error
