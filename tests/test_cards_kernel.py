"""The critic's cards through a real kernel, as a front end without our extension drives them
(no cellId: the panel is shown and cells are chained with set_next_input), with the demo lecture
replayed (no key) and the real layout critic.

Section 3's cell is edited so that its last formula (`power`) is placed on the diagonal matrix
(`diag`, cell B5, still on screen from the block before): the critic finds it and proposes a fix
(fade `diag` out first). Clicks are the comm messages a browser sends (tests/test_panel_sync_kernel.py's
Widgets reads the widgets' states).
"""

from __future__ import annotations

import json
import time

import pytest

from code2video_nb.notebook import cells

from conftest import rendered_demo_into
from kernel_harness import of_type, running_kernel
from test_notebook_kernel import MAGIC, SLUG, outputs, ready_lab
from test_panel_sync_kernel import Widgets, click_render, notices

pytestmark = pytest.mark.render

PLANT_FROM, PLANT_TO = 'self.place_at_grid(power, "E4")', 'self.place_at_grid(power, "B5")'


class Deck:
    """A suggestion deck's widgets (cards.py) as the front end knows them."""

    def __init__(self, widgets: Widgets, model_id: str):
        self.widgets, self.id = widgets, model_id

    def _children(self, comm_id: str) -> list[str]:
        return self.widgets._children(comm_id)

    @property
    def parts(self) -> dict[str, str]:
        children = self._children(self.id)
        if len(children) == 7:  # in a cell: the note and the new preview have their own place
            _style, top, choice, line, preview, header, box = children
            extra = {"line": line, "preview": preview}
        else:  # in a panel tab: they go to the tab
            (_style, top, choice, header, box), extra = children, {}
        message, undo = self._children(top)
        return {"message": message, "undo": undo, "choice": choice, "header": header, "box": box, **extra}

    def value(self, name: str) -> str:
        return self.widgets.state[self.parts[name]].get("value", "")

    def cards(self) -> list[dict[str, str]]:
        found = []
        for card in self._children(self.parts["box"]):
            text = self._children(card)[-1]
            if "children" not in self.widgets.state[text]:  # a decided card: one line
                found.append({"closed": text})
                continue
            children = self._children(text)
            problem, change, buttons, _override, status = children
            found.append({"problem": problem, "change": change, "status": status,
                          **{self.widgets.state[b]["description"].lower(): b for b in self._children(buttons)}})
        return found

    def text(self, comm_id: str) -> str:
        return self.widgets.state[comm_id].get("value", "")


def deck_in(messages: list[dict], widgets: Widgets) -> Deck:
    """The deck a section cell displayed (its last widget output)."""
    views = [m["content"]["data"]["application/vnd.jupyter.widget-view+json"]["model_id"]
             for m in messages if m["msg_type"] == "display_data"
             and "application/vnd.jupyter.widget-view+json" in m["content"]["data"]]
    assert views, outputs(messages)[-2000:]
    widgets.see(messages)
    return Deck(widgets, views[-1])


def click(fe, widgets: Widgets, button: str) -> list[dict]:
    messages = fe.comm_msg(button, {"method": "custom", "content": {"event": "click"}})
    widgets.see(messages)
    return messages


@pytest.fixture(scope="module")
def nb(tmp_path_factory, demo_lecture):
    """A front end without the extension, after a %%code2video over the rendered demo lecture
    (every section's preview cached: the magic shows them and renders nothing)."""
    folder = tmp_path_factory.mktemp("cards")
    rendered_demo_into(demo_lecture, folder)  # the cards are the point, not the magic's first render
    with running_kernel(folder, timeout=300) as fe:  # silent (conftest's isolated_session_env), as the demo was rendered
        fe.run("%load_ext code2video_nb", cell_id=None)
        fe.magic = fe.run(MAGIC, cell_id=None)
        fe.lecture = folder / "code2video" / SLUG
        fe.widgets = Widgets().see(fe.magic)
        yield fe


def state(nb) -> dict:
    return json.loads((nb.lecture / "lecture.json").read_text())


