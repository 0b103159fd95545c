"""The scripted server, driven by the real `openai` client over loopback HTTP (no mocks)."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time

import openai
import pytest

from code2video_nb.scripted_server import (
    Cut,
    Delay,
    Garbage,
    Hold,
    Latency,
    Reply,
    ScriptedServer,
    Status,
    parse_latency,
)

MSGS = [{"role": "user", "content": "explain the chain rule please"}]


@pytest.fixture
def srv():
    with ScriptedServer() as server:
        yield server


def client(server: ScriptedServer, **kw) -> openai.OpenAI:
    kw.setdefault("api_key", "test-key")
    return openai.OpenAI(base_url=server.base_url, **kw)


def ask(c: openai.OpenAI, stage: str, model: str = "m", **kw):
    return c.chat.completions.create(model=model, messages=MSGS,
                                     extra_headers={"X-Code2Video-Stage": stage}, **kw)


def test_non_streaming_reply(srv):
    srv.script("outline", "the outline reply")
    r = ask(client(srv), "outline", model="gpt-x")
    assert r.object == "chat.completion" and r.model == "gpt-x"
    assert r.choices[0].message.role == "assistant"
    assert r.choices[0].message.content == "the outline reply"
    assert r.choices[0].finish_reason == "stop"
    assert (r.usage.prompt_tokens, r.usage.completion_tokens, r.usage.total_tokens) == (5, 3, 8)
    rec = srv.requests[0]
    assert (rec.stage, rec.model, rec.messages, rec.stream) == ("outline", "gpt-x", MSGS, False)
    assert rec.headers["x-code2video-stage"] == "outline"
    assert rec.headers["authorization"] == "Bearer test-key"


def test_streaming_reply_with_usage(srv):
    text = "from manim import * and a long enough reply to split"
    srv.script("code", text)
    chunks = list(ask(client(srv), "code", stream=True, stream_options={"include_usage": True}))
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) >= 2
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices) == text
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens == len(text.split())
    assert srv.requests[0].stream is True


def test_streaming_without_usage(srv):
    srv.script("narration", "hello there")
    chunks = list(ask(client(srv), "narration", stream=True))
    assert all(c.usage is None for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == "hello there"


def test_stage_routing_exact_key_beats_bare_stage(srv):
    srv.script("code", "generic code")
    srv.script("code:2", "section two code")
    c = client(srv)
    assert ask(c, "code:2").choices[0].message.content == "section two code"
    assert ask(c, "code:3").choices[0].message.content == "generic code"
    assert srv.stages() == ["code:2", "code:3"]
    assert srv.count("code:2") == 1 and srv.count("code") == 0


def test_fifo_order(srv):
    srv.script("fix", "first", "second")
    srv.script("fix", "third")
    c = client(srv)
    assert [ask(c, "fix").choices[0].message.content for _ in range(3)] == ["first", "second", "third"]


@pytest.mark.parametrize("code", [429, 500])
def test_client_retries_scripted_errors(srv, code):
    srv.script("critic", Status(code, headers={"retry-after-ms": "10"}), "recovered")
    r = ask(client(srv, max_retries=2), "critic")
    assert r.choices[0].message.content == "recovered"
    assert srv.count("critic") == 2


def test_status_error_body_reaches_client(srv):
    srv.script("judge", Status(400, "bad image"))
    with pytest.raises(openai.BadRequestError, match="bad image"):
        ask(client(srv, max_retries=0), "judge")


def test_delay_triggers_client_timeout(srv):
    srv.script("quiz", Delay(2, "too late"))
    with pytest.raises(openai.APITimeoutError):
        ask(client(srv, timeout=0.5, max_retries=0), "quiz")


def test_garbage_json_raises_json_decode_error(srv):
    # openai 3.57 does not wrap this: a 200 with Content-Type application/json and a
    # non-JSON body escapes as the standard library's json.JSONDecodeError (a ValueError).
    srv.script("storyboard", Garbage("<html>upstream proxy error</html>"))
    with pytest.raises(json.JSONDecodeError):
        ask(client(srv, max_retries=0), "storyboard")


def test_unknown_model_is_not_found():
    with ScriptedServer(models={"good-model"}) as srv:
        srv.script("outline", "ok")
        c = client(srv, max_retries=0)
        with pytest.raises(openai.NotFoundError, match="bad-model") as info:
            ask(c, "outline", model="bad-model")
        assert info.value.code == "model_not_found"
        assert ask(c, "outline", model="good-model").choices[0].message.content == "ok"
        assert [m.id for m in c.models.list()] == ["good-model"]


def test_wrong_api_key_is_rejected():
    with ScriptedServer(api_key="right") as srv:
        srv.script("outline", "ok")
        with pytest.raises(openai.AuthenticationError):
            ask(client(srv, api_key="wrong", max_retries=0), "outline")
        assert ask(client(srv, api_key="right"), "outline").choices[0].message.content == "ok"
        assert [r.headers["authorization"] for r in srv.requests] == ["Bearer wrong", "Bearer right"]


def test_exhausted_queue_fails_loudly_without_retrying(srv):
    srv.script("code", "only one")
    c = client(srv, max_retries=2)
    ask(c, "code:4")
    with pytest.raises(openai.InternalServerError, match="no scripted reply left for stage 'code:4'"):
        ask(c, "code:4")
    assert srv.count("code:4") == 2  # the client was told not to retry


def _cassette() -> dict:
    return {"format": "code2video-cassette", "version": 1, "interactions": [
        {"stage": "outline", "model": "m", "reply": "{\"sections\": []}",
         "usage": {"prompt_tokens": 120, "completion_tokens": 30}},
        {"stage": "code:1", "model": "m", "reply": "code one"},
    ]}


def test_cassette_from_dict_and_file(srv, tmp_path):
    path = tmp_path / "run.json"
    path.write_text(json.dumps(_cassette()))
    srv.script_cassette(path)
    c = client(srv)
    r = ask(c, "outline")
    assert r.choices[0].message.content == '{"sections": []}'
    assert (r.usage.prompt_tokens, r.usage.completion_tokens, r.usage.total_tokens) == (120, 30, 150)
    assert ask(c, "code:1").choices[0].message.content == "code one"
    with pytest.raises(ValueError):
        srv.script_cassette({"format": "something-else", "version": 1, "interactions": []})


def test_cli_serves_a_cassette(tmp_path):
    path = tmp_path / "run.json"
    path.write_text(json.dumps(_cassette()))
    proc = subprocess.Popen([sys.executable, "-m", "code2video_nb.scripted_server", str(path)],
                            stdout=subprocess.PIPE, text=True)
    try:
        base_url = proc.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/v1")
        c = openai.OpenAI(base_url=base_url, api_key="k", max_retries=0)
        assert ask(c, "code:1").choices[0].message.content == "code one"
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def test_latency_per_request_and_per_1k_completion_tokens(srv):
    srv.set_latency(per_request=0.2, per_1k_tokens=100.0)  # 0.1 s per completion token
    srv.script("code:1", Reply("three words here", {"prompt_tokens": 9, "completion_tokens": 3}))
    started = time.monotonic()
    assert ask(client(srv), "code:1").choices[0].message.content == "three words here"
    assert time.monotonic() - started >= 0.2 + 0.3
    assert parse_latency("1+12") == Latency(1.0, 12.0) and parse_latency("0") == Latency()
    with pytest.raises(argparse.ArgumentTypeError):
        parse_latency("fast")


def test_a_held_reply_is_answered_once_released(srv):
    release, answers = threading.Event(), []
    srv.script("code:2", Delay(60, Reply("late code"), until=release))
    asking = threading.Thread(target=lambda: answers.append(ask(client(srv), "code:2")))
    asking.start()
    for _ in range(500):  # until the server holds the request
        if srv.count("code:2"):
            break
        time.sleep(0.01)
    assert srv.count("code:2") == 1 and answers == []
    release.set()
    asking.join(timeout=10)
    assert answers[0].choices[0].message.content == "late code"


def test_a_stream_spreads_the_latency_over_its_chunks_and_a_cut_one_breaks_off(srv):
    srv.set_latency(per_request=0.3, per_1k_tokens=100.0)  # 0.1 s per word
    text = " ".join(f"w{k}" for k in range(12))
    srv.script("code:1", text, Cut(text, 0.4))
    started, arrivals = time.monotonic(), []
    for chunk in ask(client(srv), "code:1", stream=True):
        if chunk.choices and chunk.choices[0].delta.content:
            arrivals.append((time.monotonic() - started, chunk.choices[0].delta.content))
    assert "".join(piece for _, piece in arrivals) == text
    assert 0.3 <= arrivals[0][0] < arrivals[-1][0] - 0.5  # the first words come long before the last
    assert arrivals[-1][0] >= 0.3 + 1.2 and srv.requests[0].ended is not None
    srv.set_latency()
    cut = list(ask(client(srv), "code:1", stream=True))  # the stream just stops: no finish, no [DONE]
    assert all(c.choices[0].finish_reason is None for c in cut if c.choices)
    assert text.startswith("".join(c.choices[0].delta.content or "" for c in cut if c.choices))
    assert srv.requests[1].ended is None


def test_a_held_stream_pauses_after_its_text_until_released(srv):
    release, seen = threading.Event(), []
    srv.script("code:1", Hold(Reply("the code comes first. then the prose after it"), after="first.", until=release,
                              seconds=30))

    def read():
        for chunk in ask(client(srv), "code:1", stream=True):
            if chunk.choices and chunk.choices[0].delta.content:
                seen.append(chunk.choices[0].delta.content)

    reading = threading.Thread(target=read)
    reading.start()
    for _ in range(500):  # until the held part has come
        if "first." in "".join(seen):
            break
        time.sleep(0.01)
    time.sleep(0.3)
    held = "".join(seen)  # up to the end of the chunk that holds "first." (a few words a chunk)
    assert held.startswith("the code comes first.") and "prose" not in held and srv.requests[0].ended is None
    release.set()
    reading.join(timeout=10)
    assert "".join(seen) == "the code comes first. then the prose after it" and srv.requests[0].ended is not None
