"""Plans read while they stream: titles as the outline arrives, code requests started from storyboard
entries before the storyboard ends, honest when the final storyboard differs, and stopped by an interrupt.
All against the scripted server through the real `openai` client; nothing renders."""

from __future__ import annotations

import json
import signal
import threading
import time
from importlib import resources
from pathlib import Path

import pytest
from conftest import make_client

from code2video_nb import coder, planner
from code2video_nb.engine import generate
from code2video_nb.plan import Storyboard
from code2video_nb.plan_stream import section_titles
from code2video_nb.progress_events import SectionEvent
from code2video_nb.replies import ItemReader, complete_items
from code2video_nb.scripted_server import Reply, ScriptedServer
from code2video_nb.workspace import Workspace

FOUR = json.loads((Path(__file__).parent / "data" / "four_sections.json").read_text(encoding="utf-8"))
DEMO = json.loads(resources.files("code2video_nb").joinpath("demo", "eigenvectors.json").read_text())


def reply(cassette: dict, stage: str) -> str:
    return next(i["reply"] for i in cassette["interactions"] if i["stage"] == stage)


def script(server, cassette: dict, *, usage: bool = True) -> None:
    """The cassette's plan and code replies; without `usage`, the server counts the tokens of what was
    really asked (the words of the messages), so two runs' totals compare what they sent."""
    for item in cassette["interactions"]:
        if item["stage"] != "fix:2":  # no render here, so no fix
            server.script(item["stage"], Reply(item["reply"], item.get("usage") if usage else None))


class Events:
    """A progress listener keeping every line and section event, with when it came."""

    def __init__(self):
        self.started, self.lines, self.events = time.monotonic(), [], []

    def __call__(self, stage: str, message: str) -> None:
        self.lines.append((time.monotonic(), stage, message))

    def on_section(self, event: SectionEvent) -> None:
        self.events.append((time.monotonic(), event))


def run(server, tmp_path, cassette=FOUR, progress=None, client=None):
    lecture, client = cassette["lecture"], client or make_client(server, tmp_path)
    return generate(lecture["topic"], out=tmp_path / "out", settings=client.backend.settings, client=client,
                    audience=lecture["audience"], sections=lecture["sections"], render=False, progress=progress)