def planted(nb, extra: str = "") -> str:
    code = (nb.lecture / "sections" / "3.py").read_text() if not hasattr(nb, "original") else nb.original
    nb.original = code
    assert PLANT_FROM in code
    return code.replace(PLANT_FROM, PLANT_TO + extra)


def replanted(nb, scale: str) -> str:
    """The defect again, with the line placing `power` written otherwise: a line naming the dismissed
    suggestion's objects changed, so it is news in this code (a comment alone would not do)."""
    return planted(nb).replace(PLANT_TO, PLANT_TO.replace('"B5")', f'"B5", scale_factor={scale})'))


def status_row(nb, section: str) -> dict[str, str]:
    """The section's row of `%c2v status`, by column name."""
    text = "\n".join(m["content"]["data"].get("text/plain", "") for m in nb.run("%c2v status", cell_id=None)
                     if m["msg_type"] == "display_data")
    header = next(line.split(" | ") for line in text.splitlines() if line.startswith("section | "))
    rows = [line.split(" | ") for line in text.splitlines() if line.startswith(f"{section} | ")]
    assert rows, text
    return dict(zip(header, rows[0]))


def suggestion_for(nb, code: str) -> dict:
    """The stored suggestion about `power` for this code (lecture.json)."""
    from code2video_nb.suggestions import code_hash
    found = [s for s in state(nb)["sections"]["3"]["suggestions"]
             if s["hash"] == code_hash(code) and "power" in s["finding"]["objects"]]
    assert found, state(nb)["sections"]["3"].get("suggestions")
    return found[0]


def power_card(deck: Deck) -> dict:
    cards = [c for c in deck.cards() if "problem" in c and "power" in deck.text(c["problem"])]
    assert cards, (deck.value("header"), [deck.text(c.get("problem", c.get("closed"))) for c in deck.cards()])
    return cards[0]


def test_a_planted_layout_defect_shows_a_card_and_status_counts_it(nb):
    assert status_row(nb, "3")["pending suggestions"] == "0"  # the demo's own section 3: nothing to suggest
    code = planted(nb)
    ran = nb.run(cells.cell_source(SLUG, "3", code), cell_id=None)
    deck = deck_in(ran, nb.widgets)
    card = power_card(deck)
    stored = suggestion_for(nb, code)
    finding, patch = stored["finding"], stored["finding"]["patch"]
    assert finding["kind"] in ("overlap", "stale_overlap") and "diag" in finding["objects"], finding
    assert f"line {finding['line'] + 1} of the cell" in deck.text(card["problem"])  # the cell's lines
    first_new = patch["new"].splitlines()[0].strip().replace('"', "&quot;")
    assert first_new in deck.text(card["change"])  # the change as a diff
    assert set(card) >= {"accept", "override", "dismiss"}
    cards = [c for c in deck.cards() if "problem" in c]
    assert f"{len(cards)} suggestion" in deck.value("header")
    assert status_row(nb, "3")["pending suggestions"] == str(len(cards))
    nb.deck, nb.card, nb.planted = deck, card, code


def test_dismiss_persists_across_a_rerun_of_the_same_code(nb):
    deck, code = nb.deck, nb.planted
    shown = len(deck.cards())
    click(nb, nb.widgets, nb.card["dismiss"])
    closed = [c for c in deck.cards() if "closed" in c]
    assert len(closed) == 1 and "Dismissed: not shown again for these objects, until their lines change." in deck.text(closed[0]["closed"])
    started = time.monotonic()
    again = nb.run(cells.cell_source(SLUG, "3", code), cell_id=None)
    assert time.monotonic() - started < 10  # cached preview, cached critique
    if shown == 1:  # nothing left to act on: one plain line, no widgets
        assert "Layout critic: nothing to suggest for this code ✓" in outputs(again)
        assert not [m for m in again if m["msg_type"] == "display_data"  # (the panel's tab has its own deck)
                    and "application/vnd.jupyter.widget-view+json" in m["content"]["data"]
                    and "Check your understanding" not in m["content"]["data"].get("text/plain", "")]  # the quiz
    else:
        rerun = deck_in(again, nb.widgets)
        assert len(rerun.cards()) == shown - 1
        assert all("power" not in rerun.text(c["problem"]) for c in rerun.cards())
    assert status_row(nb, "3")["pending suggestions"] == str(shown - 1)


