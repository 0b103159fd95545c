"""Fixes without a model: a static pass over a section's code before its first render.

What will surely fail and has exactly one convincing repair is repaired here, deterministically,
so no request and no failed render is spent on it:

- a name bound nowhere in the file (assignment, import, def, parameter, loop or comprehension
  variable, `from manim import *`, builtins): an old manim / manimgl name (`ShowCreation` ->
  `Create`), a rename the model made in another section's auto-fix, the same letters in another
  case (`Mathtex` -> `MathTex`), or a constant's one close spelling (`YELOW` -> `YELLOW`);
- a keyword a manim callee surely refuses (its `**kwargs` chain ends in a signature without
  `**kwargs`, as `grounding.manim_api.kwargs_chain` reads it), when one parameter is a close spelling;
- a grid cell outside A1-F6 in a `place_at_grid` / `place_in_area` string: clamped to the nearest;
- words LaTeX cannot draw (Chinese, Arabic, Devanagari…: `language.latex_draws`) as the whole of a `Tex` /
  `MathTex` (`MathTex(r"\text{特征值}")`, `Tex("valor propio")`): drawn with `Text` instead. Words
  mixed with mathematics have no one repair (how to split and arrange them is a choice): the fix
  prompt's facts say why LaTeX failed (`grounding.latex`).

Anything ambiguous is left for auto-fix. Names are read from the installed manim in this process
(imported lazily, as for grounding); the scene code itself is never run here.
"""

from __future__ import annotations

import ast
import builtins
import difflib
import functools
import inspect
import re
from dataclasses import dataclass, field

from .grounding import manim_api
from .grounding.grid import a1_to_f6
from .language import latex_draws
from .parse import end_column, parse
from .section_state import STATIC, FixAttempt, FixRecord

_CUTOFF = 0.8  # difflib ratio a spelling must reach: 'colour'/'color' 0.91, 'PURPEL'/'PURPLE' 0.83
_MARGIN = 0.1  # ... and beat the runner-up by: 'YELOW' -> YELLOW 0.91 over Elbow 0.80
_MIN_LENGTH = 4  # shorter names are too easily something else (x -> X)
# manim Community removed these manimgl / pre-0.2 names without leaving an alias or a deprecation
# record in the package, so nothing installed says what replaced them: this map is the only source.
# Only call-compatible renames (same positional arguments); checked against manim on first use.
_OLD_NAMES = {"ShowCreation": "Create", "TextMobject": "Text", "TexMobject": "MathTex",
              "TexText": "Tex", "ParametricSurface": "Surface"}
_GRID_CALLS = {"place_at_grid": ("cell",), "place_in_area": ("top_left", "bottom_right")}
_CELL = re.compile(r"([A-Za-z])(\d+)")
_ROWS, _COLS = "ABCDEF", 6  # teaching_scene.AnchorGrid's


@dataclass(frozen=True)
class StaticFix:
    line: int
    message: str  # "ShowCreation is not in manim 0.22; Create is"


@dataclass(frozen=True)
class _Edit:
    line: int
    start: int  # UTF-8 byte offsets in the line, as ast gives them
    end: int
    text: str


@dataclass
class StaticResult:
    code: str
    fixes: list[StaticFix] = field(default_factory=list)

    def record(self, before: str) -> FixRecord:
        """The fix as auto-fix records one: an attempt per repair, level "static", no tokens."""
        attempts = [FixAttempt(STATIC, f"line {f.line}", f.line, f.line, f.message, f.line, "ok")
                    for f in self.fixes]
        return FixRecord(True, attempts, before=before, after=self.code)


def repair(code: str, learned: dict[str, str] | None = None) -> StaticResult:
    """`code` with every unambiguous repair made (unchanged, no fixes, if there is none or it
    does not parse). `learned`: renames auto-fix made elsewhere in the lecture (old -> new)."""
    result = StaticResult(code)
    for _ in range(3):  # a renamed callee (TextMobject -> Text) has its keywords checked next round
        fixed, fixes = _one_pass(result.code, learned or {})
        if not fixes:
            break
        result = StaticResult(fixed, result.fixes + fixes)
    return result


