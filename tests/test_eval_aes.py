"""The aesthetics judge (`code2video eval aes`) against the scripted server: the real openai client
over HTTP, replies keyed by stage `judge`, on a real video (a small one made here, and the demo)."""

from __future__ import annotations

import base64
import json

import pytest

from code2video_nb import cli
from code2video_nb.config import Settings
from code2video_nb.errors import ConfigError, WorkspaceError
from code2video_nb.evaluation import aes

from conftest import copy_lecture, make_client

VLM = Settings(vlm_model="vlm-1")
SCORES = {"element_layout": 16, "attractiveness": 14.5, "logic_flow": 17, "accuracy_depth": 15,
          "visual_consistency": 18}


def judge_reply(scores=SCORES, **changes) -> str:
    answer = {name: {"score": score, "feedback": f"{name} seen"} for name, score in scores.items()}
    answer.update(changes)
    return json.dumps(answer)


def images(request) -> list[dict]:
    return [p for m in request.messages if isinstance(m["content"], list) for p in m["content"]
            if p.get("type") == "image_url"]


def test_a_known_reply_gives_the_known_total_on_one_scale(server, tmp_path, video):
    server.script("judge", judge_reply())
    client = make_client(server, tmp_path)
    result = aes.judge(video, "Colours", settings=VLM, client=client, frames=5)
    assert result.total == 80.5 and result.dimensions["attractiveness"] == 14.5
    assert result.to_json()["feedback"]["logic_flow"] == "logic_flow seen"
    (request,) = server.requests
    assert request.stage == "judge" and request.model == "vlm-1"
    assert len(images(request)) == 5 and result.frames == "uniform"  # no workspace: evenly spaced frames
    # the judge's tokens are counted like every request's, and reported with the result
    usage = client.usage_by_stage()["judge"]
    assert result.tokens == usage["prompt_tokens"] + usage["completion_tokens"] > 5 * 85


def test_a_malformed_reply_is_re_asked_with_its_problem(server, tmp_path, video):
    bad = judge_reply(logic_flow={"score": 25, "feedback": "great"})
    server.script("judge", "Overall I would give it 80/100.", bad, judge_reply())
    client = make_client(server, tmp_path)
    result = aes.judge(video, "Colours", settings=VLM, client=client)
    assert result.total == 80.5 and server.count("judge") == 3
    second, third = server.requests[1].messages[-1]["content"], server.requests[2].messages[-1]["content"]
    assert "holds no JSON object" in second  # the parse problem, then the out-of-range score, named
    assert "logic_flow.score must be a number from 0 to 20, not 25" in third


def test_a_reply_that_stays_malformed_is_reported_in_one_line(server, tmp_path, video, capsys, monkeypatch):
    server.script("judge", *[judge_reply(accuracy_depth="deep")] * 3)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    code = cli.main(["eval", "aes", str(video), "--topic", "Colours", "--model", "vlm-1",
                     "--base-url", server.base_url, "--json"])
    err = capsys.readouterr().err.strip()
    assert code == 1 and err.startswith("code2video: error: [judge]") and "\n" not in err
    assert "accuracy_depth must be an object" in err and server.count("judge") == 3


def test_a_reply_without_feedback_keeps_its_scores_and_says_so(server, tmp_path, video, capsys, monkeypatch):
    # Feedback is commentary: a reply with valid scores and no (or null) feedback is used as it is,
    # not re-asked (a re-ask resends every frame and draws the scores afresh).
    bare = judge_reply(logic_flow={"score": 17}, accuracy_depth={"score": 15, "feedback": None})
    server.script("judge", bare)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    code = cli.main(["eval", "aes", str(video), "--topic", "Colours", "--model", "vlm-1",
                     "--base-url", server.base_url])
    out = capsys.readouterr().out
    assert code == 0 and server.count("judge") == 1
    assert "logic_flow" in out and "17/20  (no feedback given)" in out and "80.5/100" in out
    assert "element_layout seen" in out


