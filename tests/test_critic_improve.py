"""The headless critic loop on a real section: patches applied, a version kept only if it has
fewer findings and renders, the rest left as pending suggestions (real renders, real sandbox)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from code2video_nb import suggestions
from code2video_nb.config import Settings
from code2video_nb.critic.findings import Patch
from code2video_nb.critic.improve import apply_all, improve_section
from code2video_nb.engine import Engine
from code2video_nb.plan import Storyboard
from code2video_nb.workspace import Workspace

CORPUS = Path(__file__).parent / "data" / "critic_corpus"


def lecture_with(tmp_path, scene: str) -> tuple[Workspace, Engine]:
    code = (CORPUS / scene).read_text()
    lines = eval(re.search(r"LECTURE_LINES = (\[.*?\])", code, re.S).group(1))  # the scene's own literal
    ws = Workspace.create(tmp_path, "lecture", "A lecture")
    ws.set_plan("storyboard", Storyboard.from_dict(
        {"sections": [{"id": "1", "title": "One", "lecture_lines": lines, "animations": ["x"] * len(lines)}]}))
    ws.write_code("1", code, "generated")
    return ws, Engine(Settings.from_env(), None)


@pytest.mark.render
def test_a_section_with_three_defects_keeps_a_version_with_fewer_and_leaves_the_rest_as_suggestions(tmp_path):
    ws, engine = lecture_with(tmp_path, "t14_three_defects.py")
    assert engine.build_section(ws, ws.storyboard.section("1")).ok
    done = improve_section(engine.sections, ws, ws.storyboard.section("1"), rounds=2)

    assert done.before == 3 and done.rounds >= 1 and done.after < done.before, done
    history = [h.reason for h in ws.section_state("1").history]
    assert "critic: round 1" in history
    assert engine.cached(ws, "1", ws.read_code("1"), "preview") is not None  # the kept version rendered
    left = suggestions.pending(ws, "1", ws.read_code("1"))
    assert len(left) == done.after  # what is left is shown as cards in the notebook


def test_patches_apply_bottom_up_and_overlapping_or_stale_ones_wait():
    code = "a\nb\nc\nd\n"
    patches = [Patch(1, 1, "a", "A"), Patch(3, 3, "c", "C1\nC2"), Patch(3, 4, "c\nd", "X"),
               Patch(2, 2, "not b", "B")]
    # (3, 4) goes first from the bottom; (3, 3) shares its lines and waits; (2, 2) is stale.
    assert apply_all(code, patches) == "A\nb\nX\n"
    assert apply_all(code, [Patch(2, 1, "", "inserted")]) == "a\ninserted\nb\nc\nd\n"  # before line 2
