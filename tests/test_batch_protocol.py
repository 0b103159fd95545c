"""`code2video batch --eval aes,quiz --protocol paper|ours`: what a batch counts and how it scores.

One live lecture (no replay): the scripted server answers the real openai client with the demo's
second section (its seeded bug, fixed once) and a storyboard that is re-asked, each reply with the
usage written below, so the tokens are known by hand under both accountings. A second topic's
folder is broken, so its lecture fails. The same folder is then measured under our protocol, where
the judge's replies stay unusable: the quiz is kept; and under the paper's again, with frames, where
the failing judge scores 0.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

from code2video_nb.cli import main
from code2video_nb.evaluation import efficiency
from code2video_nb.plan import slugify
from code2video_nb.scripted_server import Delay, Reply, ScriptedServer

from conftest import DATA, demo_cassette, isolate
from test_eval_aes import judge_reply

TOPIC = "Eigenvalues as stretch factors"
BROKEN = "Linear transformations and matrices"  # its folder holds a lecture.json broken by hand
QUESTIONS = {topic: [{"question": f"{topic}: question {k}?", "options": {"A": "one", "B": "two", "C": "three"},
                      "answer": "BBC"[k]} for k in range(3)] for topic in (TOPIC, BROKEN)}

# The usage the scripted server reports per request (prompt, completion tokens), in asking order.
OUTLINE, STORYBOARD_BAD, STORYBOARD, CODE, FIX = (246, 221), (400, 40), (498, 582), (606, 471), (1302, 148)
PAPER_TOKENS = sum(OUTLINE + STORYBOARD_BAD + STORYBOARD + CODE)  # 3064: outline, storyboard (re-ask too), code
OUR_TOKENS = PAPER_TOKENS + sum(FIX)  # 4514: every stage that made the lecture
JUDGE_DELAY = 4.0  # seconds the judge takes: evaluation time, never in the lecture's minutes


def only_section_2(reply: str) -> str:
    plan = json.loads(re.search(r"```json\n(.*?)```", reply, re.S).group(1))
    plan["sections"] = [s for s in plan["sections"] if str(s.get("id")) == "2"]
    return "```json\n" + json.dumps(plan, ensure_ascii=False) + "\n```"


def script_lecture(server: ScriptedServer) -> None:
    replies = {i["stage"]: i["reply"] for i in demo_cassette()["interactions"]}
    server.script("outline", Reply(only_section_2(replies["outline"]), usage(OUTLINE)))
    server.script("storyboard", Reply("The storyboard: three short sections.", usage(STORYBOARD_BAD)),
                  Reply(only_section_2(replies["storyboard"]), usage(STORYBOARD)))
    server.script("code:2", Reply(short_plays(replies["code:2"]), usage(CODE)))
    server.script("fix:2", Reply(short_plays(replies["fix:2"]), usage(FIX)))


def short_plays(reply: str) -> str:
    """The recorded code with each play 0.2 s long: a 3 s section (7.7 s as recorded), the same
    scene and the same seeded bug; what is counted here is tokens and time apart, not the video."""
    shorter = re.sub(r"run_time=[\d.]+", "run_time=0.2", reply.replace("self.wait(1)", "self.wait(0.2)"))
    assert "run_time=0.2" in shorter, "the recorded section 2 changed: shorten its plays again"
    return shorter


def usage(tokens: tuple[int, int]) -> dict:
    return {"prompt_tokens": tokens[0], "completion_tokens": tokens[1]}


def script_quiz(server: ScriptedServer, topic: str, unlearned_right: int, video_right: int) -> None:
    for k, q in enumerate(QUESTIONS[topic]):
        wrong = "A"
        server.script_by_text("quiz:plain", q["question"], json.dumps({"answer": q["answer"]}))
        server.script_by_text("quiz:unlearned", q["question"], json.dumps(
            {"answer": q["answer"] if k < unlearned_right else "INSUFFICIENT"}))
        server.script_by_text("quiz:video", q["question"], json.dumps(
            {"answer": q["answer"] if k < video_right else wrong}))


def table(out: Path) -> dict[str, dict]:
    with open(out / "results.csv", newline="", encoding="utf-8") as f:
        return {r["topic"]: r for r in csv.DictReader(f)}


def batch(tmp_path: Path, *flags: str) -> int:
    topics = tmp_path / "topics.txt"
    topics.write_text(f"{TOPIC}\n{BROKEN}\n", encoding="utf-8")
    questions = tmp_path / "questions.json"
    questions.write_text(json.dumps(QUESTIONS), encoding="utf-8")
    return main(["batch", str(topics), "--out", str(tmp_path / "out"), "--parallel", "1", "--no-critic",
                 "--sections", "1", "--eval", "aes,quiz", "--questions", str(questions), "--quiet", *flags])


@pytest.fixture(scope="module")
def measured(tmp_path_factory):
    """The batch under the paper protocol, then the same folder under ours, then the paper's again:
    each one's table, report and the server's requests; and what lecture.json said after the first."""
    tmp_path = tmp_path_factory.mktemp("protocol")
    runs = {}
    with pytest.MonkeyPatch.context() as mp, ScriptedServer() as server:
        isolate(mp, tmp_path)
        for name, value in (("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", server.base_url),
                            ("CODE2VIDEO_VLM_MODEL", "vlm-1")):
            mp.setenv(name, value)
        broken = tmp_path / "out" / slugify(BROKEN) / "lecture.json"
        broken.parent.mkdir(parents=True)
        broken.write_text('{"topic": "Linear transformations and matrices",,}', encoding="utf-8")

        script_lecture(server)
        server.script_by_text("judge", TOPIC, Delay(JUDGE_DELAY, judge_reply()))
        script_quiz(server, TOPIC, unlearned_right=0, video_right=2)
        script_quiz(server, BROKEN, unlearned_right=1, video_right=3)  # its video pass is never asked
        code = batch(tmp_path, "--protocol", "paper", "--paper-repo", str(DATA / "paper_checkout"), "--frames", "2")
        runs["paper"] = (code, table(tmp_path / "out"), (tmp_path / "out" / "report.md").read_text(),
                         server.stages())
        lecture = json.loads((tmp_path / "out" / slugify(TOPIC) / "lecture.json").read_text())
        lecture["efficiency"] = efficiency.measure(tmp_path / "out" / slugify(TOPIC)).to_json()
        cache = list((tmp_path / "reply-cache").rglob("*"))

        asked = len(server.requests)
        server.script_by_text("judge", TOPIC, *["Overall I would give it 80/100."] * 3)
        script_quiz(server, TOPIC, unlearned_right=1, video_right=3)
        code = batch(tmp_path)  # our protocol, the default: the finished lecture is measured again
        runs["ours"] = (code, table(tmp_path / "out"), (tmp_path / "out" / "report.md").read_text(),
                        server.stages()[asked:])

        asked = len(server.requests)
        server.script_by_text("judge", TOPIC, *["Overall I would give it 80/100."] * 3)
        script_quiz(server, TOPIC, unlearned_right=0, video_right=1)
        script_quiz(server, BROKEN, unlearned_right=0, video_right=0)
        code = batch(tmp_path, "--protocol", "paper", "--send", "frames", "--frames", "2")
        runs["paper, judge failing"] = (code, table(tmp_path / "out"),
                                        (tmp_path / "out" / "report.md").read_text(), server.stages()[asked:])
    return runs, lecture, cache


@pytest.mark.render
def test_tokens_match_a_hand_count_under_each_accounting(measured):
    runs, lecture, _ = measured
    for name in ("paper", "ours"):  # the same lecture: the ours run made nothing new
        row = table_row(runs[name], TOPIC)
        assert row["status"] == "ok" and row["fix_attempts"] == "1"
        assert (int(row["paper_tokens"]), int(row["tokens"])) == (PAPER_TOKENS, OUR_TOKENS)
    usage = lecture["usage"]
    assert usage["storyboard"]["calls"] == 2 and usage["fix:2"]["prompt_tokens"] == FIX[0]
    # `eval efficiency` counts both ways too; its `tokens` hold the evaluation's as well
    counted = lecture["efficiency"]
    assert counted["paper_tokens"] == PAPER_TOKENS
    assert counted["tokens"] == OUR_TOKENS + int(table_row(runs["paper"], TOPIC)["eval_tokens"])


def table_row(run, topic: str) -> dict:
    return run[1][topic]


@pytest.mark.render
def test_the_paper_protocol_scores_a_failed_topic_as_the_original_and_keeps_eval_time_apart(measured):
    runs, lecture, cache = measured
    code, rows, report, stages = runs["paper"]
    assert code == 1
    done, failed = rows[TOPIC], rows[BROKEN]
    assert done["aes"] == "80.5" and done["quiz_gain"] == "0.667" and done["teachquiz"] == "66.7"
    # The missing video: AES 0 without asking, the quiz's video pass wrong without asking.
    assert failed["status"] == "failed" and failed["aes"] == "0.0"
    assert (failed["quiz_plain"], failed["quiz_unlearned"], failed["quiz_video"]) == ("1.000", "0.333", "0.000")
    assert failed["teachquiz"] == "-33.3"
    assert stages.count("judge") == 1 and stages.count("quiz:video") == 3 and stages.count("quiz:plain") == 6
    # Minutes are the lecture's making; the judge's seconds are the evaluation's.
    assert float(done["eval_minutes"]) * 60 >= JUDGE_DELAY
    assert float(done["minutes"]) * 60 < lecture["timings"]["wall"] + JUDGE_DELAY
    assert not [p for p in cache if p.is_file()]  # a cold cache: nothing kept, nothing answered from it

    assert "Protocol: paper protocol, prompts from" in report and "paper_checkout" in report
    ktokens = f"{PAPER_TOKENS / 1000:.1f}".replace(".", r"\.")
    # AES (80.5 + 0) / 2; TeachQuiz (0.667 - 0.333) / 2 x 100; accuracies over both; B right in 4 of 6
    assert re.search(rf"\| this batch \(1 finished, 2 scored\) \| [\d.]+ \| {ktokens} \| 40\.2 \| 16\.7 \| "
                     r"100\.0 \| 16\.7 \| 33\.3 \| 66\.7 \(B\) \|", report), report
    assert "as the original counts them" in report and f"{OUR_TOKENS / 1000:.1f} K for every stage" in report
    assert "mean gain 0.17" in report and "n = 2" in report


@pytest.mark.render
def test_under_our_protocol_a_judge_error_keeps_the_quiz(measured):
    code, rows, report, stages = measured[0]["ours"]
    assert code == 1  # the broken topic still fails
    row = rows[TOPIC]
    assert row["status"] == "ok" and row["aes"] == "" and row["protocol"] == "ours"
    assert "aes: [judge] the model's reply was still unusable" in row["eval_error"]
    assert (row["quiz_unlearned"], row["quiz_video"], row["teachquiz"]) == ("0.333", "1.000", "66.7")
    assert rows[BROKEN]["aes"] == "" and rows[BROKEN]["teachquiz"] == ""  # left out, as ours does
    assert stages.count("judge") == 3 and stages.count("quiz:video") == 3
    assert not [s for s in stages if s.split(":")[0] in ("outline", "storyboard", "code", "fix")]
    assert "Protocol: our protocol (our prompts" in report
    assert re.search(r"\| this batch \(1 finished, 1 scored\) \| [\d.]+ \| [\d.]+ \| – \| 66\.7 \|", report)
    assert f"**{TOPIC}** (`{slugify(TOPIC)}/`): aes: [judge]" in report


@pytest.mark.render
def test_under_the_paper_protocol_a_judge_error_scores_0_and_keeps_the_quiz(measured):
    code, rows, report, stages = measured[0]["paper, judge failing"]
    row = rows[TOPIC]
    assert row["aes"] == "0.0" and "aes: [judge]" in row["eval_error"] and row["teachquiz"] == "33.3"
    assert stages.count("judge") == 3 and stages.count("quiz:video") == 3  # the broken topic's never asked
    assert "Protocol: paper protocol, our wording with the paper's metric definitions" in report
    assert re.search(r"\| this batch \(1 finished, 2 scored\) \| [\d.]+ \| [\d.]+ \| 0\.0 \| 16\.7 \|", report)
