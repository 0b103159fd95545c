"""The evaluation protocols (`--protocol ours|paper`, `--paper-repo`): the paper's prompts are read at
run time from a checkout the user names (here tests/data/paper_checkout, a stand-in in our own words
with the original's file layout, never imported), and what each protocol decides."""

from __future__ import annotations

import json
import shutil

import pytest

from code2video_nb import cli
from code2video_nb.errors import ConfigError
from code2video_nb.evaluation import aes, quiz
from code2video_nb.evaluation.protocol import OURS, PAPER, protocol_for

from conftest import DATA

CHECKOUT = DATA / "paper_checkout"


def test_the_paper_protocol_reads_the_prompts_of_the_checkout_it_is_given():
    protocol = protocol_for("paper", CHECKOUT, env={})
    paper = protocol.paper
    assert protocol.prompts == "paper" and paper.repo == CHECKOUT.resolve()
    rubric = paper.aes("Eigenvectors")
    assert rubric.startswith("\nFIXTURE-RUBRIC:") and 'teaches "Eigenvectors"' in rubric
    assert '"logic_flow": {"score": 0' in rubric  # the f-string's doubled braces are one brace
    assert paper.unlearned("Eigenvectors").startswith("FIXTURE-UNLEARN: forget [Eigenvectors]")  # .strip() applied
    assert paper.video("Eigenvectors").startswith("FIXTURE-UNLEARN-VIDEO: forget [Eigenvectors]")
    assert paper.plain == "FIXTURE-PLAIN: a multiple-choice test; the letter first."
    assert paper.aes("") .count("FIXTURE-RUBRIC-CONTEXT") == 0  # `if knowledge_point:` evaluated, not assumed
    assert protocol.describe() == f"paper protocol, prompts from {CHECKOUT.resolve()}"
    assert protocol.to_json()["prompts"] == "paper"


def test_the_checkout_is_found_through_the_environment_and_edits_are_read_at_run_time(tmp_path):
    checkout = shutil.copytree(CHECKOUT, tmp_path / "Code2Video")
    eva = checkout / "prompts" / "stage5_eva.py"
    eva.write_text(eva.read_text().replace("FIXTURE-RUBRIC:", "EDITED-RUBRIC:"))
    protocol = protocol_for("paper", env={"CODE2VIDEO_PAPER_REPO": str(checkout)})
    assert "EDITED-RUBRIC:" in protocol.paper.aes("Colours")


def test_a_git_checkout_names_its_commit_and_any_local_edit_to_the_prompts(tmp_path):
    import subprocess

    checkout = shutil.copytree(CHECKOUT, tmp_path / "Code2Video")
    git = ["git", "-C", str(checkout), "-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "stand-in"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    assert protocol_for("paper", checkout, env={}).describe() == (
        f"paper protocol, prompts from {checkout.resolve()} (commit {head[:7]})")
    eva = checkout / "prompts" / "stage5_eva.py"
    eva.write_text(eva.read_text().replace("FIXTURE-RUBRIC:", "EDITED-RUBRIC:"))
    assert protocol_for("paper", checkout, env={}).describe().endswith(
        f"(commit {head[:7]}, with local edits to prompts/stage5_eva.py)")


def test_without_a_checkout_the_paper_protocol_says_it_uses_our_wording():
    protocol = protocol_for("paper", env={})
    assert protocol.paper is None and protocol.prompts == "ours"
    assert protocol.describe().startswith("paper protocol, our wording with the paper's metric definitions")
    assert protocol_for(None, env={"CODE2VIDEO_PAPER_REPO": str(CHECKOUT)}) is OURS  # ours ignores the variable


@pytest.mark.parametrize("break_it, says", [
    (lambda c: shutil.rmtree(c / "prompts"), "no prompts/stage5_eva.py there"),
    (lambda c: (c / "prompts" / "stage5_unlearning.py").write_text("def get_unlearning_prompt(concept):\n"
                                                                   "    return concept.upper()\n"),
     "stage5_unlearning.py, get_unlearning_prompt(): line 2"),
    (lambda c: (c / "src" / "eval_TQ.py").write_text("def assess_baseline(self):\n    pass\n"),
     "src/eval_TQ.py, assess_baseline() assigns no prefix"),
])
def test_a_checkout_without_the_prompts_is_one_line_naming_the_path_and_what_is_missing(tmp_path, break_it, says):
    checkout = shutil.copytree(CHECKOUT, tmp_path / "checkout")
    break_it(checkout)
    with pytest.raises(ConfigError) as raised:
        protocol_for("paper", checkout, env={})
    message = str(raised.value)
    assert "\n" not in message and str(checkout) in message and says in message


