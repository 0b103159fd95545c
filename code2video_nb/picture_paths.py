"""Pictures wherever the code points: loads of files outside the lecture, brought in before a build.

Code this project did not write names its pictures by path: the original Code2Video pipeline's
sections load their icons by absolute path (`SVGMobject("/home/me/run/assets/icon/cat.svg")`), a
file written elsewhere by a path relative to where it was written. A lecture shows only what its
own `assets/` folder holds (the render stages those: `assets.stage`), so before a section is
checked and rendered (`section_build`, the one place every build goes through) each picture load
whose path is a string literal (`SVGMobject`, `ImageMobject`, `self.asset`, positional or by
keyword) is looked at:

- `assets/<file>` naming a file in the lecture's `assets/`: left as it is;
- a picture file found elsewhere: copied into the lecture's `assets/` (`assets.copy_in`: a file
  there never changes; another picture under the same name gets `<name>-<hash>.<ext>`), the literal
  rewritten to `assets/<file>`, the code kept as a version `picture copied in`, and the copy's
  source recorded in the storyboard section's `assets` (as for the plan's pictures);
- a file we do not copy (not SVG, PNG or JPEG, larger than 20 MB, or not what its name says) is
  read where it is, with a note: manim may still read it (a GIF); a relative path is made absolute
  so that the render finds it (version `picture path made absolute`);
- no such file (or an unreadable one): `SVGMobject`/`ImageMobject` becomes a labelled box built from
  manim's own shapes, so any scene draws it, base class or not (version `missing picture: box`);
  `self.asset` draws that box itself and is left. Either way a one-line note is said and recorded.

An absolute path that is not here (a file written on another machine, or on Windows) is looked
for by its last parts (`assets/icon/cat.svg`, `icon/cat.svg`, `cat.svg`) in the folders below. A
relative path is looked for first beside the file it was written in (an imported section: the
folder of the file it came from, as `scene_import` records it), then where `manim FILE.py` would
have read it (the current folder), then in the folders the caller adds, the section file's folder,
the lecture's folder and its `assets/`. Only regular picture files of bounded size whose content is
the picture they claim to be are copied (`assets.picture_bytes`): untrusted code can make us copy a
picture, nothing else, and the render could read it anyway.

Loads are found with `ast` (exact spans), so a path in a comment or a docstring is never touched.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path, PureWindowsPath

from . import assets
from .errors import AssetError
from .parse import Located, end_column, end_line, parse
from .picture_folder import FOLDER, SUFFIXES
from .plan import Storyboard
from .scene_import import IMPORTED_FROM

COPIED = "picture copied in"
BOXED = "missing picture: box"
PINNED = "picture path made absolute"  # a file we leave where it is, named so that the render finds it

LICENCE = "unknown: a file the section's code named (check it before publishing)"
# Each loader and the keyword its path may be given by.
LOADERS = {"SVGMobject": "file_name", "ImageMobject": "filename_or_array", "asset": "path"}
_DEFAULT_SUFFIXES = {"SVGMobject": (".svg",), "ImageMobject": (".png", ".jpg", ".jpeg")}  # manim adds them
_BOX_NAMES = ("GREY_B", "RoundedRectangle", "Text", "VGroup")


@dataclass(frozen=True)
class Load:
    """One picture load in the code: which loader, the path as written, and where (character
    offsets into the code) its string literal and its whole call are."""

    loader: str  # "SVGMobject", "ImageMobject" or "asset"
    path: str
    line: int
    literal: tuple[int, int]
    call: tuple[int, int]
    module: str = ""  # "mn." for `mn.SVGMobject(...)`: where the box's names come from
    height: str = ""  # the source of a `height=` / `width=` keyword, for the box's size
    width: str = ""


@dataclass(frozen=True)
class Copied:
    load: Load
    source: Path
    file: str  # assets/<file>
    own: bool = False  # the lecture's own picture, named by another path: nothing copied


@dataclass(frozen=True)
class Missing:
    load: Load
    why: str

    @property
    def note(self) -> str:
        return f"picture {self.load.path!r} (line {self.load.line}): {self.why}; a labelled box stands in"


@dataclass(frozen=True)
class Left:
    """A file manim may read that we do not copy (a GIF, a large picture): named by its absolute path."""

    load: Load
    path: str
    why: str


@dataclass
class Brought:
    """What `bring_in` did to one section's code."""

    code: str
    copied: list[Copied] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    left: list[Left] = field(default_factory=list)

    @property
    def notes(self) -> list[str]:
        copied = [f"picture {c.load.path!r} (line {c.load.line}) {'is' if c.own else 'copied in as'} {c.file}"
                  f"{'' if c.load.path == str(c.source) else f' (found at {c.source})'}" for c in self.copied]
        left = [f"picture {m.load.path!r} (line {m.load.line}) is read where it is"
                f"{'' if m.path == m.load.path else f' ({m.path})'}: {m.why}" for m in self.left]
        return copied + [m.note for m in self.missing] + left