def test_accept_changes_the_code_its_history_and_the_preview(nb):
    from code2video_nb.suggestions import patch_code
    from code2video_nb.findings import Patch

    code = replanted(nb, "1.0")  # the power line changed: the suggestion is news here
    ran = nb.run(cells.cell_source(SLUG, "3", code), cell_id=None)
    deck = deck_in(ran, nb.widgets)
    card = power_card(deck)
    stored = suggestion_for(nb, code)
    render_before = state(nb)["sections"]["3"]["render_preview"]["hash"]
    clicked = click(nb, nb.widgets, card["accept"])

    new = (nb.lecture / "sections" / "3.py").read_text()
    assert new == patch_code(code, Patch(**stored["finding"]["patch"]))
    section = state(nb)["sections"]["3"]
    assert section["history"][-1]["reason"] == f"critic: accepted {stored['finding']['kind']}"
    assert section["render_preview"]["hash"] != render_before  # rendered again
    assert "<video" in nb.widgets.shown(deck.parts["preview"])  # the new preview, in the card's area
    assert "Accepted:" in deck.value("message")
    assert "nothing to suggest for this code" in deck.value("header")  # the critic on the new code
    undo_layout = nb.widgets.state[deck.parts["undo"]]["layout"].removeprefix("IPY_MODEL_")
    assert nb.widgets.state[undo_layout].get("display") in ("", None)  # Undo is offered
    # No extension: the section cell is told (its notice) and running it takes the new code.
    (notice,) = notices(clicked, "3", "update_display_data")
    assert notice.startswith("An accepted suggestion changed this section's code")
    taken = nb.run(cells.cell_source(SLUG, "3", code), cell_id=None)
    (replace,) = nb.payloads()
    assert replace["replace"] is True and replace["text"] == cells.cell_source(SLUG, "3", new)
    assert "cached preview" in outputs(taken)


def test_with_the_extension_accept_replaces_the_section_cells_code(tmp_path, demo_lecture):
    """JupyterLab with the extension: Accept puts the new code into the section cell through the
    guarded replace (only over the code the cell ran) and asks the extension to run the cell (its
    outputs become the one preview of the new code: nothing renders in the click). Where the cell
    was edited meanwhile, the deck offers keep mine or take the suggestion."""
    rendered_demo_into(demo_lecture, tmp_path)  # the planted cell renders only its changed plays
    with running_kernel(tmp_path, timeout=300) as fe:
        ready_lab(fe)
        fe.run(MAGIC.replace("--replay demo", "--replay demo --no-render"), "magic-cell")
        code = (tmp_path / "code2video" / SLUG / "sections" / "3.py").read_text()
        source = cells.cell_source(SLUG, "3", code.replace(PLANT_FROM, PLANT_TO))
        widgets = Widgets()
        deck = deck_in(fe.run(source, "section-3-cell"), widgets)
        card = power_card(deck)
        clicked = click(fe, widgets, card["accept"])
        (replace,) = [m["content"] for m in of_type(clicked, "comm_open")
                      if m["content"]["data"].get("op") == "replace_source"]
        request = replace["data"]
        new = (tmp_path / "code2video" / SLUG / "sections" / "3.py").read_text()
        assert (request["lecture"], request["section"]) == (SLUG, "3")
        assert request["source"] == cells.cell_source(SLUG, "3", new) and new != code.replace(PLANT_FROM, PLANT_TO)
        assert request["expected_source"] == source  # guarded: never over an edit made meanwhile
        assert request["run"] is True
        assert "the cell takes the new code and runs" in deck.value("message")
        assert not widgets.shown(deck.parts["preview"])  # the cell's own run shows the new preview
        # The cell had been edited: the extension answers conflict with what it holds.
        mine = source + "# mine\n"
        widgets.see(fe.comm_msg(replace["comm_id"], {"op": "conflict", "request_id": request["request_id"],
                                                     "current_source": mine}))
        assert "You edited this cell since it ran" in deck.value("message")
        keep, take = widgets._children(deck.parts["choice"])
        assert widgets.state[take]["description"] == "Take the suggestion (into my edit)"
        clicked = click(fe, widgets, take)
        (again,) = [m["content"]["data"] for m in of_type(clicked, "comm_open")
                    if m["content"]["data"].get("op") == "replace_source"]
        merged = (tmp_path / "code2video" / SLUG / "sections" / "3.py").read_text()
        assert merged == new + "# mine\n"  # the fix, put into the edit
        assert again["expected_source"] == mine and again["source"] == cells.cell_source(SLUG, "3", merged)
        assert again["run"] is True


