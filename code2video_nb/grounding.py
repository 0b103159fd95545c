"""Facts read from the installed manim, to ground a fix prompt.

A model fixing `Circle(colour=RED)` guesses less when the prompt states the
real signature and the nearest real names. Every fact here is read from the
installed manim (or the LaTeX log); an error we cannot ground gives no facts.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import difflib
import functools
import inspect
import re
import sys
from pathlib import Path

_VAR = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
_MAX_FACTS = 6
_MAX_CHARS = 240  # one fact, so a long signature cannot eat the prompt budget

_KWARG = re.compile(r"([\w.<>]+)\(\) got an unexpected keyword argument '(\w+)'")
_ARGS = re.compile(r"([\w.<>]+)\(\) (?:missing \d+ required|takes .* positional argument"
                   r"|got multiple values for argument)")
_NAME = re.compile(r"NameError: name '(\w+)' is not defined")
_ATTR = re.compile(r"'?(\w+)'? object has no attribute '(\w+)'"
                   r"|type object '(\w+)' has no attribute '(\w+)'")
_MODULE_ATTR = re.compile(r"module '([\w.]+)' has no attribute '(\w+)'")
_IMPORT = re.compile(r"cannot import name '(\w+)' from '([\w.]+)'")
_LATEX = re.compile(r"error converting to (?:dvi|xdv|pdf)")
_LOG_PATH = re.compile(r"log file: (.+?\.log)")
# manim wraps each TeX string in dvisvgm markers; they are noise to the model
_MARKER = re.compile(r"\\special ?\{dvisvgm:raw [^}]*\}|\.\.\.[^\\]*?'>\}")
_TEX_PART = re.compile(r"\\special\{dvisvgm:raw <g id='[^']*'>\}(.*?)\\special\{dvisvgm:raw </g>\}",
                       re.S)


def facts_for_error(error: str, code: str, line: int | None = None, *,
                    latex_log: str | None = None) -> list[str]:
    """Short facts about `error` (a traceback's tail) in `code`, or [] if none are known."""
    if _LATEX.search(error):
        facts = _latex_facts(error, code, line, latex_log)
    elif m := _KWARG.search(error):
        facts = _kwarg_facts(m[1], m[2], code, line)
    elif m := _ARGS.search(error):
        facts = [sig] if (sig := _signature_and_chain(m[1], code)[0]) else []
    elif m := _NAME.search(error):
        facts = _suggest(m[1], dir(_manim()) + dir(builtins) + _bound_names(code),
                         f"'{m[1]}' is not defined")
    elif m := _MODULE_ATTR.search(error) or _IMPORT.search(error):
        name, module = (m[2], m[1]) if m.re is _MODULE_ATTR else (m[1], m[2])
        mod = sys.modules.get(module)
        facts = _suggest(name, dir(mod), f"{module} has no '{name}'") if mod else []
    elif m := _ATTR.search(error):
        cls_name, attr = (m[1], m[2]) if m[1] else (m[3], m[4])
        facts = _attr_facts(cls_name, attr, code, line)
    else:
        facts = []
    return [f if len(f) <= _MAX_CHARS else f[: _MAX_CHARS - 3] + "..." for f in facts][:_MAX_FACTS]


def extract_latex_error(log_text: str) -> str | None:
    """The first TeX error in a log, with where TeX stopped: '! Undefined ... l.8 ...'."""
    lines = log_text.splitlines()
    start = next((i for i, text in enumerate(lines) if text.startswith("!")), None)
    if start is None:
        return None
    message, stopped, where = lines[start].strip(), "", ""
    for text in lines[start + 1: start + 20]:
        if m := re.match(r"l\.(\d+) ?(.*)", text):
            where = f" l.{m[1]} {_MARKER.sub('', m[2]).strip()}".rstrip()
            break
        # <argument> shows the TeX expanded so far; it ends at the failing token
        if m := re.match(r"<(?:argument|recently read|\*)> (.*)", text):
            stopped = stopped or _MARKER.sub("", m[1]).strip()
    return message + where + (f" (TeX stopped after: {stopped})" if stopped else "")


def _manim():
    import manim  # imported late: it is slow and only needed once an error arrives

    return manim


def _latex_facts(error: str, code: str, line: int | None, latex_log: str | None) -> list[str]:
    log_path = Path(m[1].strip()) if (m := _LOG_PATH.search(error)) else None
    if latex_log is None:
        latex_log = _read(log_path)
    # the .tex beside the log holds the exact strings, each between dvisvgm markers
    tex = " ".join(p.strip() for p in _TEX_PART.findall(_read(log_path and log_path.with_suffix(".tex"))))
    facts = []
    if latex_log and (found := extract_latex_error(latex_log)):
        facts.append(f"LaTeX error: {found}")
    if tex := tex or _tex_on_line(code, line):
        facts.append(f"offending TeX string: {tex}")
    return facts


def _read(path: Path | None) -> str:
    return path.read_text(errors="replace") if path and path.is_file() else ""


def _tex_on_line(code: str, line: int | None) -> str | None:
    """The string arguments of a *Tex(...) call on the failing line, as written."""
    for call in _calls(code, line):
        strings = [a.value for a in call.args if isinstance(getattr(a, "value", None), str)]
        if _call_name(call).endswith("Tex") and strings:
            return " ".join(strings)
    return None


def _kwarg_facts(qualname: str, kw: str, code: str, line: int | None) -> list[str]:
    # Python names the __init__ that finally refused the keyword (often Mobject),
    # so prefer what the call on the failing line that passed it names.
    calls = [_call_name(c) for c in _calls(code, line) if any(k.arg == kw for k in c.keywords)]
    for label in calls + [qualname]:
        signature, chain = _signature_and_chain(label, code)
        if signature:
            break
    else:
        return []
    facts = [signature]
    if len(chain) > 1:
        extra = [p for _, params in chain[1:] for p in params]
        names = ", ".join(c for c, _ in chain[1:])
        facts.append(f"its **kwargs reach {names}, which take: {', '.join(dict.fromkeys(extra))}")
    accepted = [p for _, params in chain for p in params]
    if kw not in accepted:
        label = label.removesuffix(".__init__")
        where = f" of {label}" + (" or the classes its **kwargs reach" if len(chain) > 1 else "")
        facts.append(f"'{kw}' is not a parameter" + _did_you_mean(kw, accepted, where))
    return facts


def _signature_and_chain(qualname: str, code: str) -> tuple[str | None, list[tuple[str, list[str]]]]:
    """The signature to show and the (class, parameters) that accept keywords, or (None, [])."""
    if own := _own_def(qualname, code):  # the code's own helper, e.g. an inline TeachingScene
        names = [a.arg for a in own.args.args + own.args.kwonlyargs if a.arg != "self"]
        return _own_signature(qualname, own), [(qualname, names)]
    obj, label = _resolve(qualname) or (None, "")
    signature = _signature(obj, label) if obj else None
    return (signature, _kwargs_chain(obj)) if signature else (None, [])


def _resolve(qualname: str) -> tuple[object, str] | None:
    """'Circle' -> Circle, 'Mobject.__init__' -> Mobject, 'VMobject.set_fill' -> the method."""
    from . import teaching_scene  # generated code may import its TeachingScene from here

    parts = qualname.removesuffix(".__init__").split(".")
    for obj in (_manim(), teaching_scene):
        for part in parts:
            obj = None if part.startswith("<") else getattr(obj, part, None)
        if callable(obj):
            return obj, ".".join(parts)
    return None


def _own_def(qualname: str, code: str) -> ast.FunctionDef | None:
    """The code's own function or method named by `qualname`, e.g. 'TeachingScene.place_at_grid'."""
    *owner, name = qualname.split(".")
    tree = _parse(code)
    scopes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == owner[-1]
              ] if owner else [tree]
    return next((n for scope in scopes for n in scope.body
                 if isinstance(n, ast.FunctionDef) and n.name == name), None)


