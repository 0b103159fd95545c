"""The widget panel and the section cells through a real kernel, as a front end without our
extension drives them (classic Notebook, Colab, VS Code: no cellId, so the panel is shown and
cells are chained with set_next_input).

The panel is used the way a browser uses it: its widgets' states are read from the kernel's
comm messages, and typing and clicking Render are the comm messages a browser sends.
"""

from __future__ import annotations

import json
import time

import pytest

from code2video_nb.notebook import cells

from kernel_harness import of_type, opened, running_kernel
from test_notebook_kernel import MAGIC, SLUG, outputs

pytestmark = pytest.mark.render


class Widgets:
    """The kernel's widgets as a front end knows them: their opening states plus every update."""

    def __init__(self):
        self.state: dict[str, dict] = {}

    def see(self, messages: list[dict]) -> "Widgets":
        for m in messages:
            content = m["content"]
            if m["msg_type"] == "comm_open" and content["target_name"] == "jupyter.widget":
                self.state[content["comm_id"]] = dict(content["data"]["state"])
            elif m["msg_type"] == "comm_msg" and content["comm_id"] in self.state:
                if content["data"].get("method") == "update":
                    self.state[content["comm_id"]].update(content["data"]["state"])
        return self

    def tab(self, index: int) -> dict[str, str]:
        """The comm ids of section `index`'s widgets in the newest panel."""
        tabs = [cid for cid, s in self.state.items() if s.get("_model_name") == "TabModel"]
        page = self._children(self._children(tabs[-1])[index])  # editor, [Render, status], cell note, output
        button, status = self._children(page[1])
        return {"editor": page[0], "button": button, "status": status, "note": page[2], "output": page[3]}

    def _children(self, comm_id: str) -> list[str]:
        return [ref.removeprefix("IPY_MODEL_") for ref in self.state[comm_id]["children"]]

    def shown(self, comm_id: str) -> str:
        """An Output widget's outputs, as HTML where there is HTML."""
        return "\n".join(o["data"].get("text/html") or o["data"].get("text/plain", "")
                         for o in self.state[comm_id].get("outputs", []))


def notices(messages: list[dict], section: str, msg_type: str) -> list[str]:
    """What the section cell's notice output showed (display_data) or was changed to (update)."""
    wanted = f"c2v-{SLUG}-{section}-notice"
    return [m["content"]["data"].get("text/plain", "") for m in of_type(messages, msg_type)
            if m["content"].get("transient", {}).get("display_id") == wanted]


@pytest.fixture(scope="module")
def nb(tmp_path_factory):
    """A front end without the extension, after a rendering %%code2video (its panel and the
    first section cell it offered kept)."""
    folder = tmp_path_factory.mktemp("panel")
    with running_kernel(folder, timeout=300) as fe:  # silent: conftest's isolated_session_env
        fe.run("%load_ext code2video_nb", cell_id=None)
        fe.magic_messages = fe.run(MAGIC, cell_id=None)
        (offer,) = fe.payloads()
        fe.first_cell = offer["text"]
        fe.widgets = Widgets().see(fe.magic_messages)
        fe.lecture = folder / "code2video" / SLUG
        yield fe


def state(nb) -> dict:
    return json.loads((nb.lecture / "lecture.json").read_text())


def click_render(fe, widgets: Widgets, tab: dict[str, str], code: str) -> list[dict]:
    """Type `code` into the tab's editor and press Render, as the browser would."""
    fe.comm_msg(tab["editor"], {"method": "update", "state": {"value": code}, "buffer_paths": []})
    widgets.state[tab["editor"]]["value"] = code
    messages = fe.comm_msg(tab["button"], {"method": "custom", "content": {"event": "click"}})
    widgets.see(messages)
    return messages


def test_the_panel_shows_every_preview_right_after_the_magic_without_rendering(nb):
    for index in range(3):
        tab = nb.widgets.tab(index)
        shown = nb.widgets.shown(tab["output"])
        assert "<video" in shown and "<img" in shown, f"section {index + 1}: {shown[:300]}"
        assert "rendered in" in shown and "cached preview" not in shown  # the magic rendered it just now
        assert "✓ rendered: the preview of the code above" in nb.widgets.state[tab["status"]]["value"]
    # Building a panel renders nothing: rebuilt by a --no-render rerun, it shows the same previews
    # at once, and no preview or render record changed.
    before = {s: (r.get("render_preview"), (nb.lecture / "previews" / f"{s}.mp4").stat().st_mtime_ns)
              for s, r in state(nb)["sections"].items()}
    started = time.monotonic()
    rerun = nb.run(MAGIC.replace("--replay demo", "--replay demo --no-render"), cell_id=None)
    assert time.monotonic() - started < 20
    after = {s: (r.get("render_preview"), (nb.lecture / "previews" / f"{s}.mp4").stat().st_mtime_ns)
             for s, r in state(nb)["sections"].items()}
    assert after == before
    widgets = Widgets().see(rerun)
    for index in range(3):
        assert "<video" in widgets.shown(widgets.tab(index)["output"])
    nb.widgets.see(rerun)  # the rerun's panel is the live one now


