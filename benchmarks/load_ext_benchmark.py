"""Benchmark: the CPU seconds `%load_ext code2video_nb` adds to a kernel (its imports).

    python benchmarks/load_ext_benchmark.py [--runs 5] [--tree PATH ...]

A kernel has IPython, ipykernel and ipywidgets loaded already; what the extension adds is the rest
of its import. Each figure is the best of `--runs` fresh interpreters, as user+sys CPU seconds of
the child (a loaded machine stretches wall time, much less CPU): the kernel's own modules alone,
then with `import code2video_nb.notebook.extension`. It also says which heavy libraries the
import pulled in (nbformat's schema checker jsonschema, whose URI grammars cost ~3 s to build; the
openai client, ~1 s) - those the kernel needs only for a command few runs. `--tree` measures other
checkouts (e.g. `git worktree add --detach /tmp/before <commit>`) for a before/after. Figures,
not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
from pathlib import Path

KERNEL = "import IPython, ipykernel.ipkernel, ipywidgets"
HEAVY = ("jsonschema", "nbformat", "openai", "pydantic", "av", "numpy", "PIL")


def cpu_seconds(code: str, tree: Path) -> tuple[float, str]:
    """User+sys CPU seconds of a fresh interpreter running `code` with `tree` first on the path."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd="/", capture_output=True, text=True, check=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout.strip()


def measure(tree: Path, runs: int) -> None:
    loaded = f"import sys; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    kernel = min(cpu_seconds(KERNEL, tree)[0] for _ in range(runs))
    with_ext = [cpu_seconds(f"{KERNEL}; import code2video_nb.notebook.extension; {loaded}", tree) for _ in range(runs)]
    best = min(s for s, _ in with_ext)
    print(f"{tree}: kernel {kernel:.2f} s, with the extension {best:.2f} s: %load_ext adds {best - kernel:.2f} s CPU"
          f" (heavy libraries it loaded: {with_ext[0][1] or 'none'})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tree", type=Path, nargs="*", default=[Path(__file__).resolve().parents[1]])
    args = parser.parse_args()
    for tree in args.tree:
        measure(tree.resolve(), args.runs)


if __name__ == "__main__":
    main()
