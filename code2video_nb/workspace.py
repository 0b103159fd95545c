"""The lecture workspace on disk (design.md, "The lecture workspace").

    <root>/<slug>/lecture.json        plan, code history, render/fix records, usage
    <root>/<slug>/sections/<id>.py    current code of each section (what renders)
    <root>/<slug>/previews/<id>.mp4   preview renders; keyframes/<id>/<block>.png
    <root>/<slug>/<slug>.mp4 .srt     the exported lecture
    <root>/<slug>/log.jsonl           model requests and replies
    <root>/<slug>/.renders/<id>/      earlier previews by content hash (the last few)

Every write is atomic, and every step records what it produced, so a rerun after
an interruption picks up where the last one stopped.
"""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path

from .files import atomic_copy, atomic_write_text
from .plan import Outline, Storyboard

STATE_VERSION = 1
ARCHIVE_KEEP = 8  # archived previews per section


def _copy_pngs(source: Path, dest: Path) -> None:
    """Replace dest's PNGs with source's (keyframes: block k -> k.png)."""
    dest.mkdir(parents=True, exist_ok=True)
    for old in dest.glob("*.png"):
        old.unlink()
    for png in source.glob("*.png"):
        atomic_copy(png, dest / png.name)


class Workspace:
    def __init__(self, directory: Path):
        self.dir = Path(directory)
        self.slug = self.dir.name
        self._lock = threading.RLock()
        self._parsed: dict = {}
        self.state = self._load()

    @classmethod
    def create(cls, root: Path, slug: str, topic: str) -> "Workspace":
        ws = cls(Path(root) / slug)
        with ws._lock:
            ws.state.setdefault("topic", topic)
            ws.state.setdefault("slug", slug)
            ws.save()
        return ws

    # paths -------------------------------------------------------------
    def code_path(self, section_id: str) -> Path:
        return self.dir / "sections" / f"{section_id}.py"

    def preview_path(self, section_id: str, quality: str = "preview") -> Path:
        folder = "previews" if quality == "preview" else "final"
        return self.dir / folder / f"{section_id}.mp4"

    # render archive ----------------------------------------------------
    def archive_preview(self, section_id: str, record: dict) -> None:
        """Keep this preview (and its keyframes) under its content hash, so going back to
        earlier code shows its preview at once instead of rendering it again."""
        folder = self.dir / ".renders" / section_id / record["hash"][:16]
        atomic_copy(self.dir / record["video"], folder / "video.mp4")
        _copy_pngs(self.keyframes_dir(section_id), folder / "keyframes")
        with self._lock:
            archive = self.section(section_id).setdefault("archive_preview", {})
            archive.pop(record["hash"], None)  # re-insert: the dict's order is the age
            archive[record["hash"]] = {**record, "archived": str(folder.relative_to(self.dir))}
            for stale in list(archive)[:-ARCHIVE_KEEP]:
                shutil.rmtree(self.dir / archive.pop(stale)["archived"], ignore_errors=True)
            self.save()

    def restore_preview(self, section_id: str, content_hash: str) -> dict | None:
        """Bring back an archived preview as the current one; None if it is not archived."""
        entry = self.section(section_id).get("archive_preview", {}).get(content_hash)
        if not entry or not (self.dir / entry["archived"] / "video.mp4").exists():
            return None
        atomic_copy(self.dir / entry["archived"] / "video.mp4", self.dir / entry["video"])
        _copy_pngs(self.dir / entry["archived"] / "keyframes", self.keyframes_dir(section_id))
        record = {k: v for k, v in entry.items() if k != "archived"}
        self.record(section_id, render_preview=record)
        return record

    def keyframes_dir(self, section_id: str) -> Path:
        return self.dir / "keyframes" / section_id

    def media_dir(self, section_id: str) -> Path:
        """manim's own media folder per section: its partial-movie cache speeds re-renders of edits."""
        return self.dir / ".media" / section_id

    @property
    def log_path(self) -> Path:
        return self.dir / "log.jsonl"

    def export_paths(self) -> tuple[Path, Path]:
        return self.dir / f"{self.slug}.mp4", self.dir / f"{self.slug}.srt"

    # plan --------------------------------------------------------------
    @property
    def outline(self) -> Outline | None:
        return self._plan("outline", Outline.from_dict)

    @property
    def storyboard(self) -> Storyboard | None:
        return self._plan("storyboard", Storyboard.from_dict)

    def _plan(self, key: str, parse):
        """Parsed once per plan: every section render asks for the storyboard."""
        data = self.state.get(key)
        if not data:
            return None
        cached = self._parsed.get(key)
        if cached is None or cached[0] is not data:
            cached = self._parsed[key] = (data, parse(data))
        return cached[1]

    def set_plan(self, key: str, value) -> None:
        with self._lock:
            self.state[key] = value.to_dict()
            self.save()

    # sections ----------------------------------------------------------
    def read_code(self, section_id: str) -> str | None:
        path = self.code_path(section_id)
        return path.read_text(encoding="utf-8") if path.exists() else None

    def write_code(self, section_id: str, code: str, reason: str) -> None:
        """Write the section's code and remember why; unchanged code is not a new version."""
        with self._lock:
            if self.read_code(section_id) == code:
                return
            atomic_write_text(self.code_path(section_id), code)
            history = self.section(section_id).setdefault("history", [])
            history.append({"time": time.time(), "reason": reason, "code": code})
            self.save()

    def section(self, section_id: str) -> dict:
        with self._lock:
            return self.state.setdefault("sections", {}).setdefault(str(section_id), {})

    def record(self, section_id: str, **values) -> None:
        with self._lock:
            self.section(section_id).update(values)
            self.save()

    def add_usage(self, usage_by_stage: dict[str, dict]) -> None:
        """Usage accumulates across runs, cells and sessions: lecture.json says what the lecture cost."""
        with self._lock:
            totals = self.state.setdefault("usage", {})
            for stage, usage in usage_by_stage.items():
                into = totals.setdefault(stage, {})
                for key, value in usage.items():
                    into[key] = round(into.get(key, 0) + value, 3)
            self.save()

    def section_tokens(self, section_id: str) -> int:
        """Tokens spent on one section (its code, fix and later stages)."""
        return sum(u.get("prompt_tokens", 0) + u.get("completion_tokens", 0)
                   for stage, u in self.state.get("usage", {}).items() if stage.endswith(f":{section_id}"))

    def set(self, **values) -> None:
        with self._lock:
            self.state.update(values)
            self.save()

    # storage -----------------------------------------------------------
    def save(self) -> None:
        with self._lock:
            atomic_write_text(self.dir / "lecture.json", json.dumps(self.state, indent=1, ensure_ascii=False))

    def _load(self) -> dict:
        path = self.dir / "lecture.json"
        if not path.exists():
            return {"version": STATE_VERSION}
        return json.loads(path.read_text(encoding="utf-8"))
