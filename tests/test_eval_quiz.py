"""TeachQuiz (`code2video eval quiz`) against the scripted server, replies keyed by pass (stage
`quiz:plain` / `quiz:unlearned` / `quiz:video`) and by question text (the questions of a pass
are asked in parallel, so they arrive in any order)."""

from __future__ import annotations

import json

import pytest

from code2video_nb import cli
from code2video_nb.config import Settings
from code2video_nb.errors import ConfigError
from code2video_nb.evaluation import quiz, report
from code2video_nb.evaluation.quiz import INSUFFICIENT

from conftest import copy_lecture, make_client

VLM = Settings(vlm_model="vlm-1", eval_frames=3)
QUESTIONS = [
    {"question": "What does an eigenvector keep under the map?", "answer": "C",
     "options": {"A": "Its length", "B": "Its colour", "C": "Its line through the origin", "D": "Nothing"}},
    {"question": "What is the eigenvalue of a vector stretched threefold?", "answer": "B",
     "options": {"A": "1", "B": "3", "C": "9", "D": "1/3"}},
]


def script(server, stage, replies):
    for item, reply in zip(QUESTIONS, replies):
        server.script_by_text(stage, item["question"], *([reply] if isinstance(reply, str) else reply))


@pytest.fixture
def questions_file(tmp_path):
    path = tmp_path / "questions.json"
    path.write_text(json.dumps({"Eigenvectors": QUESTIONS}))
    return path


def run(server, tmp_path, video_path, questions_file):
    client = make_client(server, tmp_path)
    return quiz.teach_quiz(video_path, "Eigenvectors", settings=VLM, client=client,
                           questions=quiz.questions_for("Eigenvectors", questions_file)), client


def test_prose_starting_with_a_letter_is_not_the_answer(server, tmp_path, video, questions_file):
    script(server, "quiz:plain", ['A good reason: the line is kept.\n{"answer": "C", "reason": "its line"}',
                                  'Answer:\nB\n'])  # the strict fallback: a lone letter on its own line
    script(server, "quiz:unlearned", ['{"answer": "INSUFFICIENT"}', '{"answer": "A"}'])
    script(server, "quiz:video", ['{"answer": "C"}', '{"answer": "B", "reason": "A frame shows 3v"}'])
    result, client = run(server, tmp_path, video, questions_file)
    first, second = result.answers
    assert (first.plain, second.plain) == ("C", "B")
    assert (first.unlearned, second.unlearned) == ("INSUFFICIENT", "A")
    out = result.to_json()
    assert (out["questions"], out["plain"], out["unlearned"], out["video"], out["gain"]) == (2, 1.0, 0.0, 1.0, 1.0)
    assert out["baseline"] == {"letter": "B", "accuracy": 0.5}  # right letters C and B: a tie, the first
    shown = report.quiz_text(result).splitlines()
    assert shown[2:4] == ["video      100%  (shown frames)", "always B   50%  (the most common right answer: chance with the "
                                            "answer key's bias)"]


def test_the_three_passes_are_tagged_and_only_the_video_pass_sees_frames(server, tmp_path, video, questions_file):
    for stage in ("quiz:plain", "quiz:unlearned", "quiz:video"):
        script(server, stage, ['{"answer": "C"}', '{"answer": "B"}'])
    result, client = run(server, tmp_path, video, questions_file)
    assert sorted(server.stages()) == ["quiz:plain"] * 2 + ["quiz:unlearned"] * 2 + ["quiz:video"] * 2
    for request in server.requests:
        content = request.messages[-1]["content"]
        pictures = [p for p in content if p.get("type") == "image_url"] if isinstance(content, list) else []
        text = content if isinstance(content, str) else " ".join(p.get("text", "") for p in content)
        assert len(pictures) == (3 if request.stage == "quiz:video" else 0)
        assert ("unlearn" in text) == (request.stage != "quiz:plain")
        assert request.model == "vlm-1"
    usage = client.usage_by_stage()
    assert result.tokens == sum(u["prompt_tokens"] + u["completion_tokens"] for u in usage.values()) > 0


