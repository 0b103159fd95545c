"""Critic suggestions as patches (suggestions.py): apply, override, undo, a stale patch refused,
a dismissal that survives the critic running again, an insertion; all through a real workspace."""

from __future__ import annotations

import json

import pytest

from code2video_nb import suggestions
from code2video_nb.findings import Box, Finding, Patch
from code2video_nb.errors import Code2VideoError, StalePatch, SuggestionError
from code2video_nb.workspace import Workspace

CODE = """class S(TeachingScene):
    def construct(self):
        # === Animation for Lecture Line 1 ===
        box = Square()
        label = Text("x").move_to(box)
        self.place_at_grid(label, "B3")
        self.play(FadeIn(box), FadeIn(label))
"""


def overlap(line=6, old='        self.place_at_grid(label, "B3")\n', new='        self.place_at_grid(label, "D3")\n'):
    return Finding("overlap", ["label", "box"], line, 1, 1.0, "label sits on box",
                   Patch(line, line, old, new), boxes=[Box(-1, -1, 1, 1), Box(-0.2, -0.2, 0.2, 0.2)])


def fade_out():  # an insertion before line 7
    return Finding("stale_overlap", ["box"], 4, 1, 1.0, "box is left on screen",
                   Patch(7, 6, "", "        self.play(FadeOut(box))\n"))


def note():
    return Finding("note", [], None, 1, 1.0, "the colours clash", None, source="vlm")


@pytest.fixture
def ws(tmp_path) -> Workspace:
    ws = Workspace.create(tmp_path, "lecture", "A topic")
    ws.write_code("1", CODE, "generated")
    return ws


def reasons(ws) -> list[str]:
    return [h.reason for h in ws.section_state("1").history]


def test_findings_become_pending_suggestions_kept_in_lecture_json(ws):
    made = suggestions.record_findings(ws, "1", CODE, [overlap(), note()], seconds=0.4)
    assert [s.finding.kind for s in made] == ["overlap", "note"]
    assert [s.id for s in suggestions.pending(ws, "1")] == [s.id for s in made]
    stored = json.loads(ws.state_path.read_text())["sections"]["1"]["suggestions"]
    assert stored[0]["status"] == "pending" and stored[0]["hash"] == suggestions.code_hash(CODE)
    assert stored[0]["finding"]["boxes"][0] == {"left": -1, "bottom": -1, "right": 1, "top": 1}
    assert suggestions.pending(ws, "1", CODE + "# edited\n") == []  # only for the code they were made for


def test_accept_applies_the_patch_as_a_version_of_the_history(ws):
    (s,) = suggestions.record_findings(ws, "1", CODE, [overlap()])
    new = suggestions.apply(ws, "1", s.id)
    assert new == CODE.replace('"B3"', '"D3"') and ws.read_code("1") == new
    assert reasons(ws) == ["generated", "critic: accepted overlap"]
    assert suggestions.get(ws, "1", s.id).status == "accepted"
    assert suggestions.pending(ws, "1") == []
    with pytest.raises(SuggestionError, match="already accepted"):
        suggestions.apply(ws, "1", s.id)


def test_override_applies_the_users_own_text(ws):
    (s,) = suggestions.record_findings(ws, "1", CODE, [overlap()])
    new = suggestions.apply(ws, "1", s.id, new_text='        self.place_at_grid(label, "E2")')
    assert '"E2")\n        self.play' in new
    assert reasons(ws)[-1] == "critic: overridden overlap"
    assert suggestions.get(ws, "1", s.id).status == "overridden"


def test_undo_goes_back_to_the_code_before_the_last_applied_suggestion(ws):
    first, second = suggestions.record_findings(ws, "1", CODE, [overlap(), fade_out()])
    after_first = suggestions.apply(ws, "1", first.id)
    (again,) = suggestions.record_findings(ws, "1", after_first, [fade_out()])  # the critic on the new code
    assert again.id != second.id  # another code: another suggestion
    suggestions.apply(ws, "1", again.id)
    assert suggestions.undo(ws, "1") == after_first and ws.read_code("1") == after_first
    assert [s.id for s in suggestions.pending(ws, "1")] == [again.id]  # its code again: pending again
    assert suggestions.undo(ws, "1") == CODE
    assert reasons(ws)[-2:] == ["critic: undid stale_overlap", "critic: undid overlap"]
    with pytest.raises(SuggestionError, match="no applied suggestion"):
        suggestions.undo(ws, "1")


