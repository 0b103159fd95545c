"""Benchmark: the critic's cost on sections it does patch, rounds before the render against rounds after it.

    python benchmarks/critic_rounds_benchmark.py [--runs 2] [--scenes t14_three_defects t01_offscreen_formula ...]

The demo lecture (`critic_cost_benchmark.py`) is clean, so its critic only looks. Here each
section has defects with patches (scenes of tests/data/critic_corpus, as one-section lectures),
built three ways through the engine's real renders, each in a fresh folder:
  none    the build alone (critic off)
  after   the build, then the rounds after the render (`improve_section`, the flow `generate` had
          before and keeps for the VLM): each kept version is rendered again
  before  the rounds inside the build, before its one render (`generate`'s flow now: the first
          critique is the check, candidates are dry runs, the final version is rendered once)
Prints each scene's seconds and kept versions per way, and the ratios after/none and before/none
(medians over --runs). TeX and fonts are warmed by one untimed build first. Figures, not a test.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from code2video_nb.config import Settings  # noqa: E402
from code2video_nb.critic_loop import improve_section  # noqa: E402
from code2video_nb.engine import Engine  # noqa: E402
from code2video_nb.plan import Storyboard  # noqa: E402
from code2video_nb.workspace import Workspace  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "critic_corpus"
SCENES = ["t14_three_defects", "t01_offscreen_formula", "t03_overlap_formulas", "t07_too_small_note"]


def lecture(folder: Path, scene: str) -> Workspace:
    code = (CORPUS / f"{scene}.py").read_text()
    lines = eval(re.search(r"LECTURE_LINES = (\[.*?\])", code, re.S).group(1))  # the corpus file's own literal
    ws = Workspace.create(folder, "lecture", "A lecture")
    ws.set_storyboard(Storyboard.from_dict(
        {"sections": [{"id": "1", "title": "One", "lecture_lines": lines, "animations": ["x"] * len(lines)}]}))
    ws.write_code("1", code, "generated")
    return ws


def build(folder: Path, scene: str, way: str) -> tuple[float, int]:
    """Seconds and versions kept, one way."""
    ws = lecture(folder, scene)
    engine = Engine(Settings.from_env(critic_rounds=0 if way == "none" else 2, narrate=False), None)
    section = ws.storyboard.section("1")
    started = time.perf_counter()
    kept = 0
    if way == "before":
        critic = engine.critic_before_render()
        assert engine.build_section(ws, section).ok
        kept = critic.done["1"].rounds
    else:
        assert engine.build_section(ws, section).ok
        if way == "after":
            kept = improve_section(engine.sections, ws, section, rounds=2).rounds
    return time.perf_counter() - started, kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--scenes", nargs="+", default=SCENES)
    args = parser.parse_args()
    ways = ("none", "after", "before")
    with tempfile.TemporaryDirectory(prefix="c2v-rounds-") as tmp:
        build(Path(tmp) / "warm", args.scenes[0], "before")
        totals = {w: [] for w in ways}
        for run in range(args.runs):
            sums = dict.fromkeys(ways, 0.0)
            for scene in args.scenes:
                row = []
                for way in ways:
                    seconds, kept = build(Path(tmp) / f"{run}-{scene}-{way}", scene, way)
                    sums[way] += seconds
                    row.append(f"{way} {seconds:5.2f} s ({kept} kept)")
                print(f"run {run + 1} {scene:24} " + "   ".join(row), flush=True)
            for way in ways:
                totals[way].append(sums[way])
            print(f"run {run + 1} all: " + "   ".join(f"{w} {sums[w]:.2f} s" for w in ways)
                  + f"   after/none {sums['after'] / sums['none']:.3f}   before/none {sums['before'] / sums['none']:.3f}")
    after = statistics.median(a / n for a, n in zip(totals["after"], totals["none"]))
    before = statistics.median(b / n for b, n in zip(totals["before"], totals["none"]))
    print(f"median ratio to the critic off: rounds after the render {after:.3f}, rounds before it {before:.3f}")


if __name__ == "__main__":
    main()
