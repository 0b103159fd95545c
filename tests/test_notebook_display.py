from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import ipywidgets as w
import pytest
from PIL import Image

from code2video_nb.engine import SectionResult
from code2video_nb.notebook import cells
from code2video_nb.notebook.display import (
    View, diff_view, error_view, fix_note, keyframe_strip, location_line, status_line, video_view,
)
from code2video_nb.notebook.panel import PanelResult, SectionPanel
from code2video_nb.notebook.section_view import section_views
from code2video_nb.plan import Storyboard
from code2video_nb.section_state import FixAttempt, FixRecord
from code2video_nb.workspace import Workspace


@pytest.fixture
def mp4(tmp_path) -> Path:
    p = tmp_path / "previews" / "1.mp4"
    p.parent.mkdir()
    p.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(200))  # content is never decoded here
    return p


def test_video_embedded_under_the_cap(mp4):
    v = video_view(mp4)
    assert "<video" in v._repr_html_() and "controls" in v.html and "loop" in v.html
    data = re.search(r'src="data:video/mp4;base64,([^"]+)"', v.html).group(1)
    assert base64.b64decode(data) == mp4.read_bytes()
    assert "embedded" in repr(v)


def test_video_linked_above_the_cap_with_cache_busting(mp4, monkeypatch):
    monkeypatch.chdir(mp4.parent.parent)
    v = video_view(mp4, max_embed_bytes=100)
    assert "<video" not in v.html and "base64" not in v.html
    href = re.search(r'<a href="([^"]+)"', v.html).group(1)
    assert href.startswith("previews/1.mp4?v=")
    assert "too large to embed" in v.html and "212 B" in v.html
    assert "not embedded" in repr(v)
    # A re-render changes the link, so the browser cannot show the old video.
    mp4.write_bytes(mp4.read_bytes() + b"more")
    assert re.search(r'<a href="([^"]+)"', video_view(mp4, max_embed_bytes=100).html).group(1) != href
    assert "<video" in video_view(mp4, embed=True, max_embed_bytes=100).html
    assert "<video" not in video_view(mp4, embed=False).html


def test_missing_video_is_an_error_not_a_crash(tmp_path):
    v = video_view(tmp_path / "nope.mp4")
    assert "not found" in repr(v) and "<video" not in v.html


LINES = ["A matrix moves every vector", "Most vectors leave their line", "Eigenvectors stay on their line"]
THUMB = re.compile(r'<img class="c2v-keyframe" src="data:image/png;base64,([^"]+)"')


def _frames(folder: Path, n: int = 3) -> list[Path]:
    """Frames like a preview's: 854×480, text on black (what makes a PNG big is detail)."""
    from PIL import ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(1, n + 1):
        im = Image.new("RGB", (854, 480), "black")
        draw = ImageDraw.Draw(im)
        for row in range(12):
            draw.text((20, 20 + 36 * row), f"block {k} row {row}: " + LINES[(k + row) % 3] * 2, fill=(255, 230, 120))
        draw.ellipse((500, 200, 700, 400), outline="green", width=6)
        paths.append(folder / f"{k}.png")
        im.save(paths[-1])
    return paths


def _png_width(data: str) -> int:
    return Image.open(io.BytesIO(base64.b64decode(data))).size[0]


def test_keyframes_are_captioned_with_their_lecture_lines_and_open_to_full_size(tmp_path):
    v = keyframe_strip(_frames(tmp_path), LINES)
    thumbs = THUMB.findall(v.html)
    assert [_png_width(t) for t in thumbs] == [320, 320, 320]
    # Visible captions, not tooltips: "k. <lecture line>" as text under each thumbnail.
    captions = re.findall(r'<div style="width: 320px[^>]*>([^<]*)</div>', v.html)
    assert captions == [f"{k}. {line}" for k, line in enumerate(LINES, 1)]
    # Each thumbnail is the <summary> of a <details> whose body is the frame at full size.
    frames = re.findall(r"<details><summary[^>]*><img[^>]*>.*?</summary><img src=\"data:image/png;base64,([^\"]+)\"",
                        v.html)
    assert [_png_width(f) for f in frames] == [854, 854, 854]
    assert "<script" not in v.html and "onclick" not in v.html  # JupyterLab would strip them
    assert "click one to enlarge" in v.html
    # Small enough for a notebook: a few tens of kB per block, both sizes together.
    assert len(v.html) < 3 * 60_000, len(v.html)
    assert repr(v) == ("keyframes: the end of each lecture line\n  1. A matrix moves every vector\n"
                       "  2. Most vectors leave their line\n  3. Eigenvectors stay on their line")
    assert "no keyframes" in keyframe_strip([]).html