def _one_pass(code: str, learned: dict[str, str]) -> tuple[str, list[StaticFix]]:
    try:
        tree = parse(code)
    except (SyntaxError, ValueError):
        return code, []
    scope = _Namespace.of(tree)
    found = (_name_fixes(tree, scope, learned) + _kwarg_fixes(tree, scope) + _grid_fixes(tree, code)
             + _words_in_tex_fixes(tree, scope))
    if not found:
        return code, []
    fixed = _apply(code, [edit for edit, _ in found])
    try:
        parse(fixed)
    except SyntaxError:  # an edit we did not foresee: leave it all to auto-fix
        return code, []
    first: dict[str, int] = {}  # one entry per message, at its first line
    for _, fix in sorted(found, key=lambda pair: pair[1].line):
        first.setdefault(fix.message, fix.line)
    return fixed, [StaticFix(line, message) for message, line in first.items()]


# what the file's names are ----------------------------------------------------------------------
@dataclass
class _Namespace:
    bound: set[str]  # bound by the file itself
    manim_names: set[str]  # reachable as manim's (star import, or `from manim import X`)
    star_unknown: bool  # a star import of something else: any name may exist

    @classmethod
    def of(cls, tree: ast.Module) -> _Namespace:
        bound, manim_names, unknown = set[str](), set[str](), False
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and any(a.name == "*" for a in node.names):
                if node.module == "manim":
                    manim_names |= _manim_names()
                elif node.module == _TEACHING:  # ours: its names are known without guessing
                    bound |= _teaching_names()
                else:
                    unknown = True
            elif isinstance(node, ast.ImportFrom) and node.module == "manim":
                manim_names |= {a.name for a in node.names if a.asname is None}
                bound |= {a.asname for a in node.names if a.asname}
            else:
                bound |= _binds(node)
        return cls(bound, manim_names, unknown)

    def knows(self, name: str) -> bool:
        return name in self.bound or name in self.manim_names or name in _BUILTINS

    def is_manims(self, name: str) -> bool:
        """The name means manim's object (not rebound by the file)."""
        return name in self.manim_names and name not in self.bound


_BUILTINS = set(dir(builtins)) | {"__file__", "__builtins__"}
_TEACHING = "code2video_nb.teaching_scene"


def _binds(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load):
        return {node.id}
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.arg):
        return {node.arg}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    if isinstance(node, (ast.Global, ast.Nonlocal)):
        return set(node.names)
    if isinstance(node, ast.ExceptHandler) and node.name:
        return {node.name}
    if isinstance(node, (ast.MatchAs, ast.MatchStar)) and node.name:
        return {node.name}
    if isinstance(node, ast.MatchMapping) and node.rest:
        return {node.rest}
    return set()


@functools.cache
def _manim_names() -> frozenset[str]:
    """What `from manim import *` binds: manim's public names (it defines no __all__)."""
    manim = manim_api.manim()
    names = getattr(manim, "__all__", None) or [n for n in dir(manim) if not n.startswith("_")]
    return frozenset(names)


@functools.cache
def _teaching_names() -> frozenset[str]:
    """What `from code2video_nb.teaching_scene import *` binds (no __all__: its public names)."""
    from . import teaching_scene

    return frozenset(getattr(teaching_scene, "__all__", None) or
                     [n for n in dir(teaching_scene) if not n.startswith("_")])


@functools.cache
def _manim_version() -> str:
    return ".".join(manim_api.manim().__version__.split(".")[:2])


@functools.cache
def _spellable() -> frozenset[str]:
    """manim's names a misspelling may mean: classes, functions, constants — not its submodules
    ('TexMobject' is close to the module 'mobject')."""
    manim = manim_api.manim()
    return frozenset(n for n in _manim_names() if not inspect.ismodule(getattr(manim, n, None)))


@functools.cache
def _old_names() -> dict[str, str]:
    """_OLD_NAMES as far as the installed manim confirms it: the old name gone, the new one there."""
    names = _manim_names()
    return {old: new for old, new in _OLD_NAMES.items() if old not in names and new in names}


