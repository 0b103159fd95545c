"""Bad replies never stick: each one is refused with a message that says what was wrong, and
re-running the same command against a model that now answers well really asks it again.
Also: the client factory runs once under concurrency, Ctrl-C does not wait for code requests
in flight, and commands that render nothing start no render server.

Everything goes through the real openai client over HTTP to the scripted server."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import threading
import time

import pytest

from code2video_nb import coder
from code2video_nb.cassette import ReplyCache, request_key
from code2video_nb.cli import main
from code2video_nb.config import Settings
from code2video_nb.engine import Engine
from code2video_nb.errors import ReplyFormatError
from code2video_nb.plan import Outline, StoryboardSection, slugify
from code2video_nb.planner import make_outline, make_storyboard
from code2video_nb.replies import extract_code, parse_json
from code2video_nb.scripted_server import Delay, Reply

from conftest import demo_cassette, make_client

CASSETTE = demo_cassette()
TOPIC = CASSETTE["lecture"]["topic"]
ARGS = ["--sections", "3", "--audience", CASSETTE["lecture"]["audience"], "--no-render"]
HELLO = [{"role": "user", "content": "an outline please"}]
PROSE = "Happy to help! An outline for this topic would start with the basics and then build up."


def recorded(stage: str) -> str:
    return next(i["reply"] for i in CASSETTE["interactions"] if i["stage"] == stage)


def storyboard_with(ids: list[str]) -> str:
    sections = [{"id": i, "title": f"Part {i}", "lecture_lines": ["A short line"], "animations": ["a dot"]}
                for i in ids]
    return json.dumps({"sections": sections})


@pytest.fixture
def lecture(tmp_path):
    return tmp_path / "lectures" / slugify(TOPIC)


@pytest.fixture
def generate(lecture, capsys):
    """`code2video generate` as a user types it (same reply cache every time); (exit code, stderr)."""
    def run() -> tuple[int, str]:
        code = main(["generate", TOPIC, "--out", str(lecture.parent), *ARGS])
        return code, capsys.readouterr().err
    return run


def script_code(server) -> None:
    for section in ("1", "2", "3"):
        server.script(f"code:{section}", recorded(f"code:{section}"))


# ------------------------------------------------------------ rejected replies are not cached

def test_a_rejected_outline_is_asked_again_on_rerun(live_env, lecture, generate):
    live_env.script("outline", PROSE, PROSE, PROSE)
    code, err = generate()
    assert code == 1 and "[outline]" in err and "holds no JSON object" in err

    # The model answers well now: the same command, with the same reply cache, asks it again.
    live_env.script("outline", recorded("outline")).script("storyboard", recorded("storyboard"))
    script_code(live_env)
    code, err = generate()
    assert code == 0, err
    outline_requests = [r for r in live_env.requests if r.stage == "outline"]
    assert len(outline_requests) == 4  # three rejected, then the rerun's own request
    assert outline_requests[3].messages == outline_requests[0].messages  # the very request, not a re-ask
    assert sorted(p.name for p in (lecture / "sections").glob("*.py")) == ["1.py", "2.py", "3.py"]


def test_a_rejected_reply_is_dropped_from_the_cache(server, tmp_path):
    server.script("outline", "no json here", '{"topic": "t"}')
    client = make_client(server, tmp_path)
    assert client.ask_json(HELLO, stage="outline") == {"topic": "t"}
    cache = ReplyCache(tmp_path / "cache")
    assert cache.get(request_key(client.model, HELLO)) is None  # the rejected first reply
    reask = server.requests[1].messages
    assert cache.get(request_key(client.model, reask))["reply"] == '{"topic": "t"}'  # the accepted one stays


def test_a_rejected_reply_cached_by_an_older_version_is_asked_again_not_re_asked(server, tmp_path):
    client = make_client(server, tmp_path)
    ReplyCache(tmp_path / "cache").put(request_key(client.model, HELLO),
                                       {"reply": PROSE, "usage": {}, "stage": "outline", "model": client.model})
    server.script("outline", '{"topic": "t"}')
    assert client.ask_json(HELLO, stage="outline") == {"topic": "t"}
    assert [r.messages for r in server.requests] == [HELLO]  # asked afresh, no re-ask about the stale reply


# ------------------------------------------------------------ storyboard against its outline

def test_a_storyboard_with_the_wrong_sections_is_re_asked_precisely(server, tmp_path):
    server.script("storyboard", storyboard_with([]), storyboard_with([str(i) for i in range(1, 61)]),
                  storyboard_with(["1", "2", "3"]))
    outline = Outline.from_dict(parse_json(recorded("outline")))
    board = make_storyboard(make_client(server, tmp_path), outline)
    assert [s.id for s in board.sections] == ["1", "2", "3"]
    first, second = (r.messages[-1]["content"] for r in server.requests[1:])
    assert "the storyboard has 0 sections but the outline has 3" in first
    assert "the storyboard has 60 sections but the outline has 3" in second
    assert "exactly 3 sections with the outline's ids in order (1, 2, 3)" in second


def test_storyboard_ids_must_be_the_outlines_in_order(server, tmp_path):
    server.script("storyboard", storyboard_with(["3", "2", "1"]), storyboard_with(["1", "2", "3"]))
    outline = Outline.from_dict(parse_json(recorded("outline")))
    make_storyboard(make_client(server, tmp_path), outline)
    assert "section ids are 3, 2, 1 but the outline's are 1, 2, 3" in server.requests[-1].messages[-1]["content"]


def test_a_persistent_mismatch_fails_clearly_writes_nothing_and_a_rerun_recovers(live_env, lecture, generate):
    sixty = storyboard_with([str(i) for i in range(1, 61)])
    live_env.script("outline", recorded("outline")).script("storyboard", sixty, sixty, sixty)
    code, err = generate()
    assert code == 1 and "the storyboard has 60 sections but the outline has 3" in err
    assert not list(lecture.glob("sections/*.py"))
    # No 60 code requests paid for: at most the outline's three, started while the storyboard streamed and
    # hung up once it went past the outline.
    assert {r.stage for r in live_env.requests if r.stage.startswith("code")} <= {"code:1", "code:2", "code:3"}

    live_env.script("storyboard", recorded("storyboard"))
    script_code(live_env)
    before = live_env.count("storyboard")
    code, err = generate()
    assert code == 0, err
    assert live_env.count("storyboard") == before + 1  # asked again, not answered from the cache
    assert sorted(p.name for p in (lecture / "sections").glob("*.py")) == ["1.py", "2.py", "3.py"]


# ------------------------------------------------------------ replies cut off mid-JSON

CUT = '{"topic": "Fourier series", "sections": [{"id": "1", "title": "Sines"}, {"id": "2", "ti'


def test_a_reply_cut_off_mid_json_is_reported_as_cut_off_not_as_missing_keys(server, tmp_path):
    server.script("outline", CUT, CUT, CUT)
    with pytest.raises(ReplyFormatError) as info:
        make_outline(make_client(server, tmp_path), "Fourier series", sections=2)
    message = str(info.value)
    assert f"cut off mid-JSON at character {len(CUT)}" in message and "lacks" not in message
    assert "cut off" in server.requests[1].messages[-1]["content"]  # the model is told, and asked for less


def test_finish_reason_length_is_reported_as_the_output_limit_and_a_rerun_recovers(server, tmp_path):
    # Cut off where the text happens to close: without finish_reason it would look complete but wrong.
    short = '{"topic": "Fourier series", "sections": [{"id": "1", "title": "Sines"}]}'
    server.script("outline", *[Reply(short, finish_reason="length")] * 3)
    with pytest.raises(ReplyFormatError, match="cut off at the model's output limit.*exactly 2 were asked for"):
        make_outline(make_client(server, tmp_path), "Fourier series", sections=2)

    whole = '{"topic": "Fourier series", "sections": [{"id": "1", "title": "Sines"}, {"id": "2", "title": "Sums"}]}'
    server.script("outline", whole)
    outline = make_outline(make_client(server, tmp_path), "Fourier series", sections=2)
    assert [s.id for s in outline.sections] == ["1", "2"] and server.count("outline") == 4


def test_code_cut_off_at_the_output_limit_is_not_used(server, tmp_path):
    code = recorded("code:1")
    server.script("code:1", Reply(code[: len(code) // 2], finish_reason="length"), code)
    section = StoryboardSection("1", "Vectors", ["A line"], ["an arrow"])
    written = coder.write_section_code(make_client(server, tmp_path), section, TOPIC)
    assert written == coder.with_header(section, extract_code(code))  # the whole file, not the half
    assert "cut off at the model's output limit" in server.requests[-1].messages[-1]["content"]


# ------------------------------------------------------------ code replies without code

def test_a_prose_code_reply_is_an_error_not_a_section_file_and_a_rerun_recovers(live_env, lecture, generate):
    refusal = "I'm sorry, but I can't write animation code for this section."
    live_env.script("outline", recorded("outline")).script("storyboard", recorded("storyboard"))
    live_env.script("code:1", refusal, refusal, refusal)
    live_env.script("code:2", recorded("code:2")).script("code:3", recorded("code:3"))
    code, err = generate()
    assert code == 1 and "[code:1]" in err and "holds no Python code, only prose" in err
    assert not (lecture / "sections" / "1.py").exists()  # never written as if it were code
    assert (lecture / "sections" / "2.py").exists() and (lecture / "sections" / "3.py").exists()
    reask = [r for r in live_env.requests if r.stage == "code:1"][1].messages[-1]["content"]
    assert "holds no Python code" in reask and "```python" in reask

    live_env.script("code:1", recorded("code:1"))
    code, err = generate()
    assert code == 0, err
    assert live_env.count("code:1") == 4  # the rerun asked the model again
    assert "class Section1Scene" in (lecture / "sections" / "1.py").read_text()


def test_a_json_error_blob_as_code_is_named_and_re_asked(server, tmp_path):
    blob = '{"error": {"message": "upstream model overloaded", "type": "server_error"}}'
    server.script("code:1", blob, recorded("code:1"))
    section = StoryboardSection("1", "Vectors", ["A line"], ["an arrow"])
    written = coder.write_section_code(make_client(server, tmp_path), section, TOPIC)
    assert "upstream model overloaded" not in written and "def construct" in written
    assert "is a JSON object, not Python code" in server.requests[-1].messages[-1]["content"]


def test_a_prose_fix_reply_is_a_failed_attempt_never_spliced_in(server, tmp_path):
    from code2video_nb.autofix import refine
    from code2video_nb.render.renderer import render_file

    broken = extract_code(recorded("code:1")).replace("self.play(", "self.plya(", 1)
    checked = []

    def check(candidate: str):
        checked.append(candidate)
        path = tmp_path / "candidate.py"
        path.write_text(candidate)
        return render_file(path, media_dir=tmp_path / "media", timeout=120, dry_run_only=True)

    failure = check(broken)
    assert not failure.ok
    server.script("fix:1", "I cannot see anything wrong with it.")
    section = StoryboardSection("1", "Vectors", ["A line"], ["an arrow"])
    report = refine(broken, failure, section=section, topic=TOPIC, client=make_client(server, tmp_path),
                    check=check, limits=(1, 0, 0))
    assert not report.ok and report.code == broken
    assert report.attempts[0].result.startswith("NoCode: the reply holds no Python code")
    assert len(checked) == 1  # the prose was never checked (or written) as a candidate


# ------------------------------------------------------------ smaller faults

def test_the_client_factory_runs_once_when_renders_ask_at_once(server, tmp_path):
    calls = []

    def factory():
        calls.append(1)
        time.sleep(0.2)  # the window in which a second thread used to call it too
        return make_client(server, tmp_path)

    engine = Engine(Settings.from_env(), factory)
    start, seen = threading.Barrier(8), []

    def use():
        start.wait()
        seen.append(engine.client)

    threads = [threading.Thread(target=use) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len({id(c) for c in seen}) == 1 and engine.used_client is seen[0]


def _interrupt_main_thread_when(ready, at_most: float = 60.0) -> list[float]:
    """A real SIGINT, aimed at the main thread (where Ctrl-C lands, so a blocking wait is woken), once
    `ready()` (or after `at_most` seconds); the list gets the time it was sent."""
    sent: list[float] = []

    def wait_then_interrupt():
        deadline = time.monotonic() + at_most
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.02)
        sent.append(time.monotonic())
        signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)

    threading.Thread(target=wait_then_interrupt, daemon=True).start()
    return sent


def test_ctrl_c_while_code_is_written_returns_at_once_keeping_what_arrived(live_env, lecture, generate):
    live_env.script("outline", recorded("outline")).script("storyboard", recorded("storyboard"))
    live_env.script("code:1", recorded("code:1")).script("code:3", recorded("code:3"))
    live_env.script("code:2", Delay(10, recorded("code:2")))  # a slow request, in flight at Ctrl-C
    assert threading.current_thread() is threading.main_thread()
    sections = lecture / "sections"
    # Ctrl-C once the two quick replies are written (whatever the machine's load), code 2 still in flight.
    sent = _interrupt_main_thread_when(lambda: (sections / "1.py").exists() and (sections / "3.py").exists())
    code, err = generate()
    elapsed = time.monotonic() - sent[0]
    assert code == 130 and "interrupted" in err
    assert elapsed < 3, f"waited {elapsed:.1f} s for a request in flight"
    assert (sections / "1.py").exists() and (sections / "3.py").exists()  # arrived before Ctrl-C: kept
    assert not (sections / "2.py").exists()


def test_commands_that_render_nothing_start_no_render_server(tmp_path):
    """In a fresh interpreter (the test process may run one already): %c2v status, usage, config and
    notebook start no forkserver; warming up for a render does (so the check can see one)."""
    script = textwrap.dedent('''
        import json, os
        from pathlib import Path
        from IPython.core.interactiveshell import InteractiveShell
        from code2video_nb.plan import Storyboard
        from code2video_nb.workspace import Workspace

        def forkservers():
            found = []
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
                    cmdline = (stat.parent / "cmdline").read_bytes().decode(errors="replace")
                except (OSError, IndexError, ValueError):
                    continue
                if ppid == os.getpid() and "forkserver" in cmdline:
                    found.append(cmdline)
            return found

        ws = Workspace.create(Path("code2video"), "lecture", "A topic")
        ws.set_storyboard(Storyboard.from_dict({"sections": [
            {"id": "1", "title": "One", "lecture_lines": ["A line"], "animations": ["a dot"]}]}))
        ws.write_code("1", "from manim import *\\n", "test")
        shell = InteractiveShell.instance()
        shell.run_line_magic("load_ext", "code2video_nb")
        for command in ("status lecture", "usage lecture", "config", "notebook out.ipynb lecture"):
            shell.run_line_magic("c2v", command)
        before = forkservers()
        from code2video_nb.engine import Engine
        from code2video_nb.config import Settings
        Engine(Settings.from_env(), None).warm_up()
        print(json.dumps({"before": before, "after": forkservers()}))
    ''')
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["before"] == [] and len(seen["after"]) == 1
