"""Suggestions as exact edits of a section file, in the anchor-grid language.

    move_patch(code, line, "eq", "C4")                 put eq in cell C4
    move_patch(code, line, "eq", ("B4", "C6"))         … in the area B4–C6
    move_patch(code, line, "eq", "C4", scale=0.6)      … scaled by 0.6 first
    scale_patch(code, line, "eq", 1.5)                 eq 1.5 times as large
    fade_out_patch(code, line, ["eq1", "eq2"])         fade them out before the statement at line
    anchor_of(code, line, "label")                     "arrow", when line places label against arrow
    beside_patch(code, line, "label", "DOWN")          that placement becomes label.next_to(arrow, DOWN)

`line` is any line of the statement that places (or creates) the object. A `place_at_grid` /
`place_in_area` call on that object there is rewritten in place; otherwise a statement is inserted
after it (a fade-out: before it) at its indentation, so the object's name must be in scope there.
Each helper returns a `Patch` whose `old` is the exact text of lines start..end, or None when
there is no simple statement at that line. `suggestions.patch_code` applies one. Pure text and
`ast`: no manim.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence

from ..findings import Patch
from ..parse import end_column, end_line, parse

PLACERS = ("place_at_grid", "place_in_area")


def move_patch(code: str, line: int, name: str, where: str | Sequence[str],
               scale: float | None = None) -> Patch | None:
    """Place `name` in a cell ("C4") or an area (("B4", "C6")), optionally scaled first."""
    first, last = _cells(where)
    statement = _statement(code, line)
    if statement is None:
        return None
    call = _placer_call(statement, name)
    area = first == last or _offers_area(code)
    if call is not None and _literal_cells(call) is not None and area:
        return _rewrite(code, statement, _moved_call(code, call, first, last, scale))
    if not _reachable(code, statement, [name]):
        return None
    indent = _indent(code, statement)
    lines = [f"{indent}{name}.scale({_number(scale)})"] if scale and abs(scale - 1) > 1e-3 else []
    if first == last:
        lines.append(f'{indent}self.place_at_grid({name}, "{first}")')
    elif area:
        lines.append(f'{indent}self.place_in_area({name}, "{first}", "{last}")')
    else:  # the file's own grid (a dict of points, where the cells came from) has no area placer
        lines.append(f'{indent}{name}.move_to((self.grid["{first}"] + self.grid["{last}"]) / 2)')
    return _insert(code, end_line(statement) + 1, lines)


def _offers_area(code: str) -> bool:
    """`place_in_area` exists: TeachingScene's, or an inline base class's own. A base class in the
    file that defines `place_at_grid` alone (a paper-style variant) has none to call."""
    own = {n.name for n in ast.walk(parse(code)) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return "place_in_area" in own or "place_at_grid" not in own


def scale_patch(code: str, line: int, name: str, factor: float) -> Patch | None:
    """Make `name` `factor` times as large: the placing call's scale_factor, or `name.scale(f)`."""
    statement = _statement(code, line)
    if statement is None:
        return None
    call = _placer_call(statement, name)
    if call is not None:
        return _rewrite(code, statement, [_scale_edit(code, call, factor)])
    if not _reachable(code, statement, [name]):
        return None
    return _insert(code, end_line(statement) + 1, [f"{_indent(code, statement)}{name}.scale({_number(factor)})"])


def fade_out_patch(code: str, line: int, names: Iterable[str], run_time: float = 0.5) -> Patch | None:
    """`self.play(FadeOut(a), FadeOut(b))` just before the statement at `line`."""
    names = list(dict.fromkeys(names))
    statement = _statement(code, line)
    if statement is None or not names or not _reachable(code, statement, names, after=False):
        return None
    fades = ", ".join(f"FadeOut({n})" for n in names)
    return _insert(code, statement.lineno,
                   [f"{_indent(code, statement)}self.play({fades}, run_time={_number(run_time)})"])


# A label placed against another object (`label.move_to(box.get_right())`, `next_to(box, DOWN,
# buff=-0.4)`) that covers something is kept with it: moved beside it, not to a far cell.
RELATIVE = ("next_to", "move_to", "align_to")
SIDES = {"UP": "above", "DOWN": "below", "LEFT": "left of", "RIGHT": "right of"}


def anchor_of(code: str, line: int, name: str) -> str | None:
    """The object the statement at `line` places `name` against (`box` in `name.move_to(box.get_top())`,
    `name = Text(…).next_to(box, DOWN)`), or the point of one it is moved onto (`axes.c2p(4.7, 0)`
    in `name.move_to(axes.c2p(4.7, 0))`: a call), or None."""
    found = _relative_call(code, line, name)
    return found[1] if found else None


