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
import warnings
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
_SHAPES = re.compile(r"operands could not be broadcast together with shapes (.+?)\s*$"
                     r"|could not broadcast input array from shape (\S+) into shape (\S+)", re.M)
_PLAY_METHOD = re.compile(r"Passing Mobject methods to Scene\.play")
_PLAY_OTHER = re.compile(r"Unexpected argument (\w+) passed to Scene\.play")
# Mobject.__getattr__ answers get_x()/set_x() for any x, so an old method name fails late
_GETTER = re.compile(r"__getattr__\.<locals>\.(?:getter|setter)\(\)")
_GRID_CELL = re.compile(r"invalid grid cell '(\w+)'|KeyError: '([A-Za-z]\d+)'")
_METHOD_VALUE = re.compile(r"'method'")  # tracker.get_value used as a number: "... 'method' and 'float'"
_DEEP = re.compile(r"^(?:TypeError|ValueError|IndexError)\b")
_NOT_MOBJECT = re.compile(r"'(str|list|tuple|dict|int|float|NoneType|numpy\.ndarray)' object has no attribute")
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
    elif _GETTER.search(error):
        facts = _getter_facts(code, line)
    elif m := _ARGS.search(error):
        facts = [sig] if (sig := _signature_and_chain(m[1], code)[0]) else []
        facts += _landing_facts(code, line, always=True)
    elif m := _SHAPES.search(error):
        facts = _shape_facts(m, code, line)
    elif _PLAY_METHOD.search(error) or _PLAY_OTHER.search(error):
        facts = _play_facts(code, line)
    elif m := _NAME.search(error):
        facts = _name_facts(m[1], code)
    elif (m := _NOT_MOBJECT.search(error)) and (found := _transform_facts(m[1], code, line)):
        facts = found
    elif m := _MODULE_ATTR.search(error) or _IMPORT.search(error):
        name, module = (m[2], m[1]) if m.re is _MODULE_ATTR else (m[1], m[2])
        mod = sys.modules.get(module)
        facts = _suggest(name, dir(mod), f"{module} has no '{name}'") if mod else []
    elif m := _ATTR.search(error):
        cls_name, attr = (m[1], m[2]) if m[1] else (m[3], m[4])
        facts = _attr_facts(cls_name, attr, code, line)
    else:
        facts = []
    if not facts:  # Text('hi', RED), Circle(BLUE): the error is numpy's, far from the call
        facts = _landing_facts(code, line, always=False)
    if not facts and _METHOD_VALUE.search(error):
        facts = _uncalled_facts(code, line)
    if not facts and (m := _GRID_CELL.search(error)):
        facts = _grid_facts(m[1] or m[2], code, line)
    if not facts and _DEEP.search(error):  # raised deep in manim or numpy: the call as manim declares it
        facts = _call_facts(code, line)
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


# --- unknown names: colours, and names from older manim / manimgl ----------------------------

def _name_facts(name: str, code: str) -> list[str]:
    if colour := _colour_facts(name):
        return colour  # a colour typo: close non-colour names (LIGHT_BROWN vs LIGHT_BLEU) only mislead
    manim = _manim()
    # manim's submodules (mobject, utils) are no names a scene means
    names = [n for n in dir(manim) if not inspect.ismodule(getattr(manim, n))]
    facts = _suggest(name, names + dir(builtins) + _bound_names(code), f"'{name}' is not defined")
    if len(_words(name)) > 1 and name[0].isupper():  # ShowCreation, TextMobject: a class of older manim
        exported = {n: getattr(manim, n) for n in names if inspect.isclass(getattr(manim, n))}
        facts = _renamed_fact(name, exported, f"'{name}' is not in manim {manim.__version__}") + facts
    return facts


@functools.cache
def _colours() -> dict[str, object]:
    """manim's colour constants, name -> ManimColor (RED, BLUE_E, DARK_BLUE...)."""
    manim = _manim()
    return {n: v for n in dir(manim) if n.isupper() and isinstance(v := getattr(manim, n), manim.ManimColor)}