# finding ---------------------------------------------------------------------------------------------
def find_loads(code: str) -> list[Load]:
    """Every picture load whose path is a string literal, or a name bound once to one, in the order
    of the code ([] if it does not parse)."""
    try:
        tree = parse(code)
    except (SyntaxError, ValueError):
        return []
    offsets, strings = _LineOffsets(code), _named_strings(tree)
    found = [load for node in ast.walk(tree) if isinstance(node, ast.Call)
             if (load := _load(node, offsets, strings)) is not None]
    return sorted(found, key=lambda load: load.call)


def _named_strings(tree: ast.Module) -> dict[str, ast.Constant]:
    """Names bound exactly once in the file, to a string literal: generated code often writes
    `icon_path = "/abs/x.svg"` and then `SVGMobject(icon_path)`. The literal is where a rewrite goes."""
    bound: dict[str, list[ast.AST]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            bound.setdefault(node.id, []).append(node)
    strings = {}
    for node in ast.walk(tree):
        if (isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Constant)
                and isinstance(node.value.value, str)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name) and len(bound.get(target.id, ())) == 1:
                    strings[target.id] = node.value
    return strings


def _load(call: ast.Call, offsets: _LineOffsets, strings: dict[str, ast.Constant]) -> Load | None:
    loader, module = _loader(call.func)
    if loader is None:
        return None
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    literal = call.args[0] if call.args else keywords.get(LOADERS[loader])
    if isinstance(literal, ast.Name):
        literal = strings.get(literal.id)
    if not (isinstance(literal, ast.Constant) and isinstance(literal.value, str) and literal.value.strip()):
        return None
    size = {k: ast.get_source_segment(offsets.code, keywords[k]) or "" for k in ("height", "width") if k in keywords}
    return Load(loader, literal.value, call.lineno, offsets.span(literal), offsets.span(call), module, **size)


def _loader(func: ast.expr) -> tuple[str | None, str]:
    """`SVGMobject` / `ImageMobject` (bare, or `module.` before it) and `self.asset`."""
    if isinstance(func, ast.Name) and func.id in ("SVGMobject", "ImageMobject"):
        return func.id, ""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        if func.attr in ("SVGMobject", "ImageMobject"):
            return func.attr, f"{func.value.id}."
        if func.attr == "asset" and func.value.id == "self":
            return "asset", ""
    return None, ""


class _LineOffsets:
    """ast's (line, UTF-8 byte column) positions as character offsets into the code."""

    def __init__(self, code: str):
        self.code = code
        self.lines = code.splitlines(keepends=True)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def offset(self, line: int, byte_col: int) -> int:
        text = self.lines[line - 1] if line - 1 < len(self.lines) else ""
        return self.starts[line - 1] + len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))

    def span(self, node: Located) -> tuple[int, int]:
        return self.offset(node.lineno, node.col_offset), self.offset(end_line(node), end_column(node))


# deciding (reads the file system, writes nothing) ------------------------------------------------------------
def in_lecture(load: Load, lecture: Path) -> bool:
    """The load names the lecture's own picture as a render finds it: `assets/<file>` (or a bare
    name for `self.asset`, which also finds `assets/<name>.<ext>` and draws a box for none)."""
    parts = load.path.replace("\\", "/").split("/")
    if load.loader == "asset" and len(parts) == 1 and not Path(parts[0]).suffix:
        return True  # a request's name: TeachingScene.asset resolves it, or draws its box
    if len(parts) != 2 or parts[0] != FOLDER:
        return False
    file = Path(lecture) / FOLDER / parts[1]
    return file.is_file() and not file.is_symlink() and file.suffix.lower() in SUFFIXES