def test_bad_names_and_a_paper_repo_for_our_protocol_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="--protocol must be one of ours, paper, not 'papers'"):
        protocol_for("papers")
    with pytest.raises(ConfigError, match="add --protocol paper"):
        protocol_for("ours", CHECKOUT)
    with pytest.raises(ConfigError, match="no such folder"):
        protocol_for("paper", tmp_path / "missing")


def test_what_each_protocol_counts():
    usage = {"outline": {"prompt_tokens": 100, "completion_tokens": 50}, "storyboard": {"prompt_tokens": 10,
             "completion_tokens": 5}, "code:1": {"prompt_tokens": 200, "completion_tokens": 300},
             "fix:1": {"prompt_tokens": 40, "completion_tokens": 60}, "critic:1": {"prompt_tokens": 7,
             "completion_tokens": 3}, "judge": {"prompt_tokens": 1000, "completion_tokens": 1}}
    assert PAPER.tokens(usage) == 150 + 15 + 500  # outline, storyboard, code (regenerations are code:<id>)
    assert OURS.tokens(usage) == 150 + 15 + 500 + 100 + 10 + 1001
    assert OURS.teachquiz([0.5, 0.25, -0.15]) == PAPER.teachquiz([0.5, 0.25, -0.15]) == 20.0
    assert (PAPER.send, PAPER.sampling, PAPER.plain_names_topic, PAPER.cache) == ("video", "uniform", False, False)
    assert (OURS.send, OURS.sampling, OURS.plain_names_topic, OURS.cache) == ("frames", None, True, True)


# -- the protocols applied: `code2video eval aes|quiz --protocol ...` against the scripted judge -----------

TOPIC = "Eigenvectors"
QUESTIONS = [
    {"question": f"Question {n}: which option is right?", "answer": right,
     "options": {"A": "one", "B": "two", "C": "three", "D": "four"}} for n, right in enumerate("CBAD", 1)]
# (plain, unlearned, video) per question: unlearned gets 1 of 4 right, the video pass 3 of 4, so the gain
# is 0.5 and TeachQuiz 50.0. Replies in the original's own answer format are read as well as JSON.
REPLIES = [('{"answer": "C"}', '{"answer": "INSUFFICIENT"}', '{"answer": "C"}'),
           ('{"answer": "B"}', 'EVIDENCE_STATUS = INSUFFICIENT\nANSWER = NULL\nNothing to go on.', 'ANSWER = B'),
           ('{"answer": "A"}', '{"answer": "A"}', '{"answer": "A"}'),
           ('{"answer": "D"}', '{"answer": "B"}', '{"answer": "B"}')]


@pytest.fixture
def judged(server, tmp_path, monkeypatch):
    """The environment of `code2video eval` pointed at the scripted judge, and the questions' file."""
    for name, value in (("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", server.base_url),
                        ("CODE2VIDEO_VLM_MODEL", "vlm-1")):
        monkeypatch.setenv(name, value)
    path = tmp_path / "questions.json"
    path.write_text(json.dumps({TOPIC: QUESTIONS}))
    return path


def script_quiz(server):
    for item, replies in zip(QUESTIONS, REPLIES):
        for stage, reply in zip(("quiz:plain", "quiz:unlearned", "quiz:video"), replies):
            server.script_by_text(stage, item["question"], reply)


def request_text(request) -> str:
    content = request.messages[-1]["content"]
    return content if isinstance(content, str) else "\n".join(p.get("text", "") for p in content)


def parts(request, kind: str) -> list[dict]:
    content = request.messages[-1]["content"]
    return [p for p in content if p.get("type") == kind] if isinstance(content, list) else []