def _colour_facts(name: str) -> list[str]:
    """For a name spelled like a colour (LIGHT_BLEU, DARKGREEN): manim's shades of its hue."""
    if not name.isupper():
        return []
    vocab = {w for c in _colours() for w in c.split("_") if len(w) > 1}
    words = [w for part in name.split("_") for w in _split_words(part, vocab)]
    hues = [w for w in words if w in _colours()]  # a word that is itself a colour: BLUE, GREEN
    if not hues:
        return []
    hue = hues[-1]
    shades = sorted((n for n in _colours() if hue in n.split("_")), key=lambda n: -_luminance(_colours()[n]))
    facts = [f"'{name}' is not a manim colour constant; manim's {hue} colours from light to dark: "
             + ", ".join(shades)]
    if x11 := _x11_colour(name, shades):
        facts.append(x11)
    return facts


def _split_words(part: str, vocab: set[str]) -> list[str]:
    """'DARKGREEN' -> ['DARK', 'GREEN'], 'BLEU' -> ['BLUE'] (typos corrected to manim's colour words)."""
    if part in vocab:
        return [part]
    for i in range(len(part) - 2, 1, -1):  # the longest known head first: DARKER before DARK
        if part[:i] in vocab and (rest := _split_words(part[i:], vocab)):
            return [part[:i]] + rest
    return difflib.get_close_matches(part, vocab, n=1, cutoff=0.7)


def _luminance(colour) -> float:
    r, g, b = colour.to_rgb()[:3]
    return 0.2126 * r + 0.7152 * g + 0.0722 * b  # Rec. 709 weights: how light it looks


def _x11_colour(name: str, shades: list[str]) -> str | None:
    """manim also ships the X11 colours (DARKGREEN is one), which `from manim import *` does not export."""
    from manim.utils.color import X11

    value = getattr(X11, name.replace("_", ""), None)
    if value is None:
        return None
    # the nearest of the hue's shades: by RGB alone a dark green is nearest to DARKER_GRAY
    nearest = min(shades, key=lambda n: _distance(_colours()[n], value))
    return (f"{name.replace('_', '')} is manim.utils.color.X11.{name.replace('_', '')} ({value.to_hex()}); "
            f"the nearest manim constant is {nearest} ({_colours()[nearest].to_hex()})")


def _distance(a, b) -> float:
    return sum((x - y) ** 2 for x, y in zip(a.to_rgb(), b.to_rgb()))


def _words(name: str) -> list[str]:
    """'ShowCreation' -> ['show', 'creation'], 'get_graph' -> ['get', 'graph']."""
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]


def _renamed_fact(old: str, pool: dict[str, object], what: str) -> list[str]:
    """The names in `pool` that share the most informative words with `old`, by name and docstring.

    Neither manim 0.22 nor its changelog in the package records what ShowCreation or TextMobject
    became, so the signal is the words themselves: a word stem (its first 5 letters, so creation
    and Create meet) counts 1/(how many names in the pool contain it), so rare words (creat, tex)
    outweigh common ones (mobject, get); a stem found in the first docstring line counts half."""
    stems = {w[:5] for w in _words(old)}
    named = {n: {w[:5] for w in _words(n)} for n in pool if not n.startswith("_")}
    weight = {s: 1 / max(1, sum(s in ws for ws in named.values())) for s in stems}
    scores = {}
    for n, ws in named.items():
        doc = {w[:5] for w in _words(_first_line(pool[n]))}
        score = sum(weight[s] for s in stems & ws) + sum(weight[s] / 2 for s in stems & doc - ws)
        if stems & ws and n != old:  # a docstring alone matches too much (Axes: "Creates a set of axes")
            scores[n] = (score, -len(ws))  # ties: the name with fewer extra words
    best = sorted(scores, key=scores.get, reverse=True)[:3]
    if not best:
        return []
    return [what + "; by name and docstring the closest now: "
            + "; ".join(f"{n} ({_first_line(pool[n])})" if _first_line(pool[n]) else n for n in best)]


def _first_line(obj) -> str:
    doc = inspect.getdoc(obj) if callable(obj) or isinstance(obj, property) else None
    return _plain(doc.strip().splitlines()[0].rstrip(".")) if doc and doc.strip() else ""


