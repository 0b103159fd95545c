"""`code2video batch`: replayed lectures evaluated (AES judge, TeachQuiz) by the scripted server,
through the local executor, a real Dask LocalCluster and Ray (when installed); a topic that fails;
a batch interrupted with Ctrl-C that resumes.

Lectures replay a one-section cut of the demo recording, its plays shortened, so each renders one
3 s scene; the evaluations are live requests of the real openai client to the scripted server,
replies keyed by stage and by the topic (judge) or the question (quiz). The cluster engines render
one topic afresh and resume the other from the local batch's finished lecture (its folder copied):
the table must come out the same either way.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html import escape
from pathlib import Path

import pytest

from code2video_nb.batch import load_topics
from code2video_nb.batch.jobs import RESULT_FILE
from code2video_nb.batch.report import TIME_COLUMNS
from code2video_nb.cli import main
from code2video_nb.errors import ConfigError
from code2video_nb.evaluation import quiz
from code2video_nb.plan import slugify
from code2video_nb.scripted_server import ScriptedServer

from conftest import demo_cassette, installed, isolate

# MMMC topics, so TeachQuiz takes their questions from the bundled bank.
TOPICS = ["Proof of Snell's law", "Fractal dimension"]
BROKEN = "Linear transformations and matrices"  # its folder holds a lecture.json broken by hand
SCORES = {TOPICS[0]: [16, 15, 17, 14, 18], TOPICS[1]: [12, 13, 14, 15, 16]}  # AES 80 and 70
RIGHT_ON_VIDEO = {TOPICS[0]: 5, TOPICS[1]: 3}  # of the 5 questions, answered right with the video


def script_evaluations(server: ScriptedServer) -> None:
    """The judge's answer per topic; per question: right without the instruction, INSUFFICIENT
    when told to unlearn, and right with the video for the first RIGHT_ON_VIDEO[topic] questions."""
    for topic in TOPICS:
        names = ("element_layout", "attractiveness", "logic_flow", "accuracy_depth", "visual_consistency")
        server.script_by_text("judge", topic, json.dumps(
            {n: {"score": s, "feedback": f"{n} of {topic}"} for n, s in zip(names, SCORES[topic])}))
        for k, question in enumerate(quiz.questions_for(topic)):
            wrong = next(letter for letter in "ABCD" if letter != question.answer)
            server.script_by_text("quiz:plain", question.question, json.dumps({"answer": question.answer}))
            server.script_by_text("quiz:unlearned", question.question, '{"answer": "INSUFFICIENT"}')
            video = question.answer if k < RIGHT_ON_VIDEO[topic] else wrong
            server.script_by_text("quiz:video", question.question, json.dumps({"answer": video}))


def endpoint(mp: pytest.MonkeyPatch, server: ScriptedServer) -> None:
    """What a user sets for a real VLM endpoint, pointed at the scripted server (workers inherit it)."""
    mp.setenv("OPENAI_API_KEY", "sk-test")
    mp.setenv("OPENAI_BASE_URL", server.base_url)
    mp.setenv("CODE2VIDEO_VLM_MODEL", "vlm-1")


def one_section_cassette(path: Path) -> Path:
    """The demo recording cut to its first section (outline, storyboard, code), each of its plays
    shortened to 0.2 s: a 3.3 s scene (8.2 s as recorded), the same animations, the same usage."""
    cassette = demo_cassette()
    keep = {"outline": _first_section, "storyboard": _first_section, "code:1": _short_plays}
    cassette["interactions"] = [{**i, "reply": keep[i["stage"]](i["reply"])}
                                for i in cassette["interactions"] if i["stage"] in keep]
    cassette["lecture"] = {**cassette["lecture"], "sections": 1}
    path.write_text(json.dumps(cassette), encoding="utf-8")
    return path


def _recorded_tokens() -> int:
    """What the one-section recording says its replies cost (the table reports it as the lecture's)."""
    kept = [i for i in demo_cassette()["interactions"] if i["stage"] in ("outline", "storyboard", "code:1")]
    return sum(i["usage"]["prompt_tokens"] + i["usage"]["completion_tokens"] for i in kept)


RECORDED_TOKENS = _recorded_tokens()


def _short_plays(reply: str) -> str:
    shorter = re.sub(r"run_time=[\d.]+", "run_time=0.2", reply.replace("self.wait(1)", "self.wait(0.2)"))
    assert shorter.count("run_time=0.2") >= 6, "the recorded section 1 changed: shorten its plays again"
    return shorter


def _first_section(reply: str) -> str:
    plan = json.loads(re.search(r"```json\n(.*?)```", reply, re.S).group(1))
    plan["sections"] = plan["sections"][:1]
    return "```json\n" + json.dumps(plan, ensure_ascii=False) + "\n```"


def topics_file(folder: Path, topics: list[str]) -> Path:
    path = folder / "topics.txt"
    path.write_text("# a course\n" + "\n\n".join(topics) + "\n", encoding="utf-8")
    return path


def table(out: Path, *, times: bool = False) -> list[dict]:
    with open(out / "results.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return rows if times else [{k: v for k, v in r.items() if k not in TIME_COLUMNS} for r in rows]


def batch(tmp_path: Path, out: str, executor: str, made: Path | None = None) -> int:
    """The batch of TOPICS and BROKEN; `made`: a finished batch folder whose second topic's lecture
    (not its result) is copied in first, so that topic resumes a made lecture and only evaluates."""
    cassette = one_section_cassette(tmp_path / "cassette.json")
    topics = topics_file(tmp_path, [*TOPICS, BROKEN])
    if made is not None:
        shutil.copytree(made / slugify(TOPICS[1]), tmp_path / out / slugify(TOPICS[1]),
                        ignore=shutil.ignore_patterns(RESULT_FILE))
    broken = tmp_path / out / slugify(BROKEN) / "lecture.json"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"topic": "Linear transformations and matrices",,}', encoding="utf-8")
    return main(["batch", str(topics), "--out", str(tmp_path / out), "--executor", executor,
                 "--replay", str(cassette), "--parallel", "2", "--no-critic", "--eval", "aes,quiz"])


def evaluated_batch(tmp_path: Path, out: str, executor: str, server: ScriptedServer, mp,
                    made: Path | None = None) -> int:
    script_evaluations(server)
    endpoint(mp, server)
    return batch(tmp_path, out, executor, made)


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """One batch on the local executor, the table the cluster engines must reproduce."""
    tmp_path = tmp_path_factory.mktemp("local")
    with pytest.MonkeyPatch.context() as mp, ScriptedServer() as server:
        isolate(mp, tmp_path)
        return tmp_path / "out", evaluated_batch(tmp_path, "out", "local", server, mp), server.stages()


@pytest.mark.render
def test_local_batch_reports_each_topic_and_a_failed_one_does_not_stop_the_others(local_run):
    out, code, stages = local_run
    assert code == 1  # one topic failed
    rows = {r["topic"]: r for r in table(out, times=True)}
    assert list(rows) == [*TOPICS, BROKEN]  # the topics file's order, comments and blank lines skipped
    for topic in TOPICS:
        row = rows[topic]
        assert row["status"] == "ok" and row["error"] == ""
        assert row["sections"] == "1" and float(row["video_seconds"]) > 2
        assert int(row["tokens"]) == RECORDED_TOKENS and row["calls"] == "3"  # the recording's, eval apart
        assert (out / slugify(topic) / f"{slugify(topic)}.mp4").stat().st_size > 10_000
        assert float(row["minutes"]) > 0 and int(row["eval_tokens"]) > 0
    assert [rows[t]["aes"] for t in TOPICS] == ["80.0", "70.0"]
    assert [rows[t]["quiz_plain"] for t in TOPICS] == ["1.000", "1.000"]
    assert [rows[t]["quiz_unlearned"] for t in TOPICS] == ["0.000", "0.000"]
    assert [rows[t]["quiz_video"] for t in TOPICS] == ["1.000", "0.600"]
    assert [rows[t]["quiz_gain"] for t in TOPICS] == ["1.000", "0.600"]
    assert stages.count("judge") == 2 and stages.count("quiz:video") == 10  # the broken topic never asked
    failed = rows[BROKEN]
    assert failed["status"] == "failed" and failed["aes"] == ""
    assert failed["error"].startswith(f"{slugify(BROKEN)}/lecture.json: line 1") and "\n" not in failed["error"]

    report = (out / "report.md").read_text()
    assert "1 failed" in report and f"**{BROKEN}**" in report and "lecture.json: line 1" in report
    assert "| paper: Code2Video, GPT-4.1 | 15.4 | 30.8 | 79.0 | 82.0 |" in report
    ktokens = f"{RECORDED_TOKENS / 1000:.1f}".replace(".", r"\.")
    # TeachQuiz: the mean gain x 100, beside the accuracies and the always-one-letter baseline
    assert re.search(rf"\| this batch \(2 finished, 2 scored\) \| [\d.]+ \| {ktokens} \| 75\.0 \| 80\.0 \| "
                     r"100\.0 \| 0\.0 \| 80\.0 \| [\d.]+ \([A-D]\) \|", report)
    assert report.startswith("# Batch report") and "Protocol: our protocol" in report
    assert "mean gain 0.80 (95% CI" in report and "n = 2" in report
    assert f"**{TOPICS[0]}** (AES 80.0): element layout: element_layout of {TOPICS[0]};" in report
    figure = (out / "figure.svg").read_text()
    assert figure.startswith("<svg") and all(escape(t) in figure for t in TOPICS) and "failed" in figure
    assert "AES (0-100)" in figure and "TeachQuiz gain" in figure


@pytest.mark.render
def test_a_dask_local_cluster_gives_the_same_table(local_run, server, tmp_path, monkeypatch, capsys):
    installed("distributed", "dask")
    assert evaluated_batch(tmp_path, "dask-out", "dask", server, monkeypatch, made=local_run[0]) == 1
    assert "2 of 3 lecture(s) finished" in capsys.readouterr().out
    assert table(tmp_path / "dask-out") == table(local_run[0])


@pytest.mark.render
def test_address_points_the_batch_at_a_running_dask_cluster_with_daemonic_workers(tmp_path, capsys):
    """A cluster we did not start, as a course team's is: its workers are daemonic (Dask's default),
    and a lecture still starts its render processes there."""
    distributed = installed("distributed", "dask")
    cassette = one_section_cassette(tmp_path / "cassette.json")
    topics = topics_file(tmp_path, TOPICS[:1])
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=":0") as cluster:
        code = main(["batch", str(topics), "--out", str(tmp_path / "out"), "--executor", "dask",
                     "--address", cluster.scheduler_address, "--replay", str(cassette), "--no-critic"])
    assert code == 0 and "1 of 1 lecture(s) finished" in capsys.readouterr().out
    slug = slugify(TOPICS[0])
    assert (tmp_path / "out" / slug / f"{slug}.mp4").stat().st_size > 10_000


