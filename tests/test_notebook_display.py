from __future__ import annotations

import base64
import re
from pathlib import Path

import ipywidgets as w
import pytest
from PIL import Image

from code2video_nb.notebook import cells
from code2video_nb.notebook.display import (
    View, diff_view, error_view, keyframe_strip, status_line, video_view,
)
from code2video_nb.notebook.panel import PanelResult, SectionPanel


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


def test_keyframe_strip_has_one_labelled_thumbnail_per_block(tmp_path):
    paths = []
    for k, colour in enumerate(["red", "green", "blue"], 1):
        paths.append(tmp_path / f"{k}.png")
        Image.new("RGB", (854, 480), colour).save(paths[-1])
    v = keyframe_strip(paths)
    imgs = re.findall(r'<img src="data:image/png;base64,([^"]+)"', v.html)
    assert len(imgs) == 3
    assert re.findall(r"<figcaption[^>]*>(\d+)</figcaption>", v.html) == ["1", "2", "3"]
    assert len(base64.b64decode(imgs[0])) < 5000  # thumbnails, not full frames
    assert repr(v) == "keyframes: blocks 1, 2, 3"
    assert "no keyframes" in keyframe_strip([]).html


def test_status_line_wording():
    assert repr(status_line(4.21, 1, 1450)) == "rendered in 4.2 s · 1 fix attempt · 1,450 tokens"
    assert repr(status_line(2.0, 2, None)) == "rendered in 2.0 s · 2 fix attempts"
    assert repr(status_line(0.5, 0, 0)) == "rendered in 0.5 s"
    assert repr(status_line(0.0, 0, 0, cached=True)) == "unchanged — cached preview"
    assert "rendered in 4.2 s" in status_line(4.21, 1, 1450)._repr_html_()


def test_diff_shows_the_changed_line():
    old = "a = 1\nb = Circle(radius=2)\nc = 3\n"
    new = "a = 1\nb = Circle(radius=1)\nc = 3\n"
    v = diff_view(old, new, "auto-fix changed your code")
    assert "-b = Circle(radius=2)" in repr(v) and "+b = Circle(radius=1)" in repr(v)
    assert "auto-fix changed your code" in v.html
    assert re.search(r'rgba\(248, 81, 73[^>]*>-b = Circle\(radius=2\)', v.html)
    assert re.search(r'rgba\(46, 160, 67[^>]*>\+b = Circle\(radius=1\)', v.html)
    assert "a = 1" in v.html and "+++" not in v.html
    assert "no changes" in repr(diff_view(old, old, "t"))


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
