"""The suggestion cards (notebook/cards.py) without a kernel: what a card shows, and what Accept,
Override, Dismiss and Undo do to the workspace and the card's area. The session's render is a
fake passed in (tests/test_cards_kernel.py drives the real thing through a kernel)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from code2video_nb import suggestions
from code2video_nb.findings import Box, Finding, Patch
from code2video_nb.notebook.cards import CellPlace, PanelPlace, Rebuilt, SuggestionDeck, outlined_keyframe
from code2video_nb.notebook.display import View
from code2video_nb.notebook.panel import PanelResult, SectionPanel
from code2video_nb.workspace import Workspace

from test_suggestions import CODE, fade_out, note, overlap


@pytest.fixture
def ws(tmp_path) -> Workspace:
    ws = Workspace.create(tmp_path, "lecture", "A topic")
    ws.write_code("1", CODE, "generated")
    folder = ws.keyframes_dir("1")
    folder.mkdir(parents=True)
    Image.new("RGB", (854, 480), "black").save(folder / "1.png")
    return ws


class Renders:
    """The session's rebuild, faked: remembers what it was asked to render."""

    def __init__(self, ok: bool = True):
        self.calls, self.ok = [], ok

    def __call__(self, before: str, after: str, note) -> Rebuilt:
        self.calls.append((before, after))
        note("The section cell now holds this code ✓")
        return Rebuilt([View("<video></video>", "video: new preview")], after, self.ok, "rendered in 1.0 s")


def deck_for(ws, findings, renders=None, place=None, critic=None) -> SuggestionDeck:
    suggestions.record_findings(ws, "1", CODE, findings)
    found = critic or (lambda path: [])

    def review(code):
        return suggestions.review(ws, "1", code, found)

    return SuggestionDeck(ws, "1", ws.read_code("1"), review=review, rebuild=renders or Renders(),
                          place=place or CellPlace("lecture", "1"))


def test_a_card_shows_the_problem_the_change_in_cell_lines_and_the_outlined_keyframe(ws):
    deck = deck_for(ws, [overlap()])
    (card,) = deck.cards
    assert "Overlap</b>: label sits on box" in card.problem.value
    assert "line 7 of the cell · lecture line 1 · at 1.0 s" in card.problem.value  # file line 6 + the magic line
    assert "@@ lines 5–8" in card.change.value  # the diff of the cell (magic line included), 2 lines of context
    assert '-        self.place_at_grid(label, &quot;B3&quot;)' in card.change.value
    assert '+        self.place_at_grid(label, &quot;D3&quot;)' in card.change.value
    picture = card.widget.children[0]
    assert picture.format == "png" and picture.value[:4] == b"\x89PNG"
    assert [b.description for b in card.buttons.children] == ["Accept", "Override", "Dismiss"]
    assert "1 suggestion for this code" in deck.header.value
    assert deck.undo_button.layout.display == "none"


def test_the_outline_sits_where_the_box_is(ws):
    png = outlined_keyframe(ws.keyframes_dir("1") / "1.png", [Box(-1, -1, 1, 1)], width=854)
    im = Image.open(io.BytesIO(png)).convert("RGB")
    # x = -1 scene units is pixel (−1 + 7.11) / 14.22 × 854 ≈ 367; y = 1 is (4 − 1) / 8 × 480 = 180.
    left_edge = [x for x in range(300, 430) if im.getpixel((x, 240))[0] > 200]
    top_edge = [y for y in range(140, 220) if im.getpixel((427, y))[0] > 200]
    assert left_edge and abs(left_edge[0] - 367) <= 8
    assert top_edge and abs(top_edge[0] - 180) <= 8
    assert im.getpixel((427, 240)) == (0, 0, 0)  # inside: untouched


def test_accept_applies_renders_and_shows_the_new_preview_and_undo(ws):
    renders = Renders()
    deck = deck_for(ws, [overlap()], renders)
    deck.cards[0].accept_button.click()
    new = CODE.replace('"B3"', '"D3"')
    assert ws.read_code("1") == new and renders.calls == [(CODE, new)]
    assert ws.section_state("1").history[-1].reason == "critic: accepted overlap"
    place = deck.place
    assert [o["data"]["text/plain"] for o in place.preview.outputs] == ["video: new preview"]
    assert "The section cell now holds this code ✓" in place.line.value
    assert "Accepted: Overlap — label sits on box" in deck.message.value
    assert "nothing to suggest for this code" in deck.header.value  # the critic found nothing in the new code
    assert deck.undo_button.layout.display == ""
    deck.undo_button.click()
    assert ws.read_code("1") == CODE and renders.calls[-1] == (new, CODE)
    assert "Undone" in deck.message.value and len(deck.cards) == 1  # its code again: the card is back