@pytest.mark.render
def test_ray_gives_the_same_table(local_run, server, tmp_path, monkeypatch, capsys):
    installed("ray", "ray")
    assert evaluated_batch(tmp_path, "ray-out", "ray", server, monkeypatch, made=local_run[0]) == 1
    assert "2 of 3 lecture(s) finished" in capsys.readouterr().out
    assert table(tmp_path / "ray-out") == table(local_run[0])


@pytest.mark.render
def test_a_batch_interrupted_with_ctrl_c_resumes_where_it_stopped(tmp_path):
    cassette = one_section_cassette(tmp_path / "cassette.json")
    topics = topics_file(tmp_path, TOPICS)
    out = tmp_path / "out"
    command = [sys.executable, "-c", "import sys; from code2video_nb.cli import main; sys.exit(main())",
               "batch", str(topics), "--out", str(out), "--replay", str(cassette), "--parallel", "1",
               "--no-critic"]
    first = out / slugify(TOPICS[0]) / "result.json"
    # Its own process group, as a terminal's foreground job: Ctrl-C reaches the workers too.
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True, env=os.environ.copy())
    try:
        deadline = time.monotonic() + 240
        while not first.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert first.exists(), proc.stderr.read() if proc.poll() is not None else "no result in 240 s"
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130 and "run the same command again to resume" in err
    assert not (out / slugify(TOPICS[1]) / "result.json").exists()
    assert not (out / "results.csv").exists()
    finished_at = first.stat().st_mtime_ns

    rerun = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert rerun.returncode == 0, rerun.stderr
    assert "2 of 2 lecture(s) finished (1 already before this run)" in rerun.stdout
    assert first.stat().st_mtime_ns == finished_at  # the finished topic was not run again
    assert [r["status"] for r in table(out)] == ["ok", "ok"]


