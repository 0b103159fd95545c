"""Benchmark: the demo lecture measured under both evaluation protocols, side by side.

    python benchmarks/batch_protocols_benchmark.py [--paper-repo PATH] [--latency 0.5]

Runs `code2video batch` on the demo topic twice, `--replay demo` (the bundled recording makes the
lecture) with `--eval aes,quiz`, once under `--protocol ours` and once under `--protocol paper`,
each into its own temporary folder. The judge and the quiz are the scripted server, answering the
same replies under both (the real openai client over loopback HTTP): AES 80.5 and, on five
questions of our own about eigenvectors, right on the plain pass, one right when told to unlearn,
four right with the video. So the scores agree by construction; what the protocols change is what
is sent and counted: the prompts (ours, or the original's read from `--paper-repo`, a checkout of
showlab/Code2Video), the frames or the whole video, the tokens counted, the minutes, the cache.
`--latency` is the scripted model's seconds per request (evaluation time). The lecture is silent,
as the paper's videos are. `eval_protocols.py` shows the requests of one evaluation in detail;
this one the batch's figures: minutes, tokens both ways, evaluation time. Figures, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from code2video_nb.cli import main
from code2video_nb.scripted_server import ScriptedServer

TOPIC = "Eigenvectors, eigenvalues, and eigenbasis"
QUESTIONS = [  # ours, written for this benchmark; the right letters skewed as the MMMC bank's are
    ("What does a matrix do to one of its eigenvectors?", ["Rotates it by 90 degrees", "Scales it along its own line",
                                                           "Reflects it", "Sends it to zero"], "B"),
    ("What is the eigenvalue of an eigenvector?", ["Its length", "The factor it is stretched by",
                                                   "Its angle", "The matrix's trace"], "B"),
    ("Which equation gives the eigenvalues of A?", ["det(A - λI) = 0", "A + λI = 0", "tr(A) = λ", "A^2 = λ"], "A"),
    ("If A(1, 0) = (3, 0), what is (1, 0)?", ["A vector off its span", "An eigenvector with eigenvalue 3",
                                              "The zero vector", "A rotation axis"], "B"),
    ("What is an eigenbasis?", ["A basis of eigenvectors", "A basis of rotations", "The standard basis",
                                "Any orthonormal basis"], "A"),
]
SCORES = {"element_layout": 16, "attractiveness": 14.5, "logic_flow": 17, "accuracy_depth": 15,
          "visual_consistency": 18}


def script(server: ScriptedServer) -> None:
    server.script("judge", json.dumps({n: {"score": s, "feedback": f"{n}: scripted"} for n, s in SCORES.items()}))
    for k, (question, _, answer) in enumerate(QUESTIONS):
        server.script_by_text("quiz:plain", question, json.dumps({"answer": answer}))
        server.script_by_text("quiz:unlearned", question, json.dumps({"answer": answer if k == 0 else "INSUFFICIENT"}))
        server.script_by_text("quiz:video", question, json.dumps({"answer": answer if k < 4 else "D"}))


def run(folder: Path, server: ScriptedServer, protocol: str, paper_repo: str | None) -> dict:
    script(server)
    first = len(server.requests)
    topics = folder / "topics.txt"
    topics.write_text(TOPIC + "\n", encoding="utf-8")
    questions = folder / "questions.json"
    questions.write_text(json.dumps({TOPIC: [{"question": q, "options": dict(zip("ABCD", o)), "answer": a}
                                             for q, o, a in QUESTIONS]}), encoding="utf-8")
    out = folder / protocol
    command = ["batch", str(topics), "--out", str(out), "--replay", "demo", "--eval", "aes,quiz",
               "--questions", str(questions), "--protocol", protocol, "--quiet"]
    if protocol == "paper" and paper_repo:
        command += ["--paper-repo", paper_repo]
    said = io.StringIO()
    started = time.monotonic()
    with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
        code = main(command)
    if code != 0:
        sys.exit(f"the {protocol} batch failed:\n{said.getvalue()}")
    with open(out / "results.csv", newline="", encoding="utf-8") as f:
        (row,) = list(csv.DictReader(f))
    report = (out / "report.md").read_text(encoding="utf-8")
    asked = server.requests[first:]
    judge = next(r for r in asked if r.stage == "judge")
    parts = [p for m in judge.messages if isinstance(m["content"], list) for p in m["content"]]
    return {"row": row, "seconds": time.monotonic() - started, "requests": len(asked),
            "protocol": next(line for line in report.splitlines() if line.startswith("Protocol:")),
            "judge sees": ", ".join(f"{sum(p.get('type') == kind for p in parts)} {kind}"
                                    for kind in ("image_url", "video_url") if any(p.get("type") == kind for p in parts)),
            "judge prompt words": sum(len(str(p.get("text", "")).split()) for p in parts),
            "averages": next(line for line in report.splitlines() if line.startswith("| this batch"))}


def main_() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--paper-repo", help="a checkout of showlab/Code2Video (default: $CODE2VIDEO_PAPER_REPO)")
    parser.add_argument("--latency", type=float, default=0.5, help="scripted model seconds per request")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, ScriptedServer() as server:
        folder = Path(tmp)
        server.set_latency(per_request=args.latency)
        os.environ.update({"OPENAI_API_KEY": "sk-benchmark", "OPENAI_BASE_URL": server.base_url,
                           "CODE2VIDEO_VLM_MODEL": "vlm-1", "CODE2VIDEO_NARRATE": "0",
                           "CODE2VIDEO_CACHE_DIR": str(folder / "reply-cache")})
        runs = {name: run(folder, server, name, args.paper_repo) for name in ("ours", "paper")}
    fields = [("lecture minutes", "minutes"), ("eval minutes", "eval_minutes"), ("tokens, every stage", "tokens"),
              ("tokens, the paper's count", "paper_tokens"), ("eval tokens", "eval_tokens"), ("AES", "aes"),
              ("TeachQuiz (gain x 100)", "teachquiz"), ("plain", "quiz_plain"), ("unlearned", "quiz_unlearned"),
              ("video", "quiz_video")]
    print(f"{'':28} {'ours':>18} {'paper':>18}")
    for label, key in fields:
        print(f"{label:28} {runs['ours']['row'][key]:>18} {runs['paper']['row'][key]:>18}")
    for label in ("judge sees", "judge prompt words", "requests", "seconds"):
        values = [runs[n][label] for n in ("ours", "paper")]
        shown = [f"{v:.1f}" if isinstance(v, float) else str(v) for v in values]
        print(f"{label:28} {shown[0]:>18} {shown[1]:>18}")
    for name in ("ours", "paper"):
        print(f"\n{name}: {runs[name]['protocol']}\n  {runs[name]['averages']}")


if __name__ == "__main__":
    main_()
