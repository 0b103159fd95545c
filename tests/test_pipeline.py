"""Pipelined generation: each section is built as soon as its code arrives.

The bundled demo lecture's plan over the real openai client and the scripted server, real
renders of light sections in the coder's shape (one block each, a shape apiece; section 2 carries
the demo's bug, which a fix request repairs): the order of events is the point, and the demo's own
sections cost about eight times as much to render. One section's code reply is held back; the order
of events is read from the schedule the engine records (`LectureResult.schedule`), never from a
timer threshold.
"""

from __future__ import annotations

import json
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import av
import numpy as np
import pytest

from code2video_nb.config import Settings
from code2video_nb.engine import Engine, generate
from code2video_nb.errors import ModelError
from code2video_nb.plan import slugify
from code2video_nb.progress_events import SectionEvent
from code2video_nb.render.renderer import RenderOptions, RenderOutcome
from code2video_nb.scripted_server import Delay, Reply
from code2video_nb.video import probe
from code2video_nb.workspace import Workspace

from conftest import demo_cassette, make_client, three_part_lecture
from test_video import GREEN, make_clip

SECTION = '''Here is the scene for section {n}.

```python
from manim import *
from code2video_nb.teaching_scene import TeachingScene


class Section{n}Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("Part {n}", ["{line}"], animate=False)

{block}        self.wait(0.5)
```
'''
BLOCK = '''        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        shape = {shape}
        self.place_at_grid(shape, "C4")
        self.play(FadeIn(shape), run_time=0.5)
'''
SHAPES = {"1": ("A red square", "Square(side_length=1.5, color=RED, fill_opacity=1)"),
          "2": ("A green circle", "Circle(radius=0.8, fill_opacity=1).set_color(colour=GREEN)"),  # the demo's bug
          "3": ("A blue triangle", "Triangle(color=BLUE, fill_opacity=1).scale(1.2)")}
FIXED = "Circle(radius=0.8, fill_opacity=1, color=GREEN)"


def light(cassette: dict) -> dict:
    """The demo's plan, with a light section for each code reply and the fix of section 2's bug."""
    replies = {f"code:{n}": SECTION.format(n=n, line=line, block=BLOCK.format(shape=shape))
               for n, (line, shape) in SHAPES.items()}
    replies["fix:2"] = f"`set_color` takes `color`, not `colour`:\n\n```python\n{BLOCK.format(shape=FIXED)}```\n"
    return {**cassette, "interactions": [{**i, "reply": replies.get(i["stage"], i["reply"])}
                                         for i in cassette["interactions"]]}


CASSETTE = light(demo_cassette())
META = CASSETTE["lecture"]
HOLD_AT_MOST = 120.0  # seconds a held reply waits if its release never comes (a broken pipeline)


def without(*stages: str) -> dict:
    return {**CASSETTE, "interactions": [i for i in CASSETTE["interactions"] if i["stage"] not in stages]}


def held(stage: str, until: threading.Event) -> Delay:
    """The cassette's reply for `stage`, answered once `until` is set."""
    item = next(i for i in CASSETTE["interactions"] if i["stage"] == stage)
    return Delay(HOLD_AT_MOST, Reply(item["reply"], item.get("usage")), until=until)


class BuildsDone:
    """A progress listener that sets `event` once all of `ids` have finished building (done,
    failed or unchanged: a section's final event)."""

    def __init__(self, ids: set[str]):
        self.waiting, self.event, self.lock = set(ids), threading.Event(), threading.Lock()

    def __call__(self, stage: str, message: str) -> None:
        pass  # the lines that are not a section's state

    def on_section(self, event: SectionEvent) -> None:
        if event.final:
            with self.lock:
                self.waiting.discard(event.section)
                if not self.waiting:
                    self.event.set()


def run(server, tmp_path, progress=None, **settings):
    config = Settings.from_env(base_url=server.base_url, workers=2, critic_rounds=0, **settings)
    client = make_client(server, tmp_path, request_timeout=HOLD_AT_MOST + 60)
    return generate(META["topic"], out=tmp_path / "out", settings=config, client=client,
                    audience=META["audience"], sections=META["sections"], progress=progress)


def recorded(ws: Workspace, section_id: str) -> dict:
    """The section's record as lecture.json holds it."""
    return json.loads(ws.state_path.read_text())["sections"].get(section_id, {})


def frame_at(path, t: float) -> np.ndarray:
    """The first frame shown at or after `t` seconds, in grey levels."""
    with av.open(str(path)) as c:
        for f in c.decode(video=0):
            if f.time is not None and f.time >= t:
                return f.to_ndarray(format="gray").astype(float)
    raise AssertionError(f"no frame at {t:.2f} s in {path}")


def parts_in_order(video, parts) -> list[int]:
    """For each stretch of `video` as long as one of `parts` in turn, which part its middle frame
    looks most like (the join may re-encode, so frames are compared, not packets)."""
    durations, found, offset = [probe(p).duration for p in parts], [], 0.0
    for d in durations:
        middle = frame_at(video, offset + d / 2)
        found.append(int(np.argmin([np.abs(middle - frame_at(p, min(d, e) / 2)).mean()
                                    for p, e in zip(parts, durations)])))
        offset += d
    return found


