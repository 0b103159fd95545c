"""The layout critic on its corpus (tests/data/critic_corpus): real sandboxed instrumented runs.

Each corpus file declares what the critic must find in its header:
    # expect: overlap 24 block=2      (kind, the line the finding names, the lecture-line block)
    # expect: none                    (a clean control)
Every file must give exactly its expected findings, each with a patch; that every patch applies,
runs, removes its defect and breaks nothing is tests/test_patch_check.py's (over every corpus).
No frames are drawn (the critique is a check pass), so the module takes under a minute on two cores.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from code2video_nb.critic.critique import critique_file

CORPUS = Path(__file__).parent / "data" / "critic_corpus"
FILES = sorted(CORPUS.glob("*.py"))
EXPECT = re.compile(r"^# expect: (?:none|(\w+) (\d+) block=(\d+))\s*$", re.M)

pytestmark = pytest.mark.render


def expected(path: Path) -> set[tuple[str, int, int]]:
    found = EXPECT.findall(path.read_text(encoding="utf-8"))
    assert found, f"{path.name} declares no '# expect:' line"
    return {(kind, int(line), int(block)) for kind, line, block in found if kind}


def found(critique) -> set[tuple[str, int, int]]:
    return {(f.kind, f.line, f.block) for f in critique.findings}


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """One manim media folder for the module: formulas are typeset once, whichever file uses them."""
    return tmp_path_factory.mktemp("critic-media")


@pytest.fixture(scope="module")
def critique(media):
    """The critique of a corpus file, run once per module."""
    done = {}

    def run(path: Path):
        if path not in done:
            done[path] = critique_file(path, media_dir=media)
        return done[path]
    return run


def test_the_corpus_has_every_kind_three_times_clean_controls_and_both_conventions():
    kinds = [kind for path in FILES for kind, _, _ in expected(path)]
    for kind in ("offscreen", "overlap", "occludes_lecture", "too_small", "stale_overlap"):
        assert kinds.count(kind) >= 3, kind
    assert sum(not expected(path) for path in FILES) >= 6
    ours = [p for p in FILES if "from code2video_nb.teaching_scene import TeachingScene" in p.read_text()]
    paper = [p for p in FILES if "class TeachingScene(Scene):" in p.read_text()]
    assert len(ours) >= 10 and len(paper) >= 10 and len(FILES) >= 20


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_critic_finds_exactly_what_each_file_declares(path, critique):
    result = critique(path)
    assert result.ok, result.error and result.error.message
    assert found(result) == expected(path)
    for finding in result.findings:
        assert finding.objects and finding.message and finding.time > 0
        assert finding.patch is not None, f"{finding.kind} at line {finding.line} has no patch"
