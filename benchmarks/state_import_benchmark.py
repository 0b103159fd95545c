"""Benchmark: what the typed lecture.json records cost in the kernel, and what pydantic would.

    python benchmarks/state_import_benchmark.py [--runs 7] [--tree PATH]

Each figure is the best of `--runs` fresh interpreters (`python -X importtime`), so a loaded
machine inflates them less: the import of `code2video_nb.workspace` (the workspace with
section_state.py and lecture_state.py, the hand-written tolerant readers), then `import pydantic`
and the time to build LectureState and PlanOptions as pydantic models (`extra="allow"`), which
is what replacing the readers would add where the kernel has not imported pydantic yet (the
notebook's session does not; the CLI does, through the openai client). `--tree` measures another
checkout (e.g. an earlier commit unpacked with `git archive`) for a before/after. Figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

PYDANTIC_MODELS = """
import time
t0 = time.perf_counter()
from pydantic import BaseModel, ConfigDict
t1 = time.perf_counter()
class PlanOptions(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    audience: str = ""
    sections: int = 0
    goals: str = ""
    notes: str = ""
class LectureState(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    topic: str = ""
    slug: str = ""
    plan_options: PlanOptions | None = None
    replay: str = ""
    critic: bool | None = None
    usage: dict[str, dict[str, float]] = {}
    timings: dict[str, float] = {}
    language: str = ""
t2 = time.perf_counter()
print(f"{(t1 - t0) * 1000:.1f} {(t2 - t1) * 1000:.1f}")
"""


def import_ms(module: str, tree: Path) -> float:
    """`module`'s cumulative import time in a fresh interpreter, in ms (from -X importtime)."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"], env=env, cwd="/",
                          capture_output=True, text=True, check=True)
    line = next(t for t in done.stderr.splitlines() if t.rstrip().endswith(f"| {module}"))
    return int(line.split("|")[1]) / 1000


def pydantic_ms() -> tuple[float, float]:
    done = subprocess.run([sys.executable, "-c", PYDANTIC_MODELS], capture_output=True, text=True, check=True, cwd="/")
    imported, built = done.stdout.split()
    return float(imported), float(built)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parent.parent)
    args = parser.parse_args()
    workspace = min(import_ms("code2video_nb.workspace", args.tree) for _ in range(args.runs))
    typed = min(import_ms("code2video_nb.lecture_state", args.tree) for _ in range(args.runs)) \
        if (args.tree / "code2video_nb" / "lecture_state.py").exists() else None
    pydantic = [pydantic_ms() for _ in range(args.runs)]
    print(f"tree: {args.tree}  (best of {args.runs} fresh interpreters; os.getloadavg() = "
          f"{', '.join(f'{x:.1f}' for x in os.getloadavg())})")
    print(f"import code2video_nb.workspace          {workspace:7.1f} ms")
    if typed is not None:
        print(f"import code2video_nb.lecture_state      {typed:7.1f} ms  (with section_state)")
    print(f"import pydantic                         {min(p[0] for p in pydantic):7.1f} ms")
    print(f"build LectureState, PlanOptions models  {min(p[1] for p in pydantic):7.1f} ms")


if __name__ == "__main__":
    main()
