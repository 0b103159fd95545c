"""Benchmark: what the typed render boundary (`render_job.py`) costs, and a section render's time.

    python benchmarks/render_boundary_benchmark.py [--runs 5] [--section 2]

Prints (1) the job and result files written and read the typed way (dataclasses, pydantic-checked
readers) against plain `json.dumps`/`json.loads` of the same dicts, per render, on a real result
(the demo section's critique: its shots and stage, the largest result a render writes); (2) the
readers' first use in a fresh process, with pydantic not yet imported and already imported (the
kernel has it through openai); (3) the median wall time of a check pass and a preview render of a
demo section, each from a cold media folder. Part (3) runs against any checkout (`PYTHONPATH=<an
older checkout>` measures the version before the typed boundary: parts 1-2 are skipped there).
Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from code2video_nb.render.renderer import render_file, warm_up

from demo_sections import demo_sections  # benchmarks/ is on the path when run as a script

REPEAT = 300


def per_call_ms(work) -> float:
    started = time.perf_counter()
    for _ in range(REPEAT):
        work()
    return (time.perf_counter() - started) / REPEAT * 1000


def boundary(section: Path, media: Path) -> None:
    from code2video_nb.sandbox.confine import Confinement
    from code2video_nb.render.child.render_job import RenderJob, RenderResult, job_from_json, result_from_json, to_json

    outcome = render_file(section, media_dir=media, timeout=240, critique=True)
    if not outcome.ok:
        raise SystemExit(f"{section.name}'s critique failed: {outcome.error}")
    result = RenderResult(True, duration=outcome.duration, block_starts=tuple(outcome.block_starts),
                          shots=tuple(outcome.shots), stage=outcome.stage, warm=outcome.warm)
    job = RenderJob(file=str(section), scene="Scene", quality="preview", media_dir=str(media), result="/j/r.json",
                    temp_dir="/j/tmp", reuse_keys=tuple("0" * 64 for _ in range(20)),
                    confine=Confinement(writable=(str(media), "/j"), tools=("/usr/bin/latex", "/usr/bin/dvisvgm")))
    job_from_json(to_json(job)), result_from_json(to_json(result))  # readers built
    size = len(to_json(result)) / 1024
    print(f"(1) one render's boundary, ms per render (mean of {REPEAT}); the result is {size:.0f} KB, "
          f"{len(result.shots)} shots")
    for name, record, read in (("job", job, job_from_json), ("result", result, result_from_json)):
        plain, text = asdict(record), to_json(record)
        write = per_call_ms(lambda record=record: to_json(record))
        read_typed = per_call_ms(lambda read=read, text=text: read(text))
        dumps = per_call_ms(lambda plain=plain: json.dumps(plain))
        loads = per_call_ms(lambda text=text: json.loads(text))
        print(f"    {name:<7} write {write:5.2f} (json.dumps of a dict {dumps:5.2f})   "
              f"read, checked {read_typed:5.2f} (json.loads {loads:5.2f})")


def first_use() -> None:
    probe = ("import time{pre}; t = time.perf_counter(); from code2video_nb.render.child import render_job; "
             "render_job.result_from_json('{{\"ok\": true}}'); print(time.perf_counter() - t)")
    print("(2) the parent's first result read in a fresh process (import + build the reader), median of 3")
    for label, pre in (("pydantic not imported", ""), ("openai imported (a kernel)", "; import openai.types.chat")):
        seconds = [float(subprocess.run([sys.executable, "-c", probe.format(pre=pre)], capture_output=True,
                                        text=True, check=True).stdout) for _ in range(3)]
        print(f"    {label:<30} {statistics.median(seconds) * 1000:6.0f} ms")


def renders(section: Path, folder: Path, runs: int) -> None:
    warm_up(wait=True)
    print(f"(3) {section.name}: median wall time of {runs} (cold media folder each)")
    for name, dry in (("check", True), ("render", False)):
        seconds = []
        for k in range(runs):
            outcome = render_file(section, media_dir=folder / f"{name}-{k}", timeout=240, dry_run_only=dry)
            if not outcome.ok:
                raise SystemExit(f"{section.name} failed: {outcome.error}")
            seconds.append(outcome.seconds)
        print(f"    {name:<7} {statistics.median(seconds):6.2f} s   (runs: {', '.join(f'{s:.2f}' for s in seconds)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--section", choices="123", default="2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        section = demo_sections(Path(tmp))[int(args.section) - 1]
        try:
            import code2video_nb.render.child.render_job  # noqa: F401 - absent before the typed boundary
        except ImportError:
            print("(1), (2): this checkout has no render_job.py (the dict boundary)")
        else:
            boundary(section, Path(tmp) / "critique")
            first_use()
        renders(section, Path(tmp), args.runs)


if __name__ == "__main__":
    main()
