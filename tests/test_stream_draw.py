"""Drawing while the code is written (issue 24, part 2): as a section's code streams in, each
complete lecture-line block is drawn by a check pass on the code so far, before the reply has
ended; a prefix that fails says nothing until the whole code has come, then fails as today.

The real `openai` client streams from the scripted server at a model's pace, the real check pass
and render run, one small section each (`Engine.write_and_build`, critic and narration off). The
model's explanation after the code is held back until the prefix's pass has shown what the test
looks for (`Hold`, at most as long as a slow model would take): the order of events is the point,
not the pace, so a loaded machine neither fails the test nor makes every run wait a model's time."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from code2video_nb.config import Settings
from code2video_nb.engine import Engine
from code2video_nb.model_client import ModelClient, OpenAIBackend
from code2video_nb.plan import Storyboard
from code2video_nb.progress_events import SectionEvent
from code2video_nb.render.renderer import RenderOptions, RenderOutcome, render_file
from code2video_nb.scripted_server import Hold, Latency, Reply, ScriptedServer
from code2video_nb.stream_draw import SectionDrawer
from code2video_nb.workspace import Workspace

LINES = ["A square", "A circle beside it", "A triangle below"]


def shapes(bug: str = "") -> str:
    """A three-block section in the coder's shape; `bug`: a line block 1 runs that fails at runtime."""
    return f'''from manim import *
from code2video_nb.teaching_scene import TeachingScene


class Section1Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("Shapes", {LINES!r}, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        square = Square(side_length=1.2, color=BLUE)
        self.place_at_grid(square, "B2"){bug}
        self.play(FadeIn(square), run_time=0.3)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        circle = Circle(radius=0.6, color=GREEN)
        self.place_at_grid(circle, "B5")
        self.play(FadeIn(circle), run_time=0.3)

        # === Animation for Lecture Line 3 ===
        self.highlight_line(3)
        triangle = Triangle(color=YELLOW)
        self.place_at_grid(triangle, "E3")
        self.play(FadeIn(triangle), run_time=0.3)
'''


# After the code, a model's explanation: the stream runs on for a while after the last block's mark.
AFTERWORD = "\n\nThe scene " + " ".join(["adds one shape a line, each in its own grid cell,"] * 60) + " and ends.\n"
PACE = Latency(0.2, 1.0)  # the whole reply's 3000 tokens in ~3 s, a fast model's pace
HOLD_AT_MOST = 36.0  # seconds the explanation waits for the prefix's pass: a slow model's whole reply


def reply(code: str, until: threading.Event) -> Hold:
    """The code in a fence with prose after it; the prose is held back (after its first words) until
    `until` is set."""
    return Hold(Reply(f"Here is the scene.\n\n```python\n{code}```{AFTERWORD}",
                      usage={"prompt_tokens": 500, "completion_tokens": 3000}),
                after="The scene adds", until=until, seconds=HOLD_AT_MOST)


class Listener:
    """The engine's progress, as a display that follows sections (`SectionListener`): each event and
    line, timed. `two_drawn` is set once blocks 1 and 2 have been shown."""

    def __init__(self):
        self.events: list[tuple[float, SectionEvent]] = []
        self.lines: list[tuple[float, str]] = []
        self.two_drawn = threading.Event()

    def __call__(self, stage: str, message: str) -> None:
        self.lines.append((time.monotonic(), message))

    def on_section(self, event: SectionEvent) -> None:
        self.events.append((time.monotonic(), event))
        if event.state == "drawn" and len(event.keyframes) >= 2:
            self.two_drawn.set()


class Watched:
    """`render_file`, with each run's kind, end and outcome noted. `prefix_checked` is set once a
    prefix's pass has ended."""

    def __init__(self):
        self.runs: list[tuple[str, float, RenderOutcome]] = []
        self.prefix_checked = threading.Event()

    def __call__(self, path: Path, options: RenderOptions) -> RenderOutcome:
        outcome = render_file(path, options)
        kind = "prefix" if options.dry_run_only and options.on_keyframes else \
            "check" if options.dry_run_only else "render"
        self.runs.append((kind, time.monotonic(), outcome))
        if kind == "prefix":
            self.prefix_checked.set()
        return outcome


