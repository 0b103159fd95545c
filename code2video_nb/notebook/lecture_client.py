"""The model client of a lecture's magic calls: its recording first when it was made from one
(`--replay`, kept in lecture.json), the live model for what the recording lacks.

The one place the notebook builds a client, so the missing key is said alike everywhere: one
line with the `%env` to run, or the demo that needs none.
"""

from __future__ import annotations

from ..errors import ConfigError
from ..model_client import ModelClient, build_client
from ..workspace import Workspace
from .run_config import RunConfig


def lecture_client(config: RunConfig, ws: Workspace) -> ModelClient:
    """Raises ConfigError (one line: how to set the key) when no model is configured."""
    replay = config.replay or ws.lecture.replay
    try:
        # A replayed lecture answers from its recording; what the recording lacks (a fix for
        # the user's own edit) goes to the live model when a key is set.
        return build_client(config.settings, log_path=ws.log_path, replay=replay or None, live_after_replay=True)
    except ConfigError as exc:
        env = config.settings.api_key_env
        if f"{env} is not set" not in str(exc):
            raise
        raise ConfigError(f"{env} is not set; use %env {env}=<your key>, or --replay demo") from None


def replayed(config: RunConfig, ws: Workspace) -> bool:
    """Whether the lecture answers from a recording (this call's `--replay`, or the one its magic kept)."""
    return bool(config.replay or ws.lecture.replay)
