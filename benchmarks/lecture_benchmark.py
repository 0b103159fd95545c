"""Benchmark: one scripted lecture end to end, pipelined against staged, then our preview render against plain `manim -ql`.

    python benchmarks/lecture_benchmark.py [--latency 1+12] [--runs 3] [--repeat 3] [--no-manim]

Serves the bundled demo lecture from the scripted OpenAI-compatible server (real
`openai` client over loopback HTTP), with a simulated model latency (`--latency`:
seconds per request + seconds per 1000 completion tokens; default none), and runs it
twice into temporary folders: once as `generate` does, each section built as soon as
its code arrives, and once stage after stage (plan, all code, all builds, export), each
stage timed. It prints the pipelined wall time against that sum, each section's
schedule, render time per section, model calls and tokens, per run the cost of repairs
(fix requests and their tokens, renders that failed), and, per section, the ratio
of our preview render (dry run + frames, out of process) to `manim -ql` on the same
file, each from a cold media folder. The critic is off in both runs: it runs after all
builds either way. Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from code2video_nb.config import Settings
from code2video_nb.engine import Engine, generate
from code2video_nb.model_client import ModelClient, OpenAIBackend
from code2video_nb.plan import slugify
from code2video_nb.render.renderer import find_scene_class, render_file, warm_up
from code2video_nb.scripted_server import Latency, ScriptedServer, parse_latency
from code2video_nb.workspace import Workspace

CASSETTE = json.loads(resources.files("code2video_nb").joinpath("demo", "eigenvectors.json").read_text())
META = CASSETTE["lecture"]
STAGES = ("plan", "code", "render", "export")


def _served(latency: Latency):
    """The demo lecture's replies, answered with `latency`; and a fresh client (no reply cache)."""
    server = ScriptedServer(latency=latency).script_cassette(CASSETTE).start()
    settings = Settings.from_env(base_url=server.base_url, cache_dir=None, critic_rounds=0)
    return server, settings, ModelClient(OpenAIBackend(settings, api_key="sk-benchmark"), model=settings.model)


def run_pipelined(out: Path, latency: Latency):
    server, settings, client = _served(latency)
    try:
        result = generate(META["topic"], out=out, settings=settings, client=client, audience=META["audience"],
                          sections=META["sections"])
    finally:
        server.stop()
    return result, client


def run_staged(out: Path, latency: Latency) -> tuple[dict[str, float], ModelClient, Workspace]:
    """The same lecture stage after stage, as before pipelining: each stage waits for the last."""
    server, settings, client = _served(latency)
    ws = Workspace.create(out, slugify(META["topic"]), META["topic"])
    engine, timings = Engine(settings, client), {}
    try:
        with _timed(timings, "plan"):
            engine.plan(ws, audience=META["audience"], sections=META["sections"])
        with _timed(timings, "code"):
            engine.write_code(ws)
        with _timed(timings, "render"):
            results = engine.render_all(ws)
        with _timed(timings, "export"):
            engine.export(ws, results)
    finally:
        server.stop()
    return timings, client, ws


@contextmanager
def _timed(timings: dict[str, float], stage: str):
    started = time.perf_counter()
    yield
    timings[stage] = time.perf_counter() - started


def compare(out: Path, latency: Latency, runs: int):
    """`runs` pairs of runs, alternating which goes first, so a machine busy with something else
    slows both alike; each pair's figures, then the medians."""
    warm_up(wait=True)  # neither run pays for the render server's start (importing manim)
    run_staged(out / "warm-up", Latency())  # nor for filling the caches renders share (fonts, TeX)
    print(f"== one scripted lecture (3 sections, one seeded bug), preview quality, model latency "
          f"{latency.per_request:g} s + {latency.per_1k_tokens:g} s per 1k completion tokens, critic off")
    walls, sums = [], []
    for k in range(runs):
        if k % 2:
            staged, staged_client, staged_ws = run_staged(out / f"staged-{k}", latency)
        result, client = run_pipelined(out / f"pipelined-{k}", latency)
        if not k % 2:
            staged, staged_client, staged_ws = run_staged(out / f"staged-{k}", latency)
        walls.append(result.timings["wall"])
        sums.append(sum(staged.values()))
        _print_pair(result, staged)
        print(f"  pipelined: {repairs(client, result.workspace)}")
        print(f"  staged:    {repairs(staged_client, staged_ws)}")
    saved = statistics.median(sums) - statistics.median(walls)
    print(f"  median of {runs}: pipelined wall {statistics.median(walls):.2f} s, staged sum "
          f"{statistics.median(sums):.2f} s; overlapping saved {saved:.2f} s ({saved / statistics.median(sums):.0%})")
    print("  last pipelined run's schedule (seconds after planning; code: when it arrived):")
    for t in result.schedule:
        print(f"    section {t.id}: code {t.code:6.2f}   build {t.start:6.2f} -> {t.end:6.2f}")
    return result, client