def _own_signature(qualname: str, func: ast.FunctionDef) -> str:
    args = func.args
    args.args = [a for a in args.args if a.arg != "self"]  # defaults align from the end
    for arg in ast.walk(args):
        if isinstance(arg, ast.arg):
            arg.annotation = None
    return f"{qualname.removesuffix('.__init__')}({ast.unparse(args)})"


def _kwargs_chain(obj) -> list[tuple[str, list[str]]]:
    """(class, parameters) along the MRO for as long as each passes **kwargs up."""
    if inspect.isclass(obj):
        cls, method = obj, "__init__"
    else:
        owner = _resolve(obj.__qualname__.rsplit(".", 1)[0]) if "." in obj.__qualname__ else None
        if not owner or not inspect.isclass(owner[0]):
            return [(obj.__name__, [p.name for p in _visible(obj) or [] if p.kind not in _VAR])]
        cls, method = owner[0], obj.__name__
    chain = []
    for klass in cls.__mro__[:-1]:  # up to, not including, object
        if (func := klass.__dict__.get(method)) is not None:
            params = _visible(func) or []
            chain.append((klass.__name__, [p.name for p in params if p.kind not in _VAR]))
            if not any(p.kind is p.VAR_KEYWORD for p in params):
                break
    return chain


def _visible(obj) -> list[inspect.Parameter] | None:
    """Parameters a caller passes (no self, no _private), or None if unreadable."""
    with contextlib.suppress(TypeError, ValueError):
        return [p for n, p in inspect.signature(obj).parameters.items()
                if n != "self" and not n.startswith("_")]
    return None


