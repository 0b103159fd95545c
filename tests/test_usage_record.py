"""What the model was paid for lands in lecture.json even when the run stops half-way (issue 23:
"record usage even on failure", once in usage_record.py)."""

from __future__ import annotations

import pytest

from code2video_nb.config import Settings
from code2video_nb.model_client import build_client
from code2video_nb.usage_record import recording_usage
from code2video_nb.workspace import Workspace

from conftest import demo_cassette


def test_usage_is_recorded_when_the_run_raises_and_nothing_when_no_client_was_made(tmp_path):
    ws = Workspace.create(tmp_path, "eig", "Eigenvectors")
    client = build_client(Settings.from_env(), log_path=ws.log_path, replay="demo")  # the real client, replayed
    outline = next(i for i in demo_cassette()["interactions"] if i["stage"] == "outline")
    with pytest.raises(KeyboardInterrupt), recording_usage(ws, lambda: client):
        client.ask([{"role": "user", "content": "plan"}], stage="outline")
        raise KeyboardInterrupt  # Ctrl-C after a paid request
    recorded = ws.lecture.usage["outline"]
    assert recorded["calls"] == 1 and recorded["prompt_tokens"] == outline["usage"]["prompt_tokens"]

    with pytest.raises(RuntimeError), recording_usage(ws, lambda: None):  # an engine that made no client
        raise RuntimeError("render failed")
    assert ws.lecture.usage["outline"] == recorded