def test_no_vlm_model_says_how_to_set_one(tmp_path, video, capsys):
    assert cli.main(["eval", "aes", str(video), "--topic", "Colours"]) == 1
    assert "CODE2VIDEO_VLM_MODEL" in capsys.readouterr().err
    with pytest.raises(ConfigError):
        aes.judge(video, "Colours", settings=Settings(), client=None)


def test_send_video_attaches_the_file_as_a_data_url(server, tmp_path, video):
    server.script("judge", judge_reply())
    client = make_client(server, tmp_path)
    result = aes.judge(video, "Colours", settings=VLM, client=client, send="video")
    (request,) = server.requests
    (part,) = [p for p in request.messages[0]["content"] if p["type"] == "video_url"]
    head, _, data = part["video_url"]["url"].partition(",")
    assert head == "data:video/mp4;base64" and base64.b64decode(data) == video.read_bytes()
    assert result.frames == "video" and not images(request)
    logged = (tmp_path / "log.jsonl").read_text()
    assert "characters elided" in logged and data[:200] not in logged  # the log keeps no video


@pytest.mark.render
def test_cli_on_the_demo_lecture_judges_its_keyframes(demo_lecture, server, tmp_path, capsys, monkeypatch):
    lecture = copy_lecture(demo_lecture, tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("CODE2VIDEO_VLM_MODEL", "vlm-1")
    server.script("judge", judge_reply())
    assert cli.main(["eval", "aes", str(lecture / f"{lecture.name}.mp4"), "--json", "--frames", "4"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"dimensions", "total", "feedback", "tokens", "shown", "protocol"} and out["total"] == 80.5
    assert out["protocol"]["name"] == "ours" and out["shown"].startswith("4 keyframes")
    assert list(out["dimensions"]) == list(aes.DIMENSIONS) and out["tokens"] > 0
    (request,) = server.requests
    text = request.messages[0]["content"][0]["text"]
    assert "Eigenvectors, eigenvalues, and eigenbasis" in text  # topic from lecture.json
    # 4 of the 9 lines' keyframes, said as such (not "the last frame of each lecture line")
    assert "4 keyframes, in order, of its 9 lecture lines" in text and "each lecture line" not in text
    assert ", made for " in text  # and the outline's audience
    assert len(images(request)) == 4  # 9 block keyframes, spread over 4
    state = json.loads((lecture / "lecture.json").read_text())
    assert state["usage"]["judge"]["completion_tokens"] > 0  # counted in the lecture's usage
    assert '"stage": "judge"' in (lecture / "log.jsonl").read_text()


@pytest.mark.render
def test_which_frames_the_model_sees(demo_lecture, tmp_path):
    from code2video_nb.evaluation import frames

    lecture = copy_lecture(demo_lecture, tmp_path)
    key = (lecture / "keyframes" / "2" / "3.png").read_bytes()
    section = frames.locate(lecture / "previews" / "2.mp4")  # a section's preview: that section's blocks
    assert section.sections == ("2",) and section.topic == "Eigenvectors, eigenvalues, and eigenbasis"
    shown = frames.visual(section, count=8)
    assert shown.source == "keyframes" and len(shown.parts) == 3
    assert shown.parts[-1]["image_url"]["url"].endswith(base64.b64encode(key).decode()[-40:])
    whole = frames.visual(frames.locate(lecture), count=4)  # 9 blocks spread over 4, first and last kept
    first = (lecture / "keyframes" / "1" / "1.png").read_bytes()
    assert len(whole.parts) == 4 and base64.b64encode(first).decode() in whole.parts[0]["image_url"]["url"]
    assert frames.visual(section, count=2, sampling="uniform").source == "uniform"
    (lecture / "keyframes" / "3" / "2.png").unlink()  # a missing keyframe: frames of the video instead
    assert frames.visual(frames.locate(lecture), count=4).source == "uniform"
    (lecture / f"{lecture.name}.mp4").unlink()  # and with no exported video, one line saying what to do
    with pytest.raises(WorkspaceError, match="run `code2video export"):
        frames.visual(frames.locate(lecture), count=4)