def _plain(rst: str) -> str:
    """Docstring markup as text: `Pango <https://...>`_ -> Pango, :class:`~.Brace` -> Brace."""
    rst = re.sub(r"`([^`<]*?)\s*<[^>]*>`_", r"\1", rst)
    return re.sub(r":\w+:`~?\.?([^`]*)`", r"\1", rst).replace("``", "").replace("`", "")


def _getter_facts(code: str, line: int | None) -> list[str]:
    """ax.get_graph(f): Mobject's __getattr__ made a getter of it, so no AttributeError says so."""
    for call in _calls(code, line):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr.startswith(("get_", "set_")):
            cls = _receiver_class(func.value, code)
            if cls and not hasattr(cls, func.attr):
                what = f"{cls.__name__} has no method '{func.attr}'"
                return _makers_fact(cls, func.attr[4:], what) or _renamed_fact(func.attr, _methods(cls), what)
    return []


def _methods(cls) -> dict[str, object]:
    return {n: m for n in dir(cls) if not n.startswith("_") and callable(m := getattr(cls, n, None))}


def _makers_fact(cls, noun: str, what: str) -> list[str]:
    """get_graph -> plot: the type cls's parameters named 'graph' take, and the methods returning it.

    An old getter's noun still names its product in the new API's parameters (Axes.get_area(graph:
    ParametricFunction)), and the new maker is annotated to return that type (Axes.plot)."""
    methods = _methods(cls)
    kinds = {str(p.annotation).split(" |")[0] for m in methods.values() for p in _visible(m) or []
             if p.name == noun and p.annotation is not p.empty}
    if len(kinds) != 1:
        return []
    kind = kinds.pop()
    makers = sorted((n for n, m in methods.items() if _returns(m) == kind), key=len)[:4]
    return [f"{what}; {cls.__name__}'s parameters named '{noun}' take a {kind}, which "
            f"{', '.join(makers)} return"] if makers else []


def _returns(func) -> str | None:
    with contextlib.suppress(TypeError, ValueError):
        return str(inspect.signature(func).return_annotation)
    return None


def _receiver_class(node: ast.expr, code: str, seen: frozenset[str] = frozenset()):
    """The manim class of `Axes()` or of `ax` where the code says `ax = Axes(...)`, else None."""
    if isinstance(node, ast.Name):
        calls = [n.value for n in ast.walk(_parse(code)) if isinstance(n, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)
                 and isinstance(n.value, ast.Call)]
        # the latest assignment that tells; `seen` stops x = x.scale(2) from asking itself forever
        found = (_receiver_class(v, code, seen | {node.id}) for v in reversed(calls) if node.id not in seen)
        return next((cls for cls in found if cls), None)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        cls = getattr(_manim(), node.func.id, None)
        return cls if inspect.isclass(cls) else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        # Circle().scale(2) is still the Circle: manim annotates such methods as returning Self
        cls = _receiver_class(node.func.value, code, seen)
        return cls if cls and _returns(getattr(cls, node.func.attr, None)) == "Self" else None
    return None


# --- points of the wrong shape ----------------------------------------------------------------

def _shape_facts(m: re.Match, code: str, line: int | None) -> list[str]:
    shapes = m[1] or f"{m[2]} into {m[3]}"
    facts = [f"numpy could not combine arrays of shapes {shapes}: manim points are 3-D (x, y, z); "
             f"manim.typing.Point3D is {_point_doc()}"]
    for node in _short_points(code, line):
        coords = [ast.unparse(e) for e in node.elts]
        facts.append(f"{ast.unparse(node)} has {len(coords)} coordinates; write "
                     f"np.array([{', '.join(coords + ['0'] * (3 - len(coords)))}])")
    return facts


@functools.cache
def _point_doc() -> str:
    """What manim's own typing module says a point is (a docstring after the alias, so read from source)."""
    import manim.typing

    with contextlib.suppress(OSError, TypeError):
        if m := re.search(r'^Point3D: TypeAlias[^\n]*\n"""(.*?)"""', inspect.getsource(manim.typing), re.S | re.M):
            return " ".join(_plain(m[1]).split())
    return f"shape {_manim().ORIGIN.shape}"