def build(tmp_path: Path, code: str, hold: Callable[[Listener, Watched], threading.Event]):
    """One section planned, its code streamed from the scripted server and built; the explanation
    after the code waits for `hold(listener, renderer)`."""
    ws = Workspace.create(tmp_path, "shapes", "Shapes")
    ws.set_storyboard(Storyboard.from_dict({"sections": [
        {"id": "1", "title": "Shapes", "lecture_lines": LINES, "animations": ["square", "circle", "triangle"]}]}))
    listener, renderer = Listener(), Watched()
    with ScriptedServer(latency=PACE) as server:
        server.script("code:1", reply(code, hold(listener, renderer)))
        settings = Settings.from_env(base_url=server.base_url, cache_dir=None, workers=2, narrate=False,
                                     critic_rounds=0, request_timeout=60.0)
        client = ModelClient(OpenAIBackend(settings, api_key="sk-test"), model=settings.model)
        engine = Engine(settings, client, listener, renderer=renderer)
        results = engine.write_and_build(ws).results
        (request,) = [r for r in server.requests if r.stage == "code:1"]
    assert request.stream and request.ended is not None
    return ws, results[0], listener, renderer, request.ended


def test_complete_blocks_are_drawn_while_the_code_is_still_streaming(tmp_path):
    # Held until blocks 1 and 2 are shown: no pass is left running for the code's end to stop.
    ws, result, listener, renderer, ended = build(tmp_path, shapes(), lambda listener, _r: listener.two_drawn)
    assert result.ok, result.error
    drawn = [(t, e) for t, e in listener.events if e.state == "drawn"]
    early = [(t, e) for t, e in drawn if t < ended]
    assert early, [(round(ended - t, 1), e.keyframes) for t, e in drawn]  # a picture before the reply ended
    for _t, event in early:  # only complete blocks: block 3 ends with the code
        assert [p.name for p in event.keyframes] in (["1.png"], ["1.png", "2.png"])
        assert all(p.parent == ws.keyframes_dir("1") and p.is_file() for p in event.keyframes)
    assert early[0][1].keyframes[0] == ws.keyframes_dir("1") / "1.png"
    prefixes = [r for r in renderer.runs if r[0] == "prefix"]
    assert 1 <= len(prefixes) <= 2 and all(o.ok for _k, _t, o in prefixes)  # never more passes than blocks
    # The build drew all three, after the reply ended; the folder holds its pictures, not a prefix's.
    assert [p.name for p in drawn[-1][1].keyframes] == ["1.png", "2.png", "3.png"] and drawn[-1][0] > ended
    assert sorted(p.name for p in ws.keyframes_dir("1").glob("*.png")) == ["1.png", "2.png", "3.png"]
    assert [k for k, _t, _o in renderer.runs if k != "prefix"] == ["render"]  # the build as today: one render


def test_a_failing_prefix_says_nothing_until_the_code_is_complete_then_fails_as_today(tmp_path):
    code = shapes(bug="\n        shape = [square][1]")
    bug_line = code.splitlines().index("        shape = [square][1]") + 1
    ws, result, listener, renderer, ended = build(tmp_path, code, lambda _l, renderer: renderer.prefix_checked)
    (prefix,) = [(t, o) for k, t, o in renderer.runs if k == "prefix"]  # one pass: after it failed, none
    assert not prefix[1].ok and "IndexError" in prefix[1].error and prefix[0] < ended  # failed while streaming
    before = [e for t, e in listener.events if t < ended]
    assert not [e for e in before if e.state in ("failed", "fixing", "drawn")], before
    assert not any("first picture" in m or "IndexError" in m for t, m in listener.lines if t < ended)
    # Then, with the whole code: reported as today, with the section file's own line.
    assert not result.ok and "IndexError" in result.error
    assert result.line == bug_line + len(ws.read_code("1").splitlines()) - len(code.splitlines())
    failed = [e for t, e in listener.events if e.state == "failed"]
    assert failed and failed[-1].line == result.line
    assert ws.section_state("1").error is not None and ws.section_state("1").error.line == result.line
    assert not list(ws.keyframes_dir("1").glob("*.png"))  # no picture of code that failed


