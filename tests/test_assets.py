"""Pictures and icons (assets.py, icons.py): resolution order, what lecture.json records, what the
coder is told, and the path safety of names and files. No render here (test_assets_render.py)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from PIL import Image

from code2video_nb import assets, icons
from code2video_nb.picture_folder import UserFolder, folder_note
from code2video_nb.coder import code_request
from code2video_nb.errors import AssetError
from code2video_nb.plan import Storyboard
from code2video_nb.workspace import Workspace


def storyboard(*requests_per_section) -> dict:
    return {"sections": [{"id": str(i), "title": f"Part {i}", "lecture_lines": ["One line"],
                          "animations": ["A picture"], "assets": list(requested)}
                         for i, requested in enumerate(requests_per_section, 1)]}


def workspace(tmp_path, plan: dict) -> Workspace:
    ws = Workspace.create(tmp_path / "lectures", "light", "Light")
    ws.set_storyboard(Storyboard.from_dict(plan))
    return ws


def picture(path: Path, colour=(255, 0, 0)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), colour).save(path)
    return path


def recorded(ws: Workspace, section_id: str = "1") -> list[dict]:
    state = json.loads(ws.state_path.read_text())
    return next(s for s in state["storyboard"]["sections"] if s["id"] == section_id)["assets"]


def test_an_icon_request_resolves_offline_to_an_svg_of_the_installed_set(tmp_path):
    ws = workspace(tmp_path, storyboard([{"name": "planet", "kind": "icon", "description": "the Earth"}]))
    assets.place_all(ws, ws.storyboard, None)

    [entry] = recorded(ws)
    assert entry["file"] == "assets/planet.svg"
    assert entry["source"].startswith(f"Font Awesome Free {icons.version()}: solid/")
    assert entry["licence"].startswith("CC BY 4.0")
    original = icons._root() / "svgs" / entry["source"].split(": ")[1]
    copied = (ws.dir / entry["file"]).read_text()
    assert "earth" in original.name or "globe" in original.name
    # the icon's own drawing, with a white fill so it shows on the video's black background
    assert copied == original.read_text().replace("<svg", '<svg fill="#ffffff"', 1)


def test_the_teachers_folder_comes_first_by_name_then_by_description(tmp_path):
    folder = tmp_path / "my-pictures"
    picture(folder / "Prism.png")
    picture(folder / "IMG_0042.jpg".lower().replace(".jpg", ".png"), (0, 0, 255))
    (folder / "assets.json").write_text(json.dumps({"img_0042.png": "the colours of a rainbow on a wall"}))
    ws = workspace(tmp_path, storyboard([{"name": "prism", "kind": "photo"},
                                         {"name": "spectrum", "kind": "photo", "description": "a rainbow"},
                                         {"name": "atom", "kind": "icon"}]))
    assets.place_all(ws, ws.storyboard, folder)

    prism, spectrum, atom = recorded(ws)
    assert (prism["file"], prism["source"]) == ("assets/prism.png", "your folder: Prism.png")
    assert (ws.dir / prism["file"]).read_bytes() == (folder / "Prism.png").read_bytes()
    assert spectrum["source"] == "your folder: img_0042.png"  # matched by the teacher's description
    assert atom["source"].endswith("solid/atom.svg")  # nothing of the teacher's: the icon set
    assert prism["licence"] == assets.USER_LICENCE


def test_nothing_found_is_a_note_and_the_coder_is_told_to_draw_a_labelled_box(tmp_path):
    ws = workspace(tmp_path, storyboard([{"name": "Zqxv Wubble", "kind": "photo"}, {"name": "magnet"}]))
    assets.place_all(ws, ws.storyboard, None)
    missing, magnet = recorded(ws)
    assert missing["file"] == "" and "no picture found" in missing["note"] and "labelled box" in missing["note"]

    prompt = code_request(ws.storyboard.section("1"), "Light")[-1]["content"]
    assert 'self.asset("assets/magnet.svg")' in prompt
    assert 'self.asset("zqxv-wubble") draws a labelled box' in prompt
    # a second run places nothing again (no new files, same record)
    assert assets.place_all(ws, ws.storyboard, None) == []


def test_a_section_without_pictures_gets_the_same_code_request_as_before(tmp_path):
    ws = workspace(tmp_path, storyboard([]))
    prompt = code_request(ws.storyboard.section("1"), "Light")[-1]["content"]
    assert "Pictures for this section" not in prompt and "1. One line\n   Animation: A picture\n\n" in prompt


def test_asset_names_from_the_model_never_leave_the_assets_folder(tmp_path):
    ws = workspace(tmp_path, storyboard([{"name": "../../outside/planet"}, {"name": "/etc/passwd"}]))
    assets.place_all(ws, ws.storyboard, None)
    first, second = recorded(ws)
    assert first["name"] == "outside-planet" and first["file"] == "assets/outside-planet.svg"
    assert second["name"] == "etc-passwd"
    written = {p.relative_to(ws.dir).as_posix() for p in ws.dir.rglob("*") if p.is_file()}
    assert all(not p.endswith(".svg") or p.startswith("assets/") for p in written)
    assert not (tmp_path / "lectures" / "outside").exists()


def test_a_file_named_in_lecture_json_is_only_ever_one_in_assets(tmp_path):
    plan = storyboard([{"name": "a", "file": "../sections/1.py"}, {"name": "b", "file": "/etc/hosts.png"},
                       {"name": "c", "file": "assets/c.png"}])
    ws = workspace(tmp_path, plan)
    assert [p.file for p in assets.placed(ws.storyboard.section("1"))] == ["", "", "assets/c.png"]


def test_the_teachers_folder_refuses_traversal_absolute_names_and_symlinks_out(tmp_path):
    outside = picture(tmp_path / "private" / "secret.png")
    folder = tmp_path / "pictures"
    picture(folder / "inside.png")
    os.symlink(outside, folder / "planet.png")  # leads out of the folder: never a candidate
    os.symlink(folder / "inside.png", folder / "again.png")  # within it: fine
    (folder / "notes.png").write_text("not a picture at all")
    (folder / "assets.json").write_text(json.dumps({"../private/secret.png": "planet", "/etc/hosts": "planet",
                                                    "inside.png": "a drawing"}))
    found = UserFolder.read(folder)
    assert [p.name for p in found.files] == ["again.png", "inside.png", "notes.png"]
    assert found.descriptions == {"inside.png": "a drawing"}
    assert len(found.notes) == 2 and all("ignored" in n for n in found.notes)

    ws = workspace(tmp_path, storyboard([{"name": "planet"}, {"name": "notes"}]))
    assets.place_all(ws, ws.storyboard, folder)
    planet, notes = recorded(ws)
    assert planet["source"].startswith("Font Awesome Free")  # not the symlinked secret
    assert notes["file"] == "" and "is not a PNG picture" in notes["note"]


def test_a_missing_folder_and_a_broken_description_file_are_one_line(tmp_path):
    ws = workspace(tmp_path, storyboard([{"name": "planet"}]))
    with pytest.raises(AssetError, match="no such folder"):
        assets.place_all(ws, ws.storyboard, tmp_path / "nope")
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "assets.json").write_text("{broken")
    with pytest.raises(AssetError, match=r"assets.json: not valid JSON"):
        assets.place_all(ws, ws.storyboard, tmp_path / "pics")


def test_a_swap_copies_the_new_picture_under_its_own_name_and_rewrites_the_code(tmp_path):
    folder = tmp_path / "pictures"
    picture(folder / "prism.png")
    ws = workspace(tmp_path, storyboard([{"name": "prism", "kind": "photo"}]))
    assets.place_all(ws, ws.storyboard, folder)
    ws.write_code("1", 'x = self.asset("assets/prism.png")\n', "generated")

    blue = picture(tmp_path / "elsewhere" / "prism.png", (0, 0, 255))
    code = assets.swap(ws, "1", "prism", assets.user_file(blue))

    [entry] = recorded(ws)
    assert entry["file"].startswith("assets/prism-") and entry["source"] == "file: prism.png"
    assert code == f'x = self.asset("{entry["file"]}")\n' == ws.read_code("1")
    assert (ws.dir / "assets" / "prism.png").read_bytes() == (folder / "prism.png").read_bytes()  # kept as it was
    assert ws.section_state("1").history[-1].reason == "asset swap: prism"
    with pytest.raises(AssetError, match="no such file"):
        assets.user_file(tmp_path / "missing.png")
    with pytest.raises(AssetError, match="has no picture 'unicorn'"):
        assets.swap(ws, "1", "unicorn", assets.user_file(blue))


def test_icon_search_ranks_exact_names_and_tags():
    assert icons.search("atom")[0].name == "atom"
    assert icons.search("eye")[0].name == "eye"
    assert icons.search("planet")[0].name in ("globe", "earth-americas", "earth-africa", "earth-asia")
    assert icons.search("a picture of the") == []


def test_a_render_gets_copies_of_the_pictures_its_code_names_and_no_symlink(tmp_path):
    lecture = tmp_path / "lecture"
    picture(lecture / "assets" / "prism.png")
    picture(lecture / "assets" / "unused.png")
    secret = picture(tmp_path / "private" / "secret.png")
    os.symlink(secret, lecture / "assets" / "secret.png")
    job = assets.stage('a = self.asset("assets/prism.png")\nb = self.asset("secret")\n', lecture, tmp_path / "job")
    assert sorted(p.name for p in (job / "assets").iterdir()) == ["prism.png"]


def test_the_scene_reads_only_regular_files_inside_the_assets_folder(tmp_path):
    from manim import tempconfig

    from code2video_nb.teaching_scene import _asset_file

    inside = picture(tmp_path / "assets" / "prism.png")
    secret = picture(tmp_path / "secret.png")
    os.symlink(secret, tmp_path / "assets" / "link.png")
    with tempconfig({"assets_dir": str(tmp_path)}):
        assert _asset_file("assets/prism.png") == inside.resolve()
        assert _asset_file("prism") == inside.resolve()  # a bare name: its file in assets/
        for refused in ("assets/../secret.png", "../secret.png", str(secret), "/etc/hosts", "assets/link.png",
                        "assets/sub/prism.png", "secret"):
            assert _asset_file(refused) is None, refused


def test_the_storyboard_request_lists_the_teachers_pictures_and_is_unchanged_without(tmp_path):
    from code2video_nb import prompts

    folder = tmp_path / "pictures"
    picture(folder / "prism.png")
    picture(folder / "img_7.png")
    (folder / "assets.json").write_text(json.dumps({"img_7.png": "a rainbow on a wall"}))
    note = folder_note(folder)
    assert note.endswith("\n  - img_7.png: a rainbow on a wall\n  - prism.png")
    plain = prompts.render("storyboard", outline="{}", max_words=10, max_lines=5, pictures="", quiz="")
    assert "enough.\n\nAnswer" in plain and folder_note(None) == folder_note(tmp_path / "no") == ""


def test_descriptions_may_be_yaml(tmp_path):
    folder = tmp_path / "pictures"
    picture(folder / "fig1.png")
    (folder / "assets.yaml").write_text("fig1.png:\n  description: the refraction of light in a glass prism\n")
    ws = workspace(tmp_path, storyboard([{"name": "prism", "kind": "photo", "description": "refraction"}]))
    assets.place_all(ws, ws.storyboard, folder)
    assert recorded(ws)[0]["source"] == "your folder: fig1.png"
    (folder / "assets.yaml").write_bytes(b"\xff\xfe not text")
    with pytest.raises(AssetError, match="assets.yaml: not valid YAML"):
        UserFolder.read(folder)
