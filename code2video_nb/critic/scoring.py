"""How well the layout critic does on a corpus of section files that declare their own defects.

    declared(code)           -> {("overlap", 24, 2), …}   from the file's `# expect:` lines
    score([(declared, found), …]) -> {kind: Score}       per finding kind, over the whole corpus

A corpus file says what a teacher would want reported, one line per defect:
    # expect: overlap 24 block=2      (kind, the line the finding names, the lecture-line block)
    # expect: none                    (a clean control)
A finding counts as right when kind, line and block all match a declared one: a finding of the
right kind on the wrong line is both a false alarm and a miss. Used by tests/test_critic_corpus.py
and benchmarks/critic_corpus_score.py; pure, no manim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..findings import KINDS

EXPECT = re.compile(r"^# expect: (?:none|(\w+) (\d+) block=(\d+))\s*$", re.M)

Key = tuple[str, int, int]  # (kind, line, block)


def declared(code: str) -> set[Key] | None:
    """The defects a corpus file declares (empty for a clean control); None without any `# expect:`."""
    found = EXPECT.findall(code)
    if not found:
        return None
    return {(kind, int(line), int(block)) for kind, line, block in found if kind}


def keys(findings) -> set[Key]:
    return {(f.kind, f.line, f.block) for f in findings}


@dataclass
class Score:
    """One finding kind over a corpus: right findings, false alarms, misses."""
    hits: int = 0
    false_alarms: int = 0
    misses: int = 0

    @property
    def precision(self) -> float:
        reported = self.hits + self.false_alarms
        return self.hits / reported if reported else 1.0

    @property
    def recall(self) -> float:
        wanted = self.hits + self.misses
        return self.hits / wanted if wanted else 1.0


def score(results: Iterable[tuple[set[Key], set[Key]]]) -> dict[str, Score]:
    """Per kind, over (declared, found) pairs of every file."""
    scores = {kind: Score() for kind in KINDS}
    for wanted, found in results:
        for kind, _, _ in wanted | found:
            scores.setdefault(kind, Score())
        for key in wanted & found:
            scores[key[0]].hits += 1
        for key in found - wanted:
            scores[key[0]].false_alarms += 1
        for key in wanted - found:
            scores[key[0]].misses += 1
    return scores


def table(scores: dict[str, Score]) -> str:
    rows = [f"{'kind':18} {'right':>5} {'false':>5} {'missed':>6} {'precision':>9} {'recall':>6}"]
    for kind, s in scores.items():
        rows.append(f"{kind:18} {s.hits:5d} {s.false_alarms:5d} {s.misses:6d} {s.precision:9.2f} {s.recall:6.2f}")
    return "\n".join(rows)