def test_an_answer_without_json_or_lone_letter_is_re_asked(server, tmp_path, video, questions_file):
    script(server, "quiz:plain", [["I think it is C, since A is wrong.", '{"answer": "C"}'], '{"answer": "D"}'])
    # still unusable after the two re-asks: scored wrong, kept with its problem, the other question counts
    script(server, "quiz:unlearned", [['{"answer": "E"}'] * 3, '{"answer": "B"}'])
    script(server, "quiz:video", ['{"answer": "C"}', '{"answer": "B"}'])
    result, _ = run(server, tmp_path, video, questions_file)
    first, second = result.answers
    assert first.plain == "C" and server.count("quiz:plain") == 3
    assert first.unlearned is None and "must be one of A, B, C, D or INSUFFICIENT" in first.problems["unlearned"]
    assert result.accuracy("plain") == 0.5 and result.accuracy("unlearned") == 0.5
    reask = [r for r in server.requests if r.stage == "quiz:plain" and len(r.messages) > 1][0]
    assert 'JSON object {"answer": ...}' in reask.messages[-1]["content"]


def test_a_hedged_answer_is_re_asked_then_scored_wrong_with_its_problem(server, tmp_path, video, questions_file):
    # "B or C" was credited as B (the first letter). Now: re-asked with the problem named, and wrong
    # if the model keeps hedging; an answer that settles on one letter on the re-ask counts.
    script(server, "quiz:plain", [['{"answer": "B or C"}', '{"answer": "either B or C"}', '{"answer": "B/C"}'],
                                  ['{"answer": ["B", "C"]}', '{"answer": "B"}']])
    script(server, "quiz:unlearned", [['{"answer": "A or INSUFFICIENT"}'] * 3, '{"answer": "INSUFFICIENT"}'])
    script(server, "quiz:video", ['{"answer": "C"}', '{"answer": "B"}'])
    result, _ = run(server, tmp_path, video, questions_file)
    first, second = result.answers
    assert first.plain is None and second.plain == "B" and result.accuracy("plain") == 0.5
    assert "hedges between B and C" in first.problems["plain"]
    assert first.unlearned is None and "hedges between A and INSUFFICIENT" in first.problems["unlearned"]
    reasks = [r.messages[-1]["content"] for r in server.requests if r.stage == "quiz:plain" and len(r.messages) > 1]
    assert len(reasks) == 3 and all("hedges between B and C" in text for text in reasks)
    shown = report.quiz_text(result)
    assert f"unusable answer to {QUESTIONS[0]['question']!r}: " in shown and "hedges between B and C" in shown


def test_the_bank_and_question_files():
    assert len(quiz.topics()) == 117
    bank = quiz.bank()
    assert set(bank) == set(quiz.topics()) and all(len(qs) == 5 for qs in bank.values())
    first = quiz.questions_for("Eigenvectors, eigenvalues, and eigenbasis")[0]
    assert first.answer in first.options and set(first.options) == set("ABCD")
    with pytest.raises(ConfigError, match="did you mean 'Eigenvectors, eigenvalues, and eigenbasis'"):
        quiz.questions_for("eigenbasis")


def test_the_always_one_letter_baseline_shows_the_bank_s_bias():
    # The bundled key is skewed: always answering B is right in 296 of its 585 questions.
    chance = quiz.baseline(q.answer for qs in quiz.bank().values() for q in qs)
    assert (chance.letter, chance.questions, round(chance.accuracy * chance.questions)) == ("B", 585, 296)
    assert chance.to_json() == {"letter": "B", "accuracy": round(296 / 585, 4)}
    assert quiz.baseline("CCAB") == quiz.Baseline("C", 0.5, 4) and quiz.baseline("CB").letter == "B"  # tie: first
    assert quiz.baseline("CCAB", letter="B").accuracy == 0.25 and quiz.baseline([]).accuracy == 0.0


