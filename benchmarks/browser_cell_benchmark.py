"""Benchmark: a section cell's edit as a teacher sees it, in a real JupyterLab in headless Chromium
(tests/lab_harness.py): from running the cell (Shift+Enter: `notebook:run-cell`) until its new
preview video is in the page, and until the cell is done (the layout critic's cards come after).

    python benchmarks/browser_cell_benchmark.py [--runs 3] [--section 3]

Plans and renders the bundled demo (`%%code2video --replay demo`), puts section N's cell at the end,
then per case, each run a different edit (so each is a real re-render):

  last block   the run time of the last block's Indicate (the plays before it are reused)
  title        the title, on screen in every play: a full render of the section

with the layout critic on (the default: a critique of the new code follows the preview) and off.
Prints medians and the last-block edit as a fraction of the full render. `cell_benchmark.py` times
the same edits from the kernel's execute request; this adds the browser and the cell's end.
Figures, not a test; on a loaded machine they spread.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from cell_benchmark import DEMO, EDITS, MAGIC, SLUG  # noqa: E402
from lab_harness import lab_folders, lab_page, missing_requirements, running_lab  # noqa: E402

from code2video_nb.notebook.cells import cell_source  # noqa: E402

LOAD = "%load_ext code2video_nb"
CASES = ("last block", "title")


def _run_and_time(lab, index: int) -> tuple[float, float]:
    """(seconds until a new preview <video> is in cell `index`, seconds until the cell is done)."""
    old = lab.page.evaluate(
        "(i) => { const v = window.jupyterapp.shell.currentWidget.content.widgets[i].node"
        ".querySelector('.jp-OutputArea-output video'); return v ? v.getAttribute('src') : ''; }", index)
    started = time.perf_counter()
    lab.page.evaluate(
        "(i) => { const nb = window.jupyterapp.shell.currentWidget.content; nb.activeCellIndex = i;"
        " nb.deselectAll(); nb.mode = 'command'; window.jupyterapp.commands.execute('notebook:run-cell'); }", index)
    lab.page.wait_for_function(
        "([i, old]) => { const v = window.jupyterapp.shell.currentWidget.content.widgets[i].node"
        ".querySelector('.jp-OutputArea-output video'); return v && v.getAttribute('src') && v.getAttribute('src') !== old; }",
        arg=[index, old], polling=20, timeout=300_000)
    video = time.perf_counter() - started
    lab.page.wait_for_function(
        "(i) => { const w = window.jupyterapp.shell.currentWidget; const c = w.content.widgets[i];"
        " return c.model.executionCount !== null && !c.node.querySelector('.jp-InputArea-prompt')"
        ".textContent.includes('*') && w.sessionContext.session.kernel.status === 'idle'; }",
        arg=index, polling=20, timeout=300_000)
    return video, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case and critic setting (default 3)")
    parser.add_argument("--section", default="3", help="section of the demo lecture (default 3)")
    args = parser.parse_args()
    if problem := missing_requirements():
        sys.exit(f"cannot run: {problem}")
    base = Path(tempfile.mkdtemp(prefix="c2v-browser-bench-"))
    root, home = lab_folders(base)
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(LOAD), nbformat.v4.new_code_cell(MAGIC)]
    nbformat.write(nb, str(root / "bench.ipynb"))
    shots = base / "shots"
    shots.mkdir()
    results: dict[tuple[str, bool], list[tuple[float, float]]] = {}
    try:
        with running_lab(root, home) as server, lab_page(shots, {"width": 1280, "height": 1200}) as lab:
            lab.open(server, "bench.ipynb")
            lab.run_cell(0, timeout_ms=60_000)
            started = time.perf_counter()
            lab.run_cell(1, timeout_ms=600_000)
            print(f"== {DEMO['topic']}: planned and rendered by %%code2video --replay demo in "
                  f"{time.perf_counter() - started:.1f} s")
            code = (root / "code2video" / SLUG / "sections" / f"{args.section}.py").read_text("utf-8")
            index = len(lab.sources())
            lab.insert_cell(index, cell_source(SLUG, args.section, code))
            lab.run_cell(index, timeout_ms=300_000)  # its cached preview: the cell now shows one video
            k = 0
            for critic in (True, False):
                lab.set_source(0, f"%config Code2Video.critic = {critic}")
                lab.run_cell(0, timeout_ms=60_000)
                for case in CASES:
                    for _ in range(args.runs):
                        k += 1
                        lab.set_source(index, cell_source(SLUG, args.section, EDITS[case](code, k)))
                        results.setdefault((case, critic), []).append(_run_and_time(lab, index))
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"== section {args.section}'s cell in the browser: run -> new preview video / cell done "
          f"(median of {args.runs})")
    for critic in (True, False):
        video = {case: statistics.median(v for v, _ in results[(case, critic)]) for case in CASES}
        done = {case: statistics.median(d for _, d in results[(case, critic)]) for case in CASES}
        for case in CASES:
            print(f"  critic {'on ' if critic else 'off'}  {case:<10}  video {video[case]:6.2f} s   "
                  f"done {done[case]:6.2f} s")
        print(f"  critic {'on ' if critic else 'off'}  last block / full render: video "
              f"{video['last block'] / video['title']:.2f}x, cell done {done['last block'] / done['title']:.2f}x")


if __name__ == "__main__":
    main()
