"""The model client against a real HTTP server speaking the OpenAI protocol."""

from __future__ import annotations

import json
import threading
import time

import pytest

from code2video_nb.cassette import Cassette
from code2video_nb.config import Settings
from code2video_nb.errors import ConfigError, EndpointError, ReplyFormatError
from code2video_nb.model_client import ModelClient, OpenAIBackend, ReplayBackend, Stopped
from code2video_nb.scripted_server import Cut, Delay, Garbage, Status

from conftest import make_client

HELLO = [{"role": "user", "content": "hello"}]


def test_every_request_carries_its_stage_and_usage_is_counted_per_stage(server, tmp_path):
    server.script("outline", "an outline").script("code:2", "some code")
    client = make_client(server, tmp_path)
    assert client.ask(HELLO, stage="outline") == "an outline"
    assert client.ask([{"role": "user", "content": "code please"}], stage="code:2") == "some code"
    assert [r.headers["x-code2video-stage"] for r in server.requests] == ["outline", "code:2"]
    usage = client.usage_by_stage()
    assert usage["outline"]["calls"] == 1 and usage["outline"]["completion_tokens"] == 2
    assert usage["code:2"]["prompt_tokens"] > 0


def test_identical_request_is_answered_from_the_disk_cache(server, tmp_path):
    server.script("outline", "first answer")
    assert make_client(server, tmp_path).ask(HELLO, stage="outline") == "first answer"
    # A new client (a rerun of the cell) with the same cache bills nothing.
    again = make_client(server, tmp_path)
    assert again.ask(HELLO, stage="outline") == "first answer"
    assert server.count("outline") == 1
    assert again.total().cached == 1 and again.total().tokens == 0


def test_rate_limit_and_server_error_are_retried(server, tmp_path):
    server.script("outline", Status(429, headers={"retry-after-ms": "10"}), Status(500), "finally")
    assert make_client(server, tmp_path).ask(HELLO, stage="outline") == "finally"
    assert server.count("outline") == 3


def test_a_timed_out_request_is_retried(server, tmp_path):
    server.script("outline", Delay(3, "too late"), "in time")
    client = make_client(server, tmp_path, request_timeout=1.0)
    assert client.ask(HELLO, stage="outline") == "in time"


def test_persistent_time_outs_end_in_one_clear_line(server, tmp_path):
    server.script("outline", *[Delay(2, "late")] * 2)
    client = make_client(server, tmp_path, request_timeout=0.5, max_retries=1)
    with pytest.raises(EndpointError, match=r"\[outline\] .* did not answer within"):
        client.ask(HELLO, stage="outline")


def test_a_garbage_http_body_is_retried(server, tmp_path):
    server.script("outline", Garbage("<html>bad gateway</html>"), "recovered")
    assert make_client(server, tmp_path).ask(HELLO, stage="outline") == "recovered"


def test_malformed_json_reply_is_repaired_or_re_asked(server, tmp_path):
    server.script("storyboard", "Sure! {not json at all", '```json\n{"sections": [1, 2,],}\n```')
    client = make_client(server, tmp_path)
    assert client.ask_json(HELLO, stage="storyboard") == {"sections": [1, 2]}
    reask = server.requests[-1].messages[-1]["content"]
    assert "not valid JSON" in reask  # the model is told exactly what was wrong


def test_json_that_never_becomes_valid_gives_up_after_the_bound(server, tmp_path):
    server.script("outline", *["nope"] * 3)
    with pytest.raises(ReplyFormatError, match="after 2 re-asks"):
        make_client(server, tmp_path).ask_json(HELLO, stage="outline")
    assert server.count("outline") == 3


def test_missing_key_is_one_line_that_says_what_to_do():
    with pytest.raises(ConfigError) as info:
        OpenAIBackend(Settings.from_env())
    message = str(info.value)
    assert "OPENAI_API_KEY is not set" in message and "code2video demo" in message and "\n" not in message


