"""Scene files written elsewhere, brought into a lecture: one file, one section.

    read_scene(path) -> SceneFile          the file as written, its scene class, title and lecture lines
    import_files(paths, into=...) -> Imported   each file a section of a lecture (new or existing)
    own_lecture(path, out) -> Path         the small lecture folder `code2video render FILE.py` uses
    section_of(path) -> (lecture, id)      a file that already is a lecture's section

Nothing here renders: the CLI (`render FILE.py`, `import`) and the notebook (`%c2v open`) hand the
sections to the engine, so an imported file goes through exactly what a planned section does (static
check and fix, sandbox, check pass, auto-fix, preview, the critic's suggestions).

The storyboard a section needs is read from the file itself, with `ast` (the code never runs here):

- the paper's style: a base class inline, and `self.setup_layout("Title", ["line", ...])` in
  `construct`; the lines may be a name bound to a list (`LECTURE_LINES = [...]`) or a class attribute;
- ours: `self.setup_lecture(title, LECTURE_LINES)` and `self.highlight_line(k)` blocks;
- anything else: the first call on `self` given a string and a list of strings; else the title
  from the module's docstring or the file's name, and one line per `# === Animation for Lecture
  Line k ===` block (or per `highlight_line(k)`), or the title alone.

A file is kept as written (Windows line ends read as Python reads them) as version 1 of its
section's history (`imported from <name>`); importing it again updates that section (a new version
only if the text changed), so rerunning a command never piles up copies.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import RenderError, SceneFileError, WorkspaceError
from .files import disk_errors
from .parse import parse
from .plan import Outline, OutlineSection, Storyboard, StoryboardSection, slugify
from .render.renderer import find_scene_class
from .scopes import BLOCK_MARK
from .workspace import Workspace

IMPORTED_FROM = "imported_from"  # the storyboard section's record of its file (absolute path)
REASON = "imported from "  # history reason: "imported from pythagoras.py"
OWN_FOLDER = "code2video"  # `render FILE.py` without --out: FILE's folder / code2video / <stem>
MAX_BYTES = 1_000_000  # a scene file larger than this is not a section
_SETUP_NAMES = ("setup_lecture", "setup_layout")  # ours, the paper's: looked at first
_BULLET = re.compile(r"^\s*(?:[-*•]\s+|\d{1,2}[.)]\s+)")  # "- ", "1. ", "2) " before a lecture line


@dataclass(frozen=True)
class SceneFile:
    path: Path  # absolute
    code: str  # as written (Windows line ends read as Python reads them)
    scene: str  # the class that renders
    title: str
    lecture_lines: list[str]

    def section(self, section_id: str) -> StoryboardSection:
        steps = [f"as written in {self.path.name}"] * len(self.lecture_lines)
        return StoryboardSection(section_id, self.title, list(self.lecture_lines), steps,
                                 extra={IMPORTED_FROM: str(self.path)})


@dataclass
class Imported:
    workspace: Workspace
    sections: list[StoryboardSection]  # the imported files' sections, in the order given
    created: bool  # a new lecture was made

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.sections]


# --- reading a file ---------------------------------------------------------------------------
def read_scene(path: Path) -> SceneFile:
    """The file and what its storyboard entry needs; a SceneFileError (one line, with the line
    number where there is one) for anything that cannot be a section."""
    path = Path(path).expanduser()
    if path.suffix != ".py":
        raise SceneFileError(f"{path}: not a Python file; give a scene file (.py) or a lecture folder")
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SceneFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise SceneFileError(f"{path}: a folder, not a scene file") from None
    except OSError as exc:
        raise SceneFileError(f"{path}: cannot be read ({exc.strerror}); check its permissions") from None
    if len(raw) > MAX_BYTES:
        raise SceneFileError(f"{path}: {len(raw) / 1e6:.1f} MB is not a scene file (at most 1 MB)")
    try:
        code = re.sub(r"\r\n?", "\n", raw.decode("utf-8"))  # the text as Python and the workspace read it
    except UnicodeDecodeError as exc:
        raise SceneFileError(f"{path}: byte {exc.start + 1}: not UTF-8 text; save it as UTF-8") from None
    try:
        tree = parse(code)
        scene = find_scene_class(code)
    except SyntaxError as exc:
        raise SceneFileError(f"{path} line {exc.lineno}: SyntaxError: {exc.msg}; fix it, then run again") from None
    except RenderError:
        raise SceneFileError(f"{path}: defines no Scene subclass with a construct() method, so there is "
                             "nothing to render") from None
    title, lines = _storyboard_of(tree, scene, code, _title_from_name(path))
    return SceneFile(path.resolve(), code, scene, title, lines)


def _storyboard_of(tree: ast.Module, scene: str, code: str, named: str) -> tuple[str, list[str]]:
    """(title, lecture lines) the file gives; else the title from its docstring or its name
    (`named`), and a line per block it marks, or the title as its one line."""
    scene_class = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == scene)
    values = _Literals(tree, scene_class)
    title, lines = _from_setup_call(scene_class, values)
    title = " ".join((title or _text(values.attribute("title")) or _docstring_title(tree) or named).split())
    if not lines:
        found = values.attribute("lecture_lines", "lines", "lecture")
        lines = found if isinstance(found, list) else []
    lines = [_plain(line) for line in lines if _plain(line)]
    return title, lines or _block_lines(code) or [title]


def _text(value) -> str:
    return value if isinstance(value, str) else ""


class _Literals:
    """Names bound to literal values (strings, lists of strings) in the module, the scene class's
    body, and `self.<name> = ...` or plain assignments in its methods; the nearest one wins."""

    def __init__(self, tree: ast.Module, scene_class: ast.ClassDef):
        self.module = _assigned(tree.body)
        self.cls = _assigned(scene_class.body)
        self.method: dict[str, object] = {}
        for node in ast.walk(scene_class):
            if isinstance(node, ast.FunctionDef):
                self.method.update(_assigned(ast.walk(node)))

    def value(self, node: ast.AST):
        if isinstance(node, ast.Name):
            for scope in (self.method, self.cls, self.module):
                if node.id in scope:
                    return scope[node.id]
            return None
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            return self.method.get(f"self.{node.attr}", self.cls.get(node.attr))
        return _literal(node)

    def attribute(self, *names: str):
        """A class attribute or module constant with one of these names in any case (`TITLE`,
        `LECTURE_LINES`, `lines`), the scene class's first."""
        for scope in (self.cls, self.module):
            for key, value in scope.items():
                if key.lower() in names:
                    return value
        return None


