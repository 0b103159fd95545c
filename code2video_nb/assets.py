"""Pictures and icons a lecture shows: asked for by the storyboard, found offline, kept in the workspace.

A storyboard section may ask for pictures: `"assets": [{"name": "planet", "kind": "icon",
"description": "the Earth seen from space"}]`. Each request is resolved in this order:

1. the teacher's own folder (`picture_folder.py`: `--assets DIR`, or `assets/` beside the notes or
   the notebook): a file whose name is the request's name, else the best match of words against
   file names and the short descriptions the teacher gave in `assets.json` / `assets.yaml`;
2. the offline icon set (`icons.py`: Font Awesome Free, searched by name, label and tags).

An online provider is not built (see README). A request nothing matches keeps its entry with a
note: the section draws a labelled box in its place (`TeachingScene.asset`), never a failed render.

The chosen file is copied into the workspace's `assets/` under a name built here (`<name>.svg`,
or `<name>-<hash>.svg` when that name holds other content), so a file there never changes once a
render used it: the section's code names it, and the render's content hash (of the code) stays
true. Its entry in the storyboard section (lecture.json) gains `file`, `source` and `licence`.
A swap copies the new picture under its own name and rewrites the section's code to use it.

Path safety: names come from a model, so they are reduced to plain slugs; files come only from
the teacher's folder itself (no `..`, no absolute names in the descriptions, no symlink leading
out of it), must be regular picture files of bounded size, and are copied as bytes, never linked.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import icons, prompts
from .errors import AssetError
from .files import FILE_MODE, atomic_write_bytes, disk_errors
from .picture_folder import FOLDER, MAX_BYTES, SUFFIXES, UserFolder
from .plan import Storyboard, StoryboardSection, slugify

KINDS = ("icon", "photo", "diagram")
MAX_PER_SECTION = 4
USER_LICENCE = "the teacher's own (not checked)"
_MAGIC = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",)}


@dataclass(frozen=True)
class AssetRequest:
    """What the storyboard asks for; `name` is a plain slug whatever the model wrote."""

    name: str
    kind: str = "icon"
    description: str = ""

    @property
    def words(self) -> str:
        return f"{self.name.replace('-', ' ')} {self.description}"


@dataclass(frozen=True)
class Candidate:
    """A picture that could stand for a request: where it is, where it came from, its licence."""

    path: Path
    source: str
    licence: str
    origin: str  # "folder", "icons", "file" (a path the user gave)
    svg_fill: bool = False  # an icon: copied with a white fill (icons.white_svg)

    @property
    def label(self) -> str:
        return self.source


@dataclass(frozen=True)
class PlacedAsset:
    """A request and what stands for it in the workspace (`file` "" when nothing was found)."""

    request: AssetRequest
    file: str = ""  # workspace-relative: assets/<name>.<ext>
    source: str = ""
    licence: str = ""
    note: str = ""

    def to_dict(self) -> dict:
        data = {"name": self.request.name, "kind": self.request.kind, "description": self.request.description,
                "file": self.file, "source": self.source, "licence": self.licence}
        return {**data, "note": self.note} if self.note else data


def asset_name(raw) -> str:
    """A request's name as a file name part: no separators, no '..', bounded."""
    return slugify(str(raw or ""), max_length=40) or "picture"


def requests(section: StoryboardSection) -> list[AssetRequest]:
    """The section's picture requests; malformed entries are skipped, at most MAX_PER_SECTION."""
    raw = section.extra.get("assets")
    found: dict[str, AssetRequest] = {}
    for entry in raw if isinstance(raw, list) else []:
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not entry.get("name"):
            continue
        kind = str(entry.get("kind", "icon")).lower()
        request = AssetRequest(asset_name(entry["name"]), kind if kind in KINDS else "icon",
                               " ".join(str(entry.get("description", "")).split())[:200])
        found.setdefault(request.name, request)
    return list(found.values())[:MAX_PER_SECTION]


def placed(section: StoryboardSection) -> list[PlacedAsset]:
    """The section's requests with what stands for each, as recorded in the storyboard."""
    entries = {asset_name(e.get("name")): e for e in section.extra.get("assets") or [] if isinstance(e, dict)}
    result = []
    for request in requests(section):
        entry = entries.get(request.name, {})
        file = str(entry.get("file") or "")
        result.append(PlacedAsset(request, file if _workspace_file(file) else "", str(entry.get("source", "")),
                                  str(entry.get("licence", "")), str(entry.get("note", ""))))
    return result