def test_keyframe_without_a_lecture_line_is_named_by_its_block(tmp_path):
    v = keyframe_strip(_frames(tmp_path, 2), LINES[:1])
    assert re.findall(r'<div style="width: 320px[^>]*>([^<]*)</div>', v.html) == [f"1. {LINES[0]}", "block 2"]
    assert repr(v).endswith("  block 2")


def test_status_line_names_each_number():
    assert repr(status_line(4.21, 1, 1450, duration=8.23)) == \
        "video 8.2 s · rendered in 4.2 s · 1 fix attempt · 1,450 tokens"
    assert repr(status_line(2.0, 2, None, duration=61.4)) == "video 1 min 1 s · rendered in 2.0 s · 2 fix attempts"
    assert repr(status_line(0.5, 0, 0)) == "rendered in 0.5 s"
    assert repr(status_line(0.0, 1, 99, cached=True, duration=8.23)) == "unchanged — cached preview · video 8.2 s"
    assert "video 8.2 s · rendered in 4.2 s" in status_line(4.21, 1, 1450, duration=8.23)._repr_html_()


def test_location_line_names_the_video_and_the_lecture_folder(tmp_path, monkeypatch):
    folder = tmp_path / "code2video" / "eigen"
    monkeypatch.chdir(tmp_path)
    v = location_line(folder / "previews" / "2.mp4", folder)
    assert repr(v) == "video: code2video/eigen/previews/2.mp4 · lecture folder: code2video/eigen/"
    assert "<code>code2video/eigen/previews/2.mp4</code>" in v.html
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.chdir(tmp_path / "elsewhere")  # outside the working directory: absolute paths
    assert str(folder.resolve() / "previews" / "2.mp4") in repr(location_line(folder / "previews" / "2.mp4", folder))


def test_diff_shows_the_changed_line():
    old = "a = 1\nb = Circle(radius=2)\nc = 3\n"
    new = "a = 1\nb = Circle(radius=1)\nc = 3\n"
    v = diff_view(old, new, "auto-fix changed your code")
    assert "-b = Circle(radius=2)" in repr(v) and "+b = Circle(radius=1)" in repr(v)
    assert "auto-fix changed your code" in v.html
    assert re.search(r'rgba\(248, 81, 73[^>]*>-b = Circle\(radius=2\)', v.html)
    assert re.search(r'rgba\(46, 160, 67[^>]*>\+b = Circle\(radius=1\)', v.html)
    assert "a = 1" in v.html and "+++" not in v.html
    assert "@@ lines 1–3" in repr(v)  # the lines, not "@@ -1,3 +1,3 @@"
    assert "no changes" in repr(diff_view(old, old, "t"))


def test_fix_note_is_one_line_with_the_diff_behind_a_click():
    before = "%%c2v_section l/2\na = 1\nb = Circle(colour=RED)\nc = 3\n"
    after = before.replace("colour", "color")
    v = fix_note([(3, "TypeError: unexpected keyword 'colour'\n  more detail")], before, after)
    summary = re.search(r"<summary[^>]*>(.*?)</summary>", v.html).group(1)
    assert summary.startswith("Auto-fix: fixed line 3: TypeError: unexpected keyword &#x27;colour&#x27; <span")
    assert "more detail" not in v.html
    diff = v.html.split("</summary>", 1)[1]
    assert "-b = Circle(colour=RED)" in diff and "+b = Circle(color=RED)" in diff and diff.endswith("</details>")
    assert repr(v).splitlines()[0] == "Auto-fix: fixed line 3: TypeError: unexpected keyword 'colour'"
    assert "+b = Circle(color=RED)" in repr(v)
    two = fix_note([(3, "NameError: x"), (None, "SyntaxError: y")], before, after)
    assert repr(two).startswith("Auto-fix: fixed line 3: NameError: x; SyntaxError: y\n")
    assert repr(fix_note([], before, after)).startswith("Auto-fix changed this code\n")


