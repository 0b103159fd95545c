"""Grounds unknown names and attributes: a misspelt colour (manim's shades of its hue, the X11
colour), a class or getter from older manim / manimgl (the closest names now, by name words and
docstrings; get_graph -> plot by return type), and the close names of a missing attribute."""

from __future__ import annotations

import ast
import builtins
import contextlib
import difflib
import inspect
import re

from . import manim_api, source, spelling

# --- unknown names: colours, and names from older manim / manimgl ----------------------------

def name_facts(name: str, code: str) -> list[str]:
    if colour := _colour_facts(name):
        return colour  # a colour typo: close non-colour names (LIGHT_BROWN vs LIGHT_BLEU) only mislead
    manim = manim_api.manim()
    # manim's submodules (mobject, utils) are no names a scene means
    names = [n for n in dir(manim) if not inspect.ismodule(getattr(manim, n))]
    facts = spelling.suggest(name, names + dir(builtins) + source.bound_names(code), f"'{name}' is not defined")
    if len(_words(name)) > 1 and name[0].isupper():  # ShowCreation, TextMobject: a class of older manim
        exported = {n: getattr(manim, n) for n in names if inspect.isclass(getattr(manim, n))}
        facts = _renamed_fact(name, exported, f"'{name}' is not in manim {manim.__version__}") + facts
    return facts


def _colour_facts(name: str) -> list[str]:
    """For a name spelled like a colour (LIGHT_BLEU, DARKGREEN): manim's shades of its hue."""
    if not name.isupper():
        return []
    vocab = {w for c in manim_api.colours() for w in c.split("_") if len(w) > 1}
    words = [w for part in name.split("_") for w in _split_words(part, vocab)]
    hues = [w for w in words if w in manim_api.colours()]  # a word that is itself a colour: BLUE, GREEN
    if not hues:
        return []
    hue = hues[-1]
    shades = sorted((n for n in manim_api.colours() if hue in n.split("_")),
                    key=lambda n: -_luminance(manim_api.colours()[n]))
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
    nearest = min(shades, key=lambda n: _distance(manim_api.colours()[n], value))
    return (f"{name.replace('_', '')} is manim.utils.color.X11.{name.replace('_', '')} ({value.to_hex()}); "
            f"the nearest manim constant is {nearest} ({manim_api.colours()[nearest].to_hex()})")


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
        doc = {w[:5] for w in _words(manim_api.first_line(pool[n]))}
        score = sum(weight[s] for s in stems & ws) + sum(weight[s] / 2 for s in stems & doc - ws)
        if stems & ws and n != old:  # a docstring alone matches too much (Axes: "Creates a set of axes")
            scores[n] = (score, -len(ws))  # ties: the name with fewer extra words
    best = sorted(scores, key=lambda n: scores[n], reverse=True)[:3]
    if not best:
        return []
    return [what + "; by name and docstring the closest now: "
            + "; ".join(f"{n} ({manim_api.first_line(pool[n])})" if manim_api.first_line(pool[n]) else n
                        for n in best)]


# --- attributes a class does not have ------------------------------------------------------

def attr_facts(cls_name: str, attr: str, code: str, line: int | None) -> list[str]:
    names = _class_attrs(cls_name, code)
    # Mobject turns get_colour() into a missing 'colour'; suggest the method the user wrote
    lines = code.splitlines()
    text = lines[line - 1] if line and 0 < line <= len(lines) else code
    attr = next((p + attr for p in ("get_", "set_") if f".{p}{attr}" in text), attr)
    return spelling.suggest(attr, names, f"{cls_name} has no attribute '{attr}'") if names else []


def _class_attrs(cls_name: str, code: str) -> list[str]:
    """Attributes of a class defined in the code (with its bases), or of a manim/builtin class."""
    for node in ast.walk(source.parse(code)):
        if isinstance(node, ast.ClassDef) and node.name == cls_name:
            names = [n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)
                     and isinstance(n.value, ast.Name) and n.value.id == "self"]
            names += [n.name for n in node.body if isinstance(n, ast.FunctionDef)]
            for base in node.bases:
                if isinstance(base, ast.Name) and base.id != cls_name:
                    names += _class_attrs(base.id, code)
            return names
    cls = getattr(manim_api.manim(), cls_name, None) or getattr(builtins, cls_name, None)
    if not inspect.isclass(cls):
        return []
    names = dir(cls)
    for klass in cls.__mro__:  # instance attributes (self.x_axis = ...) that dir() misses
        with contextlib.suppress(OSError, TypeError):
            if klass.__module__.startswith("manim"):
                names += re.findall(r"self\.(\w+)\s*=", inspect.getsource(klass))
    return names


# --- get_x()/set_x() that Mobject.__getattr__ invented: methods of older manim ---------------

def getter_facts(code: str, line: int | None) -> list[str]:
    """ax.get_graph(f): Mobject's __getattr__ made a getter of it, so no AttributeError says so."""
    for call in source.calls(code, line):
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr.startswith(("get_", "set_")):
            cls = source.receiver_class(func.value, code)
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
    kinds = {str(p.annotation).split(" |")[0] for m in methods.values() for p in manim_api.visible(m) or []
             if p.name == noun and p.annotation is not p.empty}
    if len(kinds) != 1:
        return []
    kind = kinds.pop()
    makers = sorted((n for n, m in methods.items() if manim_api.returns(m) == kind), key=len)[:4]
    return [f"{what}; {cls.__name__}'s parameters named '{noun}' take a {kind}, which "
            f"{', '.join(makers)} return"] if makers else []