# resolution ----------------------------------------------------------------------------------------
def candidates(request: AssetRequest, folder: UserFolder | None, limit: int = 6) -> list[Candidate]:
    """Every picture that could stand for the request, in the order of preference."""
    found = [Candidate(path, f"your folder: {path.name}", USER_LICENCE, "folder")
             for path in (folder.matches(request.name, request.words) if folder else [])]
    if icons.installed():
        query = request.words if request.kind == "icon" or not found else request.name
        found += [Candidate(icon.path, icon.source, icons.LICENCE, "icons", svg_fill=True)
                  for icon in icons.search(query, limit)]
    return found[:limit]


def place_all(ws, storyboard: Storyboard, folder_path: Path | None) -> list[PlacedAsset]:
    """Resolve every section's requests not placed yet, copy the pictures into the workspace and
    record them in the storyboard; returns what was placed now (a rerun places nothing again)."""
    if folder_path is not None and not Path(folder_path).is_dir():
        raise AssetError(f"{folder_path}: no such folder; give a folder of pictures (SVG, PNG, JPEG)")
    folder = UserFolder.read(folder_path)
    done: dict[str, list[PlacedAsset]] = {}
    for section in storyboard.sections:
        todo = [p for p in placed(section) if not p.file and not p.note]
        if todo:
            done[section.id] = [_place(ws, p.request, folder) for p in todo]
    if done:
        ws.update_storyboard(lambda board: _record(board, done))
    return [p for items in done.values() for p in items]


def _place(ws, request: AssetRequest, folder: UserFolder | None) -> PlacedAsset:
    for candidate in candidates(request, folder, limit=1):
        try:
            return copy_in(ws.dir, request, candidate)
        except AssetError as exc:  # an unreadable or odd file: say so, let the section draw a box
            return PlacedAsset(request, note=str(exc))
    where = f"in {folder.root} or " if folder else ""
    return PlacedAsset(request, note=f"no picture found {where}in the icon set for {request.name!r}; "
                                     "a labelled box stands in")


def copy_in(workspace: Path, request: AssetRequest, candidate: Candidate) -> PlacedAsset:
    """Copy the candidate into the workspace's assets/ under a name built here; never overwrite."""
    data = picture_bytes(candidate.path)
    if candidate.svg_fill:
        data = icons.white_svg(candidate.path)
    suffix = candidate.path.suffix.lower()
    folder = Path(workspace) / FOLDER
    target = folder / f"{request.name}{suffix}"
    if not _claim(target, data) and target.read_bytes() != data:
        target = folder / f"{request.name}-{hashlib.sha256(data).hexdigest()[:8]}{suffix}"
        _claim(target, data)  # taken: by these very bytes (the name is their hash)
    return PlacedAsset(request, f"{FOLDER}/{target.name}", candidate.source, candidate.licence)