def test_complete_items_reads_only_closed_entries_of_a_growing_reply():
    text = reply(FOUR, "storyboard")
    reader, counts = ItemReader(), []
    for end in range(0, len(text) + 1, 40):
        items = reader.read(text[:end])
        assert items == complete_items(text[:end])  # incremental reading gives what a whole read gives
        counts.append(len(items))
    assert counts == sorted(counts) and counts[-1] == 4 and counts[len(counts) // 2] in (1, 2, 3)
    assert [i["id"] for i in reader.read(text)] == ["1", "2", "3", "4"]
    assert reader.read('{"sections": [{"id": "9"}, {"id": "1') == [{"id": "9"}]  # a reply asked again: from its start


def test_the_outline_titles_show_while_the_outline_is_written(server, tmp_path):
    server.set_latency(0.0, 12.0)  # the outline's 261 tokens take about 3 s
    server.script("outline", Reply(reply(FOUR, "outline"), FOUR["interactions"][0]["usage"]))
    events = Events()
    outline = planner.make_outline(make_client(server, tmp_path), FOUR["lecture"]["topic"], sections=4,
                                   on_text=section_titles(events))
    planned = [(at, e) for at, e in events.events if e.state == "planned"]
    assert [(e.section, e.detail) for _at, e in planned] == [(s.id, s.title) for s in outline.sections]
    ended = server.requests[0].ended
    assert ended is not None and planned[0][0] < ended - 1.0  # the first title long before the reply ended
    lines = []
    section_titles(lambda stage, message: lines.append((stage, message)))(reply(FOUR, "outline"))
    assert lines[0] == ("plan", "section 1: What is an eigenvector?")  # the CLI's line


def test_each_code_request_starts_once_its_storyboard_entry_is_written_and_costs_no_more(server, tmp_path):
    server.set_latency(0.1, 6.0)  # the storyboard's 753 tokens take about 4.6 s
    script(server, FOUR)
    events = Events()
    result = run(server, tmp_path, progress=events)
    asked = {r.stage: r for r in server.requests}
    board = asked["storyboard"]
    assert board.ended is not None and asked["code:1"].at < board.ended - 1.0  # well before the storyboard ended
    assert asked["code:2"].at < board.ended  # and the second too
    assert sorted(server.stages()) == ["code:1", "code:2", "code:3", "code:4", "outline", "storyboard"]  # once each
    ws = Workspace(result.workspace.dir)
    assert all(ws.read_code(s.id) for s in ws.planned().sections)
    writing = [at for at, e in events.events if e.state == "writing" and e.section == "1"]
    assert writing[0] < board.ended  # the notebook's row says so while the storyboard is still written


@pytest.mark.parametrize("cassette", [DEMO, FOUR], ids=["demo", "four sections"])
def test_streaming_the_plan_asks_for_no_more_tokens_than_a_plan_then_code_run(server, tmp_path, cassette):
    script(server, cassette, usage=False)
    streamed = make_client(server, tmp_path / "streamed")
    run(server, tmp_path / "streamed", cassette, client=streamed)

    script(server, cassette, usage=False)
    staged, lecture = make_client(server, tmp_path / "staged"), cassette["lecture"]
    outline = planner.make_outline(staged, lecture["topic"], audience=lecture["audience"],
                                   sections=lecture["sections"])
    board = planner.make_storyboard(staged, outline)
    coder.write_all(staged, board.sections, lecture["topic"])  # stage after stage, as before streaming
    half = len(server.requests) // 2
    asked = [sorted(json.dumps(r.messages) for r in part) for part in (server.requests[:half], server.requests[half:])]
    assert asked[0] == asked[1]  # the same requests, word for word
    assert streamed.total().tokens == staged.total().tokens > 0


def test_a_storyboard_asked_again_keeps_only_code_for_the_entries_it_kept(server, tmp_path):
    final = json.loads(reply(FOUR, "storyboard").strip().strip("`").removeprefix("json"))
    changed = json.loads(json.dumps(final))
    changed["sections"][0]["lecture_lines"][0] = "A first draft of the opening line"
    changed["sections"] = changed["sections"][:3]  # three sections: refused, re-asked
    server.script("outline", reply(FOUR, "outline")).script("storyboard", json.dumps(changed), json.dumps(final))
    stale = "from manim import *\n\nclass Section1Scene(Scene):\n    def construct(self):\n        pass  # stale\n"
    server.script_by_text("code:1", "A first draft of the opening line", stale)
    for section in "1234":
        server.script(f"code:{section}", reply(FOUR, f"code:{section}"))
    result = run(server, tmp_path)
    ws = Workspace(result.workspace.dir)
    assert "class Section1Scene" in ws.read_code("1") and "stale" not in ws.read_code("1")
    code_asks = [r for r in server.requests if r.stage.startswith("code")]
    # Sections 2 and 3 were the same in both replies: asked once, from the first reply's entries.
    assert sorted(r.stage for r in code_asks if r.stage != "code:1") == ["code:2", "code:3", "code:4"]
    drafts = [r for r in code_asks if r.stage == "code:1" and "A first draft" in json.dumps(r.messages)]
    assert len(drafts) == 1  # started from the first reply's entry 1, which the final reply changed
    assert len([r for r in code_asks if r.stage == "code:1"]) == 2  # so the final entry's was asked too


def test_an_interrupt_while_the_storyboard_streams_hangs_up_its_code_requests_and_a_rerun_resumes(server, tmp_path):
    assert threading.current_thread() is threading.main_thread()
    server.set_latency(0.0, 20.0)  # the storyboard takes 15 s, each code reply 7 to 10 s
    script(server, FOUR)

    def interrupt_once_code_is_asked():
        while not server.count("code:1"):
            time.sleep(0.02)
        time.sleep(0.3)  # code 1's first words are streaming
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    threading.Thread(target=interrupt_once_code_is_asked, daemon=True).start()
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run(server, tmp_path)
    assert time.monotonic() - started < 12  # not the storyboard's 15 s, nor any code reply's
    time.sleep(0.5)  # the server notices the hang-ups at its next chunk
    asked = {r.stage: r for r in server.requests}
    assert asked["storyboard"].ended is None and asked["code:1"].ended is None  # both hung up
    ws = Workspace(tmp_path / "out" / next(p.name for p in (tmp_path / "out").iterdir()))
    assert ws.outline is not None and ws.storyboard is None  # the outline, whole, is kept

    with ScriptedServer() as again:  # the rerun, with the same reply cache
        script(again, FOUR)
        result = run(again, tmp_path)
        assert again.count("outline") == 0  # the outline, whole before Ctrl-C, comes from the cache
        assert again.count("storyboard") == 1 and again.count("code:1") == 1
    assert all(Workspace(result.workspace.dir).read_code(s) for s in "1234")


def test_each_code_reply_is_handed_on_as_it_streams(server, tmp_path):
    script(server, FOUR)
    board = json.loads(reply(FOUR, "storyboard").strip().strip("`").removeprefix("json"))
    sections = Storyboard.from_dict(board).sections[:2]
    seen: dict[str, list[str]] = {"1": [], "2": []}
    written = coder.write_all(make_client(server, tmp_path), sections, FOUR["lecture"]["topic"],
                              on_reply=lambda section, text: seen[section.id].append(text))
    for section_id, texts in seen.items():
        assert len(texts) >= 3 and texts[-1] == reply(FOUR, f"code:{section_id}")  # growing, then whole
        assert all(b.startswith(a) for a, b in zip(texts, texts[1:]))
        assert f"class Section{section_id}Scene" in written[section_id]