def beside_patch(code: str, line: int, name: str, side: str) -> Patch | None:
    """That placement, rewritten as `….next_to(anchor, SIDE)` (side one of SIDES): beside it, with
    manim's usual gap, instead of on it."""
    statement = _statement(code, line)
    found = _relative_call(code, line, name)
    if statement is None or found is None or side not in SIDES:
        return None
    call, anchor = found
    assert isinstance(call.func, ast.Attribute)  # _relative_call finds `….next_to(…)`-like method calls only
    start = _attr_span(call.func)[0]
    return _rewrite(code, statement, [((start, _span(call)[1]), f"next_to({anchor}, {side})")])


def _relative_call(code: str, line: int, name: str) -> tuple[ast.Call, str] | None:
    statement = _statement(code, line)
    if statement is None:
        return None
    target = _normal(name)
    for node in ast.walk(statement):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RELATIVE
                and node.args):
            continue
        receiver = node.func.value
        while isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Attribute):
            receiver = receiver.func.value
        placed = ast.unparse(receiver) if not isinstance(receiver, ast.Call) else (
            ast.unparse(statement.targets[0]) if isinstance(statement, ast.Assign) and len(statement.targets) == 1
            else None)
        if placed != target:
            continue
        anchor = node.args[0]
        while isinstance(anchor, ast.Call) and isinstance(anchor.func, ast.Attribute) and not anchor.args:
            anchor = anchor.func.value  # box.get_right() -> box
        if isinstance(anchor, ast.Call) and node.func.attr == "move_to" and isinstance(anchor.func, ast.Attribute) \
                and isinstance(anchor.func.value, (ast.Name, ast.Attribute)):
            owner = ast.unparse(anchor.func.value)  # a point of an object: axes.c2p(4.7, 0), box.get_corner(UR)
            if owner != target and not owner.startswith("self.grid"):
                return node, ast.unparse(anchor)
        if isinstance(anchor, (ast.Name, ast.Attribute, ast.Subscript)) and ast.unparse(anchor) != target \
                and not ast.unparse(anchor).startswith("self.grid"):
            return node, ast.unparse(anchor)
    return None


# --- statements and calls --------------------------------------------------------------------

def _statement(code: str, line: int) -> ast.stmt | None:
    """The innermost simple statement covering `line`; None on a compound statement's header."""
    try:
        tree = parse(code)
    except SyntaxError:
        return None
    covering = [n for n in ast.walk(tree) if isinstance(n, ast.stmt) and n.lineno <= line <= end_line(n)]
    if not covering:
        return None
    inner = min(covering, key=lambda n: (end_line(n) - n.lineno, -n.lineno))
    return None if hasattr(inner, "body") else inner


def _reachable(code: str, statement: ast.stmt, names: list[str], after: bool = True) -> bool:
    """Can a statement next to this one use these names? Not after a return, and each name's root
    (`label` of `label[0]`; `self` always) must be bound in the enclosing function or at module
    level: a name seen in the frame that called play() may belong to another function."""
    if after and isinstance(statement, (ast.Return, ast.Raise, ast.Continue, ast.Break)):
        return False
    tree = parse(code)
    function = _enclosing_function(tree, statement)
    if function is None:
        return True
    bound = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)} | _stored(function)
    bound |= set().union(*(_stored(s) for s in tree.body if not isinstance(s, _SCOPES)))
    return all(_root(n) in bound | {"self"} for n in names)


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _stored(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}


def _enclosing_function(tree: ast.AST, node: ast.stmt) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    around = [f for f in ast.walk(tree) if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))
              and f.lineno <= node.lineno and end_line(node) <= end_line(f)]
    return min(around, key=lambda f: end_line(f) - f.lineno, default=None)


def _root(expression: str) -> str:
    try:
        node = parse(expression, mode="eval").body
    except SyntaxError:
        return expression
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else ""


def _placer_call(statement: ast.stmt, name: str) -> ast.Call | None:
    """A `….place_at_grid(name, …)` or `….place_in_area(name, …)` call in the statement."""
    target = _normal(name)
    for node in ast.walk(statement):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in PLACERS and node.args and ast.unparse(node.args[0]) == target):
            return node
    return None


def _literal_cells(call: ast.Call) -> list[ast.Constant] | None:
    wanted = 1 if _method(call) == "place_at_grid" else 2
    given = call.args[1:1 + wanted] + [k.value for k in call.keywords
                                       if k.arg in ("grid_pos", "cell", "top_left", "bottom_right")]
    cells = [c for c in given if isinstance(c, ast.Constant) and isinstance(c.value, str)]
    return cells if len(cells) == len(given) == wanted else None