def _print_pair(result, staged: dict[str, float]) -> None:
    spans = ", ".join(f"{stage} {result.timings.get(stage, 0.0):.2f}" for stage in STAGES)
    print(f"  pipelined: wall {result.timings['wall']:6.2f} s   (its stage spans overlap: {spans})")
    print(f"  staged:    sum of stages {sum(staged.values()):6.2f} s   "
          f"(" + " + ".join(f"{stage} {staged[stage]:.2f}" for stage in STAGES) + ")")


def repairs(client: ModelClient, ws: Workspace) -> str:
    """What repairs cost one run: the model calls and tokens of the fix stages ("fix:<id>"; a
    regeneration is asked as "code:<id>" and counts as code), and the renders that failed. These
    are what a better code prompt should lower, so a change can state them before and after."""
    fixes = [u for stage, u in client.usage_by_stage().items() if stage.startswith("fix")]
    calls = sum(u["calls"] for u in fixes)
    tokens = sum(u["prompt_tokens"] + u["completion_tokens"] for u in fixes)
    failed = sum(failed_renders(ws, s.id) for s in ws.storyboard.sections)
    return f"fix requests {calls}, fix tokens {tokens}, failed renders {failed}"


def failed_renders(ws: Workspace, section_id: str) -> int:
    """The section's first render if it failed (auto-fix ran, or the section still fails), and
    each fix candidate whose check failed (a reply without code was never rendered)."""
    state = ws.section_state(section_id)
    attempts = state.fix.attempts if state.fix else []
    first = int(bool(attempts) or state.error is not None)
    checked = [a for a in attempts if a.get("result") != "ok" and not str(a.get("result", "")).startswith("NoCode")]
    # a fix whose check passed but whose full render then failed
    after = int(bool(state.fix and state.fix.ok) and state.error is not None)
    return first + len(checked) + after


def report(result, client) -> Workspace:
    for s in result.sections:
        print(f"  section {s.id}: render {s.seconds:5.2f} s, video {s.duration:4.1f} s, fix attempts {s.fix_attempts}")
    print("  model calls and tokens per stage:")
    for stage, usage in client.usage_by_stage().items():
        print(f"    {stage:<11} calls {usage['calls']}  tokens {usage['prompt_tokens'] + usage['completion_tokens']}")
    total = client.total()
    print(f"  total: {total.calls} calls, {total.tokens} tokens")
    return result.workspace


def compare_with_manim(ws, repeat: int) -> None:
    print(f"== preview render vs plain `manim -ql` (cold media folder each run, median of {repeat})")
    ratios = []
    for section in ws.storyboard.sections:
        path = ws.code_path(section.id)
        scene = find_scene_class(path.read_text())
        ours = _median(repeat, lambda media: render_file(path, media_dir=media, timeout=300))
        plain = _median(repeat, lambda media: subprocess.run(
            [sys.executable, "-m", "manim", "-ql", "-v", "WARNING", "--progress_bar", "none",
             "--media_dir", str(media), str(path), scene], check=True, capture_output=True))
        ratios.append(ours / plain)
        print(f"  section {section.id}: ours {ours:5.2f} s   manim -ql {plain:5.2f} s   ratio {ours / plain:4.2f}")
    print(f"  mean ratio: {statistics.mean(ratios):.2f}")


def _median(repeat: int, run) -> float:
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as media:
            started = time.perf_counter()
            run(Path(media))
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=parse_latency, default=Latency(), metavar="S+S",
                        help='simulated model time: seconds per request + seconds per 1000 completion tokens, '
                             'e.g. "1+12" (default: none)')
    parser.add_argument("--runs", type=int, default=1, help="pairs of lecture runs (pipelined, staged); medians")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-manim", action="store_true", help="skip the comparison with plain `manim -ql`")
    args = parser.parse_args()
    os.environ.setdefault("OPENAI_API_KEY", "sk-benchmark")
    with tempfile.TemporaryDirectory() as out:
        ws = report(*compare(Path(out), args.latency, args.runs))
        if not args.no_manim:
            compare_with_manim(ws, args.repeat)


if __name__ == "__main__":
    main()
