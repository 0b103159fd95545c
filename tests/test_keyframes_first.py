"""Keyframes first: the check pass draws each lecture-line block's last frame, and the notebook
shows the strip before the video has rendered (issue 10, part 1)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from code2video_nb.notebook.cells import cell_source
from code2video_nb.plan import slugify
from code2video_nb.render.renderer import render_file
from code2video_nb.replies import code_in_reply
from code2video_nb.video import keyframes

from conftest import demo_cassette, rendered_demo_into
from kernel_harness import running_kernel

CASSETTE = demo_cassette()
TOPIC = CASSETTE["lecture"]["topic"]
SLUG = slugify(TOPIC)
MAGIC = f"%%code2video --sections 3 --audience first-year undergraduates --replay demo --no-critic\n{TOPIC}"


def demo_code(section_id: str) -> str:
    """The demo lecture's code for a section, as recorded (sections 1 and 3 render as written)."""
    reply = next(i["reply"] for i in CASSETTE["interactions"] if i["stage"] == f"code:{section_id}")
    return code_in_reply(reply, scene=True)


def pixels(path: Path) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB"), dtype=float)


@pytest.mark.render
@pytest.mark.parametrize("section_id", ["1", "3"])
def test_check_pass_keyframes_are_the_videos_block_end_frames(tmp_path, section_id):
    scene = tmp_path / "scene.py"
    scene.write_text(demo_code(section_id), encoding="utf-8")
    told = []
    outcome = render_file(scene, media_dir=tmp_path / "media", timeout=240, on_keyframes=told.append)
    assert outcome.ok, outcome.log[-2000:]
    assert [p.name for p in outcome.keyframes] == ["1.png", "2.png", "3.png"]
    assert told == [outcome.keyframes]  # announced once, while the video was still to render
    starts = [t for _, t in outcome.block_starts]
    from_video = keyframes(outcome.video, starts, outcome.duration, 3, tmp_path / "from-video")
    for early, cut in zip(outcome.keyframes, from_video):
        a, b = pixels(early), pixels(cut)
        assert a.shape == b.shape == (480, 854, 3)
        assert np.abs(a - b).mean() < 2.0, (early.name, np.abs(a - b).mean())  # video compression only
    # Each block's keyframe differs from the next: they are three moments, not one frame thrice.
    frames = [pixels(p) for p in outcome.keyframes]
    assert all(np.abs(x - y).mean() > 0.5 for x, y in zip(frames, frames[1:]))


@pytest.mark.render
def test_a_scene_without_blocks_has_no_early_keyframes(tmp_path):
    scene = tmp_path / "plain.py"
    scene.write_text("from manim import *\n\nclass Plain(Scene):\n    def construct(self):\n"
                     "        self.play(FadeIn(Square()), run_time=0.5)\n", encoding="utf-8")
    told = []
    outcome = render_file(scene, media_dir=tmp_path / "media", timeout=120, on_keyframes=told.append)
    assert outcome.ok and outcome.video is not None
    assert outcome.keyframes == [] and told == []


def _kind(message: dict) -> str:
    data = message["content"].get("data", {})
    html = data.get("text/html", "")
    if message["msg_type"] in ("display_data", "update_display_data"):
        if "<video" in html:
            return "video"
        if "Keyframes:" in html:
            return "strip, rendering" if "rendering the video" in html else "strip"
    return ""


@pytest.mark.render
def test_the_strip_reaches_the_cell_before_the_video(tmp_path, demo_lecture):
    rendered_demo_into(demo_lecture, tmp_path)  # the magic finds the demo rendered: the point is the edit's
    with running_kernel(tmp_path, timeout=300) as fe:
        fe.run("%load_ext code2video_nb", cell_id=None)
        fe.run(MAGIC, cell_id=None)
        ws = tmp_path / "code2video" / SLUG
        code = (ws / "sections" / "3.py").read_text("utf-8")
        edited = code.replace("self.wait(1)", "self.wait(1.5)")
        assert edited != code
        messages = fe.run(cell_source(SLUG, "3", edited), cell_id=None)
    kinds = [k for k in map(_kind, messages) if k]
    # First the strip drawn by the check pass, later the video; the strip is made final in place.
    assert kinds[0] == "strip, rendering" and kinds.count("video") == 1, kinds
    assert kinds.count("strip, rendering") == 1 and "strip" in kinds, kinds
    early = next(m for m in messages if _kind(m) == "strip, rendering")
    final = [m for m in messages if _kind(m) == "strip"]
    assert final[-1]["msg_type"] == "update_display_data"
    assert final[-1]["content"]["transient"]["display_id"] == early["content"]["transient"]["display_id"]
    # The video fills a slot kept above the strip: the cell reads as a cached one does.
    video = next(m for m in messages if _kind(m) == "video")
    assert video["msg_type"] == "update_display_data"
    slot = video["content"]["transient"]["display_id"]
    created = [m["content"].get("transient", {}).get("display_id") for m in messages if m["msg_type"] == "display_data"]
    assert created.index(slot) < created.index(early["content"]["transient"]["display_id"])
    # The workspace's keyframes are the ones shown, for the edited code.
    assert sorted(p.name for p in (ws / "keyframes" / "3").glob("*.png")) == ["1.png", "2.png", "3.png"]
