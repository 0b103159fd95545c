"""End to end through the CLI: topic -> plan -> code -> auto-fix -> MP4 + SRT,
with the real openai client talking to the scripted server."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from code2video_nb.cli import main
from code2video_nb.plan import slugify
from code2video_nb.video import probe

from conftest import demo_cassette

CASSETTE = demo_cassette()
TOPIC = CASSETTE["lecture"]["topic"]
ARGS = ["--sections", "3", "--audience", CASSETTE["lecture"]["audience"]]


def without(stage: str) -> dict:
    return {**CASSETTE, "interactions": [i for i in CASSETTE["interactions"] if i["stage"] != stage]}


def only(stage: str) -> dict:
    return {**CASSETTE, "interactions": [i for i in CASSETTE["interactions"] if i["stage"] == stage]}


@pytest.mark.render
def test_full_run_writes_a_lecture_video_with_one_part_per_section(live_env, tmp_path, capsys):
    server = live_env.script_cassette(CASSETTE)
    assert main(["generate", TOPIC, "--out", str(tmp_path), *ARGS]) == 0
    lecture = tmp_path / slugify(TOPIC)

    video = probe(lecture / f"{slugify(TOPIC)}.mp4")
    parts = [probe(lecture / "previews" / f"{i}.mp4") for i in ("1", "2", "3")]
    assert video.has_video and (video.width, video.height) == (854, 480)
    assert video.duration == pytest.approx(sum(p.duration for p in parts), abs=0.2)
    assert video.duration > 15  # three sections of several seconds each, not an empty file

    srt = (lecture / f"{slugify(TOPIC)}.srt").read_text()
    assert srt.count(" --> ") == 9 and "Eigenvectors stay on their own line" in srt

    # The seeded bug in section 2 was repaired in its own block only, grounded with manim's signature.
    state = json.loads((lecture / "lecture.json").read_text())
    attempt = state["sections"]["2"]["fix"]["attempts"][0]
    assert attempt["level"] == "scope" and attempt["scope"] == "Lecture Line 1 block" and attempt["result"] == "ok"
    fix_prompt = next(r for r in server.requests if r.stage == "fix:2").messages[-1]["content"]
    assert "did you mean 'color'" in fix_prompt and "colour=GREEN" in fix_prompt
    assert "color=GREEN" in (lecture / "sections" / "2.py").read_text()
    assert [h["reason"] for h in state["sections"]["2"]["history"]] == ["generated", "auto-fix"]
    assert set(server.stages()) == {"outline", "storyboard", "code:1", "code:2", "code:3", "fix:2"}

    # Re-rendering unchanged code renders nothing and asks the model nothing.
    before = len(server.requests)
    capsys.readouterr()
    assert main(["render", str(lecture)]) == 0
    assert capsys.readouterr().out.count("cached") == 3 and len(server.requests) == before


def test_interrupted_run_resumes_without_repeating_paid_requests(live_env, tmp_path, capsys):
    live_env.script_cassette(without("code:2"))  # the middle section's request fails
    assert main(["generate", TOPIC, "--out", str(tmp_path), *ARGS, "--no-render"]) == 1
    assert "no scripted reply left for stage 'code:2'" in capsys.readouterr().err
    first_run = len(live_env.requests)

    live_env.script_cassette(only("code:2"))
    assert main(["generate", TOPIC, "--out", str(tmp_path), *ARGS, "--no-render"]) == 0
    assert live_env.stages()[first_run:] == ["code:2"]  # outline, storyboard, code:1 and code:3 not asked again
    sections = tmp_path / slugify(TOPIC) / "sections"
    assert sorted(p.name for p in sections.glob("*.py")) == ["1.py", "2.py", "3.py"]


def test_missing_key_is_one_readable_line(tmp_path, capsys):
    assert main(["generate", "Fourier series", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("code2video: error: OPENAI_API_KEY is not set") and "\n" not in err
    assert "Traceback" not in err


def test_empty_and_huge_topics_are_refused_before_any_request(live_env, tmp_path, capsys):
    assert main(["generate", "   ", "--out", str(tmp_path)]) == 1
    assert "topic is empty" in capsys.readouterr().err
    assert main(["generate", "x" * 5000, "--out", str(tmp_path)]) == 1
    assert "5000 characters" in capsys.readouterr().err
    assert live_env.requests == []


def _unsafe(code: str) -> str:
    return code.replace("    def construct(self):", "    def construct(self):\n        import os; os.system('echo hi')", 1)


def test_unsafe_generated_code_is_not_run_and_names_its_line(live_env, tmp_path, capsys):
    cassette = json.loads(json.dumps(CASSETTE))
    for item in cassette["interactions"]:
        if item["stage"] == "code:1":
            item["reply"] = _unsafe(item["reply"])
    live_env.script_cassette({**cassette, "interactions": [
        i for i in cassette["interactions"] if i["stage"] in ("outline", "storyboard", "code:1", "code:2", "code:3")]})
    live_env.script("fix:1", "I cannot change that.", "Still no.")  # a model that will not fix it
    live_env.script("code:1", _unsafe(CASSETTE["interactions"][2]["reply"]))  # regenerated, still unsafe
    code = main(["generate", TOPIC, "--out", str(tmp_path), *ARGS, "--no-render"])
    assert code == 0
    lecture = tmp_path / slugify(TOPIC)
    result = main(["render", str(lecture), "--section", "1"])
    out, err = capsys.readouterr()
    assert result == 1
    line = re.search(r"section 1: FAILED.*\(line (\d+)\)", out)
    assert line and "os.system" in (lecture / "sections" / "1.py").read_text().splitlines()[int(line.group(1)) - 1]
    assert "--trust" in out
    assert not (lecture / "previews" / "1.mp4").exists()
    # --trust lifts the static check only: the render sandbox still refuses to run a program.
    live_env.script("fix:1", "I cannot change that.", "Still no.")
    live_env.script("code:1", _unsafe(CASSETTE["interactions"][2]["reply"]))
    assert main(["render", str(lecture), "--section", "1", "--trust"]) == 1
    out = capsys.readouterr().out
    assert "section 1: FAILED" in out and "refused running a shell command" in out
    # The user reviewed it and lifts both layers explicitly.
    assert main(["render", str(lecture), "--section", "1", "--trust", "--unconfined"]) == 0
    assert (lecture / "previews" / "1.mp4").exists()


@pytest.mark.render
def test_demo_needs_no_key_and_writes_video_and_subtitles(demo_run):
    # demo_run: `code2video demo --out <folder> --quiet` in a clean environment (no key), once per run
    out, lecture = demo_run.said, demo_run.lecture
    assert lecture.name == slugify(TOPIC)
    video = probe(lecture / f"{slugify(TOPIC)}.mp4")
    assert video.has_video and video.duration > 15
    assert (lecture / f"{slugify(TOPIC)}.srt").read_text().count(" --> ") == 9
    assert "section 2: " in out and "1 fix attempt(s)" in out
    # The layout critic ran on each rendered section (the demo's are clean: nothing to patch).
    assert out.count("critic, section") == 3 and "0 finding(s) → 0" in out
    state = json.loads((lecture / "lecture.json").read_text())
    assert all(state["sections"][s]["critiques"] for s in ("1", "2", "3"))


def test_generate_replays_the_bundled_recording_by_the_name_the_error_offers(tmp_path, monkeypatch):
    """`--replay demo` works wherever it is run (the name, not a file in the current folder) and
    asks the recording's own plan (its three sections), with no key and no flags."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert main(["generate", TOPIC, "--replay", "demo", "--out", "lectures", "--no-render", "--quiet"]) == 0
    sections = tmp_path / "lectures" / slugify(TOPIC) / "sections"
    assert sorted(p.name for p in sections.glob("*.py")) == ["1.py", "2.py", "3.py"]
    assert "class " in (sections / "2.py").read_text()


