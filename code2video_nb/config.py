"""Settings for one engine run, layered: defaults < environment < explicit overrides.

The CLI passes its flags as overrides; the notebook layer passes its traitlets.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

DEFAULT_MODEL = "gpt-4.1"


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "code2video" / "replies"


def _switch(value: str | None) -> bool | None:
    """An on/off environment variable: unset or empty is None (the default applies)."""
    if not value:
        return None
    return value.strip().lower() not in ("0", "false", "no", "off")


@dataclass(frozen=True)
class Settings:
    model: str = DEFAULT_MODEL
    vlm_model: str | None = None  # a model that reads images; unset: the VLM review is off
    tts_model: str | None = None  # an /audio/speech model for narration; unset: the offline espeak-ng voice
    base_url: str | None = None
    api_key_env: str = "OPENAI_API_KEY"
    request_timeout: float = 120.0  # seconds per model request
    max_retries: int = 4  # 429/5xx/time-outs, with the openai client's own backoff
    json_reasks: int = 2  # how often a malformed JSON reply is re-asked
    render_timeout: float = 240.0  # seconds per section render; the scene is killed after
    fix_attempts: tuple[int, int, int] = (2, 1, 1)  # per level: scope, section, regenerate
    workers: int = field(default_factory=lambda: os.cpu_count() or 2)
    cache_dir: Path | None = field(default_factory=_default_cache_dir)
    # The reply cache on or off, apart from where it lives: a measurement (`--no-cache`,
    # CODE2VIDEO_CACHE=0, the paper protocol) asks the model every time, as the original did.
    cache: bool = True
    trust: bool = False  # run code that fails the static safety check
    confine: bool = True  # the render sandbox (confine.py); off only by an explicit --unconfined
    render_memory_gb: float = 4.0  # a scene allocating more is stopped
    cached_plays: int = 100  # partial movies kept per section (and quality) for re-renders of edits
    allow_imports: tuple[str, ...] = ()  # modules allowed beyond safety.ALLOWED_MODULES
    critic_rounds: int = 2  # headless runs: kept critic versions per section (0: no critic)
    vlm: bool = False  # headless runs: the VLM review joins the layout critic (needs vlm_model)
    narrate: bool | None = None  # None: narrate where a voice is available; True: insist; False: silent
    voice: str | None = None  # the voice's name (espeak-ng: e.g. "en-gb"; remote: e.g. "alloy"); None: its default
    speech_speed: float = 1.0  # narration speed, 1.0 normal
    language: str | None = None  # BCP 47 tag of a new lecture (language.py); None: English, or the notes' own
    source_tokens: int = 6000  # a teacher's notes in the outline request; longer ones are summarised first
    assets_dir: Path | None = None  # the teacher's pictures (assets.py); the notebook's default: ./assets
    quiz: bool = True  # questions for the students planned with the storyboard (quiz_questions.py)
    quiz_in_video: bool = False  # a question card after each section in the exported video (quiz_card.py)
    eval_frames: int = 8  # frames the judge and the quiz's video pass see
    eval_sampling: str = "keyframes"  # "keyframes" of the lecture-line blocks when known, else "uniform" in time
    prompt_price: float = 2.0  # USD per 1M prompt tokens (GPT-4.1's list price), for efficiency's cost
    completion_price: float = 8.0  # USD per 1M completion tokens

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {
            "model": env.get("CODE2VIDEO_MODEL"),
            "vlm_model": env.get("CODE2VIDEO_VLM_MODEL"),
            "tts_model": env.get("CODE2VIDEO_TTS_MODEL"),
            "narrate": _switch(env.get("CODE2VIDEO_NARRATE")),
            "voice": env.get("CODE2VIDEO_VOICE"),
            "language": env.get("CODE2VIDEO_LANGUAGE"),
            "base_url": env.get("OPENAI_BASE_URL"),
            "cache_dir": Path(env["CODE2VIDEO_CACHE_DIR"]) if env.get("CODE2VIDEO_CACHE_DIR") else None,
            "cache": _switch(env.get("CODE2VIDEO_CACHE")),
        }
        values.update(overrides)
        known = {f.name for f in fields(cls)}
        unknown = set(values) - known
        if unknown:
            raise TypeError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        return replace(cls(), **{k: v for k, v in values.items() if v is not None})

    def api_key(self, env: Mapping[str, str] | None = None) -> str | None:
        env = os.environ if env is None else env
        return env.get(self.api_key_env) or None
