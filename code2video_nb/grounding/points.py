"""Grounds points of the wrong shape: numpy's broadcast error, what manim.typing says a point is,
and the 1-2 coordinate literals on the failing line written as 3-D points."""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import re

from . import calls, manim_api, source


def shape_facts(m: re.Match, code: str, line: int | None) -> list[str]:
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
            return " ".join(manim_api.plain(m[1]).split())
    return f"shape {manim_api.manim().ORIGIN.shape}"


def _short_points(code: str, line: int | None) -> list[ast.List | ast.Tuple]:
    """List/tuple literals of 1-2 coordinates on the failing line passed where manim wants a point
    (a parameter annotated Point...; anywhere when the callee is unknown, e.g. np.array), and such
    lists a lambda there returns (ParametricFunction(lambda t: [t, t * t]))."""
    found = []
    for call in source.calls(code, line):
        for node, _, annotation in calls.annotated_args(call, code):
            if annotation and "Point" not in annotation:
                continue  # t_range=[0, 1] is a range, not a point
            node = node.body if isinstance(node, ast.Lambda) else node
            if isinstance(node, (ast.List, ast.Tuple)) and 0 < len(node.elts) < 3 and all(
                    _number(e) for e in node.elts) and node not in found:
                found.append(node)
    return found[:2]


def _number(node: ast.expr) -> bool:
    return not isinstance(node, ast.Constant) or isinstance(node.value, (int, float))