def test_in_the_panel_a_card_acts_on_the_tabs_code(nb):
    """The fallback panel gets the same cards: Accept updates the tab's editor and preview, as a
    panel Render does, and marks the section cell."""
    tab = nb.widgets.tab(2)
    code = replanted(nb, "1.00")
    click_render(nb, nb.widgets, tab, code)
    page = nb.widgets._children(nb.widgets._children(
        [cid for cid, st in nb.widgets.state.items() if st.get("_model_name") == "TabModel"][-1])[2])
    (deck_id,) = nb.widgets._children(page[4])  # under the tab's preview
    deck = Deck(nb.widgets, deck_id)
    card = power_card(deck)
    stored = suggestion_for(nb, code)
    problem = deck.text(card["problem"])  # the tab's editor holds the file: its own line numbers
    assert f"line {stored['finding']['line']} ·" in problem and "of the cell" not in problem
    clicked = click(nb, nb.widgets, card["accept"])
    new = (nb.lecture / "sections" / "3.py").read_text()
    assert new != code and state(nb)["sections"]["3"]["history"][-1]["reason"] == \
        f"critic: accepted {stored['finding']['kind']}"
    assert nb.widgets.state[tab["editor"]]["value"] == new  # the tab's editor holds the new code
    assert "<video" in nb.widgets.shown(tab["output"])
    assert "Run the section cell again to put this code into it." in nb.widgets.state[tab["note"]]["value"]
    (notice,) = notices(clicked, "3", "update_display_data")
    assert notice.startswith("An accepted suggestion changed this section's code")


def quiz_in(messages: list[dict], widgets: Widgets, section: str) -> dict[str, list[str]]:
    """The quiz a section cell displayed (quiz_widget.py): per question its radio, Check and feedback."""
    views = [m["content"]["data"] for m in messages if m["msg_type"] == "display_data"
             and f"Check your understanding: section {section}" in m["content"]["data"].get("text/plain", "")]
    assert len(views) == 1, outputs(messages)[-2000:]
    widgets.see(messages)
    box = views[0]["application/vnd.jupyter.widget-view+json"]["model_id"]
    questions = [widgets._children(q) for q in widgets._children(box)[1:]]
    return {"pick": [q[1] for q in questions], "check": [q[2] for q in questions], "said": [q[3] for q in questions],
            "static": views[0]["text/html"]}


def test_a_section_cell_shows_its_quiz_and_check_answers_it(nb):
    code = (nb.lecture / "sections" / "1.py").read_text()
    assert "#   quiz: Where does the matrix send the vector (1, 0)?" in code  # the header shows the questions
    quiz = quiz_in(nb.run(cells.cell_source(SLUG, "1", code), cell_id=None), nb.widgets, "1")
    assert len(quiz["pick"]) == 2 and nb.widgets.state[quiz["pick"][0]]["_options_labels"][2] == "C) (3, 0)"
    assert "<details><summary>Answer</summary>" in quiz["static"]  # without a kernel: the answer folded away
    said = lambda: nb.widgets.state[quiz["said"][0]]["value"]  # noqa: E731
    for index, verdict in ((0, "✗ Not quite</b>: the answer is C) (3, 0)."), (2, "✓ Right.")):
        nb.widgets.see(nb.comm_msg(quiz["pick"][0], {"method": "update", "state": {"index": index},
                                                     "buffer_paths": []}))
        click(nb, nb.widgets, quiz["check"][0])
        assert verdict in said(), said()
    assert "Lecture line 3: “Eigenvectors stay on their own line”" in said()
    assert "<img" in said()  # the keyframe of the line it cites
