"""The auto-fix corpus (tests/data/fix_corpus): real failing sections, each with one bug and its fix.

Each file starts with a header the test and `benchmarks/fix_benchmark.py` read:
    # fix corpus: wrong keyword            what kind of bug (free text)
    # bug: lines 15-15, block 1           the bug's true lines in this file, and its lecture-line block
    # fix:         circle = Circle(...)   the replacement for those lines, one `# fix: ` line each
    # fact: color                         a word a relevant grounding fact must mention
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from code2video_nb.scopes import Scope, cut

CORPUS = Path(__file__).parent / "data" / "fix_corpus"
_BUG = re.compile(r"^# bug: lines (\d+)-(\d+), block (\d+)$", re.M)
_FIX = "# fix: "
_FACT = re.compile(r"^# fact: (.+)$", re.M)
_KIND = re.compile(r"^# fix corpus: (.+)$", re.M)


@dataclass(frozen=True)
class Case:
    path: Path
    kind: str
    start: int  # the bug's first and last line, 1-based
    end: int
    block: int
    fix: tuple[str, ...]  # the lines that replace start..end
    fact: str

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def code(self) -> str:
        return self.path.read_text(encoding="utf-8")

    def fixed(self) -> str:
        lines = self.code.splitlines()
        return "\n".join(lines[: self.start - 1] + list(self.fix) + lines[self.end:]) + "\n"

    def inside(self, line: int | None) -> bool:
        return line is not None and self.start <= line <= self.end

    def covered_by(self, scope: Scope) -> bool:
        return scope.start <= self.start and self.end <= scope.end

    def reference_reply(self, scope: Scope) -> str:
        """What a model that knows the fix answers when asked to fix `scope`: the scope with the
        bug's lines replaced if the scope holds them all, else the scope as it was (a model cannot
        mend lines it was not shown); for the section scope, the whole fixed file."""
        if scope.kind == "section":
            return self.fixed()
        if not self.covered_by(scope):
            return cut(self.code, scope)
        grown = scope.end + len(self.fix) - (self.end - self.start + 1)
        return cut(self.fixed(), Scope(scope.kind, scope.name, scope.start, grown))


def load(path: Path) -> Case:
    text = path.read_text(encoding="utf-8")
    bug, fact, kind = _BUG.search(text), _FACT.search(text), _KIND.search(text)
    if not (bug and fact and kind):
        raise ValueError(f"{path.name}: the header needs '# fix corpus:', '# bug:', '# fix:' and '# fact:' lines")
    fix = tuple(line[len(_FIX):] for line in text.splitlines() if line.startswith(_FIX))
    return Case(path, kind[1].strip(), int(bug[1]), int(bug[2]), int(bug[3]), fix, fact[1].strip())


def cases() -> list[Case]:
    return [load(p) for p in sorted(CORPUS.glob("*.py"))]
