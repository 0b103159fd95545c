"""Grounds errors about a call's arguments: an unexpected keyword (the signature, the classes its
**kwargs reach, the close parameter), a wrong argument count, positional arguments that land in
another parameter (Circle(1, RED)), errors deep in manim (the call as manim declares it, literal
arguments its annotations refuse) and a method used as its value (tracker.get_value - 1)."""

from __future__ import annotations

import ast
import inspect
import re

from . import manim_api, source, spelling

# --- unexpected keywords and wrong argument counts: the signature as manim declares it ----------

def kwarg_facts(qualname: str, kw: str, code: str, line: int | None) -> list[str]:
    # Python names the __init__ that finally refused the keyword (often Mobject),
    # so prefer what the call on the failing line that passed it names.
    calls = [source.call_name(c) for c in source.calls(code, line) if any(k.arg == kw for k in c.keywords)]
    for label in calls + [qualname]:
        signature, chain = signature_and_chain(label, code)
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
        facts.append(f"'{kw}' is not a parameter" + spelling.did_you_mean(kw, accepted, where))
    return facts


def signature_and_chain(qualname: str, code: str) -> tuple[str | None, list[tuple[str, list[str]]]]:
    """The signature to show and the (class, parameters) that accept keywords, or (None, [])."""
    if own := _own_def(qualname, code):  # the code's own helper, e.g. an inline TeachingScene
        names = [a.arg for a in own.args.args + own.args.kwonlyargs if a.arg != "self"]
        return _own_signature(qualname, own), [(qualname, names)]
    obj, label = manim_api.resolve(qualname) or (None, "")
    signature = manim_api.signature(obj, label) if obj else None
    return (signature, manim_api.kwargs_chain(obj)) if signature else (None, [])


def _own_def(qualname: str, code: str) -> ast.FunctionDef | None:
    """The code's own function or method named by `qualname`, e.g. 'TeachingScene.place_at_grid'."""
    *owner, name = qualname.split(".")
    tree = source.parse(code)
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


# --- positional arguments that land in another parameter ------------------------------------

def landing_facts(code: str, line: int | None, *, always: bool) -> list[str]:
    """Circle(1, RED), Arrow(LEFT, RIGHT, RED): which parameter each positional argument fills."""
    if line is None:
        return []
    facts = []
    for call in source.calls(code, line):
        cls = getattr(manim_api.manim(), source.call_name(call), None)
        if not inspect.isclass(cls) or not call.args or any(isinstance(a, ast.Starred) for a in call.args):
            continue
        landed = _land(cls, [ast.unparse(a) for a in call.args])
        wrong = [(a, p) for a, p, _ in landed if a in manim_api.colours() and "color" not in (p or "")]
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
        params = [p for p in manim_api.visible(klass.__dict__["__init__"]) or []]
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
    accepted = [p for _, params in manim_api.kwargs_chain(cls) for p in params]
    if wrong and "color" in accepted:
        text += f"; {wrong[0][0]} is a colour: pass color={wrong[0][0]}"
    return text


def annotated_args(call: ast.Call, code: str) -> list[tuple[ast.expr, str | None, str | None]]:
    """(argument, the parameter it fills, that parameter's annotation) for a call; None if unknown."""
    func = source.callable_of(call, code)
    if func is None:
        return [(a, None, None) for a in call.args] + [(k.value, k.arg, None) for k in call.keywords]
    annotations: dict[str, str | None] = {}
    for klass in func.__mro__[:-1] if inspect.isclass(func) else [None]:
        init = klass.__dict__.get("__init__") if klass else func
        for p in manim_api.visible(init) or [] if init else []:
            annotations.setdefault(p.name, None if p.annotation is p.empty else str(p.annotation))
    if inspect.isclass(func):
        names = [name for _, name, _ in _land(func, ["_"] * len(call.args))]
    else:
        params = manim_api.visible(func) or []
        names = [p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        names += [f"*{p.name}" for p in params if p.kind is p.VAR_POSITIONAL] * len(call.args)
    landed = [(a, n, annotations.get((n or "").lstrip("*"))) for a, n in zip(call.args, names)]
    return landed + [(k.value, k.arg, annotations.get(k.arg or "")) for k in call.keywords]  # None: **kwargs


# --- errors deep in manim: the call as manim declares it ---------------------------------------

def call_facts(code: str, line: int | None) -> list[str]:
    """The signature of each manim call on the failing line, and any literal argument whose type
    its parameter's annotation does not name (VGroup(square, "label"), Brace(s, direction="down"))."""
    if line is None:
        return []
    facts = []
    for call in source.calls(code, line):
        func = source.callable_of(call, code)
        label = func.__name__ if inspect.isclass(func) else getattr(func, "__qualname__", "")
        if func is not None and (signature := manim_api.signature(func, label)):
            facts += [signature] + _type_mismatches(call, code, label)
    return facts[:3]


def _type_mismatches(call: ast.Call, code: str, label: str) -> list[str]:
    found = []
    for node, name, annotation in annotated_args(call, code):
        if not (annotation and name and isinstance(node, ast.Constant)) or isinstance(node.value, bool):
            continue
        kind = type(node.value).__name__
        # an int is a fine float; otherwise the annotation must name the type (str, float...)
        accepted = {"int": ("int", "float", "complex"), "float": ("float", "complex")}.get(kind, (kind,))
        if kind in ("str", "int", "float") and not any(re.search(rf"\b{a}\b", annotation) for a in accepted):
            found.append(f"{ast.unparse(node)} is a {kind}, where {label}'s {name} takes {annotation}")
    return found


def uncalled_facts(code: str, line: int | None) -> list[str]:
    """tracker.get_value - 1: a method used as its value; manim's class says it is a method."""
    tree = source.parse(code)
    called = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    facts = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and id(node) not in called and line is not None
                and node.lineno <= line <= (node.end_lineno or node.lineno)):
            cls = source.receiver_class(node.value, code)
            if cls and inspect.isfunction(getattr(cls, node.attr, None)):
                facts.append(f"{ast.unparse(node)} is the method {cls.__name__}.{node.attr} "
                             f"({manim_api.first_line(getattr(cls, node.attr))}); call it: {ast.unparse(node)}()")
    return facts[:2]