def _assigned(nodes) -> dict[str, object]:
    found = {}
    for node in nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], _literal(node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, _literal(node.value)
        else:
            continue
        if value is None:
            continue
        if isinstance(target, ast.Name):
            found[target.id] = value
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self":
            found[f"self.{target.attr}"] = value
    return found


def _literal(node: ast.AST):
    """A string, or a list/tuple of strings; None for anything else (an f-string, a call)."""
    try:
        value = ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _from_setup_call(scene_class: ast.ClassDef, values: _Literals) -> tuple[str, list[str]]:
    """The title and lines passed to the base class: `setup_lecture`/`setup_layout` first, then any
    call on `self` (or `super()`) given a string and a list of strings."""
    calls = [n for n in ast.walk(scene_class) if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
             and _on_self(n.func.value)]
    calls.sort(key=lambda c: (getattr(c.func, "attr", "") not in _SETUP_NAMES, c.lineno))  # all `self.x(…)`
    for call in calls:
        title, lines = "", list[str]()
        for arg in list(call.args) + [k.value for k in call.keywords]:
            value = values.value(arg)
            if isinstance(value, str) and not title:
                title = value
            elif isinstance(value, list) and not lines:
                lines = value
        if lines:
            return title, lines
    return "", []


def _on_self(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "self") or (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super")


def _block_lines(code: str) -> list[str]:
    """One placeholder line per lecture-line block the code marks (comments or highlight_line(k))."""
    marks = {int(m.group(2)) for line in code.splitlines() if (m := BLOCK_MARK.match(line))}
    marks |= {int(k) for k in re.findall(r"\.highlight_line\(\s*(\d{1,2})\s*[,)]", code)}
    return [f"Part {k}" for k in range(1, max(marks) + 1)] if marks else []


def _docstring_title(tree: ast.Module) -> str:
    doc = ast.get_docstring(tree) or ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _title_from_name(path: Path) -> str:
    words = re.sub(r"[_\-]+", " ", path.stem).strip()
    return words[:1].upper() + words[1:] if words else "Imported scene"


def _plain(line: str) -> str:
    """A lecture line as the storyboard keeps it: one line, without a bullet or its number."""
    return _BULLET.sub("", " ".join(str(line).split()), count=1)


# --- into a lecture ---------------------------------------------------------------------------
def section_of(path: Path) -> tuple[Path, str] | None:
    """(lecture folder, section id) when the file already is a lecture's section (`sections/<id>.py`
    of a planned lecture): it renders in its lecture, not as a file from elsewhere."""
    path = Path(path).expanduser().resolve()
    lecture = path.parent.parent
    if path.parent.name != "sections" or not (lecture / "lecture.json").is_file():
        return None
    board = Workspace(lecture).storyboard
    return (lecture, path.stem) if board and path.stem in {s.id for s in board.sections} else None


def own_lecture(path: Path, out: Path | None = None) -> Path:
    """The lecture folder of a file rendered on its own: `<out>/<stem>`, by default beside the
    file (`<its folder>/code2video/<stem>`), as a notebook's lectures are beside the notebook."""
    path = Path(path).expanduser().resolve()
    return (Path(out) if out is not None else path.parent / OWN_FOLDER) / slugify(path.stem)


def import_files(paths: list[Path], into: Path | None = None, *, topic: str = "",
                 root: Path = Path("lectures"), only_own: bool = False) -> Imported:
    """Each file a section of the lecture in `into` (made when it is not there: its topic `topic`,
    else the first file's title; without `into`, `root/<slug of the topic>`). Every file is read and
    checked before anything is written. `only_own`: refuse a lecture that does not already hold
    these files (what `render FILE.py` needs, so it never adds to someone else's lecture)."""
    scenes = [read_scene(p) for p in paths]
    if not scenes:
        raise SceneFileError("no scene file given; name one or more .py files")
    repeated = {s.path for s in scenes if sum(o.path == s.path for o in scenes) > 1}
    if repeated:
        raise SceneFileError(f"{sorted(repeated)[0]} is given twice; name each file once")
    topic = " ".join(topic.split()) or scenes[0].title
    folder = Path(into) if into is not None else Path(root) / slugify(topic)
    with disk_errors(folder):
        ws = Workspace(folder)
        created = ws.storyboard is None
        if created and (ws.outline is not None or ws.lecture.topic):
            raise WorkspaceError(f"{folder} holds a lecture whose plan is not finished; finish it with "
                                 "`code2video generate`, or import into another folder")
        if not created and only_own:
            _check_own(ws, scenes)
        if created:
            ws = Workspace.create(folder.parent, folder.name, topic)
        sections = _place(ws, scenes)
        for scene, section in zip(scenes, sections):
            if _changed_since_import(ws, section.id, scene):
                ws.write_code(section.id, scene.code, REASON + scene.path.name)
    return Imported(ws, sections, created)


def _changed_since_import(ws: Workspace, section_id: str, scene: SceneFile) -> bool:
    """Whether the file says something its section has not taken yet. A file unchanged since it
    was last imported leaves the section as it is: what auto-fix, the critic or a hand edit made
    of it since is kept (and is in the history either way)."""
    imports = [v for v in ws.section_state(section_id).history if v.reason == REASON + scene.path.name]
    return not imports or imports[-1].code != scene.code or ws.read_code(section_id) is None


def _check_own(ws: Workspace, scenes: list[SceneFile]) -> None:
    held = {s.extra.get(IMPORTED_FROM) for s in ws.planned().sections}
    stranger = next((s for s in scenes if str(s.path) not in held), None)
    if stranger is not None:
        raise WorkspaceError(f"{ws.dir} is another lecture (it holds no section from {stranger.path}); "
                             "pass --out DIR to render this file in a folder of its own")


def _place(ws: Workspace, scenes: list[SceneFile]) -> list[StoryboardSection]:
    """The files' storyboard (and outline) sections, written in one locked update: a file imported
    before keeps its section (title and lines read again), a new one gets the next free number."""
    placed: list[StoryboardSection] = []

    def change(outline: Outline, board: Storyboard) -> None:
        placed.clear()
        for scene in scenes:
            old = next((s for s in board.sections if s.extra.get(IMPORTED_FROM) == str(scene.path)), None)
            section = scene.section(old.id if old else _next_id(board))
            if old:
                board.sections[board.sections.index(old)] = _kept(old, section)
            else:
                board.sections.append(section)
            _outline_entry(outline, section)
            placed.append(section)

    ws.update_plan(change)
    return placed


def _kept(old: StoryboardSection, new: StoryboardSection) -> StoryboardSection:
    """A file imported again: what it says now, and whatever else the section had gathered (pictures,
    narration written for it) where it still fits."""
    narration = old.narration if len(old.narration) == len(new.lecture_lines) else []
    return StoryboardSection(old.id, new.title, new.lecture_lines, new.animations, narration,
                             {**old.extra, **new.extra})


def _next_id(board: Storyboard) -> str:
    numbers = [int(s.id) for s in board.sections if s.id.isdigit()]
    taken = {s.id for s in board.sections}
    candidate = max(numbers, default=0) + 1
    while str(candidate) in taken:
        candidate += 1
    return str(candidate)


def _outline_entry(outline: Outline, section: StoryboardSection) -> None:
    content = f"imported from {Path(section.extra[IMPORTED_FROM]).name}"
    for entry in outline.sections:
        if entry.id == section.id:
            entry.title, entry.content = section.title, content
            return
    outline.sections.append(OutlineSection(section.id, section.title, content))
