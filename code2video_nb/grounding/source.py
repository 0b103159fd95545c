"""The failing code, read with ast: its calls (on the failing line), their names, the names it
binds, and the manim class an expression has (`ax` where `ax = Axes(...)`)."""

from __future__ import annotations

import ast
import contextlib
import inspect

from ..parse import parse as parse_code
from . import manim_api


def parse(code: str) -> ast.Module:
    with contextlib.suppress(SyntaxError, ValueError):
        return parse_code(code)
    return ast.Module([], [])  # code that does not parse offers no names


def calls(code: str, line: int | None) -> list[ast.Call]:
    """Calls spanning the failing line (all calls when the line is unknown)."""
    return [n for n in ast.walk(parse(code)) if isinstance(n, ast.Call)
            and (line is None or n.lineno <= line <= (n.end_lineno or n.lineno))]


def call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Attribute):
        base = func.value.id + "." if isinstance(func.value, ast.Name) else "."
        return base + func.attr
    return func.id if isinstance(func, ast.Name) else ""


def bound_names(code: str) -> list[str]:
    """Names the code itself defines (a typo may be of the user's own variable)."""
    return [name for n in ast.walk(parse(code)) if (name := _bound(n))]


def _bound(node: ast.AST) -> str | None:
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return node.name
    if isinstance(node, ast.arg):
        return node.arg
    return node.id if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) else None


def receiver_class(node: ast.expr, code: str, seen: frozenset[str] = frozenset()):
    """The manim class of `Axes()` or of `ax` where the code says `ax = Axes(...)`, else None."""
    if isinstance(node, ast.Name):
        calls = [n.value for n in ast.walk(parse(code)) if isinstance(n, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == node.id for t in n.targets)
                 and isinstance(n.value, ast.Call)]
        # the latest assignment that tells; `seen` stops x = x.scale(2) from asking itself forever
        found = (receiver_class(v, code, seen | {node.id}) for v in reversed(calls) if node.id not in seen)
        return next((cls for cls in found if cls), None)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        cls = getattr(manim_api.manim(), node.func.id, None)
        return cls if inspect.isclass(cls) else None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        # Circle().scale(2) is still the Circle: manim annotates such methods as returning Self
        cls = receiver_class(node.func.value, code, seen)
        return cls if cls and manim_api.returns(getattr(cls, node.func.attr, None)) == "Self" else None
    return None


def callable_of(call: ast.Call, code: str):
    """The manim class or method a call names: Dot(...), label.move_to(...) where label = Text(...)."""
    func = call.func
    if isinstance(func, ast.Name):
        found = getattr(manim_api.manim(), func.id, None)
    elif isinstance(func, ast.Attribute) and (cls := receiver_class(func.value, code)):
        found = getattr(cls, func.attr, None)
    else:
        found = None
    return found if callable(found) else None