# --- a section's views, from a workspace as the engine leaves it ------------------------------

BUGGY = "# Section 2\nfrom manim import *\n\nv = Arrow(colour=GREEN)\nw = 2\n"
FIXED = BUGGY.replace("colour", "color")


@pytest.fixture
def lecture(tmp_path, monkeypatch) -> Workspace:
    monkeypatch.chdir(tmp_path)
    ws = Workspace.create(Path("code2video"), "eigen", "Eigen")
    ws.set_storyboard(Storyboard.from_dict({"sections": [
        {"id": "2", "title": "Eigenvalues", "lecture_lines": LINES, "animations": ["a", "b", "c"]}]}))
    _frames(ws.keyframes_dir("2"))
    ws.preview_path("2").parent.mkdir(parents=True)
    ws.preview_path("2").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(200))
    return ws


def _fixed_by_engine(ws: Workspace, record_code: bool = True) -> None:
    """What SectionBuilder._fix leaves: the buggy version, the fixed one, and the fix report."""
    ws.write_code("2", BUGGY, "notebook edit")
    attempt = FixAttempt("scope", "Lecture Line 1 block", start=4, end=5, line=4,
                         error="TypeError: Mobject.__init__() got an unexpected keyword argument 'colour'",
                         result="ok", tokens=1450, seconds=2.3)
    fix = FixRecord(True, [attempt], **({"before": BUGGY, "after": FIXED} if record_code else {}))
    ws.record_fix("2", fix)
    ws.write_code("2", FIXED, "auto-fix")


def _shown(views) -> str:
    return "\n".join(v.html for v in views)


def test_section_views_show_the_video_where_it_is_captions_fix_and_status(lecture):
    _fixed_by_engine(lecture)
    result = SectionResult("2", True, lecture.preview_path("2"), duration=8.23, seconds=4.21, fix_attempts=1)
    views = section_views(lecture, result, BUGGY, FIXED, 1450, embed_limit_bytes=8_000_000)
    html = _shown(views)
    assert "<video" in views[0].html
    assert "video: code2video/eigen/previews/2.mp4 · lecture folder: code2video/eigen/" in [repr(v) for v in views]
    assert len(THUMB.findall(html)) == 3 and f"3. {LINES[2]}" in html
    # Cell line 5: the section file's line 4, under the %%c2v_section line.
    assert "Auto-fix: fixed line 5: TypeError: Mobject.__init__() got an unexpected keyword argument" in html
    note = next(v for v in views if repr(v).startswith("Auto-fix"))
    assert "<details" in note.html and "+v = Arrow(color=GREEN)" in note.html.split("</summary>")[1]
    assert "@@ lines 3–6" in repr(note)  # the cell's lines, magic line included
    # The status is last: the panel shows it beside its Render button.
    assert repr(views[-1]) == "video 8.2 s · rendered in 4.2 s · 1 fix attempt · 1,450 tokens"
    assert html.index("<video") < html.index("c2v-keyframe") < html.index("Auto-fix") < html.index("video 8.2 s")


def test_a_cached_rerun_of_the_fixed_code_keeps_the_fix_note(lecture):
    _fixed_by_engine(lecture)
    cached = SectionResult("2", True, lecture.preview_path("2"), duration=8.23, cached=True)
    views = section_views(lecture, cached, FIXED, FIXED, 0, embed_limit_bytes=8_000_000)
    assert "Auto-fix: fixed line 5" in _shown(views) and "-v = Arrow(colour=GREEN)" in _shown(views)
    assert repr(views[-1]) == "unchanged — cached preview · video 8.2 s"
    # Edited after the fix: the note is about other code, so it is gone.
    edited = FIXED + "x = 1\n"
    lecture.write_code("2", edited, "notebook edit")
    views = section_views(lecture, cached, edited, edited, 0, embed_limit_bytes=8_000_000)
    assert "Auto-fix" not in _shown(views)


def test_a_fix_recorded_without_its_code_is_found_in_the_history(lecture):
    _fixed_by_engine(lecture, record_code=False)  # a lecture.json written before fixes kept their code
    cached = SectionResult("2", True, lecture.preview_path("2"), duration=8.0, cached=True)
    views = section_views(lecture, cached, FIXED, FIXED, 0, embed_limit_bytes=8_000_000)
    assert "Auto-fix: fixed line 5" in _shown(views) and "+v = Arrow(color=GREEN)" in _shown(views)


