"""A scripted OpenAI-compatible chat server on loopback, for tests, benchmarks and demos.

No real model endpoint is reachable where the tests run, so the engine's real `openai`
client talks HTTP to this server instead. Replies are queued per stage key, taken from the
`X-Code2Video-Stage` header every engine request carries ("code" or "code:2"); `script_by_text`
queues them per stage and text the request contains (a quiz question), for requests sent in parallel.
POST /v1/audio/speech answers with a real WAV (a quiet tone, `speech_seconds` long) and records
the request in `speech_requests`; a `Status` scripted for its stage ("narration") answers instead.
"""
from __future__ import annotations

import argparse
import base64
import http
import json
import math
import re
import struct
import threading
import time
import uuid
import wave
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import BytesIO
from pathlib import Path
from typing import Any

STAGE_HEADER = "X-Code2Video-Stage"
CASSETTE_FORMAT = "code2video-cassette"


@dataclass(frozen=True)
class Reply:
    """An assistant message with optional recorded usage (what cassettes replay).
    finish_reason "length" sends it as cut off at the model's output limit."""
    content: str
    usage: dict | None = None
    finish_reason: str = "stop"


@dataclass(frozen=True)
class Status:
    """Answer with an HTTP error and an OpenAI-style error body (e.g. 429 to exercise retries)."""
    code: int
    message: str = ""
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Delay:
    """Sleep, then answer (on top of the server's latency): makes a client with a short time-out
    give up, or one reply arrive after the others. With `until`, the sleep ends early once that
    event is set, so a test can hold a reply back until something happened, `seconds` at most."""
    seconds: float
    reply: str | Reply
    until: threading.Event | None = None


@dataclass(frozen=True)
class Cut:
    """A stream that breaks off: the first `fraction` of the reply's chunks, then the connection
    closes with no finish_reason and no [DONE] (a dropped connection, a proxy's time-out).
    Asked without streaming, the connection closes before any answer."""
    reply: str | Reply
    fraction: float = 0.5


@dataclass(frozen=True)
class Hold:
    """A stream that pauses once the text `after` has been sent, until `until` is set (`seconds` at
    most), then goes on: a test holds the rest of a reply back until something happened while the
    first part streamed, rather than slowing the whole reply to a pace a loaded machine keeps up with.
    Asked without streaming, the whole answer waits."""
    reply: str | Reply
    after: str
    until: threading.Event
    seconds: float


@dataclass(frozen=True)
class Latency:
    """A model's time to answer, simulated: a fixed wait per request plus one per 1000 completion tokens."""
    per_request: float = 0.0
    per_1k_tokens: float = 0.0

    def seconds(self, completion_tokens: int) -> float:
        return self.per_request + self.per_1k_tokens * completion_tokens / 1000


@dataclass(frozen=True)
class Computed:
    """A reply worked out from the request's messages when it arrives: a scripted judge that looks
    at the frames it is sent (returns a reply's text)."""
    answer: Callable[[list], str]


@dataclass(frozen=True)
class Garbage:
    """HTTP 200 whose body is not valid JSON."""
    body: str


@dataclass
class RecordedRequest:
    stage: str
    model: str
    messages: list
    stream: bool
    headers: dict
    at: float = 0.0  # time.monotonic() when the request came in
    ended: float | None = None  # when the whole reply had been sent; None: not (yet), or the client hung up


@dataclass
class SpeechRequest:
    """One POST /v1/audio/speech: its JSON fields and headers (lower-cased)."""
    stage: str
    model: str
    voice: str
    input: str
    speed: float | None
    response_format: str | None
    headers: dict
    instructions: str | None = None  # how to speak (e.g. the language), where the model takes it


SPEECH_RATE = 24000  # Hz, as OpenAI's wav output


def speech_seconds(text: str, speed: float | None = None) -> float:
    """How long the scripted server "speaks" `text`: 0.4 s a word (at least one word's worth), / speed."""
    return max(1, len(text.split())) * 0.4 / (speed or 1.0)


