"""The one way the engine talks to a model.

`ModelClient` adds what every stage needs on top of a backend: the stage header,
usage and time per stage, the reply cache, the request log, cassette recording
and JSON repair/re-asking. Backends only turn messages into text:
`OpenAIBackend` (any OpenAI-compatible endpoint) and `ReplayBackend` (a cassette).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Protocol

from .cassette import Cassette, ReplyCache, request_key
from .config import Settings
from .errors import ConfigError, EndpointError, ModelError, PlanError, ReplyFormatError
from .replies import parse_json

STAGE_HEADER = "X-Code2Video-Stage"


@dataclass
class Usage:
    calls: int = 0
    cached: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def add(self, other: "Usage") -> None:
        for name in ("calls", "cached", "prompt_tokens", "completion_tokens", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class Backend(Protocol):
    def complete(self, messages: list[dict], *, model: str, stage: str) -> tuple[str, dict]:
        """Return (reply text, {"prompt_tokens", "completion_tokens"})."""


class OpenAIBackend:
    """Any OpenAI-compatible chat-completions endpoint, through the `openai` package.

    Retries with backoff on 429, 5xx and time-outs are the openai client's own
    (it honours Retry-After); we only set how many and turn final failures into
    one line that says what to do.
    """

    def __init__(self, settings: Settings, api_key: str | None = None):
        import openai

        key = api_key or settings.api_key()
        if not key:
            raise ConfigError(
                f"{settings.api_key_env} is not set: export {settings.api_key_env}=<your key> "
                "(and OPENAI_BASE_URL for another OpenAI-compatible endpoint), "
                "or try `code2video demo`, which needs no key"
            )
        self.settings = settings
        # The HTTP client logs every request at INFO, and manim's root log handler would print
        # them all into the CLI's and the notebook's output. openai 3.x ships "httpx2".
        for name in ("httpx", "httpx2"):
            logging.getLogger(name).setLevel(logging.WARNING)
        self._client = openai.OpenAI(
            api_key=key,
            base_url=settings.base_url,
            timeout=settings.request_timeout,
            max_retries=settings.max_retries,
        )

    def complete(self, messages, *, model, stage):
        response = self._call_until_parsed(messages, model=model, stage=stage)
        if not response.choices:
            raise ModelError(f"[{stage}] the endpoint answered with no choices")
        usage = response.usage
        tokens = {
            "prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
            "completion_tokens": getattr(usage, "completion_tokens", 0) or 0,
        }
        return response.choices[0].message.content or "", tokens

    def _call_until_parsed(self, messages, *, model, stage):
        """A 200 whose body is not a completion (a proxy's error page, a cut-off body)
        escapes the openai client's retries, so retry it here, bounded, with backoff."""
        for attempt in range(self.settings.max_retries + 1):
            try:
                response = self._call(messages, model=model, stage=stage)
                if hasattr(response, "choices"):
                    return response
                problem = f"a {type(response).__name__} body instead of a completion"
            except ValueError as exc:  # json.JSONDecodeError from the client
                problem = f"a body that is not JSON ({exc})"
            time.sleep(min(8.0, 0.5 * 2**attempt))
        raise EndpointError(
            f"[{stage}] {self._client.base_url} kept answering with {problem} "
            f"({self.settings.max_retries + 1} tries); check OPENAI_BASE_URL points at an OpenAI-compatible API"
        )

    def _call(self, messages, *, model, stage):
        import openai

        where = self._client.base_url
        try:
            return self._client.chat.completions.create(
                model=model, messages=messages, extra_headers={STAGE_HEADER: stage}
            )
        except openai.AuthenticationError as exc:
            raise EndpointError(f"[{stage}] {where} refused the key in {self.settings.api_key_env}: {_say(exc)}") from exc
        except openai.NotFoundError as exc:
            raise EndpointError(
                f"[{stage}] model '{model}' is unknown at {where} ({_say(exc)}); "
                "pick one it serves with --model or CODE2VIDEO_MODEL"
            ) from exc
        except openai.APITimeoutError as exc:
            raise EndpointError(
                f"[{stage}] {where} did not answer within {self.settings.request_timeout:.0f} s "
                f"after {self.settings.max_retries} retries; try again or raise request_timeout"
            ) from exc
        except openai.APIConnectionError as exc:
            raise EndpointError(f"[{stage}] cannot reach {where}: check OPENAI_BASE_URL and your network") from exc
        except openai.RateLimitError as exc:
            raise EndpointError(f"[{stage}] still rate-limited after {self.settings.max_retries} retries: {_say(exc)}") from exc
        except openai.APIStatusError as exc:
            raise EndpointError(f"[{stage}] {where} answered HTTP {exc.status_code}: {_say(exc)}") from exc
        except openai.APIError as exc:  # e.g. a 200 whose body is not JSON
            raise EndpointError(f"[{stage}] {where} sent a reply that is not an OpenAI response: {exc}") from exc


def _say(exc) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        return str(body.get("message") or body.get("error", {}).get("message") or exc)
    return str(exc)


class ReplayBackend:
    """Serves a recorded run: same code path as a live one, no key, no network."""

    def __init__(self, cassette: Cassette):
        self.cassette = cassette

    def complete(self, messages, *, model, stage):
        item = self.cassette.next_reply(stage)
        return item["reply"], dict(item.get("usage") or {})


def build_client(settings: Settings, *, log_path: Path | None = None, replay: Path | None = None,
                 recorder: Cassette | None = None) -> ModelClient:
    """A live client for `settings`, or one answering from the cassette at `replay`.
    Raises ConfigError when the key is missing or the cassette does not exist."""
    if replay is not None:
        if not Path(replay).is_file():
            raise ConfigError(f"no recorded run at {replay}; pass a cassette written by --record, or 'demo'")
        # A replay must consume its own replies in order, so it bypasses the reply cache.
        backend, cache = ReplayBackend(Cassette.load(replay)), None
    else:
        backend, cache = OpenAIBackend(settings), settings.cache_dir
    return ModelClient(backend, model=settings.model, cache_dir=cache, log_path=log_path, recorder=recorder,
                       json_reasks=settings.json_reasks)


class ModelClient:
    def __init__(
        self,
        backend: Backend,
        *,
        model: str,
        cache_dir: Path | None = None,
        log_path: Path | None = None,
        recorder: Cassette | None = None,
        json_reasks: int = 2,
    ):
        self.backend = backend
        self.model = model
        self.cache = ReplyCache(cache_dir) if cache_dir else None
        self.log_path = Path(log_path) if log_path else None
        self.recorder = recorder
        self.json_reasks = json_reasks
        self.usage: dict[str, Usage] = {}
        self._lock = threading.Lock()

    def ask(self, messages: list[dict], *, stage: str, model: str | None = None, fresh: bool = False) -> str:
        """One request tagged with its stage; cached by content. `fresh` skips the cached reply
        (still storing the new one): for requests whose earlier answer was already rejected."""
        model = model or self.model
        key = request_key(model, messages)
        started = time.monotonic()
        hit = self.cache.get(key) if self.cache and not fresh else None
        if hit is not None:
            text, tokens, cached = hit["reply"], hit.get("usage", {}), True
        else:
            text, tokens = self.backend.complete(messages, model=model, stage=stage)
            cached = False
            if self.cache:
                self.cache.put(key, {"reply": text, "usage": tokens, "stage": stage, "model": model})
        elapsed = time.monotonic() - started
        self._account(stage, tokens, elapsed, cached)
        if self.recorder is not None:
            self.recorder.record(stage, model, text, tokens)
        self._log(stage, model, messages, text, tokens, elapsed, cached)
        return text

    def ask_json(self, messages: list[dict], *, stage: str, validate: Callable | None = None):
        """Ask for JSON; repair what is safe, re-ask with the exact problem, bounded."""
        convo = list(messages)
        for attempt in range(self.json_reasks + 1):
            text = self.ask(convo, stage=stage)
            try:
                value = parse_json(text)
                return validate(value) if validate else value
            except (ValueError, PlanError) as exc:  # parse errors and validators' complaints
                problem = str(exc)
            convo = convo + [
                {"role": "assistant", "content": text},
                {"role": "user", "content": f"That reply could not be used: {problem}. "
                 "Answer again with only the corrected JSON object."},
            ]
        raise ReplyFormatError(
            f"[{stage}] the model's reply was still unusable after {self.json_reasks} re-asks: {problem}"
        )

    def total(self) -> Usage:
        total = Usage()
        for usage in self.usage.values():
            total.add(usage)
        return total

    def usage_by_stage(self) -> dict[str, dict]:
        with self._lock:
            return {stage: asdict(u) for stage, u in sorted(self.usage.items())}

    def _account(self, stage, tokens, elapsed, cached):
        one = Usage(
            calls=1,
            cached=int(cached),
            # A cache hit bills nothing, so it adds no tokens to what the run cost.
            prompt_tokens=0 if cached else int(tokens.get("prompt_tokens", 0)),
            completion_tokens=0 if cached else int(tokens.get("completion_tokens", 0)),
            seconds=elapsed,
        )
        with self._lock:
            self.usage.setdefault(stage, Usage()).add(one)

    def _log(self, stage, model, messages, text, tokens, elapsed, cached):
        if not self.log_path:
            return
        entry = {"time": time.time(), "stage": stage, "model": model, "cached": cached,
                 "seconds": round(elapsed, 3), "usage": tokens, "messages": messages, "reply": text}
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.log_path, "a", encoding="utf-8") as handle:
                handle.write(line)