def _signature(obj, label: str) -> str | None:
    """'Circle(radius=None, color=RED, **kwargs)': no annotations, readable defaults."""
    if (params := _visible(obj)) is None:
        return None
    return label + str(inspect.Signature([p.replace(
        annotation=p.empty, default=p.empty if p.default is p.empty else _Shown(_show(p.default)))
        for p in params]))


class _Shown(str):
    """A default value whose repr is how a user would write it (RED, UP, smooth)."""

    __repr__ = str.__str__


def _show(value) -> str:
    manim = _manim()
    if isinstance(value, manim.ManimColor):
        return _color_names().get(value.to_hex(), repr(value.to_hex()))
    if getattr(value, "shape", None) == (3,):
        for name in ("ORIGIN", "UP", "DOWN", "LEFT", "RIGHT", "IN", "OUT", "UL", "UR", "DL", "DR"):
            if (getattr(manim, name) == value).all():
                return name
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    text = repr(value.tolist() if hasattr(value, "tolist") else value)
    return text if len(text) <= 30 else text[:27] + "..."


@functools.cache
def _color_names() -> dict[str, str]:
    """'#FC6255' -> 'RED' (the shortest of RED, RED_C)."""
    manim, names = _manim(), {}
    for name in sorted(dir(manim), key=len, reverse=True):
        if name.isupper() and isinstance(value := getattr(manim, name), manim.ManimColor):
            names[value.to_hex()] = name
    return names


def _attr_facts(cls_name: str, attr: str, code: str, line: int | None) -> list[str]:
    names = _class_attrs(cls_name, code)
    # Mobject turns get_colour() into a missing 'colour'; suggest the method the user wrote
    lines = code.splitlines()
    text = lines[line - 1] if line and 0 < line <= len(lines) else code
    attr = next((p + attr for p in ("get_", "set_") if f".{p}{attr}" in text), attr)
    return _suggest(attr, names, f"{cls_name} has no attribute '{attr}'") if names else []


def _class_attrs(cls_name: str, code: str) -> list[str]:
    """Attributes of a class defined in the code (with its bases), or of a manim/builtin class."""
    for node in ast.walk(_parse(code)):
        if isinstance(node, ast.ClassDef) and node.name == cls_name:
            names = [n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
                     and isinstance(n.value, ast.Name) and n.value.id == "self"]
            names += [n.name for n in node.body if isinstance(n, ast.FunctionDef)]
            for base in node.bases:
                if isinstance(base, ast.Name) and base.id != cls_name:
                    names += _class_attrs(base.id, code)
            return names
    cls = getattr(_manim(), cls_name, None) or getattr(builtins, cls_name, None)
    if not inspect.isclass(cls):
        return []
    names = dir(cls)
    for klass in cls.__mro__:  # instance attributes (self.x_axis = ...) that dir() misses
        with contextlib.suppress(OSError, TypeError):
            if klass.__module__.startswith("manim"):
                names += re.findall(r"self\.(\w+)\s*=", inspect.getsource(klass))
    return names


def _suggest(name: str, candidates, what: str) -> list[str]:
    return [what + hint] if (hint := _did_you_mean(name, candidates)) else []


def _did_you_mean(name: str, candidates, otherwise: str = "") -> str:
    # compare case-insensitively (Mathtex -> MathTex) and accept a prefix (side -> side_length)
    by_lower = {c.lower(): c for c in candidates
                if c != name and (not c.startswith("_") or name.startswith("_"))}
    close = difflib.get_close_matches(name.lower(), by_lower, n=3, cutoff=0.7)
    close += [c for c in by_lower if len(name) >= 3 and c.startswith(name.lower()) and c not in close]
    found = [by_lower[c] for c in close[:3]]
    return " — did you mean " + " or ".join(map(repr, found)) + "?" if found else otherwise


def _parse(code: str) -> ast.Module:
    with contextlib.suppress(SyntaxError, ValueError):
        return ast.parse(code)
    return ast.Module([], [])  # code that does not parse offers no names


def _calls(code: str, line: int | None) -> list[ast.Call]:
    """Calls spanning the failing line (all calls when the line is unknown)."""
    return [n for n in ast.walk(_parse(code)) if isinstance(n, ast.Call)
            and (line is None or n.lineno <= line <= (n.end_lineno or n.lineno))]


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        base = func.value.id + "." if isinstance(func.value, ast.Name) else "."
        return base + func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _bound_names(code: str) -> list[str]:
    """Names the code itself defines (a typo may be of the user's own variable)."""
    return [getattr(n, "id", None) or getattr(n, "name", None) or n.arg for n in ast.walk(_parse(code))
            if isinstance(n, (ast.FunctionDef, ast.ClassDef, ast.arg))
            or isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]