def _short_points(code: str, line: int | None) -> list[ast.List | ast.Tuple]:
    """List/tuple literals of 1-2 coordinates on the failing line passed where manim wants a point
    (a parameter annotated Point...; anywhere when the callee is unknown, e.g. np.array), and such
    lists a lambda there returns (ParametricFunction(lambda t: [t, t * t]))."""
    found = []
    for call in _calls(code, line):
        for node, _, annotation in _annotated_args(call, code):
            if annotation and "Point" not in annotation:
                continue  # t_range=[0, 1] is a range, not a point
            node = node.body if isinstance(node, ast.Lambda) else node
            if isinstance(node, (ast.List, ast.Tuple)) and 0 < len(node.elts) < 3 and all(
                    _number(e) for e in node.elts) and node not in found:
                found.append(node)
    return found[:2]


def _annotated_args(call: ast.Call, code: str) -> list[tuple[ast.expr, str | None, str | None]]:
    """(argument, the parameter it fills, that parameter's annotation) for a call; None if unknown."""
    func = _callable_of(call, code)
    if func is None:
        return [(a, None, None) for a in call.args] + [(k.value, k.arg, None) for k in call.keywords]
    annotations = {}
    for klass in func.__mro__[:-1] if inspect.isclass(func) else [None]:
        init = klass.__dict__.get("__init__") if klass else func
        for p in _visible(init) or [] if init else []:
            annotations.setdefault(p.name, None if p.annotation is p.empty else str(p.annotation))
    if inspect.isclass(func):
        names = [name for _, name, _ in _land(func, ["_"] * len(call.args))]
    else:
        params = _visible(func) or []
        names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        names += [f"*{p.name}" for p in params if p.kind is p.VAR_POSITIONAL] * len(call.args)
    landed = [(a, n, annotations.get((n or "").lstrip("*"))) for a, n in zip(call.args, names)]
    return landed + [(k.value, k.arg, annotations.get(k.arg)) for k in call.keywords]


def _callable_of(call: ast.Call, code: str):
    """The manim class or method a call names: Dot(...), label.move_to(...) where label = Text(...)."""
    func = call.func
    if isinstance(func, ast.Name):
        found = getattr(_manim(), func.id, None)
    elif isinstance(func, ast.Attribute) and (cls := _receiver_class(func.value, code)):
        found = getattr(cls, func.attr, None)
    else:
        found = None
    return found if callable(found) else None


def _number(node: ast.expr) -> bool:
    return not isinstance(node, ast.Constant) or isinstance(node.value, (int, float))


# --- Scene.play given a method or a mobject -----------------------------------------------------

def _play_facts(code: str, line: int | None) -> list[str]:
    facts = []
    for call in _calls(code, line):
        if isinstance(call.func, ast.Attribute) and call.func.attr == "play":
            facts += _method_to_animate(call) or _mobject_to_animation(call, code)
    return facts[:3]


def _method_to_animate(call: ast.Call) -> list[str]:
    """self.play(c.shift, UP) -> self.play(c.animate.shift(UP)): manim's error says only 'use .animate'."""
    mobject = _manim().Mobject
    for i, arg in enumerate(call.args):
        if isinstance(arg, ast.Attribute) and callable(getattr(mobject, arg.attr, None)):
            rest = ", ".join(ast.unparse(a) for a in call.args[i + 1:])
            animated = ast.parse(f"{ast.unparse(arg.value)}.animate.{arg.attr}({rest})").body[0].value
            new = ast.Call(call.func, [animated], call.keywords)
            return [f"passing the method {ast.unparse(arg)} and its arguments is the old form; write "
                    f"{ast.unparse(new)} (Mobject.animate: {_first_line(mobject.animate)})"]
    return []


def _mobject_to_animation(call: ast.Call, code: str) -> list[str]:
    mobjects = [a for a in call.args if _is_mobject(a, code)]
    if not mobjects:
        return []
    arg = mobjects[0]
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute):
        # play(square.shift(UP)): the method ran at once and returned the mobject (annotated Self)
        animated = ast.parse(f"{ast.unparse(arg.func.value)}.animate.{arg.func.attr}()").body[0].value
        animated.args, animated.keywords = arg.args, arg.keywords
        new = ast.Call(call.func, [animated if a is arg else a for a in call.args], call.keywords)
        return [f"{ast.unparse(arg)} changes the mobject at once and returns it (manim annotates "
                f"{arg.func.attr} as returning Self), not an animation; write {ast.unparse(new)}"]
    m = ast.unparse(arg)
    return [f"Scene.play takes animations, not the mobject {m}: change it with {m}.animate.<method>(...), "
            f"or show it with an introducer animation: " + ", ".join(f"{name}({m})" for name in _introducers())]


