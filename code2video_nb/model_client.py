"""The one way the engine talks to a model.

`ModelClient` adds what every stage needs on top of a backend: the stage header,
usage and time per stage, the reply cache, the request log, cassette recording
and checked requests (JSON or code, re-asked with the exact problem). A reply that
fails its check is dropped from the cache, so a rerun asks the model again.
Backends only turn messages into a `Completion`: `OpenAIBackend` (any
OpenAI-compatible endpoint) and `ReplayBackend` (a cassette).

Every reply streams, so a stage can start on what has arrived (`on_text`: the section titles
of an outline, the storyboard entries that are complete) while the model is still writing.
Only whole replies are returned and cached; a stream that breaks off is asked again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

from . import prompts
from .cassette import Cassette, ReplyCache, existing_recording, request_key
from .config import Settings
from .errors import ConfigError, EndpointError, NotRecorded, PlanError, ReplyFormatError
from .replies import CutOffError, parse_json

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

    def add(self, other: Usage) -> None:
        for name in ("calls", "cached", "prompt_tokens", "completion_tokens", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Completion:
    """What a backend returns: the text, {"prompt_tokens", "completion_tokens"}, and why it stopped."""
    text: str
    usage: dict
    finish_reason: str = "stop"  # "length": cut off at the model's output limit


@dataclass
class ModelReply:
    """A reply as the client hands it out: the text, and the cache key to drop it by if it is rejected."""
    text: str
    key: str
    cached: bool = False
    finish_reason: str = "stop"
    tokens: int = 0  # what this request cost (prompt and completion; 0 from the cache), as in `usage`

    @property
    def cut_off(self) -> bool:
        return self.finish_reason == "length"


@dataclass
class _Checked:
    value: object = None
    problem: str = ""  # empty: the reply was accepted


# `on_text(text)`: the reply so far, each time it grows while it streams (once, whole, for a cached
# or replayed reply). It starts over if a broken stream is asked again. It runs on the requesting
# thread, between chunks: keep it quick.
OnText = Callable[[str], None]


class Stopped(KeyboardInterrupt):
    """A streaming reply was hung up on because the run was interrupted (`ModelClient.stop_streams`)."""


class Backend(Protocol):
    def complete(self, messages: list[dict], *, model: str, stage: str,
                 on_text: OnText | None = None) -> Completion:
        """One chat completion for `messages`; `on_text(text so far)` as it streams (may repeat a text)."""


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
        self._usage_in_stream = True  # False once the endpoint refused `stream_options`
        self._client = openai.OpenAI(
            api_key=key,
            base_url=settings.base_url,
            timeout=settings.request_timeout,
            max_retries=settings.max_retries,
        )

    def complete(self, messages, *, model, stage, on_text=None):
        """The reply, streamed: `on_text(text so far)` as chunks arrive. A stream that breaks off
        (no finish_reason: a dropped connection, a proxy's time-out) or a 200 whose body is not a
        stream of completion chunks (a proxy's error page) escapes the openai client's retries, so it
        is asked again here, within the same bound (`max_retries`), with backoff. Only a whole reply
        is returned, so only a whole reply can reach the cache."""
        for attempt in range(self.settings.max_retries + 1):
            try:
                done = self._stream(messages, model=model, stage=stage, on_text=on_text)
                if done is not None:
                    return done
                problem = "a reply that broke off mid-stream"
            except ValueError as exc:  # json.JSONDecodeError from the client: a chunk that is not JSON
                problem = f"a body that is not JSON ({exc})"
            time.sleep(min(8.0, 0.5 * 2**attempt))
        raise EndpointError(
            f"[{stage}] {self._client.base_url} kept answering with {problem} "
            f"({self.settings.max_retries + 1} tries); check OPENAI_BASE_URL points at an OpenAI-compatible API"
        )

    def _stream(self, messages, *, model, stage, on_text) -> Completion | None:
        """One streamed request; None if the stream ended without a finish_reason."""
        parts: list[str] = []
        finish, usage = None, None
        with endpoint_errors(self.settings, stage, self._client.base_url, model, "with --model or CODE2VIDEO_MODEL"):
            stream = self._create(messages, model=model, stage=stage)
            with stream:  # closed on any way out: an interrupt hangs up at once
                for chunk in stream:
                    usage = getattr(chunk, "usage", None) or usage
                    choice = chunk.choices[0] if getattr(chunk, "choices", None) else None
                    if choice is not None and choice.delta is not None and choice.delta.content:
                        parts.append(choice.delta.content)
                    if on_text is not None:  # every chunk, so a stop request is seen at once
                        on_text("".join(parts))
                    finish = (choice.finish_reason if choice is not None else None) or finish
        if finish is None:
            return None
        tokens = {
            "prompt_tokens": getattr(usage, "prompt_tokens", 0) or 0,
            "completion_tokens": getattr(usage, "completion_tokens", 0) or 0,
        }
        return Completion("".join(parts), tokens, finish)

    def _create(self, messages, *, model, stage):
        """The streaming request, with the usage asked for at its end. An endpoint that refuses
        `stream_options` (HTTP 400 naming it) is asked without from then on: its replies then count
        no tokens, rather than every request failing."""
        import openai

        ask = dict(model=model, messages=messages, extra_headers={STAGE_HEADER: stage}, stream=True)
        if self._usage_in_stream:
            try:
                return self._client.chat.completions.create(**ask, stream_options={"include_usage": True})
            except openai.BadRequestError as exc:
                if "stream_options" not in str(exc):
                    raise
                self._usage_in_stream = False
        return self._client.chat.completions.create(**ask)


@contextlib.contextmanager
def endpoint_errors(settings: Settings, stage: str, where, model: str, pick: str):
    """The `openai` client's errors as one line each saying what to do (`pick`: where the model
    is chosen, for an unknown one). Shared by every kind of request (chat, speech)."""
    import openai

    retries = settings.max_retries
    try:
        yield
    except openai.AuthenticationError as exc:
        raise EndpointError(f"[{stage}] {where} refused the key in {settings.api_key_env}: {_say(exc)}") from exc
    except openai.NotFoundError as exc:
        raise EndpointError(f"[{stage}] model '{model}' is unknown at {where} ({_say(exc)}); pick one it serves {pick}"
                            ) from exc
    except openai.APITimeoutError as exc:
        raise EndpointError(
            f"[{stage}] {where} did not answer within {settings.request_timeout:.0f} s "
            f"after {retries} retries; try again or raise request_timeout"
        ) from exc
    except openai.APIConnectionError as exc:
        raise EndpointError(f"[{stage}] cannot reach {where}: check OPENAI_BASE_URL and your network") from exc
    except openai.RateLimitError as exc:
        raise EndpointError(f"[{stage}] still rate-limited after {retries} retries: {_say(exc)}") from exc
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
    """Serves a recorded run: same code path as a live one, no key, no network.

    A recording only knows the requests it was made with. What it lacks (a fix for a
    user's own edit) goes to `then`, a live backend, when one is configured; otherwise
    the request fails with `NotRecorded`, which callers can explain in their own terms."""

    def __init__(self, cassette: Cassette, then: Backend | None = None):
        self.cassette = cassette
        self.then = then

    def complete(self, messages, *, model, stage, on_text=None):
        try:
            item = self.cassette.next_reply(stage)
        except NotRecorded:
            if self.then is None:
                raise
            return self.then.complete(messages, model=model, stage=stage, on_text=on_text)
        if on_text is not None:
            on_text(item["reply"])
        return Completion(item["reply"], dict(item.get("usage") or {}), item.get("finish_reason", "stop"))


def build_client(settings: Settings, *, log_path: Path | None = None, replay: str | Path | None = None,
                 recorder: Cassette | None = None, live_after_replay: bool = False) -> ModelClient:
    """A live client for `settings`, or one answering from the cassette at `replay` (a path, or
    `demo` for the bundled recording).
    With `live_after_replay`, what the cassette lacks goes to the live model if a key is set.
    Raises ConfigError when the key is missing or the cassette does not exist."""
    cassette = existing_recording(replay)
    if cassette is not None:
        live = OpenAIBackend(settings) if live_after_replay and settings.api_key() else None
        # A replay must consume its own replies in order, so it bypasses the reply cache.
        backend: Backend
        backend, cache = ReplayBackend(Cassette.load(cassette), then=live), None
    else:
        backend, cache = OpenAIBackend(settings), settings.cache_dir if settings.cache else None
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
        self._stops = 0  # how many times streams were stopped; a request started before the last stop ends

    def ask(self, messages: list[dict], *, stage: str, model: str | None = None, fresh: bool = False,
            on_text: OnText | None = None) -> str:
        """One request tagged with its stage; its reply's text. See `request`."""
        return self.request(messages, stage=stage, model=model, fresh=fresh, on_text=on_text).text

    def request(self, messages: list[dict], *, stage: str, model: str | None = None,
                fresh: bool = False, on_text: OnText | None = None) -> ModelReply:
        """One request tagged with its stage; cached by content. `fresh` skips the cached reply
        (still storing the new one): for requests whose earlier answer was already rejected.
        `on_text(text so far)` as the reply streams (see `OnText`); only a whole reply is cached."""
        model = model or self.model
        key = request_key(model, messages)
        started = time.monotonic()
        hit = self.cache.get(key) if self.cache and not fresh else None
        if hit is not None:
            done = Completion(hit["reply"], hit.get("usage", {}), hit.get("finish_reason", "stop"))
            if on_text is not None:
                on_text(done.text)
        else:
            done = self.backend.complete(messages, model=model, stage=stage, on_text=self._watch(on_text))
            if self.cache:
                self.cache.put(key, {"reply": done.text, "usage": done.usage, "finish_reason": done.finish_reason,
                                     "stage": stage, "model": model})
        elapsed, cached = time.monotonic() - started, hit is not None
        self._account(stage, done.usage, elapsed, cached)
        if self.recorder is not None:
            self.recorder.record(stage, model, done.text, done.usage, done.finish_reason)
        self._log(stage, model, messages, done.text, done.usage, elapsed, cached)
        tokens = 0 if cached else int(done.usage.get("prompt_tokens", 0)) + int(done.usage.get("completion_tokens", 0))
        return ModelReply(done.text, key, cached, done.finish_reason, tokens)

    def stop_streams(self) -> None:
        """Hang up every reply streaming now, on whatever thread (each raises `Stopped` at its next
        chunk, closing its response): an interrupt must not leave requests running. Requests started
        afterwards (the rerun's) stream as usual."""
        with self._lock:
            self._stops += 1

    def _watch(self, on_text: OnText | None) -> OnText:
        """The backend's per-chunk callback: hangs up once `stop_streams` was called, and hands
        `on_text` the text only when it grew."""
        stops, last = self._stops, [""]

        def chunk(text: str) -> None:
            if self._stops != stops:
                raise Stopped
            if on_text is not None and text != last[0]:
                last[0] = text
                on_text(text)

        return chunk

    def discard(self, reply: ModelReply) -> None:
        """Drop a rejected reply from the cache: it must never be served again."""
        if self.cache:
            self.cache.discard(reply.key)

    def ask_json(self, messages: list[dict], *, stage: str, validate: Callable | None = None,
                 model: str | None = None, on_text: OnText | None = None):
        """Ask for JSON; repair what is safe, re-ask with the exact problem, bounded."""
        def use(text):
            value = parse_json(text)
            return validate(value) if validate else value

        return self.ask_until(messages, stage=stage, use=use, reask="reask_json", model=model, on_text=on_text)

    def ask_until(self, messages: list[dict], *, stage: str, use: Callable[[str], object], reask: str,
                  fresh: bool = False, whole: bool = False, model: str | None = None,
                  on_text: OnText | None = None):
        """Ask until `use(text)` accepts a reply (it raises ValueError or PlanError naming the problem),
        re-asking with that problem from the `reask` prompt, at most `json_reasks` times.
        `whole`: a reply cut off at the model's output limit is refused even if `use` takes it.
        `model`: another model than the client's (the VLM review).
        `on_text`: each reply's text so far as it streams; a re-asked reply starts over."""
        convo = list(messages)
        for _ in range(self.json_reasks + 1):
            reply, checked = self._checked(convo, stage=stage, use=use, fresh=fresh, whole=whole, model=model,
                                           on_text=on_text)
            if not checked.problem:
                return checked.value
            convo = convo + [{"role": "assistant", "content": reply.text},
                             {"role": "user", "content": prompts.render(reask, problem=checked.problem).strip()}]
        raise ReplyFormatError(
            f"[{stage}] the model's reply was still unusable after {self.json_reasks} re-asks: {checked.problem}"
        )

    def _checked(self, convo, *, stage, use, fresh, whole, model, on_text) -> tuple[ModelReply, _Checked]:
        reply = self.request(convo, stage=stage, fresh=fresh, model=model, on_text=on_text)
        checked = _check(reply, use, whole)
        if checked.problem and reply.cached:
            # Cached before this check existed (an older version kept rejected replies):
            # ask the model itself rather than spend a re-ask on an answer it may not give again.
            self.discard(reply)
            reply = self.request(convo, stage=stage, fresh=True, model=model, on_text=on_text)
            checked = _check(reply, use, whole)
        if checked.problem:
            self.discard(reply)
        return reply, checked

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
                 "seconds": round(elapsed, 3), "usage": tokens, "messages": _loggable(messages), "reply": text}
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.log_path, "a", encoding="utf-8") as handle:
                handle.write(line)


