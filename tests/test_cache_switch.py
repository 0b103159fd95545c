"""The reply cache's switch: `--no-cache` on generate, eval and batch, and CODE2VIDEO_CACHE=0.

A second identical run is answered from the cache (the scripted server sees no new request);
with the switch it asks the model again (the server counts each request). The real openai client
talks HTTP to the scripted server; nothing is rendered (`generate --no-render`).
"""

from __future__ import annotations

import json

import pytest

from code2video_nb import cli
from code2video_nb.config import Settings

from conftest import demo_cassette
from test_eval_aes import judge_reply

TOPIC = "Eigenvectors, eigenvalues, and eigenbasis"


@pytest.fixture
def endpoint(live_env, monkeypatch):
    monkeypatch.setenv("CODE2VIDEO_VLM_MODEL", "vlm-1")
    return live_env


def generate(tmp_path, out: str, *flags: str) -> int:
    meta = demo_cassette()["lecture"]
    return cli.main(["generate", TOPIC, "--out", str(tmp_path / out), "--no-render", "--quiet",
                     "--sections", str(meta["sections"]), "--audience", meta["audience"], *flags])


def test_a_second_generate_is_answered_from_the_cache_unless_switched_off(endpoint, tmp_path, monkeypatch):
    server = endpoint
    server.script_cassette(demo_cassette())
    assert generate(tmp_path, "first") == 0
    asked = len(server.requests)
    assert asked >= 5  # outline, storyboard, a code request per section

    assert generate(tmp_path, "second") == 0  # another folder: every request again, all cached
    assert len(server.requests) == asked

    server.script_cassette(demo_cassette())
    assert generate(tmp_path, "third", "--no-cache") == 0
    assert len(server.requests) == 2 * asked
    assert sorted(server.stages()[asked:]) == sorted(server.stages()[:asked])  # the same requests, again

    server.script_cassette(demo_cassette())
    monkeypatch.setenv("CODE2VIDEO_CACHE", "0")
    assert generate(tmp_path, "fourth") == 0
    assert len(server.requests) == 3 * asked


def test_eval_asks_the_judge_again_only_with_the_switch(endpoint, video, monkeypatch, capsys):
    server = endpoint
    server.script("judge", judge_reply(), judge_reply(), judge_reply())
    command = ["eval", "aes", str(video), "--topic", "Colours", "--frames", "2", "--json"]

    def judged(*flags) -> int:
        assert cli.main([*command, *flags]) == 0
        return json.loads(capsys.readouterr().out)["tokens"]

    assert judged() > 0 and server.count("judge") == 1
    assert judged() == 0 and server.count("judge") == 1  # the cached reply bills nothing
    assert judged("--no-cache") > 0 and server.count("judge") == 2
    monkeypatch.setenv("CODE2VIDEO_CACHE", "0")
    assert judged() > 0 and server.count("judge") == 3


def test_the_switch_is_a_setting_apart_from_where_the_cache_lives(tmp_path):
    env = {"CODE2VIDEO_CACHE_DIR": str(tmp_path / "replies")}
    assert Settings.from_env(env).cache is True
    assert Settings.from_env({**env, "CODE2VIDEO_CACHE": "0"}).cache is False
    assert Settings.from_env({**env, "CODE2VIDEO_CACHE": "off"}).cache_dir == tmp_path / "replies"
    assert Settings.from_env({**env, "CODE2VIDEO_CACHE": "1"}).cache is True