@pytest.mark.parametrize("options, prompts", [
    ([], "ours"),
    (["--protocol", "paper", "--paper-repo", str(CHECKOUT)], "paper"),
    (["--protocol", "paper"], "ours"),  # the paper protocol in our wording
])
def test_both_protocols_compute_the_papers_teachquiz_on_known_answers(server, judged, video, capsys, monkeypatch,
                                                                      options, prompts):
    monkeypatch.delenv("CODE2VIDEO_PAPER_REPO", raising=False)
    script_quiz(server)
    argv = ["eval", "quiz", str(video), "--topic", TOPIC, "--questions", str(judged), "--frames", "3", "--json"]
    assert cli.main(argv + options) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["plain"], out["unlearned"], out["video"], out["gain"], out["teachquiz"]) == (1.0, 0.25, 0.75, 0.5, 50.0)
    paper = bool(options)
    assert out["protocol"]["name"] == ("paper" if paper else "ours") and out["protocol"]["prompts"] == prompts
    by_stage = {f"quiz:{which}": [r for r in server.requests if r.stage == f"quiz:{which}"] for which in quiz.PASSES}
    assert all(len(requests) == 4 for requests in by_stage.values())
    for request in by_stage["quiz:plain"]:
        assert (TOPIC in request_text(request)) == (not paper)  # the original's plain pass names no topic
        assert ("FIXTURE-PLAIN" in request_text(request)) == (prompts == "paper")
    for request in by_stage["quiz:unlearned"]:
        assert TOPIC in request_text(request)  # unlearning needs to say what to unlearn
        assert (f"FIXTURE-UNLEARN: forget [{TOPIC}]" in request_text(request)) == (prompts == "paper")
    for request in by_stage["quiz:video"]:
        assert ("FIXTURE-UNLEARN-VIDEO" in request_text(request)) == (prompts == "paper")
        # the paper protocol sends the whole video; ours, frames (evenly spaced here: no lecture folder)
        assert (len(parts(request, "video_url")), len(parts(request, "image_url"))) == ((1, 0) if paper else (0, 3))
    assert out["shown"] == ("the whole video" if paper else "3 frames, in order, evenly spaced in time")


def test_the_paper_protocol_asks_every_time_and_says_what_it_used(server, judged, video, capsys):
    argv = ["eval", "quiz", str(video), "--topic", TOPIC, "--questions", str(judged), "--frames", "3"]
    for options in ([], [], ["--protocol", "paper", "--paper-repo", str(CHECKOUT)],
                    ["--protocol", "paper", "--paper-repo", str(CHECKOUT)]):
        script_quiz(server)
        before = len(server.requests)
        assert cli.main(argv + options) == 0
        asked = len(server.requests) - before
        text = capsys.readouterr().out
        if not options:
            assert "our protocol" in text and "the video pass saw 3 frames" in text
    # ours: the second run is answered from the reply cache; the paper's: a cold cache, asked again
    assert server.count("quiz:video") == 4 + 4 + 4
    assert asked == 12
    assert f"paper protocol, prompts from {CHECKOUT.resolve()}; the video pass saw the whole video" in text
    assert "teachquiz  +50.0" in text


def test_the_judge_reads_the_checkouts_rubric_and_sees_the_whole_video_or_says_which_frames(
        server, judged, video, capsys):
    reply = json.dumps({name: {"score": 15, "feedback": "seen"} for name in aes.DIMENSIONS})
    server.script("judge", reply, reply)
    argv = ["eval", "aes", str(video), "--topic", TOPIC, "--protocol", "paper", "--paper-repo", str(CHECKOUT), "--json"]
    assert cli.main(argv) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["total"] == 75 and out["shown"] == "the whole video" and out["protocol"]["prompts"] == "paper"
    assert cli.main(argv + ["--send", "frames", "--frames", "4"]) == 0
    out = json.loads(capsys.readouterr().out)
    whole, frames = server.requests
    assert request_text(whole).startswith("FIXTURE-RUBRIC:") and f'teaches "{TOPIC}"' in request_text(whole)
    assert len(parts(whole, "video_url")) == 1 and not parts(whole, "image_url")
    assert request_text(frames).startswith("The video is shown to you as 4 frames, in order, evenly spaced in time")
    assert "FIXTURE-RUBRIC:" in request_text(frames) and len(parts(frames, "image_url")) == 4
    assert out["shown"] == "4 frames, in order, evenly spaced in time"


def test_a_wrong_paper_repo_is_one_clear_line_before_anything_is_asked(server, judged, video, capsys, tmp_path):
    code = cli.main(["eval", "aes", str(video), "--topic", TOPIC, "--protocol", "paper", "--paper-repo", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and not server.requests
    assert err.startswith(f"code2video: error: --paper-repo {tmp_path.resolve()}: no prompts/stage5_eva.py there")


def test_an_endpoint_that_refuses_video_says_how_to_send_frames(server, judged, video, capsys):
    server.takes_video = False
    argv = ["eval", "aes", str(video), "--topic", TOPIC, "--protocol", "paper"]
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert "HTTP 400" in err and err.rstrip().endswith("if this endpoint does not take video, pass --send frames")
    server.script("judge", json.dumps({name: {"score": 10, "feedback": ""} for name in aes.DIMENSIONS}))
    assert cli.main(argv + ["--send", "frames", "--frames", "2"]) == 0
    assert "paper protocol, our wording" in capsys.readouterr().out
