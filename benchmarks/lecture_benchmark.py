"""Benchmark: one scripted lecture end to end, then our preview render against plain `manim -ql`.

    python benchmarks/lecture_benchmark.py [--repeat 3]

Serves the bundled demo lecture from the scripted OpenAI-compatible server (real
`openai` client over loopback HTTP), runs the whole engine into a temporary folder,
and prints: wall time per stage, render time per section, model calls and tokens,
and, per section, the ratio of our preview render (dry run + frames, out of process)
to `manim -ql` on the same file, each from a cold media folder. Figures, not a test.
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
from importlib import resources
from pathlib import Path

from code2video_nb.config import Settings
from code2video_nb.engine import generate
from code2video_nb.model_client import ModelClient, OpenAIBackend
from code2video_nb.render import find_scene_class, render_file
from code2video_nb.scripted_server import ScriptedServer


def run_lecture(out: Path) -> None:
    cassette = json.loads(resources.files("code2video_nb").joinpath("demo", "eigenvectors.json").read_text())
    meta = cassette["lecture"]
    with ScriptedServer() as server:
        server.script_cassette(cassette)
        settings = Settings.from_env(base_url=server.base_url, cache_dir=None)
        client = ModelClient(OpenAIBackend(settings, api_key="sk-benchmark"), model=settings.model)
        result = generate(meta["topic"], out=out, settings=settings, client=client, audience=meta["audience"],
                          sections=meta["sections"])
    print("== one scripted lecture (3 sections, one seeded bug), preview quality")
    for stage, seconds in result.timings.items():
        print(f"  stage {stage:<8} {seconds:6.2f} s")
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
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("OPENAI_API_KEY", "sk-benchmark")
    with tempfile.TemporaryDirectory() as out:
        ws = run_lecture(Path(out))
        compare_with_manim(ws, args.repeat)


if __name__ == "__main__":
    main()