# names bound nowhere -------------------------------------------------------------------------------
def _name_fixes(tree, scope: _Namespace, learned: dict[str, str]) -> list[tuple[_Edit, StaticFix]]:
    if scope.star_unknown:  # another module's star import may define it: we cannot tell
        return []
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)) or scope.knows(node.id):
            continue
        replacement = _rename_for(node.id, scope, learned)
        if replacement is not None:
            new, why = replacement
            found.append((_Edit(node.lineno, node.col_offset, end_column(node), new), StaticFix(node.lineno, why)))
    return found


def _rename_for(name: str, scope: _Namespace, learned: dict[str, str]) -> tuple[str, str] | None:
    """(new name, why) when exactly one name is convincing, else None."""
    version = _manim_version()
    renamed = _old_names().get(name)
    if renamed and scope.knows(renamed):
        return renamed, f"{name} is not in manim {version}; {renamed} is"
    new = learned.get(name)
    if new and scope.knows(new):
        return new, f"{name} is not in manim {version}; {new} is (auto-fix's rename in another section)"
    colour = _colour_named(name)
    if colour and scope.knows(colour):
        return colour, f"{name} is not a colour in manim {version}; {colour} is its one colour of that name"
    candidates = (scope.bound | (scope.manim_names & _spellable())) - {name}
    # A misspelt constant (YELOW) has one meaning; a misspelt class or function (Creat) is left to
    # auto-fix, whose rename is then learned for the other sections (`learned`).
    new = _one_spelling(name, candidates) if name.isupper() else _same_letters(name, candidates)
    if new is None:
        return None
    where = "the section's own" if new in scope.bound else f"manim {version}'s"
    return new, f"{name} is not defined; {new} is {where} only close name"


def _colour_named(name: str) -> str | None:
    """The one colour of the installed manim whose name holds every word of `name`: other manim
    versions and manimgl spell some colours bare (CYAN, MAGENTA) where 0.22 has PURE_CYAN. None
    when no colour, or several (BROWN: DARK_BROWN, LIGHT_BROWN...), hold them."""
    if not name.isupper():
        return None
    words = set(name.split("_"))
    holding = sorted(c for c in manim_api.colours() if c != name and words < set(c.split("_")))
    found = _distinct(holding)
    return found[0] if len(found) == 1 else None


def _same_letters(name: str, candidates) -> str | None:
    """The one candidate spelt the same in another case (Mathtex -> MathTex)."""
    same = [c for c in candidates if c.lower() == name.lower()]
    return same[0] if len(same) == 1 else None


def _one_spelling(name: str, candidates) -> str | None:
    """The one candidate `name` is a misspelling of: the same letters in another case, two adjacent
    letters swapped (BLEU -> BLUE), or one clearly closest above the cutoff, of the same kind
    (CONSTANT, Class, function); names of one manim object count as one (LIGHT_GRAY, LIGHT_GREY)."""
    if len(name) < _MIN_LENGTH:
        return None
    if any(c.lower() == name.lower() for c in candidates):
        return _same_letters(name, candidates)
    swapped = {name[:i] + name[i + 1] + name[i] + name[i + 2:] for i in range(len(name) - 1)}
    if len(found := _distinct(sorted(swapped & set(candidates)))) == 1:
        return found[0]
    same_kind = [c for c in candidates if _kind(c) == _kind(name)]
    scored = sorted(((difflib.SequenceMatcher(None, name.lower(), c.lower()).ratio(), c) for c in same_kind),
                    reverse=True)
    if not scored or scored[0][0] < _CUTOFF:
        return None
    best = scored[0]
    rivals = _distinct([best[1]] + [c for ratio, c in scored[1:] if ratio > best[0] - _MARGIN])
    return best[1] if len(rivals) == 1 else None


def _distinct(names: list[str]) -> list[str]:
    """`names` less those that are another name of an earlier one's manim object (GRAY and GREY)."""
    manim, kept = manim_api.manim(), list[str]()
    for name in names:
        value = getattr(manim, name, None)
        if value is None or not any(_same(value, getattr(manim, k, None)) for k in kept):
            kept.append(name)
    return kept