def test_override_applies_the_edited_text(ws):
    deck = deck_for(ws, [overlap()])
    card = deck.cards[0]
    card.override_button.click()
    assert card.override_box.layout.display == "" and card.buttons.layout.display == "none"
    assert card.editor.value == '        self.place_at_grid(label, "D3")'
    card.editor.value = '        self.place_at_grid(label, "F1")'
    card.apply_button.click()
    assert '"F1")' in ws.read_code("1")
    assert ws.section_state("1").history[-1].reason == "critic: overridden overlap"


def test_a_stale_card_says_so_in_one_line_and_cannot_be_accepted(ws):
    deck = deck_for(ws, [overlap()])
    ws.write_code("1", CODE.replace('"B3"', '"C4"'), "notebook edit")  # changed after the cards were shown
    card = deck.cards[0]
    card.accept_button.click()
    assert "This suggestion no longer applies: the code changed there" in card.change.value
    assert card.accept_button.disabled and not card.dismiss_button.disabled
    assert suggestions.get(ws, "1", card.suggestion.id).status == "stale"


def test_dismiss_closes_the_card_and_it_stays_dismissed_for_this_code(ws):
    deck = deck_for(ws, [overlap(), fade_out()])
    deck.cards[0].dismiss_button.click()
    assert "Dismissed: not shown again for these objects, until their lines change." in deck.cards[0].widget.children[0].value
    assert "1 suggestion for this code (1 dismissed)" in deck.header.value  # counted, never a surprise
    again = deck_for(ws, [overlap(), fade_out()])
    assert [c.suggestion.finding.kind for c in again.cards] == ["stale_overlap"]


def test_a_note_has_only_dismiss(ws):
    deck = deck_for(ws, [note()])
    (card,) = deck.cards
    assert [b.description for b in card.buttons.children] == ["Dismiss"]
    assert "Remark</b>: the colours clash" in card.problem.value and "VLM review" in card.problem.value


def test_a_withheld_patch_is_a_note_with_its_reason_and_no_accept(ws):
    withheld = fade_out()
    withheld.patch, withheld.patch_note = None, "no change offered: box is still used at line 9 (`self.play(box…`)"
    (card,) = deck_for(ws, [withheld]).cards
    assert [b.description for b in card.buttons.children] == ["Dismiss"]
    assert "Left on screen</b>: box is left on screen" in card.problem.value
    assert "no change offered: box is still used at line 9" in card.change.value


def test_a_critic_error_is_one_line(ws):
    def broken(code):
        raise RuntimeError("the scene did not run:\nNameError")

    deck = SuggestionDeck(ws, "1", CODE, review=broken, rebuild=Renders(), place=CellPlace("lecture", "1"))
    assert "could not check this code (the scene did not run: NameError)" in deck.header.value
    assert deck.cards == []


def test_in_a_panel_accept_updates_the_tabs_editor_and_preview(ws):
    panel = SectionPanel("lecture", [("1", "One", CODE)], lambda sid, code: PanelResult(code))
    deck = deck_for(ws, [overlap()], place=PanelPlace(panel, "1"))
    panel.set_cards("1", deck.widget)
    card = deck.cards[0]
    assert "line 6 ·" in card.problem.value  # the tab's editor holds the file: its own line numbers
    card.accept_button.click()
    tab = panel.section("1")
    assert tab.code.value == CODE.replace('"B3"', '"D3"') and not tab.edited
    assert [o["data"]["text/plain"] for o in tab.output.outputs] == ["video: new preview"]
    assert tab.status.value == "rendered in 1.0 s"
    assert "The section cell now holds this code ✓" in tab.cell_note.value
    assert tab.cards.children == (deck.widget,)


class Cell:
    """The extension's rerun, faked: what the kernel asked the section cell to take and run, and the
    answer the test chooses (the real one: tests/test_browser_extension.py)."""

    def __init__(self):
        self.asked, self.replies = [], []

    def __call__(self, source, expected, on_reply):
        self.asked.append((source, expected))
        self.replies.append(on_reply)


