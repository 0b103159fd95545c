"""Panel ⇄ section cells without a kernel: which code a stale cell takes, what a tab shows
before anything renders, and how a tab follows a cell (tests/test_panel_sync_kernel.py drives
the same through a real kernel and real renders)."""

from __future__ import annotations

from code2video_nb.engine import content_hash
from code2video_nb.notebook import sync
from code2video_nb.notebook.display import View
from code2video_nb.notebook.panel import PanelResult, SectionPanel
from code2video_nb.section_state import ErrorRecord
from code2video_nb.workspace import Workspace

GENERATED, PANEL, HAND = "generated = 1\n", "panel = 2\n", "hand = 3\n"


def _workspace(tmp_path) -> Workspace:
    ws = Workspace.create(tmp_path, "lecture", "A topic")
    ws.write_code("1", GENERATED, "generated")
    return ws


def _panel_render(ws: Workspace, code: str) -> None:
    """What a panel Render does to the workspace (no cell to tell: the bridge is absent)."""
    before = ws.read_code("1")
    ws.write_code("1", code, sync.PANEL_EDIT)
    sync.after_panel_render(_Absent(), ws, "1", before, code, True, note=lambda text: None)


class _Absent:
    state = "absent"


def test_a_cell_with_the_code_the_panel_replaced_takes_the_panels_code(tmp_path):
    ws = _workspace(tmp_path)
    _panel_render(ws, PANEL)
    assert ws.section_state("1").history[-1].reason == "panel edit"
    version = sync.panel_version_for(ws, "1", GENERATED)
    assert version is not None and version.code == PANEL and version.clock
    assert sync.panel_version_for(ws, "1", PANEL) is None  # the cell agrees already
    assert sync.panel_version_for(ws, "1", HAND) is None  # edited by hand: the user's newest intent


def test_the_panels_code_is_taken_once(tmp_path):
    ws = _workspace(tmp_path)
    _panel_render(ws, PANEL)

    class Shell:
        def set_next_input(self, text, replace=False):
            self.got = (text, replace)

    shell = Shell()
    sync.take(_Absent(), shell, ws, "1", GENERATED, PANEL, sync.panel_version_for(ws, "1", GENERATED))
    assert shell.got == ("%%c2v_section lecture/1\n" + PANEL, True)
    assert sync.panel_version_for(ws, "1", GENERATED) is None  # running the old code again renders it
    _panel_render(ws, GENERATED + "more = 4\n")  # a new panel render is news again
    assert sync.panel_version_for(ws, "1", PANEL) is not None


def test_code_newer_than_the_panels_is_not_replaced(tmp_path):
    ws = _workspace(tmp_path)
    _panel_render(ws, PANEL)
    ws.write_code("1", HAND, "notebook edit")  # a cell rendered its own code after the panel
    assert sync.panel_version_for(ws, "1", GENERATED) is None
    ws.write_code("1", PANEL, "notebook edit")  # the panel's code again, but from a cell
    assert sync.panel_version_for(ws, "1", HAND) is None  # HAND came after the panel's version


def test_a_file_edited_by_hand_after_the_panel_is_not_the_panels(tmp_path):
    ws = _workspace(tmp_path)
    _panel_render(ws, PANEL)
    ws.code_path("1").write_text(HAND)
    assert sync.panel_version_for(ws, "1", GENERATED) is None


def _views(ws, result, old, new, tokens):
    return [View(f"<b>{result.error or 'video'}</b>", f"{'ok' if result.ok else 'failed'}: {result.error}")]


def test_a_tab_shows_its_last_failure_without_rendering(tmp_path):
    ws = _workspace(tmp_path)
    assert sync.current_views(ws, "1", GENERATED, _views) == ([], "not rendered yet — press Render")
    ws.record_error("1", ErrorRecord("NameError: name 'x' is not defined", 3, "Traceback …",
                                     hash=content_hash(GENERATED, "preview")))
    views, status = sync.current_views(ws, "1", GENERATED, _views)
    assert [repr(v) for v in views] == ["failed: NameError: name 'x' is not defined"]
    assert status.startswith("✗ its last render failed")
    # The error of other code (the file changed since) is not this code's.
    assert sync.current_views(ws, "1", PANEL, _views) == ([], "not rendered yet — press Render")


def _panel():
    return SectionPanel("eigen", [("1", "Vectors", "one\n"), ("2", "Eigenvectors", "two\n")],
                        lambda sid, code: PanelResult(code, [View("<b>new</b>", "new")], "ok"))


def test_show_puts_a_preview_and_its_status_in_a_tab():
    panel = _panel()
    panel.show("2", [View("<video></video>", "video")], "✓ the last render of this code")
    s = panel.section("2")
    assert [o["data"]["text/plain"] for o in s.output.outputs] == ["video"]
    assert s.status.value == "✓ the last render of this code" and not s.edited
    assert panel.section("1").output.outputs == ()


def test_a_tab_follows_a_cell_that_rendered_other_code():
    panel = _panel()
    panel.note("1", "The section cell now holds this code ✓")
    panel.follow("1", "one, edited in the cell\n", [View("<b>cell</b>", "cell")])
    s = panel.section("1")
    assert s.code.value == "one, edited in the cell\n" and not s.edited
    assert [o["data"]["text/plain"] for o in s.output.outputs] == ["cell"]
    assert s.status.value.startswith("updated from the section cell at ") and s.cell_note.value == ""
    assert "one, edited in the cell" in s.source.value  # "Copy as cell" too


def test_a_tab_keeps_code_typed_there_when_a_cell_renders():
    panel = _panel()
    s = panel.section("2")
    s.code.value = "two, typed in the panel\n"
    assert s.edited
    panel.follow("2", "two, edited in the cell\n", [View("<b>cell</b>", "cell")])
    assert s.code.value == "two, typed in the panel\n"  # never lost
    assert [o["data"]["text/plain"] for o in s.output.outputs] == ["cell"]
    assert "not rendered yet — press Render" in s.status.value
    s.button.click()
    assert not s.edited and s.status.value == "ok"


def test_a_tab_that_already_shows_the_cells_code_is_left_alone():
    panel = _panel()
    panel.show("1", [View("<b>shown</b>", "shown")], "ok")
    panel.follow("1", "one\n", [View("<b>again</b>", "again")])  # the video is not sent again
    assert [o["data"]["text/plain"] for o in panel.section("1").output.outputs] == ["shown"]
    assert panel.section("1").status.value == "ok"