@pytest.mark.render
def test_sections_render_while_a_slow_code_reply_is_still_coming(server, tmp_path):
    # Section 1's code is held back until sections 2 and 3 have been built (2 through auto-fix);
    # built stage after stage, they could never be, and the reply would come only after HOLD_AT_MOST.
    others = BuildsDone({"2", "3"})
    server.script_cassette(without("code:1")).script("code:1", held("code:1", others.event))
    result = run(server, tmp_path, others)

    times = {t.id: t for t in result.schedule}
    assert times["2"].end < times["1"].code and times["3"].end < times["1"].code
    assert times["1"].start >= times["1"].code  # and section 1 only once its code was there
    assert [(s.id, s.ok) for s in result.sections] == [("1", True), ("2", True), ("3", True)]
    assert result.sections[1].fix_attempts == 1  # the fix request went out while code:1 was pending

    # The overlapped stages are reported as such: their spans add up to more than the run.
    t = result.timings
    assert set(t) == {"plan", "code", "render", "export", "wall"}
    assert t["code"] == pytest.approx(times["1"].code)
    assert t["plan"] + t["code"] + t["render"] + t["export"] > t["wall"]

    # The lecture is joined in storyboard order, not in the order the sections were built.
    previews = [result.workspace.preview_path(i, "preview") for i in ("1", "2", "3")]
    assert probe(result.video).duration == pytest.approx(sum(probe(p).duration for p in previews), abs=0.2)
    assert parts_in_order(result.video, previews) == [0, 1, 2]


@pytest.mark.render
def test_a_failed_code_request_keeps_the_other_builds_and_the_rerun_starts_them_at_once(server, tmp_path):
    server.script_cassette(without("code:2", "fix:2"))  # no reply for section 2's code: a 500
    with pytest.raises(ModelError, match="no scripted reply left for stage 'code:2'"):
        run(server, tmp_path)
    ws = Workspace(tmp_path / "out" / slugify(META["topic"]))
    assert ws.read_code("2") is None
    for sid in ("1", "3"):  # built and recorded while code:2 was failing
        assert recorded(ws, sid).get("render_preview") and ws.preview_path(sid, "preview").is_file()

    # The rerun asks for section 2's code only; 1 and 3 (code in the workspace) start at once.
    built = BuildsDone({"1", "3"})
    server.script("code:2", held("code:2", built.event))
    server.script("fix:2", next(i["reply"] for i in CASSETTE["interactions"] if i["stage"] == "fix:2"))
    result = run(server, tmp_path, built)
    times = {t.id: t for t in result.schedule}
    assert times["1"].code is None and times["3"].code is None
    assert times["1"].end < times["2"].code and times["3"].end < times["2"].code
    assert [(s.id, s.ok, s.cached) for s in result.sections] == [("1", True, True), ("2", True, False),
                                                                 ("3", True, True)]
    assert result.video is not None and result.video.is_file()


@pytest.mark.render
def test_ctrl_c_while_code_is_coming_stops_the_renders_and_records_nothing_half_done(server, tmp_path):
    release = threading.Event()  # section 1's code is never sent while the run lasts
    server.script_cassette(without("code:1")).script("code:1", held("code:1", release))
    interrupted = threading.Event()

    def ctrl_c_once_rendering(stage: str, message: str) -> None:
        # A real SIGINT, as a terminal sends it: the main thread is waiting for section 1's code.
        if stage == "render" and "animation" in message and not interrupted.is_set():
            interrupted.set()
            os.kill(os.getpid(), signal.SIGINT)

    try:
        with pytest.raises(KeyboardInterrupt):
            run(server, tmp_path, ctrl_c_once_rendering)
    finally:
        release.set()
    ws = Workspace(tmp_path / "out" / slugify(META["topic"]))
    assert ws.read_code("2") and ws.read_code("3")  # code that arrived is kept
    for sid in ("2", "3"):  # the builds were killed: no preview and no error recorded for them
        assert not recorded(ws, sid).get("render_preview") and not recorded(ws, sid).get("error")


class _OnSection:
    """A progress listener that hands each section's event to `handle` (the lines go nowhere)."""

    def __init__(self, handle: Callable[[SectionEvent], None]):
        self.handle = handle

    def __call__(self, stage: str, message: str) -> None:
        pass

    def on_section(self, event: SectionEvent) -> None:
        self.handle(event)


class CountingRenderer:
    """A renderer without manim (a one-second clip) that counts the renders running at once. The
    first one waits until every section's build has begun, which a pool bounding whole builds
    would never let happen with one worker."""

    def __init__(self, sections: int):
        self.lock, self.running, self.most = threading.Lock(), 0, 0
        self.started: set[str] = set()
        self.all_begun = threading.Event()
        self.sections = sections
        self.progress = _OnSection(self.rendering)

    def rendering(self, event: SectionEvent) -> None:
        """A build has begun once its section is rendering (its first event of that state)."""
        if event.state != "rendering":
            return
        with self.lock:
            self.started.add(event.section)
            if len(self.started) == self.sections:
                self.all_begun.set()

    def __call__(self, path, options: RenderOptions) -> RenderOutcome:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            self.all_begun.wait(HOLD_AT_MOST)
            Path(options.media_dir).mkdir(parents=True, exist_ok=True)
            video = make_clip(Path(options.media_dir) / "clip.mp4", GREEN, 1.0)
            return RenderOutcome(True, 0.01, video=video, duration=1.0, block_starts=[(1, 0.0)])
        finally:
            with self.lock:
                self.running -= 1


def test_builds_all_begin_but_renders_are_bounded_by_the_workers(tmp_path):
    ws = three_part_lecture(tmp_path)
    renderer = CountingRenderer(3)
    engine = Engine(Settings.from_env(workers=1), None, renderer.progress, renderer=renderer)
    built = engine.write_and_build(ws)
    assert renderer.all_begun.is_set() and renderer.most == 1
    assert [(r.id, r.ok) for r in built.results] == [("1", True), ("2", True), ("3", True)]
    assert all(t.code is None for t in built.times)  # all the code was there: nothing waited for it