def test_a_failed_section_keeps_its_error_view(lecture):
    lecture.write_code("2", BUGGY, "notebook edit")
    failed = SectionResult("2", False, error="NameError: name 'Foo' is not defined", line=4, log="Traceback\n")
    views = section_views(lecture, failed, BUGGY, BUGGY, 0, embed_limit_bytes=8_000_000)
    assert len(views) == 1 and "line 5 of the cell" in repr(views[0]) and "<video" not in views[0].html


def test_error_view_one_line_and_log_behind_details():
    log = "Traceback (most recent call last):\n  File x\nNameError: name 'Foo' is not defined <b>"
    v = error_view("Section 2 failed at line 14: NameError.\nFix the name and render again.", log)
    summary = re.search(r'<div style="color[^>]*>(.*?)</div>', v.html).group(1)
    assert "\n" not in summary and "line 14" in summary and "render again" in summary
    before, details = v.html.split("<details>", 1)
    assert "Traceback" not in before
    assert "Traceback" in details and "&lt;b&gt;" in details  # escaped, not rendered
    assert repr(v).startswith("error: Section 2 failed") and "Traceback" not in repr(v)
    assert "<details>" not in error_view("boom").html


def _panel(render):
    sections = [("1", "Vectors", "code one\n"), ("2", "Eigenvectors", "code two\n")]
    return SectionPanel("eigen", sections, render)


def test_panel_has_one_titled_tab_per_section():
    panel = _panel(lambda sid, code: PanelResult(code))
    assert isinstance(panel.widget, w.Widget)
    assert len(panel.tab.children) == 2
    assert [panel.tab.get_title(i) for i in range(2)] == ["1. Vectors", "2. Eigenvectors"]
    assert [s.code.value for s in panel.sections] == ["code one\n", "code two\n"]
    assert panel.section("2").title == "Eigenvectors"
    # "Copy as cell" holds the whole section cell, magic line included, and follows edits.
    assert "%%c2v_section eigen/1\ncode one" in panel.sections[0].source.value
    panel.sections[0].code.value = "x < 1\n"
    assert "%%c2v_section eigen/1\nx &lt; 1" in panel.sections[0].source.value


def test_render_button_uses_edited_code_and_shows_views():
    calls = []

    def render(sid, code):
        calls.append((sid, code))
        return PanelResult(code, [status_line(1.0, 0, 10), View("<b>preview</b>", "preview")], "ok")

    panel = _panel(render)
    s = panel.sections[1]
    s.code.value = "edited two\n"
    s.button.click()
    assert calls == [("2", "edited two\n")]
    shown = [o["data"] for o in s.output.outputs]
    assert shown[0]["text/plain"] == "rendered in 1.0 s · 10 tokens"
    assert shown[1] == {"text/html": "<b>preview</b>", "text/plain": "preview"}
    assert s.status.value == "ok" and not s.button.disabled
    assert panel.sections[0].output.outputs == ()
    s.button.click()  # a re-render replaces the previous preview rather than stacking
    assert len(s.output.outputs) == 2


def test_render_updates_the_editor_when_code_was_fixed():
    fixed = "code two\nfixed = True\n"
    panel = _panel(lambda sid, code: PanelResult(fixed, [diff_view(code, fixed, "auto-fix")]))
    s = panel.section("2")
    s.button.click()
    assert s.code.value == fixed
    assert cells.cell_source("eigen", "2", fixed).replace("\n", "") in s.source.value.replace("\n", "")
    assert "+fixed = True" in s.output.outputs[0]["data"]["text/plain"]


def test_exception_in_render_is_shown_not_raised():
    def render(sid, code):
        raise RuntimeError("renderer crashed")

    panel = _panel(render)
    s = panel.sections[0]
    s.button.click()  # must not raise
    (out,) = s.output.outputs
    assert "renderer crashed" in out["data"]["text/plain"]
    assert "<details>" in out["data"]["text/html"] and "Traceback" in out["data"]["text/html"]
    assert s.status.value == "failed" and not s.button.disabled
    assert s.code.value == "code one\n"
