"""`code2video batch`: replayed lectures through the local executor, a real Dask LocalCluster and
Ray (when installed), a topic that fails, and a batch interrupted with Ctrl-C that resumes.

Lectures replay a one-section cut of the demo recording, so each renders one short scene.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import time
from html import escape
from pathlib import Path

import pytest

from code2video_nb.batch_report import TIME_COLUMNS
from code2video_nb.cli import main
from code2video_nb.plan import slugify

from conftest import demo_cassette, isolate

TOPICS = ["Fourier series: a square wave from sines", "Bayes' rule with a medical test"]
BROKEN = "Why the sky is blue"  # its folder holds a lecture.json broken by hand


def one_section_cassette(path: Path) -> Path:
    """The demo recording cut to its first section (outline, storyboard, code), ~3 s to render."""
    cassette = demo_cassette()
    keep = {"outline": _first_section, "storyboard": _first_section, "code:1": lambda reply: reply}
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


def batch(tmp_path: Path, out: str, executor: str) -> int:
    cassette = one_section_cassette(tmp_path / "cassette.json")
    topics = topics_file(tmp_path, [*TOPICS, BROKEN])
    broken = tmp_path / out / slugify(BROKEN) / "lecture.json"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"topic": "Why the sky is blue",,}', encoding="utf-8")
    return main(["batch", str(topics), "--out", str(tmp_path / out), "--executor", executor,
                 "--replay", str(cassette), "--parallel", "2", "--no-critic"])


@pytest.fixture(scope="module")
def local_run(tmp_path_factory):
    """One batch on the local executor, the table the cluster engines must reproduce."""
    tmp_path = tmp_path_factory.mktemp("local")
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, tmp_path)
        return tmp_path / "out", batch(tmp_path, "out", "local")


@pytest.mark.render
def test_local_batch_reports_each_topic_and_a_failed_one_does_not_stop_the_others(local_run):
    out, code = local_run
    assert code == 1  # one topic failed
    rows = {r["topic"]: r for r in table(out, times=True)}
    assert list(rows) == [*TOPICS, BROKEN]  # the topics file's order, comments and blank lines skipped
    for topic in TOPICS:
        assert rows[topic]["status"] == "ok" and rows[topic]["error"] == ""
        assert rows[topic]["sections"] == "1" and float(rows[topic]["video_seconds"]) > 2
        assert int(rows[topic]["tokens"]) == RECORDED_TOKENS and rows[topic]["calls"] == "3"
        assert (out / slugify(topic) / f"{slugify(topic)}.mp4").stat().st_size > 10_000
        assert float(rows[topic]["minutes"]) > 0
    failed = rows[BROKEN]
    assert failed["status"] == "failed" and "lecture.json: line 1" in failed["error"]
    assert "\n" not in failed["error"]

    report = (out / "report.md").read_text()
    assert "1 failed" in report and f"**{BROKEN}**" in report and "lecture.json: line 1" in report
    assert "| paper: Code2Video, GPT-4.1 | 15.4 | 30.8 | 79.0 | 82.0 |" in report
    figure = (out / "figure.svg").read_text()
    assert figure.startswith("<svg") and all(escape(t) in figure for t in TOPICS) and "failed" in figure


@pytest.mark.render
def test_a_dask_local_cluster_gives_the_same_table(local_run, tmp_path, capsys):
    pytest.importorskip("distributed", reason="Dask is the [dask] extra; scripts/install.sh installs it")
    assert batch(tmp_path, "dask-out", "dask") == 1
    assert "2 of 3 lecture(s) finished" in capsys.readouterr().out
    assert table(tmp_path / "dask-out") == table(local_run[0])


@pytest.mark.render
@pytest.mark.skipif(importlib.util.find_spec("ray") is None,
                    reason="Ray is the optional [ray] extra and is not installed here")
def test_ray_gives_the_same_table(local_run, tmp_path, capsys):
    assert batch(tmp_path, "ray-out", "ray") == 1
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
