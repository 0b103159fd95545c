"""The magics through a real kernel: section cells, inline previews, auto-fix as a guarded
replace, the fallback chain, interruption and the missing-key message.

The front end is scripted (tests/kernel_harness.py): JupyterLab with our extension when it
answers `ready`, a front end without it when it does not send a cellId.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest

from code2video_nb.plan import slugify

from conftest import demo_cassette, isolate, rendered_demo_into
from kernel_harness import of_type, opened, running_kernel

CASSETTE = demo_cassette()
TOPIC = CASSETTE["lecture"]["topic"]
SLUG = slugify(TOPIC)
MAGIC = f"%%code2video --sections 3 --audience first-year undergraduates --replay demo\n{TOPIC}"


def outputs(messages: list[dict]) -> str:
    """Everything the cell showed, as one string: HTML where there is HTML, else text."""
    parts = []
    for m in messages:
        if m["msg_type"] in ("display_data", "update_display_data", "execute_result"):
            data = m["content"]["data"]
            parts.append(data.get("text/html") or data.get("text/markdown") or data.get("text/plain", ""))
        elif m["msg_type"] == "stream":
            parts.append(m["content"]["text"])
        elif m["msg_type"] == "error":
            parts.append(m["content"]["evalue"])
    return "\n".join(parts)


def ready_lab(fe) -> None:
    """%load_ext in its own cell; the extension answers after that cell ends."""
    hello = opened(fe.run("%load_ext code2video_nb", "load-cell"))
    fe.comm_msg(hello["comm_id"], {"op": "ready", "version": "0.1.0"})


@pytest.fixture(scope="module")
def lab(tmp_path_factory, demo_lecture):
    """JupyterLab with the extension, after a %%code2video run (its insert message kept). The demo
    was rendered once for the run: here the magic plans it again and finds its previews."""
    folder = tmp_path_factory.mktemp("lab")
    rendered_demo_into(demo_lecture, folder)
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, folder)  # as every test's kernel (silent, its own reply cache): this one starts first
        with running_kernel(folder, timeout=300) as fe:
            ready_lab(fe)
            fe.magic_messages = fe.run(MAGIC, "magic-cell")
            # The magic started the render server (manim's import) and found every section rendered:
            # let it finish warming, as the magic's own renders would have, before cells are timed.
            fe.run("from code2video_nb.render.renderer import warm_up; warm_up(wait=True)")
            fe.folder = folder
            yield fe


def insert_request(lab) -> dict:
    opens = [m["content"] for m in of_type(lab.magic_messages, "comm_open")
             if m["content"]["data"].get("op") == "insert_cells"]
    assert len(opens) == 1
    return opens[0]


@pytest.mark.render
def test_magic_inserts_one_section_cell_per_section_below_itself(lab):
    request = insert_request(lab)["data"]
    assert request["after_cell_id"] == "magic-cell"
    sources = [c["source"] for c in request["cells"]]
    assert [s.splitlines()[0] for s in sources] == [f"%%c2v_section {SLUG}/{i}" for i in ("1", "2", "3")]
    assert "#   1. A matrix moves every vector in the plane" in sources[0]  # the storyboard header
    assert "class Section1Scene(TeachingScene)" in sources[0]
    assert [c["metadata"]["code2video"] for c in request["cells"]] == [
        {"lecture": SLUG, "section": i} for i in ("1", "2", "3")]
    assert lab.payloads() == []  # with the extension ready: no set_next_input, so no duplicate cells
    assert "jupyter.widget-view" not in json.dumps([m["content"] for m in lab.magic_messages])  # no panel either
    # The extension answers after the cell ended: the status line changes in place.
    comm_id = insert_request(lab)["comm_id"]
    answer = lab.comm_msg(comm_id, {"op": "ok", "request_id": request["request_id"], "cell_ids": ["a", "b", "c"]})
    assert "Inserted 3 section cells" in outputs(of_type(answer, "update_display_data"))
    # each cell carries its preview (the magic rendered it), played from the lecture folder (issue 21 §5, §6)
    for cell, section in zip(request["cells"], ("1", "2", "3")):
        html = "".join(o["data"]["text/html"] for o in cell["outputs"])
        assert re.search(rf'<video[^>]*src="code2video/{SLUG}/previews/{section}\.mp4\?v=', html), html[:300]
        assert html.count('<img class="c2v-keyframe"') == 3
    assert len(json.dumps(request)) < 400_000  # thumbnails, not three videos



@pytest.mark.render
def test_unchanged_section_cell_shows_its_cached_preview_video_and_keyframes(lab):
    source = insert_request(lab)["data"]["cells"][0]["source"]
    started = time.monotonic()
    shown = outputs(lab.run(source, "cell-1"))
    assert time.monotonic() - started < 10  # no render: the magic already rendered it
    # JupyterLab with the extension serves the notebook's folder: the preview plays from there (issue 21 §6)
    assert re.search(rf'<video[^>]*src="code2video/{SLUG}/previews/1\.mp4\?v=', shown)
    assert "data:video/mp4" not in shown
    assert shown.count('<img class="c2v-keyframe"') == 3  # one keyframe per lecture-line block
    assert "1. A matrix moves every vector in the plane" in shown  # captioned with its lecture line
    assert 'poster="data:image/png;base64,' in shown  # not a black first frame
    assert re.search(r"unchanged — cached preview · video \d+\.\d s", shown)
    assert f"video: code2video/{SLUG}/previews/1.mp4 · lecture folder: code2video/{SLUG}/" in \
        re.sub(r"</?code>", "", shown)  # relative to the notebook's folder


@pytest.mark.render
def test_a_preview_above_the_embed_limit_is_linked_not_embedded(lab):
    lab.run("%config Code2Video.embed_limit_mb = 0.001")
    lab.run("%config Code2Video.link_previews = False")  # embedded, as where no server has the file
    try:
        shown = outputs(lab.run(insert_request(lab)["data"]["cells"][0]["source"], "cell-1"))
        lab.run("%config Code2Video.embed_limit_mb = 8")
        embedded = outputs(lab.run(insert_request(lab)["data"]["cells"][0]["source"], "cell-1"))
    finally:
        lab.run("%config Code2Video.embed_limit_mb = 8")
        lab.run("%config Code2Video.link_previews = True")
    assert re.search(r"<video[^>]*src=\"data:video/mp4;base64,", embedded)
    assert "data:video/mp4" not in shown and "too large to embed" in shown
    assert re.search(r'href="[^"]*previews/1\.mp4\?v=', shown)  # a fresh URL after each re-render


@pytest.mark.render
def test_edited_section_cell_renders_again(lab):
    source = insert_request(lab)["data"]["cells"][2]["source"]
    edited = source.replace('"λ=3", font_size=24', '"λ = 3", font_size=28')
    assert edited != source
    shown = outputs(lab.run(edited, "cell-3"))
    assert "rendered in" in shown and "<video" in shown
    assert "tokens" not in shown.split("rendered in")[1]  # it asked the model nothing
    state = json.loads((lab.folder / "code2video" / SLUG / "lecture.json").read_text())
    assert state["sections"]["3"]["history"][-1]["reason"] == "notebook edit"
    assert (lab.folder / "code2video" / SLUG / "sections" / "3.py").read_text() + "" == edited.split("\n", 1)[1]


@pytest.mark.render
def test_going_back_to_earlier_code_shows_its_preview_at_once(lab):
    source = insert_request(lab)["data"]["cells"][2]["source"]  # the original, before the edit above
    started = time.monotonic()
    shown = outputs(lab.run(source, "cell-3"))
    assert time.monotonic() - started < 10 and "cached preview" in shown and "<video" in shown
    state = json.loads((lab.folder / "code2video" / SLUG / "lecture.json").read_text())
    assert len(state["sections"]["3"]["archive_preview"]) == 2  # the original and the edited render


@pytest.mark.render
def test_auto_fix_reaches_the_cell_as_a_guarded_replace(lab):
    # a keyword on a method of an object: the static pass cannot tell its type, so auto-fix asks the model
    buggy = insert_request(lab)["data"]["cells"][1]["source"].replace(
        "buff=0, color=GREEN)", "buff=0).set_color(colour=GREEN)", 1)
    messages = lab.run(buggy, "cell-2")
    shown = outputs(messages)
    # What auto-fix did, by the cell's line, with the diff behind a click.
    assert "Auto-fix: fixed line 43: TypeError: VMobject.set_color() got an unexpected keyword argument" in shown
    assert re.search(r"<details[^>]*><summary[^>]*>Auto-fix: fixed line 43.*?</summary><pre.*colour=GREEN", shown, re.S)
    assert re.search(r"video \d+\.\d s · rendered in \d+\.\d s · 1 fix attempt · 1,450 tokens", shown)
    replace = [m["content"] for m in of_type(messages, "comm_open") if m["content"]["data"].get("op") == "replace_source"]  # (the quiz opens widget comms too)
    assert len(replace) == 1
    data = replace[0]["data"]
    assert data["expected_source"] == buggy  # guarded: only if the cell still holds what ran
    assert "color=GREEN" in data["source"] and "colour" not in data["source"]
    assert (data["lecture"], data["section"]) == (SLUG, "2")
    # The user typed in the cell meanwhile: the extension refuses, and the status says so.
    answer = lab.comm_msg(replace[0]["comm_id"], {"op": "conflict", "request_id": data["request_id"]})
    assert "edited meanwhile" in outputs(of_type(answer, "update_display_data"))


@pytest.mark.render
def test_without_extension_the_panel_and_a_set_next_input_chain_carry_the_sections(tmp_path, demo_lecture):
    rendered_demo_into(demo_lecture, tmp_path)  # the point is the panel and the chain, not the render
    with running_kernel(tmp_path, timeout=300) as fe:
        assert not of_type(fe.run("%load_ext code2video_nb", cell_id=None), "comm_open")  # classic: no cellId
        messages = fe.run(MAGIC, cell_id=None)
        assert not [m for m in of_type(messages, "comm_open") if m["content"]["target_name"] == "code2video"]
        widgets = [m for m in of_type(messages, "comm_open") if m["content"]["target_name"] == "jupyter.widget"]
        tabs = [w for w in widgets if w["content"]["data"]["state"].get("_model_name") == "TabModel"]
        assert len(tabs) == 1 and len(tabs[0]["content"]["data"]["state"]["children"]) == 3
        first = fe.payloads()
        assert len(first) == 1 and first[0]["text"].startswith(f"%%c2v_section {SLUG}/1\n")
        fe.run(first[0]["text"], cell_id=None)  # running section 1 offers section 2 …
        second = fe.payloads()
        assert len(second) == 1 and second[0]["text"].startswith(f"%%c2v_section {SLUG}/2\n")
        fe.run(first[0]["text"], cell_id=None)  # … once: re-running it does not duplicate cells
        assert fe.payloads() == []


def test_missing_key_is_one_line_with_the_fix(tmp_path):
    with running_kernel(tmp_path, env={"OPENAI_API_KEY": ""}) as fe:
        fe.run("%load_ext code2video_nb")
        messages = fe.run("%%code2video\nFourier series", check=False)
        assert fe.last_reply["status"] == "error" and fe.last_reply["ename"] == "UsageError"  # Run All stops here
        shown = outputs(messages).strip()  # IPython prints a UsageError as one red line, no traceback
        assert shown.startswith("UsageError: OPENAI_API_KEY is not set. Use %env OPENAI_API_KEY=")
        assert "\n" not in shown and "Traceback" not in shown


SLOW_SECTION = '''%%c2v_section {slug}/1
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class Section1Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("Slow", ["One line"], animate=False)
        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        square = Square()
        for _ in range(400):
            self.play(Rotate(square, 0.1), run_time=1)
'''


@pytest.mark.render
def test_interrupt_during_a_render_stops_cleanly(tmp_path):
    with running_kernel(tmp_path, timeout=300) as fe:
        fe.run("%load_ext code2video_nb", cell_id=None)
        fe.run(MAGIC.replace("--replay demo", "--replay demo --no-render"), cell_id=None)
        lecture = tmp_path / "code2video" / SLUG
        before = json.loads((lecture / "lecture.json").read_text())
        request = fe.start(SLOW_SECTION.format(slug=SLUG), cell_id=None)
        deadline = time.monotonic() + 60
        while not _render_workers(tmp_path) and time.monotonic() < deadline:  # wait until manim is rendering
            time.sleep(0.2)
        assert _render_workers(tmp_path), "the render never started"
        time.sleep(2)
        fe.km.interrupt_kernel()
        messages = fe.collect(request, check=False)
        assert fe.last_reply["status"] == "error"
        stderr = "".join(m["content"]["text"] for m in of_type(messages, "stream") if m["content"]["name"] == "stderr")
        assert stderr.strip().startswith("UsageError: Interrupted: the render was stopped")  # one line, no traceback
        time.sleep(0.5)
        assert _render_workers(tmp_path) == []  # no orphan manim process
        after = json.loads((lecture / "lecture.json").read_text())  # still valid JSON
        assert after["sections"]["1"].get("render_preview") == before["sections"]["1"].get("render_preview")
        assert not list(lecture.rglob("*.tmp")) and not list(lecture.rglob("*.check.py"))
        assert fe.value("1 + 1", cell_id=None) == 2  # the kernel lives on


def _render_workers(folder) -> list[str]:
    """Render processes of this test: a render runs in its section's media folder
    (the warm forkserver they fork from waits in the notebook's folder and is not one)."""
    found = subprocess.run(["pgrep", "-f", "code2video_nb"], capture_output=True, text=True)
    mine = []
    for pid in found.stdout.split():
        try:
            cwd = os.readlink(f"/proc/{pid}/cwd")
            if cwd.startswith(str(folder)) and "/.media/" in cwd + "/":
                mine.append(pid)
        except OSError:  # it ended meanwhile
            pass
    return mine