def test_unknown_model_and_unreachable_endpoint_name_the_fix(tmp_path):
    from code2video_nb.scripted_server import ScriptedServer

    with ScriptedServer(models={"gpt-4.1"}) as srv:
        client = make_client(srv, tmp_path, model="no-such-model")
        with pytest.raises(EndpointError, match="model 'no-such-model' is unknown.*CODE2VIDEO_MODEL"):
            client.ask(HELLO, stage="outline")
        url = srv.base_url
    client = make_client(type("Gone", (), {"base_url": url})(), tmp_path, max_retries=0)
    with pytest.raises(EndpointError, match="cannot reach .*OPENAI_BASE_URL"):
        client.ask(HELLO, stage="outline")


def test_a_run_records_to_a_cassette_that_replays_by_stage(server, tmp_path):
    server.script("outline", "plan").script("code:1", "code one")
    recorder = Cassette()
    client = make_client(server, tmp_path)
    client.recorder = recorder
    client.ask(HELLO, stage="outline")
    client.ask([{"role": "user", "content": "code for section 1"}], stage="code:1")
    recorder.save(tmp_path / "run.json")
    saved = json.loads((tmp_path / "run.json").read_text())
    assert saved["format"] == "code2video-cassette" and len(saved["interactions"]) == 2

    replay = ModelClient(ReplayBackend(Cassette.load(tmp_path / "run.json")), model="gpt-4.1")
    # Replay keys on the stage, not on the prompt, so edited templates still replay.
    assert replay.ask([{"role": "user", "content": "different"}], stage="code:1") == "code one"
    assert replay.ask(HELLO, stage="outline") == "plan"


def test_log_holds_requests_and_replies_but_never_the_key(server, tmp_path):
    server.script("outline", "logged")
    make_client(server, tmp_path).ask(HELLO, stage="outline")
    text = (tmp_path / "log.jsonl").read_text()
    entry = json.loads(text.splitlines()[0])
    assert entry["stage"] == "outline" and entry["reply"] == "logged"
    assert "sk-test" not in text


def test_fresh_requests_skip_a_cached_reply(server, tmp_path):
    server.script("fix:1", "first try", "second try")
    client = make_client(server, tmp_path)
    assert client.ask(HELLO, stage="fix:1", fresh=True) == "first try"
    assert client.ask(HELLO, stage="fix:1", fresh=True) == "second try"  # a rejected fix is not replayed
    assert server.count("fix:1") == 2


def test_a_reply_cut_off_at_the_output_limit_is_recorded_and_replays_as_cut_off(server, tmp_path):
    from code2video_nb.scripted_server import Reply

    server.script("outline", Reply('{"topic": "t", "sections": [', finish_reason="length"), '{"topic": "t"}')
    client = make_client(server, tmp_path)
    client.recorder = Cassette()
    assert client.ask_json(HELLO, stage="outline") == {"topic": "t"}
    assert "cut off mid-JSON" in server.requests[1].messages[-1]["content"]
    client.recorder.save(tmp_path / "run.json")

    replay = ModelClient(ReplayBackend(Cassette.load(tmp_path / "run.json")), model="gpt-4.1")
    first = replay.request(HELLO, stage="outline")
    assert first.cut_off and not replay.request(HELLO, stage="outline").cut_off


def test_a_replay_hands_what_it_lacks_to_the_live_model_or_says_it_was_not_recorded(server, tmp_path):
    from code2video_nb.errors import NotRecorded

    Cassette([{"stage": "outline", "model": "m", "reply": "recorded plan", "usage": {}}]).save(tmp_path / "run.json")
    server.script("fix:1", "live fix")
    live = make_client(server, tmp_path).backend
    client = ModelClient(ReplayBackend(Cassette.load(tmp_path / "run.json"), then=live), model="gpt-4.1")
    assert client.ask(HELLO, stage="outline") == "recorded plan"  # the recording first
    assert client.ask(HELLO, stage="fix:1") == "live fix" and server.count("fix:1") == 1

    alone = ModelClient(ReplayBackend(Cassette.load(tmp_path / "run.json")), model="gpt-4.1")
    with pytest.raises(NotRecorded, match="no reply for this request") as caught:
        alone.ask(HELLO, stage="fix:1")
    assert caught.value.stage == "fix:1"


