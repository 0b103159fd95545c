"""Benchmark: the layout critic's precision and recall on its corpus, and its time against a preview.

    python benchmarks/critic_benchmark.py [--runs 3] [--only t0] [--json out.json]

For every section in tests/data/critic_corpus (each declares `# expect: kind line block=N` or
`# expect: none`), runs the critique (`critique_file`: safety check, the instrumented run in the
sandboxed render process, the rules) and a preview render (480p15) of the same file, both
through the same forkserver and sandbox, and prints:

  per scene   expected / found defects, true and false positives, misses; the critique's time
              (its own `seconds`), the preview's, and their ratio
  precision and recall counted per defect (kind + line), per kind and overall; a finding at the
              right kind and line but another block is reported separately
  the median critique / preview ratio (the issue's target: under 1/5)

Timing is fair to both sides: one untimed critique and render first (LaTeX typeset, fonts
loaded: in use the critic runs after a render, so formulas are cached), then each preview in a
media folder whose partial movies were removed (manim would otherwise reuse them and skip the
frames). --runs pairs of runs, interleaved; a scene's ratio is the median of its pairs' ratios.
The rules themselves take milliseconds: the critique's time is the sandboxed check pass it rides on.
Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from code2video_nb.config import Settings  # noqa: E402
from code2video_nb.critic.critique import critique_file  # noqa: E402
from code2video_nb.findings import KINDS  # noqa: E402
from code2video_nb.render.renderer import render_file, sandbox_for  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "critic_corpus"
EXPECT = re.compile(r"^# expect: (?:none|(\w+) (\d+) block=(\d+))\s*$", re.M)


def expected(path: Path) -> dict[tuple[str, int], int]:
    """(kind, line) -> block, as the file's header declares."""
    return {(k, int(line)): int(block) for k, line, block in EXPECT.findall(path.read_text("utf-8")) if k}


def preview_seconds(path: Path, media: Path, settings: Settings) -> tuple[float, float]:
    shutil.rmtree(media / "videos", ignore_errors=True)  # no partial movies to reuse: every frame drawn
    started = time.perf_counter()
    outcome = render_file(path, media_dir=media, timeout=settings.render_timeout, sandbox=sandbox_for(settings))
    if not outcome.ok:
        raise SystemExit(f"{path.name}: the preview failed: {outcome.error}")
    return time.perf_counter() - started, outcome.duration


def measure(path: Path, media: Path, settings: Settings, runs: int) -> dict:
    critique_file(path, settings=settings, media_dir=media)  # warm: LaTeX, fonts
    preview_seconds(path, media, settings)
    critiques, previews = [], []
    for _ in range(runs):  # interleaved, so a change in the machine's load falls on both sides
        critiques.append(critique_file(path, settings=settings, media_dir=media))
        previews.append(preview_seconds(path, media, settings))
    if not critiques[0].ok:
        raise SystemExit(f"{path.name}: the critique failed: {critiques[0].error.error}")
    found = {(f.kind, f.line): f.block for f in critiques[0].findings}
    ratios = [c.seconds / p[0] for c, p in zip(critiques, previews)]
    return {"scene": path.stem, "expected": expected(path), "found": found,
            "critique": statistics.median(c.seconds for c in critiques),
            "preview": statistics.median(p[0] for p in previews), "video": previews[0][1],
            "ratio": statistics.median(ratios)}


def score(rows: list[dict]) -> dict:
    tp, fp, fn, wrong_block = Counter(), Counter(), Counter(), 0
    for row in rows:
        exp, got = row["expected"], row["found"]
        for key in got:
            (tp if key in exp else fp)[key[0]] += 1
            wrong_block += key in exp and exp[key] != got[key]
        for key in exp:
            fn[key[0]] += key not in got
    return {"tp": tp, "fp": fp, "fn": fn, "wrong_block": wrong_block}


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:6.1%}" if whole else "     –"


def report(rows: list[dict]) -> dict:
    print(f"{'scene':42s} {'exp':>3s} {'tp':>3s} {'fp':>3s} {'fn':>3s}  {'critique':>8s} {'preview':>8s} "
          f"{'video':>6s} {'ratio':>6s}")
    for row in rows:
        exp, got = row["expected"], row["found"]
        tp = sum(k in exp for k in got)
        print(f"{row['scene']:42s} {len(exp):3d} {tp:3d} {len(got) - tp:3d} {len(exp) - tp:3d}  "
              f"{row['critique']:7.2f}s {row['preview']:7.2f}s {row['video']:5.1f}s "
              f"{row['ratio']:6.2f}")
    s = score(rows)
    print(f"\n{'kind':18s} {'defects':>7s} {'found':>5s} {'false':>5s} {'precision':>9s} {'recall':>7s}")
    for kind in KINDS:
        tp, fp, fn = s["tp"][kind], s["fp"][kind], s["fn"][kind]
        print(f"{kind:18s} {tp + fn:7d} {tp:5d} {fp:5d} {ratio(tp, tp + fp):>9s} {ratio(tp, tp + fn):>7s}")
    tp, fp, fn = (sum(s[k].values()) for k in ("tp", "fp", "fn"))
    print(f"{'overall':18s} {tp + fn:7d} {tp:5d} {fp:5d} {ratio(tp, tp + fp):>9s} {ratio(tp, tp + fn):>7s}")
    if s["wrong_block"]:
        print(f"({s['wrong_block']} found at the right kind and line but another block)")
    ratios = [r["ratio"] for r in rows]
    controls = sum(not r["expected"] for r in rows)
    print(f"\n{len(rows)} scenes ({controls} clean controls); critique / preview: median {statistics.median(ratios):.2f}"
          f" (min {min(ratios):.2f}, max {max(ratios):.2f}); critique median "
          f"{statistics.median(r['critique'] for r in rows):.2f} s, preview median "
          f"{statistics.median(r['preview'] for r in rows):.2f} s")
    return {"precision": tp / (tp + fp) if tp + fp else 1.0, "recall": tp / (tp + fn) if tp + fn else 1.0,
            "median_ratio": statistics.median(ratios)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each side per scene (median)")
    parser.add_argument("--only", default="", help="scenes whose file name contains this")
    parser.add_argument("--json", type=Path, help="also write the per-scene figures here")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    files = [p for p in sorted(CORPUS.glob("*.py")) if args.only in p.name]
    with tempfile.TemporaryDirectory(prefix="critic-bench-") as tmp:
        rows = []
        for path in files:
            rows.append(measure(path, Path(tmp) / path.stem, settings, args.runs))
            print(f"  measured {path.stem}", file=sys.stderr)
    summary = report(rows)
    if args.json:
        def plain(row):
            return {**row, "expected": [[*k, b] for k, b in row["expected"].items()],
                    "found": [[*k, b] for k, b in row["found"].items()]}
        args.json.write_text(json.dumps({"scenes": [plain(r) for r in rows], **summary}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