def test_read_answer_is_strict():
    assert quiz.read_answer('{"answer": "(b)"}', "ABCD", insufficient=False) == "B"
    assert quiz.read_answer("**D**", "ABCD", insufficient=False) == "D"
    assert quiz.read_answer('{"answer": "C. Its line through the origin"}', "ABCD", insufficient=False) == "C"
    assert quiz.read_answer('{"answer": "insufficient"}', "ABCD", insufficient=True) == "INSUFFICIENT"
    assert quiz.read_answer("Not enough evidence.\nINSUFFICIENT", "ABCD", insufficient=True) == "INSUFFICIENT"
    assert quiz.read_answer('{"answer": "C. Points A and B"}', "ABCD", insufficient=False) == "C"  # an option quoted
    for hedge in ("B or C", "B/C", "either B or C", "(B) or (C)", "B, C", "I would say B or C", "A good one: B or C"):
        with pytest.raises(ValueError, match="hedges between B and C"):
            quiz.read_answer(json.dumps({"answer": hedge}), "ABCD", insufficient=False)
    for prose in ("A good question. The answer is C.", "C\nor maybe\nD", "INSUFFICIENT", '{"answer": "An eigenvector"}',
                  '{"answer": "E"}', '{"answer": "A good one"}'):
        with pytest.raises(ValueError):
            quiz.read_answer(prose, "ABCD", insufficient=False)