def test_a_panel_render_marks_the_section_cell_and_running_it_takes_the_panels_code(nb):
    cell = nb.first_cell
    ran = nb.run(cell, cell_id=None)
    assert notices(ran, "1", "display_data") == [""]  # the cell's notice output: empty, with its id
    old = cell.split("\n", 1)[1]
    edited = old.replace("self.play(GrowArrow(e), run_time=0.6)", "self.play(GrowArrow(e), run_time=0.7)")
    assert edited != old

    tab = nb.widgets.tab(0)
    clicked = click_render(nb, nb.widgets, tab, edited)
    # The cell ran before: its notice changes in place (the click is a widget message, after the cell ended).
    (notice,) = notices(clicked, "1", "update_display_data")
    assert notice.startswith("The panel holds newer code for this section (rendered at ")
    assert "run this cell to take it" in notice
    assert "rendered in" in nb.widgets.state[tab["status"]]["value"]
    assert "Running the section cell now puts this code into it" in nb.widgets.state[tab["note"]]["value"]
    assert (nb.lecture / "sections" / "1.py").read_text() == edited
    history = state(nb)["sections"]["1"]["history"]
    assert history[-1]["reason"] == "panel edit"  # the workspace says who changed it

    # Running the stale cell takes the panel's code instead of rendering over it.
    started = time.monotonic()
    taken = nb.run(cell, cell_id=None)
    assert time.monotonic() - started < 10  # the panel's render, cached
    (replace,) = nb.payloads()
    assert replace["replace"] is True and replace["text"] == cells.cell_source(SLUG, "1", edited)
    assert notices(taken, "1", "display_data") == [""]
    (note,) = notices(taken, "1", "update_display_data")  # filled once the panel's code rendered
    assert note.startswith("This cell now holds the panel's code for this section (rendered at ")
    assert "-        self.play(GrowArrow(e), run_time=0.6)" in note  # what the cell had, as a diff
    assert "cached preview" in outputs(taken) and "<video" in outputs(taken)
    assert (nb.lecture / "sections" / "1.py").read_text() == edited
    assert len(state(nb)["sections"]["1"]["history"]) == len(history)  # nothing written over it

    # Once taken, the cell's own code is the user's intent again (e.g. an undo): it renders as it is,
    # and the panel's tab follows it.
    back = nb.run(cell, cell_id=None)
    assert notices(back, "1", "display_data") == [""] and nb.payloads() == []
    assert (nb.lecture / "sections" / "1.py").read_text() == old
    nb.widgets.see(back)
    assert nb.widgets.state[tab["editor"]]["value"] == old


def test_a_hand_edited_cell_renders_as_it_is_and_the_panel_tab_follows(nb):
    tab = nb.widgets.tab(2)
    old = (nb.lecture / "sections" / "3.py").read_text()
    assert nb.widgets.state[tab["editor"]]["value"] == old
    edited = old.replace('"λ=3", font_size=24', '"λ = 3", font_size=26')
    assert edited != old
    ran = nb.run(cells.cell_source(SLUG, "3", edited), cell_id=None)
    assert "rendered in" in outputs(ran) and "The panel holds" not in outputs(ran)
    assert (nb.lecture / "sections" / "3.py").read_text() == edited
    assert state(nb)["sections"]["3"]["history"][-1]["reason"] == "notebook edit"
    nb.widgets.see(ran)
    assert nb.widgets.state[tab["editor"]]["value"] == edited
    assert "updated from the section cell at " in nb.widgets.state[tab["status"]]["value"]
    assert "<video" in nb.widgets.shown(tab["output"])


def test_with_the_extension_a_panel_render_replaces_the_section_cells_code(tmp_path):
    """JupyterLab whose extension answered late: the magic ran while the state was unknown, so
    it both asked for cells and showed the panel; a panel Render then updates the cell itself."""
    with running_kernel(tmp_path, timeout=300) as fe:
        opened(fe.run("%load_ext code2video_nb", "load-cell"))  # the greeting is not answered yet
        magic = fe.run(MAGIC.replace("--replay demo", "--replay demo --no-render"), "magic-cell")
        (insert,) = [m["content"] for m in of_type(magic, "comm_open")
                     if m["content"]["data"].get("op") == "insert_cells"]
        fe.comm_msg(insert["comm_id"], {"op": "ok", "request_id": insert["data"]["request_id"],
                                        "cell_ids": ["c1", "c2", "c3"]})  # now the state is "ready"
        widgets = Widgets().see(magic)
        tab = widgets.tab(0)
        assert "not rendered yet" in widgets.state[tab["status"]]["value"]  # --no-render: nothing to show
        cell = insert["data"]["cells"][0]["source"]
        old = cell.split("\n", 1)[1]
        edited = old.replace("self.play(GrowArrow(e), run_time=0.6)", "self.play(GrowArrow(e), run_time=0.7)")

        clicked = click_render(fe, widgets, tab, edited)
        (replace,) = [m["content"] for m in of_type(clicked, "comm_open")
                      if m["content"]["data"].get("op") == "replace_source"]
        request = replace["data"]
        assert (request["lecture"], request["section"]) == (SLUG, "1")
        assert request["source"] == cells.cell_source(SLUG, "1", edited)
        assert request["expected_source"] == cell  # guarded: only over the code the cell had
        assert "Updating the section cell" in widgets.state[tab["note"]]["value"]
        assert "<video" in widgets.shown(tab["output"])

        answer = fe.comm_msg(replace["comm_id"], {"op": "ok", "request_id": request["request_id"]})
        widgets.see(answer)
        assert "The section cell now holds this code ✓" in widgets.state[tab["note"]]["value"]
        (notice,) = notices(answer, "1", "update_display_data")  # the cell's old video is marked too
        assert notice.startswith("This cell now holds the panel's code") and "run it to see its preview" in notice