def test_a_missing_recording_is_one_line_naming_it(tmp_path, capsys):
    assert main(["generate", TOPIC, "--replay", str(tmp_path / "run.json"), "--out", str(tmp_path)]) == 1
    assert f"no recorded run at {tmp_path / 'run.json'}; pass a cassette written by --record, or 'demo'" \
        in capsys.readouterr().err


def test_a_scene_without_animations_is_a_clear_error_not_a_crash(tmp_path):
    from code2video_nb.config import Settings
    from code2video_nb.engine import Engine
    from code2video_nb.plan import Storyboard
    from code2video_nb.workspace import Workspace

    ws = Workspace.create(tmp_path, "still", "A still scene")
    ws.set_storyboard(Storyboard.from_dict(
        {"sections": [{"id": "1", "title": "Still", "lecture_lines": ["Nothing moves"], "animations": ["none"]}]}))
    ws.write_code("1", "from manim import *\n\nclass Still(Scene):\n    def construct(self):\n"
                       "        self.add(Circle())\n", "test")
    result = Engine(Settings.from_env(), None).build_section(ws, ws.storyboard.section("1"))
    assert not result.ok and "rendered no video" in result.error
    assert result.needs_model and "no model is configured" in result.fix_blocked
    assert ws.section_state("1").error.message == result.error  # %c2v status shows it


