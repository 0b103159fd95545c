"""The two evaluation protocols side by side on the demo lecture, with the scripted judge: what each
sends (prompt words, the visual payload), what it reports, and what a second run costs.

The scripted judge answers the same for both (every plain answer right, every unlearned answer
INSUFFICIENT, the video pass right but for the first question), so any difference in the scores
would be a difference in how they are computed; the differences are in the requests. The scripted
server counts text words and image parts, not video (a real endpoint bills a video by its length).

    python3 benchmarks/eval_protocols.py [--paper-repo PATH]   # PATH: a checkout of showlab/Code2Video
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import tempfile
from pathlib import Path

from code2video_nb import cli
from code2video_nb.evaluation import aes, quiz
from code2video_nb.scripted_server import ScriptedServer

TOPIC = "Eigenvectors, eigenvalues, and eigenbasis"


def script(server: ScriptedServer) -> None:
    server.script("judge", json.dumps({name: {"score": 16, "feedback": "seen"} for name in aes.DIMENSIONS}))
    bank = quiz.questions_for(TOPIC)
    for q in bank:
        wrong = next(letter for letter in "ABCD" if letter != q.answer)
        server.script_by_text("quiz:plain", q.question, json.dumps({"answer": q.answer}))
        server.script_by_text("quiz:unlearned", q.question, '{"answer": "INSUFFICIENT"}')
        server.script_by_text("quiz:video", q.question, json.dumps({"answer": wrong if q is bank[0] else q.answer}))


def payload(requests) -> tuple[int, int]:
    """(prompt words, bytes of image and video data) of `requests`."""
    words = visual = 0
    for request in requests:
        for message in request.messages:
            content = message["content"]
            for part in content if isinstance(content, list) else [{"type": "text", "text": content}]:
                if part["type"] == "text":
                    words += len(part["text"].split())
                else:
                    visual += len(part[part["type"]]["url"])
    return words, visual


def run(server, lecture: Path, options: list[str]) -> dict:
    out = {}
    for measure in ("aes", "quiz"):
        before = len(server.requests)
        said = io.StringIO()
        with contextlib.redirect_stdout(said):
            assert cli.main(["eval", measure, str(lecture), "--json", *options]) == 0
        result = json.loads(said.getvalue())
        words, visual = payload(server.requests[before:])
        out[measure] = {"requests": len(server.requests) - before, "words": words, "visual_mb": visual / 1e6,
                        "shown": result["shown"], "protocol": result["protocol"]["description"],
                        "score": result["total"] if measure == "aes" else result["teachquiz"]}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper-repo", help="a checkout of showlab/Code2Video (default: $CODE2VIDEO_PAPER_REPO)")
    args = parser.parse_args()
    repo = args.paper_repo or os.environ.pop("CODE2VIDEO_PAPER_REPO", None)
    with tempfile.TemporaryDirectory() as tmp, ScriptedServer() as server:
        os.environ.update(OPENAI_API_KEY="sk-scripted", OPENAI_BASE_URL=server.base_url,
                          CODE2VIDEO_VLM_MODEL="vlm-1", CODE2VIDEO_CACHE_DIR=str(Path(tmp) / "cache"))
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert cli.main(["demo", "--out", tmp, "--quiet"]) == 0
        (lecture,) = [p for p in Path(tmp).iterdir() if (p / "lecture.json").is_file()]
        runs = [("ours", []), ("paper, our wording", ["--protocol", "paper"]),
                ("paper, frames", ["--protocol", "paper", "--send", "frames"])]
        if repo:
            runs += [("paper, checkout", ["--protocol", "paper", "--paper-repo", repo]),
                     ("paper, checkout, frames", ["--protocol", "paper", "--paper-repo", repo, "--send", "frames"])]
        for name, options in runs:
            for attempt in ("first run", "second run"):
                script(server)
                result = run(server, lecture, options)
                for measure, r in result.items():
                    print(f"{name:<24} {attempt:<10} {measure:<4} score {r['score']:>5}  {r['requests']:>2} requests  "
                          f"{r['words']:>5} prompt words  {r['visual_mb']:5.2f} MB of pictures/video  saw {r['shown']}")
            print(f"{'':<24} {result['quiz']['protocol']}")


if __name__ == "__main__":
    main()