def _is_mobject(node: ast.expr, code: str) -> bool:
    cls = _receiver_class(node, code)
    return bool(cls) and issubclass(cls, _manim().Mobject)


@functools.cache
def _introducers() -> list[str]:
    """Animations that bring a mobject onto the scene, as X(mobject).

    Asked of manim itself: each Animation class is built on a Square and answers is_introducer()
    (the flag the Scene uses to add the mobject). Reading `introducer=True` in the source missed
    Write (it inherits it) and took Unwrite (a Write with reverse=True, a remover). Building an
    animation draws nothing; all of them take 0.02 s."""
    manim, found = _manim(), []
    for name in dir(manim):
        cls = getattr(manim, name)
        if inspect.isclass(cls) and issubclass(cls, manim.Animation):
            with warnings.catch_warnings(), contextlib.suppress(Exception):
                warnings.simplefilter("ignore")
                animation = cls(manim.Square())
                if animation.is_introducer() and not animation.is_remover():
                    found.append(name)
    return sorted(found, key=len)[:6]


def _param(func, name: str) -> inspect.Parameter | None:
    return next((p for p in _visible(func) or [] if p.name == name), None)


# --- Transform to something that is not a mobject ----------------------------------------------

def _transform_facts(type_name: str, code: str, line: int | None) -> list[str]:
    """Transform(c, 'x') fails only in play(), as "'str' object has no attribute 'copy'"."""
    manim = _manim()
    calls = _calls(code, line) + [c for c in _calls(code, None) if c not in _calls(code, line)]
    for call in calls:
        cls = getattr(manim, _call_name(call), None)
        if inspect.isclass(cls) and issubclass(cls, manim.Transform):
            target = call.args[1] if len(call.args) > 1 else next(
                (k.value for k in call.keywords if k.arg == "target_mobject"), None)
            param = _param(cls, "target_mobject")
            if target is None or param is None or _is_mobject(target, code):
                continue
            return [_signature(cls, cls.__name__),
                    f"target_mobject must be a {str(param.annotation).removesuffix(' | None')}; "
                    f"here it is a {type_name}: "
                    f"{ast.unparse(target)} (a string becomes a mobject as Text(...)/MathTex(...), "
                    f"a list as VGroup(*...))"]
    return []


# --- positional arguments that land in another parameter ------------------------------------

def _landing_facts(code: str, line: int | None, *, always: bool) -> list[str]:
    """Circle(1, RED), Arrow(LEFT, RIGHT, RED): which parameter each positional argument fills."""
    if line is None:
        return []
    facts = []
    for call in _calls(code, line):
        cls = getattr(_manim(), _call_name(call), None)
        if not inspect.isclass(cls) or not call.args or any(isinstance(a, ast.Starred) for a in call.args):
            continue
        landed = _land(cls, [ast.unparse(a) for a in call.args])
        wrong = [(a, p) for a, p, _ in landed if a in _colours() and "color" not in (p or "")]
        if always or wrong:
            facts.append(_landing_text(call, cls, landed, wrong))
    return facts[:2]


def _land(cls, args: list[str]) -> list[tuple[str, str | None, str | None]]:
    """(argument, parameter, class) for each positional argument, following *args up the MRO
    the way Arrow(*args) hands them to Line(start, end, buff, ...)."""
    landed = []
    for klass in cls.__mro__[:-1]:
        if "__init__" not in klass.__dict__ or not args:
            continue
        params = [p for p in _visible(klass.__dict__["__init__"]) or []]
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        landed += [(a, p.name, klass.__name__) for a, p in zip(args, positional)]
        args = args[len(positional):]
        var = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), None)
        if var != "args":  # Polygon(*vertices) keeps them; only a bare *args is handed up (Arrow -> Line)
            landed += [(a, f"*{var}", klass.__name__) for a in args] if var else []
            args = [] if var else args
            break
    return landed + [(a, None, None) for a in args]


