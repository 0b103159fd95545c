"""`%c2v eval` in a real (in-process) IPython shell, on the demo lecture, against the scripted server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from IPython.utils.capture import capture_output

from code2video_nb.evaluation import quiz

from conftest import copy_lecture, loaded_shell
from test_eval_aes import judge_reply

pytestmark = pytest.mark.render  # the demo lecture is rendered once per session


@pytest.fixture
def ip(tmp_path, monkeypatch, demo_lecture, live_env):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "code2video").mkdir()
    copy_lecture(demo_lecture, tmp_path / "code2video")
    with loaded_shell() as shell:
        shell.run_line_magic("config", "Code2Video.vlm_model = 'vlm-1'")
        yield shell


def test_eval_shows_the_scores_with_the_judges_feedback_and_the_quiz(ip, live_env, demo_lecture):
    live_env.script("judge", judge_reply())
    for q in quiz.questions_for("Eigenvectors, eigenvalues, and eigenbasis"):
        live_env.script_by_text("quiz:plain", q.question, json.dumps({"answer": q.answer}))
        live_env.script_by_text("quiz:unlearned", q.question, '{"answer": "INSUFFICIENT"}')
        live_env.script_by_text("quiz:video", q.question, json.dumps({"answer": q.answer}))
    with capture_output() as shown:
        ip.run_line_magic("c2v", f"eval both {demo_lecture.name}")
    aes_table, quiz_table = shown.outputs
    html = aes_table.data["text/html"]
    assert "AES of eigenvectors-eigenvalues-and-eigenbasis, judged on 8 keyframes" in html
    assert "logic flow" in html and "17 / 20" in html and "logic_flow seen" in html and "80.5 / 100" in html
    text = quiz_table.data["text/plain"]
    assert "TeachQuiz of eigenvectors-eigenvalues-and-eigenbasis: 5 questions" in text
    assert "unlearned | 0%" in text and "video | 100%" in text and "+100%" in text
    chance = quiz.baseline(q.answer for q in quiz.questions_for("Eigenvectors, eigenvalues, and eigenbasis"))
    assert f"always {chance.letter} (chance with the answer key's bias) | {chance.accuracy:.0%}" in text
    with capture_output() as shown:  # what they cost is in the lecture's usage
        ip.run_line_magic("c2v", "usage")
    usage = shown.outputs[0].data["text/plain"]
    assert "judge | 1 |" in usage and "quiz:video | 5 |" in usage


def test_eval_without_a_vlm_model_is_one_line(ip, demo_lecture):
    from IPython.core.error import UsageError

    ip.run_line_magic("config", "Code2Video.vlm_model = ''")
    with pytest.raises(UsageError, match="CODE2VIDEO_VLM_MODEL"):
        ip.run_line_magic("c2v", f"eval aes {demo_lecture.name}")


def test_eval_under_the_paper_protocol_names_it_and_reads_the_checkout(ip, live_env, demo_lecture):
    from IPython.core.error import UsageError

    checkout = Path(__file__).parent / "data" / "paper_checkout"
    topic = "Eigenvectors, eigenvalues, and eigenbasis"
    for q in quiz.questions_for(topic):
        live_env.script_by_text("quiz:plain", q.question, json.dumps({"answer": q.answer}))
        live_env.script_by_text("quiz:unlearned", q.question, "EVIDENCE_STATUS = INSUFFICIENT\nANSWER = NULL")
        live_env.script_by_text("quiz:video", q.question, json.dumps({"answer": q.answer}))
    with capture_output() as shown:
        ip.run_line_magic("c2v", f"eval quiz --protocol paper --paper-repo {checkout} {demo_lecture.name}")
    text = shown.outputs[0].data["text/plain"]
    assert f"paper protocol, prompts from {checkout.resolve()}, the video pass saw the whole video" in text
    assert "TeachQuiz (gain × 100, the paper's) | +100.0" in text
    plain = [r for r in live_env.requests if r.stage == "quiz:plain"]
    assert len(plain) == 5 and all(topic not in r.messages[-1]["content"] and "FIXTURE-PLAIN" in r.messages[-1]["content"]
                                   for r in plain)
    live_env.script("judge", judge_reply())
    with capture_output() as shown:  # an endpoint without video: frames evenly spaced, said in the caption
        ip.run_line_magic("c2v", f"eval aes --protocol paper --paper-repo {checkout} --send frames {demo_lecture.name}")
    assert ("judged on 8 frames, in order, evenly spaced in time; paper protocol, prompts from"
            in shown.outputs[0].data["text/plain"])
    (judge,) = [r for r in live_env.requests if r.stage == "judge"]
    assert "FIXTURE-RUBRIC:" in judge.messages[-1]["content"][0]["text"]
    assert sum(p["type"] == "image_url" for p in judge.messages[-1]["content"]) == 8
    with pytest.raises(UsageError, match="no such folder"):
        ip.run_line_magic("c2v", f"eval aes --protocol paper --paper-repo {checkout}-missing {demo_lecture.name}")


def test_eval_quiz_can_send_what_is_said_with_the_frames(ip, live_env, demo_lecture):
    topic = "Eigenvectors, eigenvalues, and eigenbasis"
    for q in quiz.questions_for(topic):
        for stage in ("quiz:plain", "quiz:video"):
            live_env.script_by_text(stage, q.question, json.dumps({"answer": q.answer}))
        live_env.script_by_text("quiz:unlearned", q.question, '{"answer": "INSUFFICIENT"}')
    with capture_output() as shown:
        ip.run_line_magic("c2v", f"eval quiz --evidence frames+subtitles {demo_lecture.name}")
    assert "each followed by the subtitles of the video" in shown.outputs[0].data["text/plain"]
    (srt,) = demo_lecture.glob("*.srt")
    first_line = srt.read_text(encoding="utf-8").split("\n")[2]  # the first cue's text
    video = [r for r in live_env.requests if r.stage == "quiz:video"]
    assert len(video) == 5 and all(first_line in json.dumps(r.messages) for r in video)


def test_eval_without_a_key_does_not_offer_the_replay_it_refuses(ip, demo_lecture, monkeypatch):
    """Issue 21 §6: `%c2v eval` asks a live model; its missing-key line names the key, not `--replay demo`."""
    from IPython.core.error import UsageError

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(UsageError) as raised:
        ip.run_line_magic("c2v", f"eval aes {demo_lecture.name}")
    assert "OPENAI_API_KEY is not set" in str(raised.value) and "replay" not in str(raised.value), str(raised.value)


def test_eval_quiz_per_section_shows_the_table_and_a_card_for_the_weak_section(ip, live_env, demo_lecture):
    from code2video_nb.scripted_server import Computed
    from code2video_nb.workspace import Workspace
    from test_eval_quiz import frames_judge

    ws = Workspace(Path("code2video") / demo_lecture.name)
    key = {q.question: q.answer for s in ws.planned().sections for q in s.quiz}
    (cited_wrong,) = [q for q in ws.planned().section("3").quiz if q.line == 3]
    for question in key:
        live_env.script_by_text("quiz:unlearned", question, '{"answer": "INSUFFICIENT"}')
        # section 3's last question is answered wrong from its frames: the judge picks another letter
        live_env.script_by_text("quiz:video", question, json.dumps({"answer": "C"}) if question == cited_wrong.question
                                else Computed(frames_judge(key)))
    with capture_output() as shown:
        ip.run_line_magic("c2v", f"eval quiz --per-section {demo_lecture.name}")
    table, card = shown.outputs
    rows = table.data["text/plain"]
    assert "1 | What is an eigenvector? | 2 | 0% | 100% | +100% |" in rows
    assert "3 | Eigenbasis: a basis of eigenvectors | 2 | 0% | 50% | +50% | teaches worst" in rows
    assert card.data["text/plain"].splitlines()[-1] == '    teach it in line 3: "Powers of A become easy to compute"'