def locate(load: Load, folders: Iterable[Path]) -> Path | None:
    """The file a load's path names: itself if absolute, else the first of `folders` holding it
    (with the suffix manim would add when it has none); an absolute path that is not here (written
    on another machine, or on Windows) by its last parts in `folders` (`assets/icon/cat.svg`, then
    `icon/cat.svg`, then `cat.svg`); None if nowhere."""
    expanded = os.path.expanduser(load.path)
    written = _written(expanded)
    parts = written.parts[1:] if written.anchor else written.parts
    folders = list(folders)
    if written.anchor:  # absolute (POSIX or Windows)
        tries = [Path(expanded)] + [Path(folder, *parts[-n:]) for n in range(min(3, len(parts)), 0, -1)
                                    for folder in folders]
    else:
        tries = [Path(folder, *parts) for folder in folders]
    suffixes = ("",) if written.suffix else ("", *_DEFAULT_SUFFIXES.get(load.loader, ()))
    for path in tries:
        for suffix in suffixes:
            candidate = path.with_name(path.name + suffix) if suffix else path
            if candidate.is_file():
                return candidate.resolve()
    return None


def search_folders(lecture: Path, section_file: Path, extra: Iterable[Path] = (),
                   written_in: Iterable[Path] = ()) -> list[Path]:
    """Where a relative path is looked for, in order (see the module's docstring)."""
    lecture = Path(lecture)
    found = [*map(Path, written_in), Path.cwd(), *map(Path, extra), Path(section_file).parent, lecture,
             lecture / FOLDER]
    return list(dict.fromkeys(p.resolve() for p in found))


def _written_in(ws, section_id: str) -> list[Path]:
    """The folder of the file an imported section came from (none for a generated section)."""
    board = ws.storyboard
    section = next((s for s in board.sections if s.id == str(section_id)), None) if board else None
    origin = section.extra.get(IMPORTED_FROM) if section is not None else None
    return [Path(origin).parent] if isinstance(origin, str) and Path(origin).is_absolute() else []


# rewriting (pure) ---------------------------------------------------------------------------------
def with_boxes(code: str, missing: list[Missing]) -> str:
    """The code with each missing SVGMobject/ImageMobject load replaced by a labelled box, and the
    manim names the box needs imported when the file neither star-imports manim nor has them."""
    boxed = [m for m in missing if m.load.loader != "asset"]
    if not boxed:
        return code
    changed = _replace(code, [(m.load.call, box(m.load)) for m in boxed])
    if all(m.load.module for m in boxed):
        return changed
    return _import_box_names(changed)


def box(load: Load) -> str:
    """A labelled box in manim's shapes, sized as the load asked (`height=`/`width=`), else 2x2."""
    m = load.module
    label = assets.asset_name(_written(load.path).stem).replace("-", " ")[:24]
    font = min(24, max(8, int(24 * 1.8 / (0.25 * max(1, len(label))))))
    expression = (f"{m}VGroup({m}RoundedRectangle(width=2, height=2, corner_radius=0.12, color={m}GREY_B, "
                  f"stroke_width=2), {m}Text({label!r}, font_size={font}, color={m}GREY_B))")
    if load.height:
        return f"{expression}.scale_to_fit_height({load.height})"
    return f"{expression}.scale_to_fit_width({load.width})" if load.width else expression


def _written(path: str) -> PureWindowsPath:
    """The path as written, split at either separator: a Windows path (`r"D:\\icons\\sign.svg"`, from
    a file written there) names its picture `sign` here too."""
    return PureWindowsPath(path)


def _replace(code: str, edits: list[tuple[tuple[int, int], str]]) -> str:
    """Replace character spans (later ones first, so earlier offsets stay true; overlaps skipped)."""
    result, limit = code, len(code) + 1
    for (start, end), text in sorted(edits, key=lambda e: e[0], reverse=True):
        if end <= limit:
            result, limit = result[:start] + text + result[end:], start
    return result


