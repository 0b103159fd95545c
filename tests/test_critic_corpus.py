"""The layout critic on its corpus (tests/data/critic_corpus): real sandboxed instrumented runs.

Each corpus file declares what the critic must find in its header:
    # expect: overlap 24 block=2      (kind, the line the finding names, the lecture-line block)
    # expect: none                    (a clean control)
Every file must give exactly its expected findings, each with a patch; that every patch applies,
runs, removes its defect and breaks nothing is tests/test_patch_check.py's (over every corpus). Over
the whole corpus, each finding kind must reach 0.9 precision and 0.9 recall (the table is printed).
The w* files imitate what models write on deliberate compositions (a label written into an old
shape, Venn circles, digits in array cells, a dot riding a circle, the vectors spanning a
parallelogram) and on the defects boxes alone miss (a label struck by an arrow, an axis line or an
arrowhead; an icon on an icon; axes through the lecture column; curves on off-frame axes: one finding).
No frames are drawn (the critique is a check pass), so the module takes under a minute on two cores.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from code2video_nb.critic.scoring import declared, keys, score, table

CORPUS = Path(__file__).parent / "data" / "critic_corpus"
FILES = sorted(CORPUS.glob("*.py"))

pytestmark = pytest.mark.render


def expected(path: Path) -> set[tuple[str, int, int]]:
    wanted = declared(path.read_text(encoding="utf-8"))
    assert wanted is not None, f"{path.name} declares no '# expect:' line"
    return wanted


def found(critique) -> set[tuple[str, int, int]]:
    return keys(critique.findings)


@pytest.fixture(scope="module")
def critique(corpus_critique):
    """The critique of a corpus file, run once per run (conftest.corpus_critique: test_patch_check
    critiques the same files the same way)."""
    done = {}

    def run(path: Path):
        if path not in done:
            done[path] = corpus_critique(path)
        return done[path]
    return run


def test_the_corpus_has_every_kind_three_times_clean_controls_and_both_conventions():
    kinds = [kind for path in FILES for kind, _, _ in expected(path)]
    for kind in ("offscreen", "overlap", "occludes_lecture", "too_small", "stale_overlap"):
        assert kinds.count(kind) >= 3, kind
    assert sum(not expected(path) for path in FILES) >= 6
    ours = [p for p in FILES if "from code2video_nb.teaching_scene import TeachingScene" in p.read_text()]
    paper = [p for p in FILES if "class TeachingScene(Scene):" in p.read_text()]
    assert len(ours) >= 20 and len(paper) >= 20 and len(FILES) >= 50


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_the_critic_finds_exactly_what_each_file_declares(path, critique):
    result = critique(path)
    assert result.ok, result.error and result.error.message
    assert found(result) == expected(path)
    for finding in result.findings:
        assert finding.objects and finding.message and finding.time > 0
        assert finding.patch is not None, f"{finding.kind} at line {finding.line} has no patch"


def test_each_finding_kind_has_precision_and_recall_of_at_least_0_9_over_the_corpus(critique):
    scores = score([(expected(path), found(critique(path))) for path in FILES])
    print("\n" + table(scores))
    for kind, s in scores.items():
        assert s.precision >= 0.9 and s.recall >= 0.9, f"{kind}\n{table(scores)}"