@pytest.mark.render
def test_cli_on_the_demo_lecture_uses_the_mmmc_questions(demo_lecture, server, tmp_path, capsys, monkeypatch):
    lecture = copy_lecture(demo_lecture, tmp_path)
    for name, value in (("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", server.base_url),
                        ("CODE2VIDEO_VLM_MODEL", "vlm-1")):
        monkeypatch.setenv(name, value)
    bank = quiz.questions_for("Eigenvectors, eigenvalues, and eigenbasis")
    for q in bank:
        wrong = next(letter for letter in "ABCD" if letter != q.answer)
        server.script_by_text("quiz:plain", q.question, json.dumps({"answer": q.answer}))
        server.script_by_text("quiz:unlearned", q.question, json.dumps({"answer": "INSUFFICIENT"}))
        server.script_by_text("quiz:video", q.question, json.dumps({"answer": q.answer if q is not bank[0] else wrong}))
    assert cli.main(["eval", "quiz", str(lecture), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert {k: out[k] for k in ("questions", "plain", "unlearned", "video", "gain")} == {
        "questions": 5, "plain": 1.0, "unlearned": 0.0, "video": 0.8, "gain": 0.8}
    assert len(out["answers"]) == 5 and out["answers"][0]["video"] != out["answers"][0]["correct"]
    usage = json.loads((lecture / "lecture.json").read_text())["usage"]
    assert {"quiz:plain", "quiz:unlearned", "quiz:video"} <= set(usage)  # counted in the lecture's usage


@pytest.mark.render
def test_with_subtitles_each_keyframe_is_followed_by_its_own_line(demo_lecture, server, tmp_path):
    # The silent demo's subtitles are its lecture lines, timed to the blocks; a keyframe is the
    # last frame of its block, so what goes with it is its block's line, and no other.
    from code2video_nb.workspace import Workspace

    lines = [" ".join(line.split()) for s in Workspace(demo_lecture).storyboard.sections for line in s.lecture_lines]
    for stage in ("quiz:plain", "quiz:unlearned", "quiz:video"):
        script(server, stage, ['{"answer": "C"}', '{"answer": "B"}'])
    client = make_client(server, tmp_path)
    result = quiz.teach_quiz(demo_lecture, settings=Settings(vlm_model="vlm-1", eval_frames=len(lines)), client=client,
                             questions=quiz.parse_questions(QUESTIONS, "test"), evidence="frames+subtitles")
    assert result.evidence == "frames+subtitles" and result.accuracy("video") == 1.0
    content = [r for r in server.requests if r.stage == "quiz:video"][0].messages[-1]["content"]
    said = [p["text"] for p in content[1:-1:2]]
    assert [p["type"] for p in content[:-1:2]] == ["image_url"] * len(lines) and len(said) == len(lines) == 9
    assert [text.count("] ") for text in said] == [1] * 9  # one cue per keyframe
    assert [text.split("] ", 1)[1] for text in said] == lines
    assert f"{len(lines)} keyframes, in order (the last frame of each lecture line's animation)" in content[-1]["text"]


def frames_judge(key: dict[str, str]):
    """A scripted VLM that answers from what it is shown: the right letter when the frames it is
    sent show something, INSUFFICIENT when every one of them is blank (one colour)."""
    import base64
    import io

    from PIL import Image

    def answer(messages: list) -> str:
        content = messages[-1]["content"]
        text = " ".join(p.get("text", "") for p in content if p.get("type") == "text")
        (question,) = [q for q in key if q in text]
        pictures = [Image.open(io.BytesIO(base64.b64decode(p["image_url"]["url"].split(",", 1)[1])))
                    for p in content if p.get("type") == "image_url"]
        blank = all(len(set(picture.convert("L").getextrema())) == 1 for picture in pictures)
        return json.dumps({"answer": INSUFFICIENT if blank else key[question]})

    return answer


@pytest.mark.render
def test_per_section_the_section_whose_frames_lack_the_answer_is_singled_out(demo_lecture, server, tmp_path,
                                                                            capsys, monkeypatch):
    from PIL import Image

    from code2video_nb.scripted_server import Computed
    from code2video_nb.workspace import Workspace

    lecture = copy_lecture(demo_lecture, tmp_path)
    ws = Workspace(lecture)
    for png in ws.keyframes_dir("2").glob("*.png"):  # section 2's frames show nothing at all
        Image.new("RGB", Image.open(png).size, (20, 20, 20)).save(png)
    key = {q.question: q.answer for s in ws.planned().sections for q in s.quiz}
    assert len(key) == 6  # the demo's hand-written questions, two per section
    for question in key:
        server.script_by_text("quiz:unlearned", question, *[json.dumps({"answer": INSUFFICIENT})] * 2)
        server.script_by_text("quiz:video", question, *[Computed(frames_judge(key))] * 2)
    for name, value in (("OPENAI_API_KEY", "sk-test"), ("OPENAI_BASE_URL", server.base_url),
                        ("CODE2VIDEO_VLM_MODEL", "vlm-1")):
        monkeypatch.setenv(name, value)
    assert cli.main(["eval", "quiz", str(lecture), "--per-section", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [(s["section"], s["gain"], s["weak"]) for s in out["sections"]] == [
        ("1", 1.0, False), ("2", 0.0, True), ("3", 1.0, False)]
    assert out["worst"] == "2" and "quiz:plain" not in server.stages()
    videos = [r for r in server.requests if r.stage == "quiz:video"]
    assert len(videos) >= 6 and all(  # each question sees its own section's three keyframes, no other
        sum(p.get("type") == "image_url" for p in r.messages[-1]["content"]) == 3 for r in videos)
    assert cli.main(["eval", "quiz", str(lecture), "--per-section"]) == 0  # the text report, from the cache
    text = capsys.readouterr().out
    row = next(line for line in text.splitlines() if line.startswith("2 "))
    assert row.split()[:5] == ["2", "2", "0%", "0%", "+0%"] and row.endswith("<- teaches worst"), text
    assert 'teach it in line 3: "Find them by solving det(A - λI) = 0"' in text
    assert "Section 2: Eigenvalues: the stretch factor — its frames did not answer 2 of 2" in text