def test_undo_is_refused_over_a_later_edit(ws):
    (s,) = suggestions.record_findings(ws, "1", CODE, [overlap()])
    edited = suggestions.apply(ws, "1", s.id) + "# mine\n"
    ws.write_code("1", edited, "notebook edit")
    with pytest.raises(SuggestionError, match="changed after the suggestion was applied"):
        suggestions.undo(ws, "1")
    assert ws.read_code("1") == edited


def test_a_stale_patch_is_refused_in_one_line_and_marked_stale(ws):
    (s,) = suggestions.record_findings(ws, "1", CODE, [overlap()])
    ws.write_code("1", CODE.replace('"B3"', '"C4"'), "notebook edit")
    with pytest.raises(StalePatch) as refused:
        suggestions.apply(ws, "1", s.id)
    assert isinstance(refused.value, Code2VideoError) and "\n" not in str(refused.value)
    assert 'found `self.place_at_grid(label, "C4")`' in str(refused.value)
    assert suggestions.get(ws, "1", s.id).status == "stale"
    assert ws.read_code("1") == CODE.replace('"B3"', '"C4"') and reasons(ws)[-1] == "notebook edit"


def test_a_patch_past_the_end_of_shorter_code_is_stale(ws):
    (s,) = suggestions.record_findings(ws, "1", CODE, [overlap()])
    ws.write_code("1", "\n".join(CODE.splitlines()[:3]) + "\n", "notebook edit")
    with pytest.raises(StalePatch, match="3 lines long"):
        suggestions.apply(ws, "1", s.id)


def test_a_dismissal_persists_when_the_critic_runs_again_on_the_same_code(ws):
    kept, gone = suggestions.record_findings(ws, "1", CODE, [note(), overlap()])
    suggestions.dismiss(ws, "1", gone.id)
    again = suggestions.record_findings(ws, "1", CODE, [note(), overlap()])
    assert [s.id for s in again] == [kept.id]
    assert [s.id for s in suggestions.pending(ws, "1")] == [kept.id]
    # Other code: the same finding is news there.
    other = CODE.replace("Square()", "Circle()")
    ws.write_code("1", other, "notebook edit")
    assert len(suggestions.record_findings(ws, "1", other, [overlap()])) == 1
    # ... and back on the first code (cached critique), still dismissed.
    ws.write_code("1", CODE, "notebook edit")
    shown = suggestions.review(ws, "1", CODE, critic=lambda path: pytest.fail("the critique is cached"))
    assert [s.id for s in shown] == [kept.id]


def test_pending_suggestions_of_older_code_are_replaced(ws):
    suggestions.record_findings(ws, "1", CODE, [overlap(), note()])
    other = CODE + "# more\n"
    ws.write_code("1", other, "notebook edit")
    suggestions.record_findings(ws, "1", other, [note()])
    assert [s.hash for s in suggestions.all_suggestions(ws, "1")] == [suggestions.code_hash(other)]


def test_an_insertion_patch(ws):
    (s,) = suggestions.record_findings(ws, "1", CODE, [fade_out()])
    new = suggestions.apply(ws, "1", s.id)
    assert new.splitlines()[6] == "        self.play(FadeOut(box))"
    assert new.splitlines()[7] == "        self.play(FadeIn(box), FadeIn(label))"
    assert suggestions.undo(ws, "1") == CODE


def test_an_insertion_into_changed_code_is_refused(ws):
    (s,) = suggestions.record_findings(ws, "1", CODE, [fade_out()])
    ws.write_code("1", "# a line on top\n" + CODE, "notebook edit")
    with pytest.raises(StalePatch, match="changed since this insertion"):
        suggestions.apply(ws, "1", s.id)


def test_a_note_has_nothing_to_apply(ws):
    (s,) = suggestions.record_findings(ws, "1", CODE, [note()])
    with pytest.raises(SuggestionError, match="dismiss it"):
        suggestions.apply(ws, "1", s.id)
    suggestions.dismiss(ws, "1", s.id)
    assert suggestions.pending(ws, "1") == []


