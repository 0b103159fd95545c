"""Reply storage: the on-disk reply cache and run cassettes (record and replay).

The cache is keyed by content (model + messages) so an identical request is never
billed twice. A cassette is keyed by stage, in order, so a recorded run replays even
after prompt templates change; `code2video demo` replays the bundled one.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import defaultdict, deque
from importlib import resources
from pathlib import Path

from .errors import ConfigError, ModelError, NotRecorded
from .files import atomic_write_text

CASSETTE_FORMAT = "code2video-cassette"
DEMO = "demo"  # `--replay demo`: the bundled recording, wherever the package is installed
DEMO_RECORDING = "eigenvectors.json"
DEMO_NOTES_RECORDING = "eigenvectors_notes.json"  # `code2video demo --from-notes`: its "lecture" names its notes
# `--replay demo:zh`: the bundled lecture in another language (`code2video demo --language zh`)
DEMO_LANGUAGES = {"zh": "eigenvectors_zh.json"}


def demo_file(name: str) -> Path:
    """A file of the bundled demo (a recording, or the notes one was planned from)."""
    return Path(str(resources.files("code2video_nb") / "demo" / name))  # joinpath takes one part on 3.10


def recording_path(replay: str | Path | None) -> Path | None:
    """The cassette a `--replay` value names: the bundled demo recording for `demo`, else the path."""
    if replay is None or str(replay) == "":
        return None
    name, _, language = str(replay).partition(":")
    if name == DEMO and (not language or language in DEMO_LANGUAGES):
        return demo_file(DEMO_LANGUAGES[language] if language else DEMO_RECORDING)
    return Path(replay)


def existing_recording(replay: str | Path | None) -> Path | None:
    """`recording_path`, or a one-line ConfigError when it names no file."""
    path = recording_path(replay)
    if path is not None and not path.is_file():
        raise ConfigError(f"no recorded run at {replay}; pass a cassette written by --record, or 'demo'")
    return path


def recorded_options(replay: str | Path | None) -> dict:
    """The plan options a recording was made with (its "lecture" entry: audience, sections), so a
    replay asks the same plan without flags. Empty for no recording or one that is not there."""
    path = recording_path(replay)
    if path is None or not path.is_file():
        return {}
    lecture = json.loads(path.read_text(encoding="utf-8")).get("lecture") or {}
    return {key: lecture[key] for key in ("audience", "sections") if key in lecture}


def request_key(model: str, messages: list[dict]) -> str:
    blob = json.dumps({"model": model, "messages": messages}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()


class ReplyCache:
    """One JSON file per request key; safe across threads and resumed runs."""

    def __init__(self, directory: Path):
        self.directory = Path(directory)

    def get(self, key: str) -> dict | None:
        try:
            return json.loads(self._path(key).read_text())
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def put(self, key: str, entry: dict) -> None:
        atomic_write_text(self._path(key), json.dumps(entry))

    def discard(self, key: str) -> None:
        """Forget a reply that was rejected, so a rerun asks the model instead of failing the same way."""
        self._path(key).unlink(missing_ok=True)

    def _path(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"


class Cassette:
    """Interactions of a run, in order. Records while running; replays per stage key."""

    def __init__(self, interactions: list[dict] | None = None):
        self.interactions = list(interactions or [])
        self._lock = threading.Lock()
        self._queues: dict[str, deque] = defaultdict(deque)
        for item in self.interactions:
            self._queues[item["stage"]].append(item)

    @classmethod
    def load(cls, path: Path) -> Cassette:
        data = json.loads(Path(path).read_text())
        if data.get("format") != CASSETTE_FORMAT:
            raise ModelError(f"{path} is not a code2video cassette (format {data.get('format')!r})")
        return cls(data["interactions"])

    def record(self, stage: str, model: str, reply: str, usage: dict, finish_reason: str = "stop") -> None:
        item = {"stage": stage, "model": model, "reply": reply, "usage": usage}
        if finish_reason != "stop":  # a cut-off reply replays as cut off
            item["finish_reason"] = finish_reason
        with self._lock:
            self.interactions.append(item)

    def next_reply(self, stage: str) -> dict:
        with self._lock:
            queue = self._queues.get(stage)
            if not queue:
                raise NotRecorded(stage)
            return queue.popleft()

    def save(self, path: Path) -> None:
        data = {"format": CASSETTE_FORMAT, "version": 1, "interactions": self.interactions}
        atomic_write_text(Path(path), json.dumps(data, indent=1, ensure_ascii=False))
