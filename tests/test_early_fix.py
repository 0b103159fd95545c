"""A failing block's fix asked while the rest of the section is still being written (issue 24,
`early_fix.py`): the build takes that reply instead of asking again, and says nothing about the
failure before the code is complete.

The real `openai` client streams from the scripted server; the real check pass and render run on
one small section (`Engine.write_and_build`, critic and narration off). The code reply is held after
its second block until the fix is asked (`Hold`), so the test waits on nothing but the check pass,
whatever the machine's load."""

from __future__ import annotations

import threading
import time

from code2video_nb.config import Settings
from code2video_nb.early_fix import Asked, EarlyFix, worth_asking
from code2video_nb.engine import Engine
from code2video_nb.model_client import ModelClient, ModelReply, OpenAIBackend
from code2video_nb.plan import Storyboard
from code2video_nb.render.renderer import RenderOutcome
from code2video_nb.scopes import scope_for_line
from code2video_nb.scripted_server import Computed, Hold, Latency, Reply, ScriptedServer
from code2video_nb.workspace import Workspace

LINES = ["A square", "A circle beside it"]
BUG = "        square.set_color(colour=BLUE)\n"
CODE = f'''from manim import *
from code2video_nb.teaching_scene import TeachingScene


class Section1Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("Shapes", {LINES!r}, animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        square = Square(side_length=1.2)
{BUG}        self.place_at_grid(square, "B2")
        self.play(FadeIn(square), run_time=0.3)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        circle = Circle(radius=0.6, color=GREEN)
        self.place_at_grid(circle, "B5")
        self.play(FadeIn(circle), run_time=0.3)
'''
FIXED_BLOCK = '''```python
        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        square = Square(side_length=1.2, color=BLUE)
        self.place_at_grid(square, "B2")
        self.play(FadeIn(square), run_time=0.3)
```'''


class Listener:
    def __init__(self):
        self.events, self.lines = [], []

    def __call__(self, stage, message):
        self.lines.append((time.monotonic(), message))

    def on_section(self, event):
        self.events.append((time.monotonic(), event))


def test_the_failing_blocks_fix_is_asked_while_the_code_is_written_and_taken_by_the_build(tmp_path):
    ws = Workspace.create(tmp_path, "shapes", "Shapes")
    ws.set_storyboard(Storyboard.from_dict({"sections": [
        {"id": "1", "title": "Shapes", "lecture_lines": LINES, "animations": ["square", "circle"]}]}))
    fix_asked, listener = threading.Event(), Listener()

    def fix(messages):
        fix_asked.set()
        return FIXED_BLOCK

    with ScriptedServer(latency=Latency(0.1, 1)) as server:
        # Hold once block 2 has begun (block 1 is complete): the rest comes when the fix is asked.
        server.script("code:1", Hold(Reply(f"Here is the scene.\n\n```python\n{CODE}```\n"),
                                     "circle = Circle", fix_asked, seconds=120))
        server.script("fix:1", Computed(fix))
        settings = Settings.from_env(base_url=server.base_url, cache_dir=None, workers=2, narrate=False,
                                     critic_rounds=0, request_timeout=150.0)
        client = ModelClient(OpenAIBackend(settings, api_key="sk-test"), model=settings.model)
        (result,) = Engine(settings, client, listener).write_and_build(ws).results
        code_request, fix_request = server.requests
    assert code_request.stage == "code:1" and fix_request.stage == "fix:1"  # one fix request: no second one
    assert fix_request.at < code_request.ended  # asked while the code was still being written
    assert "set_color(colour=BLUE)" in fix_request.messages[-1]["content"]  # about the failing block
    assert result.ok, result.error
    assert "color=BLUE)" in ws.read_code("1") and "colour" not in ws.read_code("1")
    (attempt,) = ws.section_state("1").fix.attempts  # the early reply was the build's first attempt
    assert attempt.result == "ok" and "colour" in attempt.error and attempt.tokens > 0
    assert client.usage["fix:1"].calls == 1 and attempt.tokens == client.usage["fix:1"].tokens
    # Nothing about the failure before the code was complete; then, as today, the build's repair.
    before = [e.state for t, e in listener.events if t < code_request.ended]
    assert not {"failed", "fixing"} & set(before), before
    assert not any("colour" in m for t, m in listener.lines if t < code_request.ended)
    assert any(e.state == "fixing" and e.line == attempt.line for _t, e in listener.events)


def asked_about(code: str) -> Asked:
    line = code.splitlines().index(BUG.rstrip("\n")) + 1
    outcome = RenderOutcome(False, 1.0, error_type="TypeError", line=line,
                            message="VMobject.set_color() got an unexpected keyword argument 'colour'")
    asked = worth_asking(code, outcome)
    assert asked is not None and asked.scope.kind == "block"
    return asked


def early(asked: Asked, text: str = FIXED_BLOCK) -> EarlyFix:
    fix = EarlyFix(asked, lambda asked: ModelReply(text, "key", tokens=321), lambda code: True, threading.Event())
    fix._thread.join(5)
    return fix


def test_the_early_reply_is_taken_only_when_the_complete_code_fails_the_same_way():
    prefix = CODE[:CODE.index("        # === Animation for Lecture Line 2")].rstrip() + "\n"
    asked = asked_about(prefix)
    whole = asked_about(CODE)
    assert whole.scope == asked.scope

    def take(fix, code=CODE, outcome=whole.outcome):
        return fix.take(code, outcome, scope_for_line(code, outcome.line))

    assert take(fix := early(asked)).text == FIXED_BLOCK and fix.used and fix.spent == 321
    other = RenderOutcome(False, 1.0, error_type="NameError", line=whole.outcome.line, message="name 'x' is not defined")
    assert take(fix := early(asked), outcome=other) is None and fix.used is False and fix.spent == 321
    edited = CODE.replace("side_length=1.2)", "side_length=1.5)")  # the same line fails, in another block text
    assert take(early(asked), code=edited) is None
    program = "```python\n" + CODE.replace("colour", "color") + "```"  # a whole program from the code so far
    assert take(early(asked, program)) is None
    not_asked = EarlyFix(asked, lambda asked: ModelReply("", "key"), lambda code: False, threading.Event())
    assert take(not_asked) is None and not_asked.spent == 0  # the static pass repairs it: nothing asked
    # A failure that says nothing about the block (stopped, out of time) is not worth a request.
    assert worth_asking(prefix, RenderOutcome(False, 1.0, error_type="Stopped", line=whole.outcome.line)) is None
    assert worth_asking(prefix, RenderOutcome(False, 1.0, error_type="TypeError", line=7)) is None  # not in a block