def speech_wav(text: str, speed: float | None = None) -> bytes:
    """A real mono 16-bit WAV: a quiet 220 Hz tone, `speech_seconds(text, speed)` long."""
    frames = round(speech_seconds(text, speed) * SPEECH_RATE)
    tone = [round(3000 * math.sin(2 * math.pi * 220 * i / SPEECH_RATE)) for i in range(SPEECH_RATE // 220)]
    samples = struct.pack(f"<{len(tone)}h", *tone)
    body = (samples * (frames // len(tone) + 1))[:frames * 2]
    out = BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SPEECH_RATE)
        wav.writeframes(body)
    return out.getvalue()


def _error_body(message: str, code: int, err_code: str | None = None) -> dict:
    kind = "server_error" if code >= 500 else "invalid_request_error"
    return {"error": {"message": message, "type": kind, "param": None, "code": err_code}}


def _words(messages: list) -> int:
    """Prompt tokens, counted roughly: words of text, plus what an image part costs a vision model."""
    # Content may be a string or a list of parts (text + images for the VLM stages).
    total = 0
    for msg in messages:
        content = msg.get("content") or ""
        parts = content if isinstance(content, list) else [{"text": content}]
        total += sum(len(str(p.get("text", "")).split()) for p in parts if isinstance(p, dict))
        total += sum(_image_tokens(p) for p in parts if isinstance(p, dict) and p.get("type") == "image_url")
    return total


def _text_of(messages: list) -> str:
    """All the text of a request's messages (string contents and text parts)."""
    texts = []
    for msg in messages:
        content = msg.get("content") or "" if isinstance(msg, dict) else ""
        parts = content if isinstance(content, list) else [{"text": content}]
        texts += [str(p.get("text", "")) for p in parts if isinstance(p, dict)]
    return "\n".join(texts)


def _has_video(messages: list) -> bool:
    return any(isinstance(m.get("content"), list) and any(p.get("type") == "video_url" for p in m["content"])
               for m in messages if isinstance(m, dict))


def _image_tokens(part: dict) -> int:
    """OpenAI's published cost of an image part (GPT-4o, detail high/auto): scaled down to fit 2048 px,
    then until its short side is at most 768 px; 170 tokens per 512-px tile plus 85 ("low": 85).
    A PNG data URI's size is read from its header; other images count as one tile."""
    image = part.get("image_url") or {}
    if image.get("detail") == "low":
        return 85
    data = str(image.get("url", "")).partition(",")[2]
    try:
        header = base64.b64decode(data[:32])
        width, height = struct.unpack(">II", header[16:24]) if header[:8] == b"\x89PNG\r\n\x1a\n" else (512, 512)
    except (ValueError, struct.error):
        width, height = 512, 512
    scale = min(1.0, 2048 / max(width, height, 1))
    scale *= min(1.0, 768 / max(1.0, min(width, height) * scale))
    tiles = math.ceil(width * scale / 512) * math.ceil(height * scale / 512)
    return 85 + 170 * tiles


class ScriptedServer:
    def __init__(self, models: set[str] | None = None, api_key: str | None = None, port: int = 0,
                 latency: Latency = Latency()):
        self.models = set(models) if models else None
        self.api_key = api_key
        self.latency = latency  # applied to every completion (not to scripted errors)
        # An endpoint that reads images but not video (as OpenAI's): a `video_url` part is a 400.
        self.takes_video = True
        # An endpoint that streams but refuses `stream_options` (some OpenAI-compatible servers): a 400.
        self.takes_stream_options = True
        self.requests: list[RecordedRequest] = []
        self.speech_requests: list[SpeechRequest] = []
        self._queues: dict[str, deque] = defaultdict(deque)
        self._by_text: dict[tuple[str, str], deque] = defaultdict(deque)  # (stage key, text) -> replies
        self._lock = threading.Lock()
        self._port = port
        self._httpd: ThreadingHTTPServer | None = None

    # -- scripting -------------------------------------------------------
    def script(self, stage_key: str, *replies: Any) -> ScriptedServer:
        with self._lock:
            self._queues[stage_key].extend(replies)
        return self

    def script_by_text(self, stage_key: str, text: str, *replies: Any) -> ScriptedServer:
        """Queue replies for requests on `stage_key` whose messages contain `text` (e.g. a quiz
        question: passes asked in parallel arrive in any order). Tried before the stage's own queue."""
        with self._lock:
            self._by_text[(stage_key, text)].extend(replies)
        return self

    def set_latency(self, per_request: float = 0.0, per_1k_tokens: float = 0.0) -> ScriptedServer:
        self.latency = Latency(per_request, per_1k_tokens)
        return self

    def script_cassette(self, cassette: str | Path | dict) -> ScriptedServer:
        data = cassette if isinstance(cassette, dict) else json.loads(Path(cassette).read_text())
        if data.get("format") != CASSETTE_FORMAT or data.get("version") != 1:
            raise ValueError(f"not a {CASSETTE_FORMAT} v1 file: {cassette!r:.80}")
        for item in data["interactions"]:
            self.script(item["stage"], Reply(item["reply"], item.get("usage"), item.get("finish_reason", "stop")))
        return self

    def stages(self) -> list[str]:
        with self._lock:
            return [r.stage for r in self.requests]

    def count(self, stage_key: str) -> int:
        return self.stages().count(stage_key)

    def _next_reply(self, stage: str, messages: list | None = None) -> Any:
        # Exact "code:2" first, so a test can single out one section; then bare "code".
        text = _text_of(messages or [])
        with self._lock:
            for (key, needle), queue in self._by_text.items():
                if key == stage and queue and needle in text:
                    return queue.popleft()
            for key in (stage, stage.split(":", 1)[0]):
                if self._queues.get(key):
                    return self._queues[key].popleft()
        return None

    # -- lifecycle -------------------------------------------------------
    @property
    def base_url(self) -> str:
        assert self._httpd is not None, "server not started"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def start(self) -> ScriptedServer:
        handler = type("Handler", (_Handler,), {"owner": self})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        self._httpd.daemon_threads = True  # a sleeping Delay must not block shutdown
        # A short poll interval keeps stop() (and so every test's teardown) quick.
        threading.Thread(target=self._httpd.serve_forever, args=(0.02,), daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> ScriptedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    owner: ScriptedServer
    broke_off = False  # this request's stream was cut on purpose (`Cut`)

    def log_message(self, *args: Any) -> None:  # keep test output clean
        pass

    def _send(self, code: int, body: bytes, ctype: str = "application/json",
              headers: dict | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(body)

    def _json(self, code: int, obj: dict, headers: dict | None = None) -> None:
        self._send(code, json.dumps(obj).encode(), headers=headers)

    def _authorized(self) -> bool:
        key = self.owner.api_key
        if key is None or self.headers.get("Authorization") == f"Bearer {key}":
            return True
        self._json(401, _error_body("Incorrect API key provided.", 401, "invalid_api_key"))
        return False

    def do_GET(self) -> None:
        if not self._authorized():
            return
        if self.path.rstrip("/") != "/v1/models":
            return self._json(404, _error_body(f"Unknown path {self.path}", 404))
        names = sorted(self.owner.models or {"scripted"})
        data = [{"id": m, "object": "model", "created": 0, "owned_by": "scripted"} for m in names]
        self._json(200, {"object": "list", "data": data})

    def do_POST(self) -> None:
        try:
            self._chat()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (time-out test); nothing left to tell it

    def _chat(self) -> None:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.rstrip("/") == "/v1/audio/speech":
            return self._speech(raw)
        if self.path.rstrip("/") != "/v1/chat/completions":
            return self._json(404, _error_body(f"Unknown path {self.path}", 404))
        req = json.loads(raw or b"{}")
        stage = self.headers.get(STAGE_HEADER, "")
        model = req.get("model", "")
        record = RecordedRequest(stage, model, req.get("messages", []), bool(req.get("stream")),
                                 {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
        with self.owner._lock:
            self.owner.requests.append(record)
        if not self._authorized():  # checked after recording: rejected requests show up too
            return
        if self.owner.models is not None and model not in self.owner.models:
            msg = f"The model `{model}` does not exist"
            return self._json(404, _error_body(msg, 404, "model_not_found"))
        if not stage:
            return self._json(400, _error_body(f"missing {STAGE_HEADER} header", 400))
        if not self.owner.takes_stream_options and "stream_options" in req:
            return self._json(400, _error_body("Unrecognized request argument supplied: stream_options", 400))
        if not self.owner.takes_video and _has_video(req.get("messages", [])):
            return self._json(400, _error_body("Invalid content part type: 'video_url'", 400, "invalid_value"))
        self._answer(stage, req, self.owner._next_reply(stage, req.get("messages", [])))
        if not self.broke_off:  # not reached either when the client hung up (BrokenPipeError)
            record.ended = time.monotonic()

    def _speech(self, raw: bytes) -> None:
        req = json.loads(raw or b"{}")
        stage, model = self.headers.get(STAGE_HEADER, ""), req.get("model", "")
        with self.owner._lock:
            self.owner.speech_requests.append(SpeechRequest(
                stage, model, req.get("voice", ""), req.get("input", ""), req.get("speed"),
                req.get("response_format"), {k.lower(): v for k, v in self.headers.items()},
                req.get("instructions")))
        if not self._authorized():
            return
        if self.owner.models is not None and model not in self.owner.models:
            return self._json(404, _error_body(f"The model `{model}` does not exist", 404, "model_not_found"))
        if not stage:
            return self._json(400, _error_body(f"missing {STAGE_HEADER} header", 400))
        if req.get("response_format") != "wav":
            msg = f"the scripted server speaks wav only, not {req.get('response_format')!r}"
            return self._json(400, _error_body(msg, 400))
        scripted = self.owner._next_reply(stage)
        if isinstance(scripted, Status):
            msg = scripted.message or http.HTTPStatus(scripted.code).phrase
            return self._json(scripted.code, _error_body(msg, scripted.code), scripted.headers)
        self._send(200, speech_wav(req.get("input", ""), req.get("speed")), "audio/wav")

    def _answer(self, stage: str, req: dict, reply: Any) -> None:
        if reply is None:
            # Tell the client not to retry: an exhausted script is a test bug, fail at once.
            msg = f"no scripted reply left for stage '{stage}'"
            return self._json(500, _error_body(msg, 500), {"x-should-retry": "false"})
        if isinstance(reply, Status):
            msg = reply.message or http.HTTPStatus(reply.code).phrase
            return self._json(reply.code, _error_body(msg, reply.code), reply.headers)
        if isinstance(reply, Garbage):
            return self._send(200, reply.body.encode())
        if isinstance(reply, Computed):
            reply = reply.answer(req.get("messages", []))
        if isinstance(reply, Delay):
            if reply.until is not None:
                reply.until.wait(reply.seconds)
            else:
                time.sleep(reply.seconds)
            reply = reply.reply
        cut = reply.fraction if isinstance(reply, Cut) else None
        if isinstance(reply, Cut):
            reply = reply.reply
        hold = reply if isinstance(reply, Hold) else None
        if hold is not None:
            reply = hold.reply
        if isinstance(reply, str):
            reply = Reply(reply)
        usage = dict(reply.usage or {"prompt_tokens": _words(req.get("messages", [])),
                                     "completion_tokens": len(reply.content.split())})
        usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
        if req.get("stream"):
            return self._stream(req, reply.content, usage, reply.finish_reason, cut, hold)
        if cut is not None:
            raise ConnectionResetError  # hang up without an answer
        if hold is not None:
            hold.until.wait(hold.seconds)
        time.sleep(self.owner.latency.seconds(usage["completion_tokens"]))  # the model "writing" it
        self._json(200, {
            "id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion",
            "created": int(time.time()), "model": req.get("model", ""),
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.content},
                         "finish_reason": reply.finish_reason, "logprobs": None}],
            "usage": usage})

    def _stream(self, req: dict, content: str, usage: dict, finish_reason: str = "stop",
                cut: float | None = None, hold: Hold | None = None) -> None:
        """Server-sent events as a model writes them: the role at once, the first words after the
        latency's per-request wait, then a few words a chunk at its per-token pace (the reply's
        completion tokens' time shared out by length). `cut`: break off after that fraction of the
        chunks; `hold`: pause once its text has been sent."""
        base = {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion.chunk",
                "created": int(time.time()), "model": req.get("model", "")}
        pieces = _pieces(content)
        if cut is not None:
            pieces = pieces[:int(len(pieces) * cut)]
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()  # no length: HTTP/1.0, the body ends when the connection closes

        def send(delta: dict | None = None, finish: str | None = None, **extra: Any) -> None:
            choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
            self.wfile.write(f"data: {json.dumps({**base, 'choices': choices, **extra})}\n\n".encode())
            self.wfile.flush()

        send({"role": "assistant", "content": ""})
        latency = self.owner.latency
        time.sleep(latency.per_request)
        writing = latency.per_1k_tokens * usage["completion_tokens"] / 1000  # the whole reply's, shared by length
        sent = ""
        for piece in pieces:
            time.sleep(writing * len(piece) / len(content))
            send({"content": piece})
            sent += piece
            if hold is not None and hold.after in sent:
                hold.until.wait(hold.seconds)
                hold = None
        if cut is not None:
            self.broke_off = True  # the connection closes with the reply half-sent
            return
        send({}, finish_reason)
        if (req.get("stream_options") or {}).get("include_usage"):
            send(usage=usage)
        self.wfile.write(b"data: [DONE]\n\n")


STREAM_WORDS = 6  # words a chunk at most: a model's few tokens per event


def _pieces(content: str) -> list[str]:
    """The reply in chunks of a few words each (at least three chunks when it has as many words),
    joining back to exactly `content`."""
    words = re.findall(r"\s*\S+", content)
    if not words:
        return [content] if content else []
    words[-1] += content[len("".join(words)):]  # trailing whitespace
    step = max(1, min(STREAM_WORDS, -(-len(words) // 3)))
    return ["".join(words[i:i + step]) for i in range(0, len(words), step)]


def parse_latency(text: str) -> Latency:
    """"1+12": 1 s per request + 12 s per 1000 completion tokens ("0": none)."""
    per_request, _, per_1k = text.partition("+")
    try:
        return Latency(float(per_request), float(per_1k or 0))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected SECONDS+SECONDS_PER_1K_TOKENS like 1+12, got {text!r}") from None


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description="Serve a code2video cassette as an OpenAI-compatible endpoint.")
    parser.add_argument("cassette")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=parse_latency, default=Latency(), metavar="S+S",
                        help="simulated model time: seconds per request + seconds per 1000 completion tokens, "
                             'e.g. "1+12"')
    args = parser.parse_args(argv)
    srv = ScriptedServer(port=args.port, latency=args.latency).script_cassette(args.cassette).start()
    print(srv.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