def _moved_call(code: str, call: ast.Call, first: str, last: str, scale: float | None) -> list[tuple]:
    """Edits (node span, replacement) turning the call into a placement at first..last."""
    cells = _literal_cells(call)
    assert cells is not None and isinstance(call.func, ast.Attribute), "move_patch checked both"
    quote = _source(code, cells[0])[0]
    edits: list[tuple] = []
    if call.func.attr == "place_at_grid" and first != last:
        edits.append((_attr_span(call.func), "place_in_area"))
        edits.append((_span(cells[0]), f"{quote}{first}{quote}, {quote}{last}{quote}"))
    elif call.func.attr == "place_in_area":
        edits.append((_span(cells[0]), f"{quote}{first}{quote}"))
        edits.append((_span(cells[1]), f"{quote}{last}{quote}"))
    else:
        edits.append((_span(cells[0]), f"{quote}{first}{quote}"))
    if scale and abs(scale - 1) > 1e-3:
        edits.append(_scale_edit(code, call, scale))
    return edits


def _scale_edit(code: str, call: ast.Call, factor: float) -> tuple:
    """The edit that multiplies the call's scale_factor by `factor` (adding the argument if absent)."""
    position = 3 if _method(call) == "place_at_grid" else 4
    current = next((k.value for k in call.keywords if k.arg == "scale_factor"), None)
    if current is None and len(call.args) >= position:
        current = call.args[position - 1]
    if current is None:
        end = _span(call)[1]
        before = _text_before(code, end)
        return ((end[0], end[1] - 1), (end[0], end[1] - 1)), ("" if before == "," else ", ") + \
            f"scale_factor={_number(factor)}"
    if isinstance(current, ast.Constant) and isinstance(current.value, (int, float)):
        return _span(current), _number(current.value * factor)
    return _span(current), f"({_source(code, current)}) * {_number(factor)}"


def _rewrite(code: str, statement: ast.stmt, edits: list[tuple]) -> Patch:
    """Apply (span, text) edits inside the statement's lines; spans are (line, byte column) pairs,
    applied from the last, so earlier columns stay valid."""
    lines = code.splitlines()
    start, end = statement.lineno, end_line(statement)
    block = lines[start - 1:end]
    for ((l1, c1), (l2, c2)), text in sorted(edits, key=lambda e: e[0], reverse=True):
        head = block[l1 - start][:_chars(lines[l1 - 1], c1)]
        tail = block[l2 - start][_chars(lines[l2 - 1], c2):]
        block[l1 - start:l2 - start + 1] = (head + text + tail).split("\n")
    return Patch(start, end, "\n".join(lines[start - 1:end]), "\n".join(block))


def _insert(code: str, at: int, new_lines: list[str]) -> Patch:
    return Patch(at, at - 1, "", "\n".join(new_lines))


# --- positions: ast columns are UTF-8 byte offsets; _rewrite turns them into characters ---------

def _span(node: ast.expr) -> tuple[tuple[int, int], tuple[int, int]]:
    return (node.lineno, node.col_offset), (end_line(node), end_column(node))


def _attr_span(func: ast.Attribute) -> tuple[tuple[int, int], tuple[int, int]]:
    end = end_column(func)
    return (end_line(func), end - len(func.attr.encode())), (end_line(func), end)


def _method(call: ast.Call) -> str:
    """`name` of a `….name(…)` call; "" for a plain function's call."""
    return call.func.attr if isinstance(call.func, ast.Attribute) else ""


def _chars(text: str, byte_column: int) -> int:
    return len(text.encode()[:byte_column].decode(errors="ignore"))


def _source(code: str, node: ast.AST) -> str:
    return ast.get_source_segment(code, node) or ast.unparse(node)


def _text_before(code: str, position: tuple[int, int]) -> str:
    """The last non-blank character before the closing parenthesis that ends at `position`."""
    lines = code.splitlines()
    line, column = position
    text = lines[line - 1].encode()[:column - 1].decode(errors="ignore").rstrip()
    while not text and line > 1:
        line -= 1
        text = lines[line - 1].rstrip()
    return text[-1:] if text else ""


def _indent(code: str, statement: ast.stmt) -> str:
    first = code.splitlines()[statement.lineno - 1]
    return first[:len(first) - len(first.lstrip())]


def _cells(where: str | Sequence[str]) -> tuple[str, str]:
    if isinstance(where, str):
        parts = where.replace("–", ":").replace("-", ":").split(":")
        return (parts[0].strip().upper(), parts[-1].strip().upper())
    first, last = where
    return first.upper(), last.upper()


def _normal(expression: str) -> str:
    try:
        return ast.unparse(parse(expression, mode="eval").body)
    except SyntaxError:
        return expression


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"
