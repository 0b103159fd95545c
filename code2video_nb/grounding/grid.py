"""Grounds anchor-grid cells outside the grid (place_at_grid(m, "G1")): the cells A1-F6 and the
nearest one."""

from __future__ import annotations

import ast

from ..parse import parse
from . import source

_PLACERS = ("place_at_grid", "place_in_area")


def grid_facts(cell: str, code: str, line: int | None) -> list[str]:
    """place_at_grid(m, "G1"): the grid's cells and the nearest one. A paper-style file's inline base
    builds its own self.grid at run time, usually with the same A1-F6 cells as TeachingScene's (the
    original base class's layout), so TeachingScene's grid answers for both; a base class laying out
    other rows (a 5x5 or 8x8 grid) gets no facts rather than wrong ones."""
    from ..teaching_scene import GRID

    if not a1_to_f6(code) or cell in GRID.cells() or not any(
            "grid" in source.call_name(c) or "area" in source.call_name(c)
            for c in source.calls(code, line)) and "grid" not in _line(code, line):
        return []
    return [f"grid cells are {GRID.cells()[0]} (top-left) to {GRID.cells()[-1]} (bottom-right): rows "
            f"{GRID.rows[0]}-{GRID.rows[-1]}, columns 1-{GRID.n_cols}; "
            f"the nearest to {cell!r} is {_nearest_cell(cell)!r}"]


def _nearest_cell(cell: str) -> str:
    from ..teaching_scene import GRID

    row = max(0, min(len(GRID.rows) - 1, ord(cell[0].upper()) - ord(GRID.rows[0])))
    col = max(1, min(GRID.n_cols, int(cell[1:]) if cell[1:].isdigit() else 1))
    return f"{GRID.rows[row]}{col}"


def _line(code: str, line: int | None) -> str:
    lines = code.splitlines()
    return lines[line - 1] if line and 0 < line <= len(lines) else ""


def a1_to_f6(code: str | ast.AST) -> bool:
    """The grid is A1-F6: TeachingScene's (the file defines no placing helper of its own), or an
    inline base class that names the rows A-F (as "ABCDEF" or a list of the letters, as the
    original's does). Used by the static pass too, which clamps a cell only on this grid."""
    try:
        tree = parse(code) if isinstance(code, str) else code
    except SyntaxError:
        return True  # not ours to judge: the facts stand as they did
    if not any(isinstance(n, ast.FunctionDef) and n.name in _PLACERS for n in ast.walk(tree)):
        return True
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and node.value == "ABCDEF":
            return True
        if isinstance(node, (ast.List, ast.Tuple)) and [getattr(e, "value", None) for e in node.elts] == list("ABCDEF"):
            return True
    return False