def _landing_text(call: ast.Call, cls, landed, wrong) -> str:
    owners = dict.fromkeys(k for _, _, k in landed if k and k != cls.__name__)
    text = (f"{ast.unparse(call)}: positional arguments land as "
            + ", ".join(f"{a} → {p or 'no parameter'}" for a, p, _ in landed)
            + (f" (its *args reach {', '.join(owners)}.__init__)" if owners else ""))
    accepted = [p for _, params in _kwargs_chain(cls) for p in params]
    if wrong and "color" in accepted:
        text += f"; {wrong[0][0]} is a colour: pass color={wrong[0][0]}"
    return text


# --- errors deep in manim: the call as manim declares it ---------------------------------------

def _call_facts(code: str, line: int | None) -> list[str]:
    """The signature of each manim call on the failing line, and any literal argument whose type
    its parameter's annotation does not name (VGroup(square, "label"), Brace(s, direction="down"))."""
    if line is None:
        return []
    facts = []
    for call in _calls(code, line):
        func = _callable_of(call, code)
        label = func.__name__ if inspect.isclass(func) else getattr(func, "__qualname__", "")
        if func is not None and (signature := _signature(func, label)):
            facts += [signature] + _type_mismatches(call, code, label)
    return facts[:3]


def _type_mismatches(call: ast.Call, code: str, label: str) -> list[str]:
    found = []
    for node, name, annotation in _annotated_args(call, code):
        if not (annotation and name and isinstance(node, ast.Constant)) or isinstance(node.value, bool):
            continue
        kind = type(node.value).__name__
        # an int is a fine float; otherwise the annotation must name the type (str, float...)
        accepted = {"int": ("int", "float", "complex"), "float": ("float", "complex")}.get(kind, (kind,))
        if kind in ("str", "int", "float") and not any(re.search(rf"\b{a}\b", annotation) for a in accepted):
            found.append(f"{ast.unparse(node)} is a {kind}, where {label}'s {name} takes {annotation}")
    return found


def _uncalled_facts(code: str, line: int | None) -> list[str]:
    """tracker.get_value - 1: a method used as its value; manim's class says it is a method."""
    tree = _parse(code)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    facts = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and id(node) not in called and line is not None
                and node.lineno <= line <= (node.end_lineno or node.lineno)):
            cls = _receiver_class(node.value, code)
            if cls and inspect.isfunction(getattr(cls, node.attr, None)):
                facts.append(f"{ast.unparse(node)} is the method {cls.__name__}.{node.attr} "
                             f"({_first_line(getattr(cls, node.attr))}); call it: {ast.unparse(node)}()")
    return facts[:2]


# --- anchor-grid cells outside the grid ------------------------------------------------------

def _grid_facts(cell: str, code: str, line: int | None) -> list[str]:
    """place_at_grid(m, "G1"): the grid's cells and the nearest one. A paper-style file's inline base
    builds its own self.grid at run time, with the same A1-F6 cells as TeachingScene's (the original
    base class's layout), so TeachingScene's grid answers for both."""
    from .teaching_scene import GRID

    if cell in GRID.cells() or not any("grid" in _call_name(c) or "area" in _call_name(c)
                                       for c in _calls(code, line)) and "grid" not in _line(code, line):
        return []
    return [f"grid cells are {GRID.cells()[0]} (top-left) to {GRID.cells()[-1]} (bottom-right): rows "
            f"{GRID.rows[0]}-{GRID.rows[-1]}, columns 1-{GRID.n_cols}; "
            f"the nearest to {cell!r} is {_nearest_cell(cell)!r}"]


def _nearest_cell(cell: str) -> str:
    from .teaching_scene import GRID

    row = max(0, min(len(GRID.rows) - 1, ord(cell[0].upper()) - ord(GRID.rows[0])))
    col = max(1, min(GRID.n_cols, int(cell[1:]) if cell[1:].isdigit() else 1))
    return f"{GRID.rows[row]}{col}"


def _line(code: str, line: int | None) -> str:
    lines = code.splitlines()
    return lines[line - 1] if line and 0 < line <= len(lines) else ""