def test_one_pass_at_a_time_always_on_the_latest_complete_prefix():
    """Prefixes that arrive while a pass runs wait, and only the newest of them is checked."""
    release, started = threading.Event(), []

    def check(code: str, stop):
        started.append(code.count("# === Animation"))
        release.wait(10)
        return []

    drawer = SectionDrawer(check, lambda paths: None, threading.Semaphore(1))
    text = "```python\n" + shapes() + "        # === Animation for Lecture Line 4 ===\n"
    marks = [n for n in range(len(text)) if text.startswith("        # === Animation", n)]
    for mark in marks[1:]:  # each mark line whole: blocks 1, 2 and 3 complete in turn
        drawer.feed(text[: text.index("\n", mark) + 1])
        time.sleep(0.2)
    release.set()
    time.sleep(0.5)
    drawer.close()
    drawer.join(5)
    assert started == [1, 3]  # block 1's pass, then the latest (block 3), never block 2's
    assert drawer.passes == 2


def test_the_progress_display_holds_each_sections_pictures_as_they_come(tmp_path):
    from PIL import Image

    from code2video_nb.notebook.progress import ProgressView

    folder = tmp_path / "keyframes" / "2"
    folder.mkdir(parents=True)
    pngs = []
    for k, colour in enumerate(["red", "green"], 1):
        Image.new("RGB", (854, 480), colour).save(folder / f"{k}.png")
        pngs.append(folder / f"{k}.png")
    view = ProgressView("code2video: Shapes")
    view.on_section(SectionEvent("2", "writing"))
    view.on_section(SectionEvent("2", "drawn", keyframes=(pngs[0],), detail="block 1 drawn"))
    assert "2: writing its code · block 1 drawn" in view._text()  # still writing: the pictures do not change that
    assert view._html().count("<img") == 1 and 'title="block 1"' in view._html()
    view.on_section(SectionEvent("2", "drawn", keyframes=tuple(pngs), detail="blocks 1–2 drawn"))
    assert "2: writing its code · blocks 1–2 drawn" in view._text()
    assert f"pictures: 1.png, 2.png in {folder}" in view._text()
    view.on_section(SectionEvent("2", "done", seconds=3.0))
    view.done("1 section rendered")
    assert view._html().count("<img") == 2  # the closed display keeps them


def test_the_cli_says_once_where_the_first_picture_is(tmp_path):
    """A plain progress callback (the CLI's) gets one line for the run's first picture, none after."""
    from PIL import Image

    from code2video_nb.section_build import LazyModel, SectionBuilder

    ws = Workspace.create(tmp_path, "shapes", "Shapes")
    drawn = tmp_path / "drawn"
    drawn.mkdir()
    for k in (1, 2):
        Image.new("RGB", (64, 36), "blue").save(drawn / f"{k}.png")
    lines = []
    builder = SectionBuilder(Settings.from_env(narrate=False), LazyModel(None),
                             lambda stage, message: lines.append((stage, message)))
    builder.show_drawn(ws, "1", [drawn / "1.png"])
    builder.show_drawn(ws, "1", [drawn / "1.png", drawn / "2.png"])
    builder.show_drawn(ws, "2", [drawn / "1.png"])
    assert lines == [("draw", f"first picture ready: {ws.keyframes_dir('1') / '1.png'}")]
    assert (ws.keyframes_dir("1") / "2.png").is_file()


def test_a_pass_no_longer_wanted_is_killed_at_once(tmp_path):
    """A prefix's pass still running when the code is complete is stopped: the build needs the CPU."""
    scene = tmp_path / "spin.py"
    scene.write_text("from manim import *\n\nclass Spin(Scene):\n    def construct(self):\n"
                     "        n = 0\n        while True:\n            n += 1\n", encoding="utf-8")
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    started = time.monotonic()
    outcome = render_file(scene, RenderOptions(tmp_path / "media", 120, dry_run_only=True,
                                               on_keyframes=lambda paths: None, stop=stop))
    assert not outcome.ok and outcome.error_type == "Stopped" and not outcome.timed_out
    assert time.monotonic() - started < 30  # not the 120 s time limit