# -- streaming -------------------------------------------------------------------------------------
LONG = " ".join(f"word{k}" for k in range(60))


def cache_files(tmp_path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((tmp_path / "cache").glob("*/*.json"))]


def test_every_reply_streams_and_the_callback_sees_it_grow(server, tmp_path):
    server.script("outline", LONG)
    seen: list[str] = []
    client = make_client(server, tmp_path)
    assert client.ask(HELLO, stage="outline", on_text=seen.append) == LONG
    assert server.requests[0].stream is True
    assert len(seen) >= 3 and seen[-1] == LONG  # a few chunks, each a longer prefix of the reply
    assert all(LONG.startswith(t) and len(a) < len(t) for a, t in zip(seen, seen[1:]))
    assert client.usage_by_stage()["outline"]["completion_tokens"] == 60  # usage sent in the stream
    again: list[str] = []
    assert make_client(server, tmp_path).ask(HELLO, stage="outline", on_text=again.append) == LONG
    assert again == [LONG] and server.count("outline") == 1  # from the cache: once, whole


def test_a_stream_cut_mid_way_is_asked_again_and_only_the_whole_reply_is_cached(server, tmp_path):
    server.script("outline", Cut(LONG, 0.5), LONG)
    seen: list[str] = []
    assert make_client(server, tmp_path).ask(HELLO, stage="outline", on_text=seen.append) == LONG
    assert server.count("outline") == 2 and server.requests[0].ended is None
    assert LONG.startswith(seen[0]) and len(seen[0]) < len(LONG)  # the broken stream's text was shown
    assert [entry["reply"] for entry in cache_files(tmp_path)] == [LONG]


def test_a_stream_that_keeps_breaking_ends_in_one_line_and_caches_nothing(server, tmp_path):
    server.script("outline", *[Cut(LONG, 0.3)] * 2)
    with pytest.raises(EndpointError, match=r"\[outline\] .* kept answering with a reply that broke off mid-stream"):
        make_client(server, tmp_path, max_retries=1).ask(HELLO, stage="outline")
    assert server.count("outline") == 2 and cache_files(tmp_path) == []


def test_an_interrupt_hangs_up_streams_at_once_and_the_rerun_asks_again(server, tmp_path):
    server.set_latency(0.0, 200.0)  # 0.2 s a word: the whole reply would take 12 s
    server.script("outline", LONG, LONG)
    client, seen, outcome = make_client(server, tmp_path), threading.Event(), []

    def ask():
        try:
            client.ask(HELLO, stage="outline", on_text=lambda text: seen.set())
        except BaseException as exc:  # noqa: BLE001 - the test looks at what it was
            outcome.append(exc)

    asking = threading.Thread(target=ask)
    asking.start()
    assert seen.wait(10)  # the first words are there
    stopped = time.monotonic()
    client.stop_streams()
    asking.join(5)
    assert not asking.is_alive() and time.monotonic() - stopped < 3  # at its next chunk, a second at most
    assert isinstance(outcome[0], Stopped) and isinstance(outcome[0], KeyboardInterrupt)
    assert cache_files(tmp_path) == [] and server.requests[0].ended is None
    server.set_latency()
    assert client.ask(HELLO, stage="outline") == LONG  # the rerun's request streams as usual
    assert server.count("outline") == 2 and [e["reply"] for e in cache_files(tmp_path)] == [LONG]


def test_an_endpoint_that_refuses_stream_options_is_asked_without_them(server, tmp_path):
    server.takes_stream_options = False
    server.script("outline", "first", "second")
    client = make_client(server, tmp_path)
    assert client.ask(HELLO, stage="outline") == "first"
    assert client.ask([{"role": "user", "content": "again"}], stage="outline") == "second"
    # Refused once, then asked without: the replies stream, with no usage to count.
    assert server.count("outline") == 3 and client.total().tokens == 0
