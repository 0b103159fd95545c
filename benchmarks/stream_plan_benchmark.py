"""Benchmark: when the plan's first fruits come, with the plan read while it streams against whole replies.

    python benchmarks/stream_plan_benchmark.py [--latency 1+12] [--lecture four|demo]

Serves a scripted lecture (the 4-section one the tests use, or the bundled 3-section demo) from the
scripted OpenAI-compatible server at a model's pace (`--latency`: seconds to the first words + seconds
per 1000 completion tokens, spread over the stream), through the real `openai` client, and plans and
writes its code twice, nothing rendered:

- before: stage after stage on whole replies, as the engine did before streaming: the outline's
  titles are known when the outline reply ends, the first storyboard entry when the storyboard ends,
  and the first code request goes out after that;
- after: `generate` as it is (`plan_stream`): titles as the outline streams, each code request the
  moment its storyboard entry is complete.

It prints, in seconds from the start, when the first and last outline titles came, when the first
storyboard entry was complete (the first code request it started), when the storyboard ended, when the
last code reply arrived, and the tokens both runs paid. Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from importlib import resources
from pathlib import Path

from code2video_nb import coder, planner
from code2video_nb.config import Settings
from code2video_nb.engine import generate
from code2video_nb.model_client import ModelClient, OpenAIBackend
from code2video_nb.progress_events import SectionEvent
from code2video_nb.scripted_server import Latency, ScriptedServer, parse_latency

FOUR = Path(__file__).resolve().parents[1] / "tests" / "data" / "four_sections.json"


def cassette(name: str) -> dict:
    if name == "demo":
        return json.loads(resources.files("code2video_nb").joinpath("demo", "eigenvectors.json").read_text())
    return json.loads(FOUR.read_text(encoding="utf-8"))


class Clock:
    """Progress listener: when each section's title and its first code request were announced."""

    def __init__(self, started: float):
        self.started, self.titles, self.writing = started, [], []

    def __call__(self, stage: str, message: str) -> None:
        pass

    def on_section(self, event: SectionEvent) -> None:
        at = time.monotonic() - self.started
        if event.state == "planned":
            self.titles.append(at)
        elif event.state == "writing":
            self.writing.append(at)


def served(data: dict, latency: Latency) -> tuple[ScriptedServer, ModelClient]:
    unrendered = [i for i in data["interactions"] if not i["stage"].startswith("fix")]  # nothing renders: no fix
    server = ScriptedServer().script_cassette({**data, "interactions": unrendered}).start()
    settings = Settings.from_env(base_url=server.base_url, cache_dir=None, critic_rounds=0)
    client = ModelClient(OpenAIBackend(settings, api_key="sk-benchmark"), model=settings.model)
    server.script("warm-up", "ready")  # the client's first request loads its HTTP stack: not the model's time
    client.ask([{"role": "user", "content": "ready?"}], stage="warm-up")
    server.requests.clear()
    server.latency = latency
    return server, client


def before(data: dict, latency: Latency) -> dict:
    """Stage after stage, each on the whole reply (what the engine did before the plan streamed)."""
    server, client = served(data, latency)
    lecture, started = data["lecture"], time.monotonic()
    try:
        outline = planner.make_outline(client, lecture["topic"], audience=lecture["audience"],
                                       sections=lecture["sections"])
        titles = time.monotonic() - started  # all of them at once, with the whole reply
        board = planner.make_storyboard(client, outline)
        entry = time.monotonic() - started
        coder.write_all(client, board.sections, lecture["topic"])
        done = time.monotonic() - started
    finally:
        server.stop()
    return figures(server, started, [titles], entry, done, client)


def after(data: dict, latency: Latency, out: Path) -> dict:
    """`generate` as it is, without rendering."""
    server, client = served(data, latency)
    lecture, started = data["lecture"], time.monotonic()
    clock = Clock(started)
    try:
        generate(lecture["topic"], out=out, settings=client.backend.settings, client=client,
                 audience=lecture["audience"], sections=lecture["sections"], render=False, progress=clock)
        done = time.monotonic() - started
    finally:
        server.stop()
    return figures(server, started, clock.titles, min(clock.writing, default=float("nan")), done, client)


def figures(server: ScriptedServer, started: float, titles: list[float], entry: float, done: float,
            client: ModelClient) -> dict:
    asked = {r.stage: r for r in server.requests}
    codes = [r.at - started for r in server.requests if r.stage.startswith("code")]
    board = asked["storyboard"]
    return {"first title": min(titles), "last title": max(titles), "first entry": entry,
            "first code request": min(codes), "storyboard ended": (board.ended or float("nan")) - started,
            "last code reply": done, "tokens": client.total().tokens}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--latency", type=parse_latency, default=parse_latency("1+12"), metavar="S+S")
    parser.add_argument("--lecture", choices=("four", "demo"), default="four")
    args = parser.parse_args(argv)
    data = cassette(args.lecture)
    print(f"{args.lecture} lecture ({data['lecture']['sections']} sections), latency "
          f"{args.latency.per_request:g} s + {args.latency.per_1k_tokens:g} s per 1000 tokens; seconds from the start")
    with tempfile.TemporaryDirectory() as tmp:
        rows = {"before (whole replies)": before(data, args.latency),
                "after (plan streamed)": after(data, args.latency, Path(tmp))}
    names = list(next(iter(rows.values())))
    print(f"{'':24}" + "".join(f"{n:>20}" for n in names))
    for label, row in rows.items():
        print(f"{label:24}" + "".join(f"{row[n]:>20.1f}" if n != "tokens" else f"{row[n]:>20d}" for n in names))


if __name__ == "__main__":
    main()
