"""The teacher's own pictures: a folder of SVG, PNG and JPEG files, and the short descriptions they
may give them in `assets.json` / `assets.yaml` (`{"img_0042.png": "a glass prism splitting light"}`).

Only regular picture files inside the folder count (a symlink may point only within it), of
bounded size; a description naming anything but such a file (a path, `..`) is ignored with a note.
Nothing here copies or changes a file: `assets.py` decides what a lecture uses.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import prompts
from .errors import AssetError
from .plan import slugify

FOLDER = "assets"  # in the workspace, beside the notes, and beside a notebook
SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")  # what SVGMobject / ImageMobject read
DESCRIPTION_FILES = ("assets.json", "assets.yaml", "assets.yml")
MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 500  # a folder scanned for pictures: more than any lecture's
MAX_DESCRIPTIONS_BYTES = 200_000
_WORD = re.compile(r"[a-z0-9]+")


@dataclass
class UserFolder:
    """Pictures in the teacher's folder and the descriptions they gave them."""

    root: Path
    files: list[Path] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)  # file name -> description
    notes: list[str] = field(default_factory=list)  # entries of the descriptions file that were ignored

    @classmethod
    def read(cls, root: Path | None) -> UserFolder | None:
        if root is None or not Path(root).is_dir():
            return None
        folder = cls(Path(root).resolve())
        folder.files = sorted(p for p in folder.root.iterdir() if folder._usable(p))[:MAX_FILES]
        folder.descriptions = folder._descriptions()
        return folder

    def _usable(self, path: Path) -> bool:
        """A regular picture file inside the folder (a symlink may point only within it)."""
        if path.suffix.lower() not in SUFFIXES:
            return False
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return False
        return real.parent == self.root and real.is_file() and real.stat().st_size <= MAX_BYTES

    def _descriptions(self) -> dict[str, str]:
        raw = _read_descriptions(self.root)
        result = {}
        for key, value in raw.items():
            name = str(key)
            text = value.get("description", "") if isinstance(value, dict) else value
            if Path(name).name != name or name in (".", "..") or "\\" in name:
                self.notes.append(f"{name!r} in the descriptions is not a file name in {self.root}: ignored")
            elif not any(f.name == name for f in self.files):
                self.notes.append(f"{name!r} in the descriptions is not a picture in {self.root}: ignored")
            else:
                result[name] = " ".join(str(text or "").split())[:300]
        return result

    def matches(self, name: str, text: str) -> list[Path]:
        """The file named `name` (a slug) first, then files by words shared with `text` (the request's
        name and description) in their names and descriptions; best first."""
        wanted = set(words(text))
        scored = []
        for path in self.files:
            if slugify(path.stem, max_length=40) == name:
                score = 1000
            else:
                score = len(wanted & set(words(f"{path.stem} {self.descriptions.get(path.name, '')}")))
            if score:
                scored.append((-score, path.name, path))
        return [path for *_, path in sorted(scored)]


def _read_descriptions(root: Path) -> dict:
    for name in DESCRIPTION_FILES:
        path = root / name
        if not path.is_file():
            continue
        raw = path.read_bytes()[:MAX_DESCRIPTIONS_BYTES + 1]
        if len(raw) > MAX_DESCRIPTIONS_BYTES:
            raise AssetError(f"{path}: larger than {MAX_DESCRIPTIONS_BYTES // 1000} kB; give a short description "
                             "per picture")
        try:
            text = raw.decode("utf-8")
            data = json.loads(text) if name.endswith(".json") else _yaml(text)
        except ValueError as exc:  # UnicodeDecodeError too
            raise AssetError(f"{path}: not valid {'JSON' if name.endswith('.json') else 'YAML'} ({exc}); "
                             "write it as {\"file name\": \"short description\"}") from None
        if isinstance(data, list):  # [{"file": ..., "description": ...}]
            data = {e.get("file"): e for e in data if isinstance(e, dict) and e.get("file")}
        if not isinstance(data, dict):
            raise AssetError(f"{path}: expected {{\"file name\": \"short description\"}}")
        return data
    return {}


def _yaml(text: str):
    import yaml  # only for a teacher's assets.yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ValueError(str(exc).split("\n")[0]) from None


def folder_beside(notes: Path | str | None) -> Path | None:
    """The teacher's `assets/` folder beside their notes (`--from notes.md`), when there is one."""
    folder = Path(notes).expanduser().parent / FOLDER if notes else None
    return folder if folder is not None and folder.is_dir() else None


def folder_note(folder_path: Path | None, limit: int = 30) -> str:
    """The teacher's pictures for the storyboard request, so the plan can ask for them by name
    ('' without any: the request is then exactly as before)."""
    folder = UserFolder.read(folder_path) if folder_path is not None and Path(folder_path).is_dir() else None
    if folder is None or not folder.files:
        return ""
    files = "\n".join(f"  - {f.name}" + (f": {folder.descriptions[f.name]}" if f.name in folder.descriptions else "")
                      for f in folder.files[:limit])
    return "\n" + prompts.render("assets_folder", files=files).rstrip()


def words(text: str) -> list[str]:
    """The words of a name or description that can match (three letters or more)."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 2]