def test_review_runs_the_critic_once_per_code(ws):
    calls = []

    def critic(path):
        calls.append(path.read_text())
        return [overlap()]

    first = suggestions.review(ws, "1", CODE, critic)
    again = suggestions.review(ws, "1", CODE, critic)
    assert calls == [CODE] and [s.id for s in again] == [s.id for s in first]
    assert suggestions.review(ws, "1", CODE, critic, version="2") and len(calls) == 2  # another critic


def test_a_dismissal_holds_after_an_unrelated_edit_until_its_objects_change(ws):
    (gone,) = suggestions.record_findings(ws, "1", CODE, [overlap()])
    suggestions.dismiss(ws, "1", gone.id)
    # A comment and a new object elsewhere: the same overlap of label and box stays dismissed.
    unrelated = CODE.replace("        box = Square()\n", "        # the box\n        dot = Dot()\n        box = Square()\n")
    ws.write_code("1", unrelated, "notebook edit")
    moved = overlap(line=8, old='        self.place_at_grid(label, "B3")\n')
    assert suggestions.review(ws, "1", unrelated, critic=lambda path: [moved]) == []
    assert suggestions.pending(ws, "1") == []
    # The label placed elsewhere: a line naming it changed, so the finding is news again.
    replaced = unrelated.replace('"B3"', '"B4"')
    ws.write_code("1", replaced, "notebook edit")
    again = suggestions.review(ws, "1", replaced, critic=lambda path: [overlap(line=8, old='        self.place_at_grid(label, "B4")\n')])
    assert [s.finding.kind for s in again] == ["overlap"]


def test_a_dismissal_is_for_its_kind_of_finding_only(ws):
    (gone,) = suggestions.record_findings(ws, "1", CODE, [overlap()])
    suggestions.dismiss(ws, "1", gone.id)
    edited = CODE + "        # later\n"
    ws.write_code("1", edited, "notebook edit")
    other_kind = Finding("too_small", ["label", "box"], 6, 1, 1.0, "label is too small", None)
    shown = suggestions.review(ws, "1", edited, critic=lambda path: [overlap(), other_kind])
    assert [s.finding.kind for s in shown] == ["too_small"]


def test_an_applied_suggestion_fits_into_a_later_edit_only_where_its_lines_are_unchanged(ws):
    (s,) = suggestions.record_findings(ws, "1", CODE, [fade_out()])  # an insertion before line 7
    suggestions.apply(ws, "1", s.id)
    added = CODE + "        # mine\n"
    assert suggestions.fit(ws, "1", s.id, added) == CODE.replace(
        "        self.play(FadeIn", "        self.play(FadeOut(box))\n        self.play(FadeIn") + "        # mine\n"
    shifted = CODE.replace("        box = Square()\n", "        # first\n        box = Square()\n")
    assert suggestions.fit(ws, "1", s.id, shifted) is None  # its place moved: not guessed


def test_older_suggestion_records_read_typed_and_a_decision_rewrites_only_its_own(ws):
    """Records of earlier versions: no topic, an applied change without the teacher's text, and
    entries nothing can be said about (no finding, a status we do not know), which are left as stored."""
    code = ws.read_code("1")
    finding = overlap().to_dict(full=True)
    older = [{"id": "a", "hash": suggestions.code_hash(code), "status": "accepted", "finding": finding,
              "applied": {"time": 3.0, "before": "b" * 16, "after": "c" * 16}},
             {"id": "b", "hash": suggestions.code_hash(code), "finding": finding},
             {"id": "c", "status": "pending"}, {"id": "d", "status": "maybe", "finding": finding}]
    ws.update_section("1", lambda section: section.update(suggestions=older))
    accepted, pending = suggestions.all_suggestions(ws, "1")
    assert accepted.applied == suggestions.Applied(3.0, "b" * 16, "c" * 16) and accepted.topic == ""
    assert (pending.id, pending.status, pending.finding.patch.new) == ("b", "pending", overlap().patch.new)
    suggestions.dismiss(ws, "1", "b")
    stored = json.loads(ws.state_path.read_text())["sections"]["1"]["suggestions"]
    assert stored[1]["status"] == "dismissed" and stored[1]["topic"] == suggestions.topic_key(code, overlap())
    assert [stored[0], *stored[2:]] == [older[0], *older[2:]]  # the others as they were
