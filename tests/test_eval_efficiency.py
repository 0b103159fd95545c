"""`code2video eval efficiency` on the demo lecture's folder, and the TeachQuiz gain's interval."""

from __future__ import annotations

import json

import pytest

from code2video_nb import cli
from code2video_nb.evaluation import significance

from conftest import copy_lecture
from test_eval_aes import judge_reply


@pytest.mark.render
def test_efficiency_reads_time_tokens_fixes_and_cost_from_the_workspace(demo_lecture, server, tmp_path, capsys,
                                                                       monkeypatch):
    lecture = copy_lecture(demo_lecture, tmp_path)
    for name, value in (("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", server.base_url),
                        ("CODE2VIDEO_VLM_MODEL", "vlm-1")):
        monkeypatch.setenv(name, value)
    server.script("judge", judge_reply())
    assert cli.main(["eval", "aes", str(lecture), "--json"]) == 0  # the judge's tokens join the lecture's
    judged = json.loads(capsys.readouterr().out)["tokens"]
    assert cli.main(["eval", "efficiency", str(lecture), "--json", "--prompt-price", "1",
                     "--completion-price", "10"]) == 0
    out = json.loads(capsys.readouterr().out)
    usage = json.loads((lecture / "lecture.json").read_text())["usage"]
    stages = {s["stage"]: s for s in out["stages"]}
    assert set(stages) == {"outline", "storyboard", "code", "fix", "judge"}
    assert stages["code"]["calls"] == 3 and stages["judge"]["tokens"] == judged > 0
    assert out["tokens"] == sum(u["prompt_tokens"] + u["completion_tokens"] for u in usage.values())
    expected = sum(u["prompt_tokens"] * 1 + u["completion_tokens"] * 10 for u in usage.values()) / 1e6
    assert out["cost_usd"] == pytest.approx(expected)
    assert [s["fix_attempts"] for s in out["sections"]] == [0, 1, 0]  # the demo's seeded bug, fixed once
    assert out["fix_attempts"] == 1 and out["render_seconds"] > 0
    assert {"plan", "code", "render", "wall"} <= set(out["wall"]) and out["wall"]["wall"] >= out["wall"]["plan"]
    assert cli.main(["eval", "efficiency", str(lecture)]) == 0
    assert "section 2: built in" in capsys.readouterr().out


def test_efficiency_of_a_folder_that_is_no_lecture_is_one_line(tmp_path, capsys):
    assert cli.main(["eval", "efficiency", str(tmp_path)]) == 1
    assert "is not a lecture folder (no lecture.json)" in capsys.readouterr().err


def test_the_gain_interval_is_students_t_over_topics():
    summary = significance.gain_summary([0.2, 0.4, 0.6])
    # mean 0.4, sd 0.2, sem 0.2/sqrt(3); t(0.975, 2) = 4.3027
    assert summary.mean == pytest.approx(0.4)
    assert (summary.low, summary.high) == pytest.approx((0.4 - 0.49683, 0.4 + 0.49683), abs=1e-4)
    t = 0.4 / (0.2 / 3 ** 0.5)  # one-sided: the video helps; with 2 degrees of freedom in closed form
    assert summary.p_value == pytest.approx(0.5 * (1 - t / (t * t + 2) ** 0.5))
    assert "95% CI -0.10–0.90, n = 3" in summary.text()
    one = significance.gain_summary([0.6])
    assert one.low is None and "too few topics" in one.text()
    with pytest.raises(ValueError):
        significance.gain_summary([])