def _same(a, b) -> bool:
    try:
        return a is b or bool(a == b) if type(a) is type(b) else False
    except (TypeError, ValueError):  # arrays and the like: not aliases we can tell
        return False


def _kind(name: str) -> str:
    if name.isupper():
        return "constant"
    return "class" if name[:1].isupper() else "lower"


# keywords the callee refuses ----------------------------------------------------------------------
def _kwarg_fixes(tree, scope: _Namespace) -> list[tuple[_Edit, StaticFix]]:
    found = []
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and scope.is_manims(call.func.id)):
            continue
        accepted = _accepted_keywords(call.func.id)
        if accepted is None:
            continue
        passed = {k.arg for k in call.keywords if k.arg}
        for kw in call.keywords:
            if kw.arg is None or kw.arg in accepted:
                continue
            new = _one_spelling(kw.arg, set(accepted) - passed)
            if new is not None:
                found.append((_Edit(kw.lineno, kw.col_offset, kw.col_offset + len(kw.arg.encode()), new),
                              StaticFix(kw.lineno, f"{call.func.id}() takes no keyword '{kw.arg}'; "
                                                   f"'{new}' is its parameter")))
    return found


@functools.cache
def _accepted_keywords(name: str) -> frozenset[str] | None:
    """Every keyword manim's `name` accepts, or None if unknown (its **kwargs chain never ends)."""
    obj = getattr(manim_api.manim(), name, None)
    if not callable(obj) or not (inspect.isclass(obj) or inspect.isfunction(obj)):
        return None
    chain = manim_api.kwargs_chain(obj)
    if not chain or _swallows(obj, chain[-1][0]):
        return None
    return frozenset(p for _, params in chain for p in params)


def _swallows(obj, last_class: str) -> bool:
    """Whether the last signature of the chain still takes **kwargs (then any keyword may be fine)."""
    if inspect.isclass(obj):
        klass = next((k for k in obj.__mro__ if k.__name__ == last_class), None)
        func = klass.__dict__.get("__init__") if klass is not None else None
    else:
        func = obj
    try:
        params = inspect.signature(func).parameters.values() if func is not None else []
    except (TypeError, ValueError):
        return True
    return func is None or any(p.kind is p.VAR_KEYWORD for p in params)


# grid cells outside A1-F6 ----------------------------------------------------------------------------
def _grid_fixes(tree, code: str) -> list[tuple[_Edit, StaticFix]]:
    found, lines = [], code.splitlines()
    if not _grid_is_known(tree):
        return []
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        method = getattr(call.func, "attr", None) or getattr(call.func, "id", None)
        if method not in _GRID_CALLS:
            continue
        names = _GRID_CALLS[method]
        cells = call.args[1:1 + len(names)] + [k.value for k in call.keywords if k.arg in names]
        for node in cells:
            fix = _clamped(node, method, lines)
            if fix is not None:
                found.append(fix)
    return found


def _grid_is_known(tree) -> bool:
    """A1-F6 is the grid: TeachingScene's, unless the file defines its own placing helper — then
    only when that is the paper's grid (rows A-F); another grid may have a row G (`grounding.grid`)."""
    return a1_to_f6(tree)


def _clamped(node, method: str, lines: list[str]) -> tuple[_Edit, StaticFix] | None:
    if not (isinstance(node, ast.Constant) and isinstance(node.value, str)) or node.lineno != node.end_lineno:
        return None
    m = _CELL.fullmatch(node.value.strip())
    if m is None:  # not a cell at all ('center'): no nearest cell to speak of
        return None
    row, col = m[1].upper(), int(m[2])
    new = f"{min(row, _ROWS[-1]) if row >= _ROWS[0] else _ROWS[0]}{min(max(col, 1), _COLS)}"
    if new == f"{row}{col}":
        return None
    # the literal as written keeps its quotes and prefix: only the cell inside it changes
    written = lines[node.lineno - 1].encode()[node.col_offset:end_column(node)].decode()
    if node.value not in written:  # escapes or implicit concatenation: not worth guessing
        return None
    return (_Edit(node.lineno, node.col_offset, end_column(node), written.replace(node.value, new, 1)),
            StaticFix(node.lineno, f"{method}: grid cell '{node.value}' is outside A1–F6; "
                                   f"clamped to the nearest cell, '{new}'"))


