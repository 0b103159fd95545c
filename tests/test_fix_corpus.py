"""Every auto-fix corpus file (tests/data/fix_corpus) fails in a real check pass, and its reference
fix makes it pass: the corpus measures the fix loop (benchmarks/fix_benchmark.py) only if both hold.
No frames are drawn; about two seconds a file."""

from __future__ import annotations

import re

import pytest

from code2video_nb.render.renderer import render_file
from code2video_nb.scopes import apply_fix, blocks, scope_for_line

from fix_corpus import cases, load, CORPUS

CASES = cases()
pytestmark = pytest.mark.render


def check(code: str, tmp_path, name: str):
    path = tmp_path / f"{name}.py"
    path.write_text(code)
    return render_file(path, media_dir=tmp_path / "media", timeout=120, dry_run_only=True)


def test_the_corpus_is_large_enough_and_every_header_matches_its_code():
    assert len(CASES) >= 30
    for case in CASES:
        marks = {int(b.name.split()[2]): b for b in blocks(case.code)}
        if case.block:
            assert marks[case.block].contains(case.start) and marks[case.block].contains(case.end), case.name
        assert case.fix and case.fixed() != case.code, case.name


def test_the_reference_reply_for_the_bugs_block_splices_to_the_fixed_file():
    # what the benchmark's scripted model answers; a scope that misses the bug gets it unchanged
    for case in CASES:
        block = scope_for_line(case.code, case.start)
        assert apply_fix(case.code, block, case.reference_reply(block)) == case.fixed(), case.name
        elsewhere = next(b for b in blocks(case.code) if not b.contains(case.start))
        assert apply_fix(case.code, elsewhere, case.reference_reply(elsewhere)) == case.code, case.name


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_fails_before_the_fix_and_passes_after(case, tmp_path):
    before = check(case.code, tmp_path, "before")
    assert not before.ok, f"{case.name} was expected to fail"
    after = check(case.fixed(), tmp_path, "after")
    assert after.ok, f"{case.name}: the reference fix still fails: {after.error} (line {after.line})"


def test_a_failure_through_an_inline_base_class_is_located_at_the_scenes_call(tmp_path):
    case = load(CORPUS / "f42_paper_helper_grid_key.py")
    outcome = check(case.code, tmp_path, "helper")
    assert outcome.error_type == "KeyError" and case.inside(outcome.line)


def test_an_updater_from_block_1_fails_during_a_later_blocks_play_and_is_located_in_block_1(tmp_path):
    case = load(CORPUS / "f45_updater_earlier_block.py")
    outcome = check(case.code, tmp_path, "updater")
    first = blocks(case.code)[0]
    called_from = [int(n) for n in re.findall(r'updater\.py", line (\d+), in construct', outcome.log)]
    assert called_from and not first.contains(called_from[0])  # raised while a later block played
    assert case.inside(outcome.line) and first.contains(outcome.line)