def cell_deck(ws, findings, cell, renders=None):
    return deck_for(ws, findings, renders, place=CellPlace("lecture", "1", rerun=lambda: cell))


def test_with_the_extension_accept_hands_the_code_to_the_cell_which_runs(ws):
    cell, renders = Cell(), Renders()
    deck = cell_deck(ws, [overlap()], cell, renders)
    deck.cards[0].accept_button.click()
    new = CODE.replace('"B3"', '"D3"')
    assert cell.asked == [(f"%%c2v_section lecture/1\n{new}", f"%%c2v_section lecture/1\n{CODE}")]
    assert renders.calls == [] and deck.place.preview.outputs == ()  # the cell's run is the preview
    assert "the cell takes the new code and runs" in deck.message.value
    cell.replies[0]({"op": "ok"})
    assert ws.read_code("1") == new


def test_a_cell_edited_since_it_ran_offers_keep_mine_or_take_the_suggestion(ws):
    cell = Cell()
    deck = cell_deck(ws, [overlap()], cell)
    deck.cards[0].accept_button.click()
    edited = f"%%c2v_section lecture/1\n{CODE}        # mine\n"
    cell.replies[0]({"op": "conflict", "current_source": edited})
    assert "You edited this cell since it ran" in deck.message.value
    keep, take = deck.choice.children
    assert (keep.description, take.description) == ("Keep mine", "Take the suggestion (into my edit)")
    take.click()
    merged = CODE.replace('"B3"', '"D3"') + "        # mine\n"
    assert cell.asked[-1] == (f"%%c2v_section lecture/1\n{merged}", edited)  # guarded by the edited text
    assert ws.read_code("1") == merged
    assert [h.reason for h in ws.section_state("1").history][-2:] == ["notebook edit", "critic: accepted overlap"]
    assert suggestions.undo(ws, "1") == CODE + "        # mine\n"  # Undo goes back to the edit


def test_keep_mine_takes_the_suggestion_back(ws):
    cell = Cell()
    deck = cell_deck(ws, [overlap()], cell)
    deck.cards[0].accept_button.click()
    cell.replies[0]({"op": "conflict", "current_source": f"%%c2v_section lecture/1\n# all mine\n"})
    keep, take = deck.choice.children
    assert take.description == "Take the suggestion (replaces my edit)"  # its patch does not fit there
    keep.click()
    assert ws.read_code("1") == CODE and "Kept your edit" in deck.message.value
    assert [s.status for s in suggestions.all_suggestions(ws, "1")] == ["pending"]


def test_override_and_undo_say_what_they_are_about_after_a_rerun(ws):
    deck = deck_for(ws, [overlap()])
    card = deck.cards[0]
    card.override_button.click()
    card.editor.value = '        self.place_at_grid(label, "F4")'
    card.apply_button.click()
    assert 'Overridden: Overlap (label, box) — your change: self.place_at_grid(label, &quot;F4&quot;)' in deck.message.value
    assert "D3" not in deck.message.value  # not the proposal the teacher replaced
    # The cell run again on that code: a new deck, whose Undo still says what it undoes.
    rerun = SuggestionDeck(ws, "1", ws.read_code("1"), review=lambda c: [], rebuild=Renders(),
                           place=CellPlace("lecture", "1"))
    assert rerun.undo_button.layout.display == "" and rerun.undo_button.description == "Undo this override"
    assert 'your change: self.place_at_grid(label, &quot;F4&quot;)' in rerun.message.value
    rerun.undo_button.click()
    assert "Undone: your override of Overlap (label, box)" in rerun.message.value


def test_the_static_rendering_shows_the_cards_without_buttons_and_what_to_run(ws):
    deck = deck_for(ws, [overlap()])
    view = deck.static_view()
    assert 'class="c2v-static"' in view.html and "data:image/png;base64," in view.html
    assert "label sits on box" in view.html and "@@ lines 5–8" in view.html  # the problem and the diff
    assert "Run this cell to bring back the buttons" in view.html and "<button" not in view.html
    deck.cards[0].dismiss_button.click()
    assert "label sits on box" not in deck.static_view().html  # follows what the live deck shows