# words inside Tex / MathTex ---------------------------------------------------------------------------
_TEX_CALLS = ("Tex", "MathTex")
_TEXT_KEYWORDS = frozenset({"color", "font_size", "fill_opacity"})  # mean the same to Text
_ONLY_TEXT = re.compile(r"\s*\\text\{([^{}\\$]*)\}\s*")  # \text{words} and nothing else
_PLAIN = re.compile(r"[^{}\\$^_&%#~]*")  # no TeX markup at all


def _words_in_tex_fixes(tree, scope: _Namespace) -> list[tuple[_Edit, StaticFix]]:
    """`MathTex(r"\text{特征值}")` / `Tex("valor propio")` -> `Text("特征值")`: the call's whole content
    is words, some of them non-ASCII, and its keywords mean the same to Text."""
    if not scope.is_manims("Text"):
        return []
    found = []
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in _TEX_CALLS
                and scope.is_manims(call.func.id)):
            continue
        words = _tex_words(call)
        if words is None:
            continue
        arg = call.args[0]
        found += [(_Edit(call.func.lineno, call.func.col_offset, end_column(call.func), "Text"),
                   StaticFix(call.lineno, f"{call.func.id}: LaTeX cannot draw {words!r} (words, not mathematics); "
                                          "drawn with Text instead")),
                  (_Edit(arg.lineno, arg.col_offset, end_column(arg), repr(words)),
                   StaticFix(call.lineno, f"{call.func.id}: LaTeX cannot draw {words!r} (words, not mathematics); "
                                          "drawn with Text instead"))]
    return found


def _tex_words(call: ast.Call) -> str | None:
    """The words a Tex/MathTex call holds when they are all it holds and LaTeX cannot draw them."""
    if len(call.args) != 1 or any(k.arg not in _TEXT_KEYWORDS for k in call.keywords):
        return None
    arg = call.args[0]
    if not (isinstance(arg, ast.Constant) and isinstance(arg.value, str)) or arg.lineno != arg.end_lineno:
        return None
    text = arg.value
    if m := _ONLY_TEXT.fullmatch(text):
        words = m[1].strip()
    elif getattr(call.func, "id", "") == "Tex" and _PLAIN.fullmatch(text):
        words = text.strip()
    else:
        return None
    return words if words and not latex_draws(words) else None


# applying the edits ---------------------------------------------------------------------------------
def _apply(code: str, edits: list[_Edit]) -> str:
    lines = code.splitlines(keepends=True)
    for edit in sorted(set(edits), key=lambda e: (e.line, e.start), reverse=True):  # right to left
        raw = lines[edit.line - 1].encode()
        lines[edit.line - 1] = (raw[:edit.start] + edit.text.encode() + raw[edit.end:]).decode()
    return "".join(lines)


# renames auto-fix made, to apply elsewhere ----------------------------------------------------------
def learned_renames(before: str, after: str) -> dict[str, str]:
    """Identifier renames a fix made (old -> new): a name the file's names replaced one for one,
    where the old one is not manim's and the new one is."""
    old, new = _loaded_names(before), _loaded_names(after)
    matcher, manim = difflib.SequenceMatcher(None, old, new, autojunk=False), _spellable()
    renames = {}
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "replace" and i2 - i1 == j2 - j1:
            for a, b in zip(old[i1:i2], new[j1:j2]):
                if a != b and a not in manim and b in manim:
                    renames[a] = b
    return renames


def _loaded_names(code: str) -> list[str]:
    try:
        tree = parse(code)
    except (SyntaxError, ValueError):
        return []
    names = [n for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    return [n.id for n in sorted(names, key=lambda n: (n.lineno, n.col_offset))]