def test_render_names_an_unknown_section(live_env, tmp_path, capsys):
    live_env.script_cassette(CASSETTE)
    assert main(["generate", TOPIC, "--out", str(tmp_path), *ARGS, "--no-render"]) == 0
    capsys.readouterr()
    assert main(["render", str(tmp_path / slugify(TOPIC)), "--section", "9"]) == 1
    assert "no section 9" in capsys.readouterr().err


class ClipRenderer:
    """A renderer without manim: every section becomes a one-second clip whose two lecture-line
    blocks start at 0 and 0.6 s (as the render worker reports them). It remembers what it rendered."""

    def __init__(self):
        self.rendered: list[str] = []

    def __call__(self, path, options):
        from code2video_nb.render.renderer import RenderOutcome
        from test_video import GREEN, make_clip

        self.rendered.append(Path(path).stem)
        if options.on_progress is not None:
            options.on_progress(1, 1)
        Path(options.media_dir).mkdir(parents=True, exist_ok=True)
        video = make_clip(Path(options.media_dir) / "clip.mp4", GREEN, 1.0)
        return RenderOutcome(True, 0.01, video=video, duration=1.0, block_starts=[(1, 0.0), (2, 0.6), (2, 0.8)])


def test_the_engine_records_caches_and_joins_what_its_renderer_made(tmp_path):
    """The orchestration around the renderer, with a renderer passed in as the model client is."""
    from code2video_nb.config import Settings
    from code2video_nb.engine import Engine, content_hash
    from code2video_nb.plan import Storyboard
    from code2video_nb.workspace import Workspace

    ws = Workspace.create(tmp_path, "clips", "Clips")
    ws.set_storyboard(Storyboard.from_dict({"sections": [
        {"id": i, "title": f"Part {i}", "lecture_lines": [f"First {i}", f"Second {i}"], "animations": ["a"]}
        for i in ("1", "2")]}))
    for i in ("1", "2"):
        ws.write_code(i, f"from manim import *\n\nclass Part{i}(Scene):\n    def construct(self):\n"
                         "        self.wait(1)\n", "generated")
    renderer = ClipRenderer()
    engine = Engine(Settings.from_env(), None, renderer=renderer)

    first = engine.render_all(ws)
    assert [(r.id, r.ok, r.cached) for r in first] == [("1", True, False), ("2", True, False)]
    assert sorted(renderer.rendered) == ["1", "2"]
    for i in ("1", "2"):
        state = ws.section_state(i)
        record = state.render("preview")
        assert record.hash == content_hash(ws.read_code(i), "preview") and state.error is None
        assert record.block_starts == [0.0, 0.6]  # each block's first start
        assert record.duration == pytest.approx(1.0, abs=0.1) and record.hash in state.archive
        assert len(list(ws.keyframes_dir(i).glob("*.png"))) == 2  # one per lecture-line block

    again = engine.render_all(ws)  # unchanged code: nothing is rendered twice
    assert all(r.cached for r in again) and len(renderer.rendered) == 2

    video, subtitles = engine.export(ws, again)
    assert probe(video).duration == pytest.approx(2.0, abs=0.2)
    cues = re.findall(r"^00:00:(\d\d),(\d{3}) --> ", subtitles.read_text(), re.M)  # timed to the blocks
    assert [int(s) + int(ms) / 1000 for s, ms in cues] == pytest.approx([0.0, 0.6, 1.0, 1.6], abs=0.05)