def test_what_the_evaluations_need_is_checked_before_any_lecture_is_made(tmp_path, monkeypatch, capsys):
    topics = topics_file(tmp_path, ["Why the sky is blue"])
    assert main(["batch", str(topics), "--out", str(tmp_path / "out"), "--replay", "missing.json"]) == 1
    assert capsys.readouterr().err.strip() == ("code2video: error: no recorded run at missing.json; "
                                               "pass a cassette written by --record, or 'demo'")
    command = ["batch", str(topics), "--out", str(tmp_path / "out"), "--replay", "demo", "--eval", "aes,quiz"]
    assert main(command) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("code2video: error: --eval needs a model that reads images") and "\n" not in err

    monkeypatch.setenv("CODE2VIDEO_VLM_MODEL", "vlm-1")
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    assert main(command) == 1
    err = capsys.readouterr().err.strip()
    assert "no questions for 'Why the sky is blue' in the MMMC bank" in err and "\n" not in err
    assert not (tmp_path / "out").exists()  # nothing was made, nothing asked


def test_topics_come_from_a_file_or_the_mmmc_list(tmp_path):
    mmmc = load_topics("mmmc")
    assert len(mmmc) == 117 and len({slugify(t) for t in mmmc}) == 117  # one folder each
    assert load_topics("mmmc", limit=2) == mmmc[:2] == ["Euler's Formula and e^(πi) = -1",
                                                        "Limits, L'Hôpital's rule, and epsilon-delta definitions"]
    clash = topics_file(tmp_path, ["Bayes' rule", "Bayes rule"])
    with pytest.raises(ConfigError, match="share the folder name 'bayes-rule'"):
        load_topics(clash)
