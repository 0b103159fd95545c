"""The headless critic loop on a real section: patches applied, a version kept only if it has
fewer findings and renders, the rest left as pending suggestions (real renders, real sandbox)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from code2video_nb import suggestions
from code2video_nb.config import Settings
from code2video_nb.findings import Patch
from code2video_nb.critic import critique
from code2video_nb.critic_loop import apply_all, improve_section
from code2video_nb.engine import Engine
from code2video_nb.plan import Storyboard
from code2video_nb.render.renderer import render_file
from code2video_nb.workspace import Workspace

CORPUS = Path(__file__).parent / "data" / "critic_corpus"


def lecture_with(tmp_path, scene: str) -> tuple[Workspace, Engine]:
    code = (CORPUS / scene).read_text()
    lines = eval(re.search(r"LECTURE_LINES = (\[.*?\])", code, re.S).group(1))  # the scene's own literal
    ws = Workspace.create(tmp_path, "lecture", "A lecture")
    ws.set_storyboard(Storyboard.from_dict(
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


@pytest.mark.render
def test_generate_s_critic_patches_before_the_one_real_render_of_the_final_version(tmp_path):
    ws, _ = lecture_with(tmp_path, "t14_three_defects.py")
    rendered: list[str] = []

    def renderer(path, options):  # the real render, noting which code it was given
        rendered.append(Path(path).read_text())
        return render_file(path, options)

    engine = Engine(Settings.from_env(), None, renderer=renderer)
    early = engine.critic_before_render()  # as `generate` does with the critic on and no VLM
    result = engine.build_section(ws, ws.storyboard.section("1"))

    done = early.done["1"]
    assert result.ok and done.before == 3 and done.rounds >= 1 and done.after < done.before, done
    assert rendered == [ws.read_code("1")]  # one render, of the version the rounds kept
    assert "critic: round 1" in [h.reason for h in ws.section_state("1").history]
    assert engine.cached(ws, "1", ws.read_code("1"), "preview") is not None
    assert len(suggestions.pending(ws, "1", ws.read_code("1"))) == done.after


@pytest.mark.render
def test_a_render_records_the_critic_s_facts_on_its_way_so_the_critique_after_it_runs_nothing(tmp_path, monkeypatch):
    ws, engine = lecture_with(tmp_path, "t14_three_defects.py")  # the critic on, no rounds before (not generate)
    assert engine.build_section(ws, ws.storyboard.section("1")).ok

    def no_run(path, **options):  # the render's record stands in for the critique's own run
        raise AssertionError(f"a run of {path.name} after its render")

    monkeypatch.setattr(critique, "render_file", no_run)
    found = critique.critique_file(ws.code_path("1"), settings=engine.settings, media_dir=ws.media_dir("1"),
                                   check_patches=False)
    assert found.ok and sorted((f.kind, f.line) for f in found.findings) == \
        [("overlap", 30), ("stale_overlap", 37), ("too_small", 20)]  # the file's declared defects


def test_patches_apply_bottom_up_and_overlapping_or_stale_ones_wait():
    code = "a\nb\nc\nd\n"
    patches = [Patch(1, 1, "a", "A"), Patch(3, 3, "c", "C1\nC2"), Patch(3, 4, "c\nd", "X"),
               Patch(2, 2, "not b", "B")]
    # (3, 4) goes first from the bottom; (3, 3) shares its lines and waits; (2, 2) is stale.
    assert apply_all(code, patches) == "A\nb\nX\n"
    assert apply_all(code, [Patch(2, 1, "", "inserted")]) == "a\ninserted\nb\nc\nd\n"  # before line 2