def _import_box_names(code: str) -> str:
    """`from manim import ...` for the box's names the module lacks, on a line after its last
    top-level import (a new line, so no other line of the code changes)."""
    tree = parse(code)
    imports = [node for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    if any(isinstance(n, ast.ImportFrom) and n.module == "manim" and any(a.name == "*" for a in n.names)
           for n in imports):
        return code
    have = {a.asname or a.name for n in imports for a in n.names}
    need = [name for name in _BOX_NAMES if name not in have]
    if not need:
        return code
    lines = code.splitlines(keepends=True)
    at = end_line(imports[-1]) if imports else 0
    if at and not lines[at - 1].endswith("\n"):
        lines[at - 1] += "\n"
    lines.insert(at, f"from manim import {', '.join(need)}  # a box for a missing picture\n")
    return "".join(lines)


# bringing in (the build's hook) ---------------------------------------------------------------------
def bring_in(ws, section_id: str, code: str | None, say: Callable[[str, str], None] | None = None,
             folders: Iterable[Path] = ()) -> str | None:
    """Copy the pictures the section's code loads from outside the lecture into its assets/, box
    the missing ones, keep each change as a version and say what was done; returns the code now
    in the section (unchanged when every load is the lecture's own)."""
    if code is None:
        return code
    loads = [load for load in find_loads(code) if not in_lecture(load, ws.dir)]
    if not loads:
        return code
    where = search_folders(ws.dir, ws.code_path(section_id), folders, _written_in(ws, section_id))
    brought = Brought(code)
    for load in loads:
        _bring(ws.dir, load, where, brought)
    pinned = {(m.load.line, m.load.path): f'"{m.path}"' for m in brought.left if m.path != m.load.path}
    for changes, reason in (({(c.load.line, c.load.path): f'"{c.file}"' for c in brought.copied}, COPIED),
                            (pinned, PINNED)):
        if changes:  # each found again in the code as it is now: an earlier change moved what follows it
            brought.code = _replace(brought.code, [(load.literal, changes[load.line, load.path])
                                                   for load in find_loads(brought.code)
                                                   if (load.line, load.path) in changes])
            ws.write_code(section_id, brought.code, reason)
    if brought.missing:
        gone = {(m.load.line, m.load.path): m.why for m in brought.missing}
        boxed = with_boxes(brought.code, [Missing(load, gone[load.line, load.path]) for load in
                                          find_loads(brought.code) if (load.line, load.path) in gone])
        if boxed != brought.code:
            brought.code = boxed
            ws.write_code(section_id, boxed, BOXED)
    ws.update_storyboard(lambda board: _record(board, section_id, brought))
    for note in brought.notes:
        (say or (lambda stage, message: None))("picture", f"section {section_id}: {note}")
    return brought.code


def _bring(lecture: Path, load: Load, where: list[Path], brought: Brought) -> None:
    found = locate(load, where)
    if found is None:
        brought.missing.append(Missing(load, "no such file"))
        return
    own = Path(lecture).resolve() / FOLDER
    if found.parent == own and found.suffix.lower() in SUFFIXES:  # the lecture's own, by another path
        brought.copied.append(Copied(load, found, f"{FOLDER}/{found.name}", own=True))
        return
    request = assets.AssetRequest(assets.asset_name(found.stem), "icon" if found.suffix.lower() == ".svg" else "photo")
    try:
        placed = assets.copy_in(lecture, request, assets.Candidate(found, f"file: {found}", LICENCE, "code"))
    except AssetError as exc:  # another kind of picture, a large one: manim may still read it, so left
        brought.left.append(Left(load, str(found), _why(exc, found)))
        return
    except OSError as exc:  # unreadable: manim could not read it either
        brought.missing.append(Missing(load, exc.strerror or str(exc)))
        return
    brought.copied.append(Copied(load, found, placed.file))


def _why(exc: Exception, path: Path) -> str:
    """An AssetError's reason without the path it starts with (the note names the load)."""
    text = str(exc)
    return text[len(f"{path}: "):] if text.startswith(f"{path}: ") else text


def _record(board: Storyboard, section_id: str, brought: Brought) -> None:
    """Each copy's source (and each missing picture's note) in the storyboard section's `assets`,
    as the plan's pictures are recorded; a source already recorded is not recorded again."""
    for section in board.sections:
        entries = section.extra.get("assets", []) if section.id == str(section_id) else None
        if not isinstance(entries, list):
            continue
        taken = {assets.asset_name(e.get("name")) for e in entries if isinstance(e, dict)}
        known = {(e.get("file"), e.get("source")) for e in entries if isinstance(e, dict)}
        for entry in [*map(_entry, brought.copied), *map(_entry, brought.missing)]:
            if entry is None or (entry.file, entry.source) in known:
                continue
            name = _free_name(entry.request.name, taken)
            taken.add(name)
            known.add((entry.file, entry.source))
            entries.append(replace(entry, request=replace(entry.request, name=name)).to_dict())
        section.extra["assets"] = entries


def _entry(item: Copied | Missing) -> assets.PlacedAsset | None:
    """The storyboard entry for a copy or a missing picture (None: the lecture's own, already known)."""
    request = assets.AssetRequest(assets.asset_name(_written(item.load.path).stem),
                                  "icon" if _written(item.load.path).suffix.lower() in ("", ".svg") else "photo")
    if isinstance(item, Missing):
        return assets.PlacedAsset(request, "", f"file: {item.load.path}", "", item.note)
    if item.own:
        return None
    return assets.PlacedAsset(request, item.file, f"file: {item.source}", LICENCE)


def _free_name(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3`… when another entry of the section has it."""
    free, n = name, 2
    while free in taken:
        free, n = f"{name}-{n}", n + 1
    return free
