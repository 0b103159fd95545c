"""Figures: the layout critic's precision and recall per finding kind on its corpus.

    python benchmarks/critic_corpus_score.py [--corpus DIR] [--only w0] [-v]

Critiques every file of tests/data/critic_corpus (a dry run in the sandboxed render process, no
frames) and compares its findings with the file's `# expect:` lines (`critic/scoring.py`): per
kind, the right findings, false alarms, misses, precision and recall; `-v` adds one line per file
that differs. To compare with an earlier critic, run the script of this checkout against that
checkout's code (e.g. a `git worktree` of the older commit with this corpus copied in).
Figures, not a test: tests/test_critic_corpus.py asserts the thresholds.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from code2video_nb.critic.critique import critique_file  # noqa: E402
from code2video_nb.critic.scoring import declared, keys, score, table  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "data" / "critic_corpus")
    parser.add_argument("--only", default="", help="only files whose name starts with this")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    results, started = [], time.monotonic()
    with tempfile.TemporaryDirectory() as media:
        for path in sorted(args.corpus.glob(f"{args.only}*.py")):
            wanted = declared(path.read_text(encoding="utf-8"))
            if wanted is None:
                continue
            critique = critique_file(path, media_dir=Path(media))
            if not critique.ok:
                print(f"{path.name}: does not run: {critique.error.message}")
                continue
            found = keys(critique.findings)
            results.append((wanted, found))
            if args.verbose and found != wanted:
                print(f"{path.name}: missed {sorted(wanted - found)}, false {sorted(found - wanted)}")
                for f in critique.findings:
                    print(f"    {f.kind} {f.line} block={f.block}: {f.message}")
    print(f"{len(results)} files, {time.monotonic() - started:.0f} s")
    print(table(score(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