def _claim(target: Path, data: bytes) -> bool:
    """Write `data` as `target` unless a file already has that name; False if one has. Written
    aside and linked in, so two builds copying pictures at once never write over each other's."""
    if target.exists():
        return False
    with disk_errors(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, aside = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.chmod(aside, FILE_MODE)
            _link(aside, target)
        except FileExistsError:
            return False
        finally:
            os.unlink(aside)
    return True


def picture_bytes(path: Path) -> bytes:
    """The bytes of a regular picture file of bounded size, or one AssetError saying why not."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise AssetError(f"{path}: not a picture manim reads ({', '.join(SUFFIXES)})")
    if not path.is_file():
        raise AssetError(f"{path}: no such file")
    if path.stat().st_size > MAX_BYTES:
        raise AssetError(f"{path}: larger than {MAX_BYTES // 2**20} MB; use a smaller picture")
    data = path.read_bytes()
    magic = _MAGIC.get(path.suffix.lower())
    looks_right = data.startswith(magic) if magic else b"<svg" in data[:4096]
    if not looks_right:
        raise AssetError(f"{path}: its content is not a {path.suffix.lstrip('.').upper()} picture")
    return data


def _record(board: Storyboard, done: dict[str, list[PlacedAsset]]) -> None:
    """Each placed picture's entry in its storyboard section's `assets` (the others as they are)."""
    for section in board.sections:
        new = {p.request.name: p.to_dict() for p in done.get(section.id, [])}
        entries = section.extra.get("assets")
        if new and isinstance(entries, list):
            section.extra["assets"] = [new.get(asset_name(e.get("name")), e) if isinstance(e, dict) else e
                                       for e in entries]


def _link(aside: str, target: Path) -> None:
    """A hard link, which fails if the name is taken; a file system without hard links gets a rename
    (two copies at once could then race, as on any such system)."""
    try:
        os.link(aside, target)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
        if target.exists():
            raise FileExistsError(errno.EEXIST, "taken", str(target)) from exc
        shutil.copyfile(aside, target)


# swapping ------------------------------------------------------------------------------------------
def swap(ws, section_id: str, name: str, candidate: Candidate) -> str:
    """Use `candidate` for the section's picture `name`: copied in, recorded, and the section's code
    rewritten to load it. Returns the new code ('' when the code did not name the old file)."""
    section = ws.storyboard.section(section_id)
    old = next((p for p in placed(section) if p.request.name == asset_name(name)), None)
    if old is None:
        raise AssetError(f"section {section_id} has no picture {name!r} "
                         f"(it has: {', '.join(p.request.name for p in placed(section)) or 'none'})")
    new = copy_in(ws.dir, old.request, candidate)
    ws.update_storyboard(lambda board: _record(board, {str(section_id): [new]}))
    code = ws.read_code(section_id) or ""
    changed = _rename_in_code(code, old, new.file)
    if changed != code:
        ws.write_code(section_id, changed, f"asset swap: {old.request.name}")
    return changed if changed != code else ""


def user_file(path: str | Path) -> Candidate:
    """A picture the user names by path (a swap): a regular picture file they can read."""
    real = Path(path).expanduser().resolve()
    picture_bytes(real)  # checked now, so a wrong path is one line before anything changes
    return Candidate(real, f"file: {real.name}", USER_LICENCE, "file")


def _rename_in_code(code: str, old: PlacedAsset, new_file: str) -> str:
    """The section's references to the old picture, now to the new file: its path, or its bare name
    (`self.asset("planet")`, which the missing-picture prompt asks for)."""
    if old.file and old.file in code:
        return code.replace(old.file, new_file)
    return re.sub(rf"""(\.asset\(\s*)(["']){re.escape(old.request.name)}\2""", rf"\g<1>\g<2>{new_file}\g<2>", code)


# credits -----------------------------------------------------------------------------------------
def credit(p: PlacedAsset) -> str:
    """`assets/x.svg: <source> (licence: ...)`: the attribution CC BY asks for, for a placed picture."""
    return f"{p.file}: {p.source} (licence: {p.licence})"


def credits(storyboard: Storyboard) -> list[str]:
    """One line per picture the lecture shows, in the order they appear."""
    lines = [credit(p) for section in storyboard.sections for p in placed(section) if p.file]
    return list(dict.fromkeys(lines))


def write_credits(storyboard: Storyboard, path: Path) -> Path | None:
    """The exported lecture's picture credits beside its video (None, and no file, without pictures)."""
    lines = credits(storyboard)
    if not lines:
        Path(path).unlink(missing_ok=True)
        return None
    return atomic_write_bytes(path, ("Pictures in this lecture\n\n" + "\n".join(lines) + "\n").encode("utf-8"))


# the render ------------------------------------------------------------------------------------
def stage(code: str, lecture: Path, job_dir: Path) -> Path:
    """The lecture's pictures this code names, copied to `job_dir/assets/`; returns `job_dir`, the
    render's folder for `assets/<file>`. A copy, because manim's SVGMobject writes a modified file
    beside the one it reads, and the render may write only in its own folders: so the lecture's
    assets/ stays read-only to renders, and no new write is allowed for pictures."""
    target = Path(job_dir) / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    source = Path(lecture) / FOLDER
    for file in sorted(source.iterdir()) if source.is_dir() else []:
        named = file.name in code or file.stem in code
        if named and file.suffix.lower() in SUFFIXES and file.is_file() and not file.is_symlink() \
                and file.stat().st_size <= MAX_BYTES:
            (target / file.name).write_bytes(file.read_bytes())
    return Path(job_dir)


# the coder's request -------------------------------------------------------------------------------
def prompt_note(section: StoryboardSection) -> str:
    """What the coder is told about the section's pictures ('' without any)."""
    items = placed(section)
    if not items:
        return ""
    lines = []
    for p in items:
        what = f"{p.request.name} ({p.request.kind}{': ' + p.request.description if p.request.description else ''})"
        lines.append(f'- {what}: self.asset("{p.file}")' if p.file else
                     f'- {what}: no file; self.asset("{p.request.name}") draws a labelled box in its place')
    return "\n\n" + prompts.render("assets", pictures="\n".join(lines)).strip()


def _workspace_file(file: str) -> bool:
    """`assets/<plain file name>` with a picture suffix: what lecture.json may name."""
    parts = file.split("/")
    return (len(parts) == 2 and parts[0] == FOLDER and parts[1] not in ("", ".", "..") and "\\" not in file
            and os.path.splitext(parts[1])[1].lower() in SUFFIXES)