def _loggable(messages: list[dict]) -> list[dict]:
    """The messages with each inline image (a base64 data URI, often 100 kB) replaced by its size and
    hash, so the log stays readable; the image itself is in the lecture folder (keyframes/)."""
    def part(p):
        kind = p.get("type") if isinstance(p, dict) else None  # image_url, or video_url (the judge's --send video)
        url = (p.get(kind) or {}).get("url", "") if kind in ("image_url", "video_url") else ""
        if not url.startswith("data:"):
            return p
        head, _, data = url.partition(",")
        digest = hashlib.sha256(data.encode()).hexdigest()[:12]
        return {**p, kind: {**p[kind], "url": f"{head},<{len(data)} characters elided, sha256 {digest}>"}}

    return [{**m, "content": [part(p) for p in m["content"]]} if isinstance(m.get("content"), list) else m
            for m in messages]


def _check(reply: ModelReply, use: Callable[[str], object], whole: bool) -> _Checked:
    if whole and reply.cut_off:
        return _Checked(problem=f"the reply was cut off at the model's output limit after {len(reply.text)} "
                                "characters; answer more briefly so all of it fits")
    try:
        return _Checked(use(reply.text))
    except CutOffError as exc:
        return _Checked(problem=str(exc))
    except (ValueError, PlanError) as exc:  # parse errors and validators' complaints
        if not reply.cut_off:
            return _Checked(problem=str(exc))
        # say why it is broken, not only how
        return _Checked(problem=f"the reply was cut off at the model's output limit after {len(reply.text)} "
                                f"characters, so {exc}; answer more briefly so all of it fits")
