"""Benchmark: what planning from long notes costs, in tokens. For notes of several lengths (the
bundled note's parts repeated, so they read like real notes with formulas), the outline is planned
through the real client against the scripted server, whose summaries are as long as the request
allows (the worst case); reported per length: the notes' tokens, summarising requests, the largest
request, the outline request, and the tokens read in all (`sources.estimate_tokens`: characters / 4).

    python benchmarks/long_notes_benchmark.py [--budget 6000]

Figures, not a test.
"""

from __future__ import annotations

import argparse
import json
import re
from importlib import resources

from code2video_nb.config import Settings
from code2video_nb.model_client import ModelClient, OpenAIBackend
from code2video_nb.scripted_server import ScriptedServer
from code2video_nb.source_plan import CHUNK_TOKENS, MIN_SUMMARY_WORDS, WORDS_PER_BUDGET_TOKEN, _chunks, make_outline
from code2video_nb.sources import estimate_tokens, source_from_markdown

NOTE = resources.files("code2video_nb").joinpath("demo", "notes", "eigenvectors.md").read_text(encoding="utf-8")


def long_note(parts: int, tokens_each: int) -> str:
    """`parts` headed parts of about `tokens_each` tokens, made of the bundled note's paragraphs."""
    body = NOTE.split("\n## ", 1)[1]
    paragraphs = [p for p in re.split(r"\n\s*\n", body) if not p.startswith(("#", "Eigen", "What"))]
    text = "\n\n".join(paragraphs)
    repeated = "\n\n".join([text] * max(1, tokens_each * 4 // len(text)))
    return "# Linear algebra, weeks 1-12\n\n" + "\n\n".join(f"## Topic {k}\n\n{repeated}" for k in range(1, parts + 1))


def measure(parts: int, tokens_each: int, budget: int) -> dict:
    source = source_from_markdown(long_note(parts, tokens_each), name="long.md")
    with ScriptedServer() as server:
        for k, chunk in enumerate(_chunks(source.parts), 1):  # each summary as long as asked: the worst case
            server.script(f"outline:digest-{k}", _summaries(chunk, source, budget))
        server.script("outline", json.dumps({"topic": source.title, "sections": [
            {"id": str(k), "title": f"Topic {k}", "parts": [k]} for k in range(1, min(parts, 12) + 1)]}))
        settings = Settings.from_env(base_url=server.base_url, cache_dir=None)
        client = ModelClient(OpenAIBackend(settings, api_key="sk-bench"), model=settings.model)
        make_outline(client, source, audience="students", sections=min(parts, 12), budget=budget)
        sizes = {r.stage: sum(estimate_tokens(m["content"]) for m in r.messages) for r in server.requests}
    digests = [v for k, v in sizes.items() if k.startswith("outline:digest")]
    return {"notes": source.tokens, "parts": parts, "summarising requests": len(digests),
            "largest request": max(sizes.values()), "outline request": sizes["outline"],
            "read in all": sum(sizes.values())}


def _summaries(chunk, source, budget: int) -> str:
    """Each part of the chunk summarised in as many words as the request allows (`source_plan.fit`),
    of an English word's length."""
    words = budget * WORDS_PER_BUDGET_TOKEN
    return json.dumps({str(n): " ".join(["words"] * max(MIN_SUMMARY_WORDS, int(words * estimate_tokens(text)
                                                                             / source.tokens)))
                       for n, _heading, text in chunk})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--budget", type=int, default=Settings().source_tokens)
    args = parser.parse_args()
    print(f"budget for the notes in the outline request: {args.budget:,} tokens; chunk: {CHUNK_TOKENS:,} tokens")
    for parts, each in [(3, 500), (6, 2000), (12, 5000), (12, 10000), (30, 4000)]:
        row = measure(parts, each, args.budget)
        print(", ".join(f"{k}: {v:,}" for k, v in row.items()))


if __name__ == "__main__":
    main()
