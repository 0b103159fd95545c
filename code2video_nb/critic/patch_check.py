"""Patches that cannot break the picture: every patch the layout rules worked out is checked
before anyone is offered it (a card's Accept, `code2video critique`, `generate`'s rounds).

    checked(findings, code, shots, rerun) -> the same findings; a patch that fails is withheld:
                                             `patch` None, `patch_note` saying what it would break

A finding's diagnosis is often right where its patch is wrong: "fade it out first" removes what a
later block still animates or builds on (a dot riding a circle, the vectors spanning a
parallelogram), and a move takes a label away from what it labels, or one digit out of its
number. So, in order of cost:

1. what the code says (pure `ast`, the file's own text):
   - a fade-out: no statement from the fade on mentions what it fades, a group holding it or a
     part of it (directly, in a method it calls, or in an `.animate`); no updater
     (`add_updater`, `always_redraw`, `always`, `f_always`) of something still shown reads it;
     the new object is not built or placed from it (a polygon on its tips, a label moved into it);
   - a move: the object is not one part of a group or number, was not placed relative to another
     object (`next_to`, `move_to`, `align_to`, `match_*`, an updater), and nothing still shown was
     placed relative to it before the move (it would stay behind); a whole group moves freely;
2. what the recorded run shows: a faded object does not move or change after the fade;
3. the patched code, critiqued again (`rerun`, one instrumented dry run per patch that passed
   the first two, run side by side): it runs, that finding is gone, no other appeared, and
   nothing the fade removed comes back later (something re-added it).
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeGuard

from ..errors import StalePatch
from ..findings import Finding, Patch, Placed, Shot
from ..parse import end_line, parse
from ..suggestions import patch_code
from .patches import PLACERS

# Calls that put their receiver relative to the object in their first argument.
RELATIVE = frozenset({"next_to", "move_to", "align_to", "match_x", "match_y", "match_width", "match_height",
                      "match_points", "surround", "replace", "put_start_and_end_on", "become"})
GROUPS = frozenset({"VGroup", "Group", "VDict"})
# The frame's own objects: placing against them is layout, not a label and its anchor.
STAGE_NAMES = frozenset({"self.title", "self.lecture", "self.grid", "self.title_mobject", "self.lecture_column",
                         "self.anchor_grid", "self.camera", "self.camera.frame"})
MOVED = 0.01  # scene units: a box that shifts more has moved (as layout.py counts it)
SHOWN = 0.05  # opacity from which an object is seen (layout.MIN_OPACITY)

Rerun = Callable[[list[str]], list]  # patched codes -> their critiques (critique.Critique), in order


def checked(findings: list[Finding], code: str, shots: list[Shot], rerun: Rerun | None) -> list[Finding]:
    """Check every finding's patch; one that fails keeps its finding, as a note with the reason.
    `rerun` None: only the checks on the code and the shots (a caller that cannot run code)."""
    try:
        source = _Source(code, shots)
    except SyntaxError:
        return findings
    waiting: list[tuple[Finding, str]] = []
    for finding in findings:
        if finding.patch is None:
            continue
        try:
            patched = _patched(code, finding.patch)
        except StalePatch as exc:
            _withhold(finding, f"it does not fit the code ({exc})")
            continue
        try:
            problem = source.problem(finding)
        except (RecursionError, ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
            problem = f"it could not be checked ({type(exc).__name__})"  # never offered unchecked
        if problem:
            _withhold(finding, problem)
        elif rerun is not None:
            waiting.append((finding, patched))
    if rerun is None:  # nothing waits for a run
        return findings
    apart = source.apart([f for f, _ in waiting])
    if len(apart) > 1 and _all_pass_together(findings, apart, code, rerun):
        waiting = [(f, p) for f, p in waiting if f not in apart]  # one run showed each doing its job alone
    if waiting:
        for (finding, _), after in zip(waiting, rerun([p for _, p in waiting])):
            problem = _rerun_problem(finding, findings, after, source)
            if problem:
                _withhold(finding, problem)
    return findings


def _all_pass_together(findings: list[Finding], fixing: list[Finding], code: str, rerun: Rerun) -> bool:
    """The cheap case first: patches about objects apart from each other's (`_Source.apart`)
    applied at once, one critique. True when it runs, each of their findings is gone, no other
    appeared and nothing a fade removed comes back; else each is judged on its own run. (Apart,
    one cannot be what makes another work: a label's patch naming the arrow another patch moves.)"""
    patches = sorted((_offered(f) for f in fixing), key=lambda p: p.start)
    if any(b.start <= max(a.end, a.start) for a, b in zip(patches, patches[1:])):
        return False  # two patches on the same lines: judged one by one
    combined = code
    for patch in reversed(patches):  # from the bottom: earlier line numbers stay true
        combined = _patched(combined, patch)
    [after] = rerun([combined])
    if after is None or not after.ok:
        return False
    before, now = Counter(_key(f) for f in findings), Counter(_key(f) for f in after.findings)
    fixed = Counter(_key(f) for f in fixing)
    if any(now[k] > before[k] - fixed[k] for k in now | fixed):
        return False
    for patch in patches:  # where each fade ended up once the patches above it are in
        change = _change(patch)
        shift = sum(_grown(p) for p in patches if p.start < patch.start)
        if change.fades and _comes_back(after.shots, _Change(change.fades, None, change.at + shift)):
            return False
    return True


def _grown(patch: Patch) -> int:
    """Lines a patch adds (an insertion) or removes."""
    return len(patch.new.rstrip("\n").splitlines()) - (patch.end - patch.start + 1)


def _offered(finding: Finding) -> Patch:
    """The patch of a finding being judged (check_patches passes over those without one)."""
    assert finding.patch is not None
    return finding.patch


def _withhold(finding: Finding, problem: str) -> None:
    finding.patch, finding.patch_note = None, f"no change offered: {problem}"


def _patched(code: str, patch: Patch) -> str:
    return patch_code(code, patch)  # the one way a patch is applied


# --- what a patch does ------------------------------------------------------------------------

@dataclass
class _Change:
    fades: list[str]  # names a FadeOut removes
    moved: str | None  # the object a placement moves to another cell
    at: int  # the first line that runs after the change


def _change(patch: Patch) -> _Change:
    new = _calls(patch.new)
    fades = [ast.unparse(a) for c in new if _called(c) == "FadeOut" for a in c.args]
    placed = {ast.unparse(c.args[0]): c for c in new if _called(c) in PLACERS and c.args}
    moved = None
    if patch.old:  # a placing call rewritten in place: a move when its cells changed
        before = {ast.unparse(c.args[0]): c for c in _calls(patch.old) if _called(c) in PLACERS and c.args}
        moved = next((n for n, c in placed.items() if n in before and _cells(c) != _cells(before[n])), None)
    elif placed:
        moved = next(iter(placed))
    else:  # a grid of the file's own without an area placer: `x.move_to((self.grid["B4"] + …) / 2)`
        moved = next((ast.unparse(c.func.value) for c in new if _called(c) == "move_to" and c.args
                      and isinstance(c.func, ast.Attribute) and "self.grid[" in ast.unparse(c.args[0])), None)
    return _Change(fades, moved, patch.start)


def _calls(text: str) -> list[ast.Call]:
    try:
        tree = parse("\n".join(line.strip() for line in text.splitlines()))
    except SyntaxError:
        return []
    return [n for n in ast.walk(tree) if isinstance(n, ast.Call)]


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _cells(call: ast.Call) -> list[str]:
    return [ast.unparse(a) for a in call.args[1:3]] + [ast.unparse(k.value) for k in call.keywords
                                                        if k.arg in ("grid_pos", "top_left", "bottom_right")]


# --- names in code ------------------------------------------------------------------------------

def _root(expression: str) -> str:
    """`dots` of `dots[2]`, `self.dot` of `self.dot[0].get_center()`."""
    try:
        node = parse(expression, mode="eval").body
    except SyntaxError:
        return expression
    while isinstance(node, ast.Subscript) or (isinstance(node, ast.Attribute) and not _self_attribute(node)):
        node = node.value
    return ast.unparse(node)


def _self_attribute(node: ast.AST) -> TypeGuard[ast.Attribute]:
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"


def _index(expression: str) -> int | None:
    try:
        node = parse(expression, mode="eval").body
    except SyntaxError:
        return None
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
        return node.slice.value
    return None


def _mentions(node: ast.AST, name: str) -> bool:
    """Does `node` use `name`? `dots[2]` is used by `dots`, `dots[i]`, `dots[2]`, not by `dots[0]`."""
    root, index = _root(name), _index(name)
    other_parts = set()
    for n in ast.walk(node):
        if (isinstance(n, ast.Subscript) and isinstance(n.slice, ast.Constant) and index is not None
                and ast.unparse(n.value) == root and n.slice.value != index):
            other_parts.add(id(n.value))
        elif (isinstance(n, (ast.Name, ast.Attribute)) and isinstance(n.ctx, ast.Load) and id(n) not in other_parts
              and ast.unparse(n) == root):
            return True
    return False


def _binds(statement: ast.stmt, name: str) -> bool:
    """`name = …` (a fresh object under an old name: later uses are not the old one's)."""
    targets = statement.targets if isinstance(statement, ast.Assign) else \
        [statement.target] if isinstance(statement, (ast.AnnAssign, ast.For)) else []
    return any(ast.unparse(t) == name for t in targets)


def _mentions_any(node: ast.AST, names: Iterable[str]) -> str | None:
    return next((n for n in names if _mentions(node, n)), None)


def _follower(statement: ast.stmt, method: ast.Attribute) -> str | None:
    """Who the call of `method` (`x.next_to(…)`, `Text(…).next_to(…)`, `x.animate.move_to(…)`) places."""
    node = method.value
    while True:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value
        elif isinstance(node, ast.Attribute) and node.attr == "animate":
            node = node.value
        else:
            break
    if isinstance(node, ast.Call):  # built on this line: the name it is given
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            return ast.unparse(statement.targets[0])
        return None
    return ast.unparse(node)


class _Source:
    """The section file read once for all its findings, with the names its shots know."""

    def __init__(self, code: str, shots: list[Shot]):
        self.tree, self.lines, self.shots = parse(code), code.splitlines(), shots
        self.functions = [n for n in ast.walk(self.tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        self.methods = {f.name: f for f in self.functions}
        self.known = {o.name for s in shots for o in s.objects if o.name}
        self.known_roots = {_root(n) for n in self.known}

    # - reading -

    def touched(self, finding: Finding) -> set[str]:
        """The objects a finding and its patch are about: its objects, and those its patch names."""
        names = {_root(o) for o in finding.objects}
        for text in (_offered(finding).old, _offered(finding).new):
            names |= {_root(ast.unparse(n)) for c in _calls(text) for n in ast.walk(c)
                      if isinstance(n, (ast.Name, ast.Attribute))}
        return names & (self.known_roots | {_root(o) for o in finding.objects})

    def apart(self, findings: list[Finding]) -> list[Finding]:
        """Those whose objects no other one's patch touches: they can be judged in one run."""
        touched = [self.touched(f) for f in findings]
        return [f for n, f in enumerate(findings)
                if not any(touched[n] & t for m, t in enumerate(touched) if m != n)]

    def function_at(self, line: int) -> ast.AST:
        around = [f for f in self.functions if f.lineno <= line <= end_line(f)]
        return min(around, key=lambda f: end_line(f) - f.lineno, default=self.tree)

    def statements(self, scope: ast.AST) -> list[ast.stmt]:
        """The simple statements of a function (inside loops, ifs and withs too), in order; not
        those of functions defined in it."""
        found = []

        def walk(body):
            for s in body:
                if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    continue
                inner = [getattr(s, k) for k in ("body", "orelse", "finalbody")
                         if isinstance(getattr(s, k, None), list)]
                inner += [h.body for h in getattr(s, "handlers", [])]
                if inner:
                    found.append(s)  # the header (a `for x in dots:` reads dots)
                    for b in inner:
                        walk(b)
                else:
                    found.append(s)
        walk(getattr(scope, "body", []))
        return found

    def text(self, line: int) -> str:
        row = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        return row if len(row) <= 60 else row[:57] + "…"

    def shot_index(self, finding: Finding, line: int) -> int | None:
        matches = [i for i, s in enumerate(self.shots) if s.line == line]
        timed = [i for i in matches if abs(round(self.shots[i].time, 2) - finding.time) < 1e-6]
        return next(iter(timed or matches), None)

    def shown_from(self, i: int | None, name: str) -> bool:
        """Is an object of this name (or root) on screen at shot i or later? Unknown i: assume so."""
        if i is None:
            return True
        return any(o.opacity > SHOWN and (o.name == name or (o.name and _root(o.name) == name))
                   for s in self.shots[i:] for o in s.objects)

    def family(self, name: str, i: int | None) -> set[str]:
        """The name, the groups holding it (moving or showing one shows it again) and its parts:
        by the code's VGroup(…) / .add(…) and by the shots' groups. Not its siblings."""
        return self.closure(name, self.holders(i)) | self.closure(name, self.parts(i))

    @staticmethod
    def closure(name: str, step: Callable[[str], list[str]]) -> set[str]:
        names, todo = set(), [name]
        while todo:
            current = todo.pop()
            if current not in names:
                names.add(current)
                todo += step(current)
        return names

    def holders(self, i: int | None) -> Callable[[str], list[str]]:
        shot = {o.uid: o for o in self.shots[max(i - 1, 0)].objects} if i is not None else {}

        def step(name: str) -> list[str]:
            found = []
            for node in ast.walk(self.tree):
                if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.value, ast.Call) \
                        and _called(node.value) in GROUPS and any(_mentions(a, name) for a in node.value.args):
                    found.append(ast.unparse(node.targets[0]))
                elif isinstance(node, ast.Call) and _called(node) == "add" and isinstance(node.func, ast.Attribute) \
                        and ast.unparse(node.func.value) != "self" and any(_mentions(a, name) for a in node.args):
                    found.append(ast.unparse(node.func.value))
            for o in shot.values():
                parent = shot[o.parent].name if o.name == name and o.parent in shot else None
                if parent:
                    found.append(parent)
            return found
        return step

    def parts(self, i: int | None) -> Callable[[str], list[str]]:
        shot = {o.uid: o for o in self.shots[max(i - 1, 0)].objects} if i is not None else {}

        def step(name: str) -> list[str]:
            found = list(self.static_members(name))
            found += [c.name for c in shot.values() if c.name and c.parent in shot and shot[c.parent].name == name]
            return found
        return step

    # - the checks -

    def problem(self, finding: Finding) -> str:
        change = _change(_offered(finding))
        if change.fades:
            return self.fade_problem(finding, change)
        if change.moved:
            return self.move_problem(finding, change, change.moved)
        return ""

    def fade_problem(self, finding: Finding, change: _Change) -> str:
        i = self.shot_index(finding, change.at)
        scope = self.function_at(change.at)
        faded = set().union(*(self.family(n, i) for n in change.fades))
        for name in change.fades:
            family = self.family(name, i)
            live = set(family)  # names still meaning the faded objects (until a line gives one to a new object)
            for statement in (s for s in self.statements(scope) if s.lineno >= change.at):
                if used := _mentions_any(statement, live):
                    return f"{name} is still used at line {statement.lineno} (`{self.text(statement.lineno)}`)" + \
                        (f", through {used}" if used != name else "")
                if called := self.calls_using(statement, live):
                    return f"{name} is still used by self.{called}() at line {statement.lineno}"
                live -= {n for n in live if _binds(statement, n)}
            if reader := self.updater_reading(family, faded, i):
                return f"{name} is read by the updater of {reader[0]} (line {reader[1]}), which stays on screen"
            new = finding.objects[0] if finding.objects else None
            if new and new not in family:
                for statement in self.statements(scope):
                    if statement.lineno < change.at and (_mentions(statement, new) or _binds(statement, new)) and \
                            (used := _mentions_any(statement, family)) and not self.replaces(statement, family, i):
                        return f"{new} is built or placed from {name} at line {statement.lineno} " \
                               f"(`{self.text(statement.lineno)}`)"
            if moving := self.moves_later(family, i):
                return f"{name} still changes after the fade, at {moving[0]:.1f} s (line {moving[1]})"
        return ""

    def replaces(self, statement: ast.stmt, family: set[str], i: int | None) -> bool:
        """The new object only put where an old text or formula stands (`step2.move_to(step1)`):
        it takes that one's place, so fading the old one first is the point, not a break."""
        shot = self.shots[max(i - 1, 0)].objects if i is not None else []
        if not any(o.name in family and o.kind in ("text", "formula") for o in shot):
            return False
        placing = [n for n in ast.walk(statement) if isinstance(n, ast.Call) and _called(n) in RELATIVE]
        anchors = [a for call in placing for a in call.args + [k.value for k in call.keywords]]
        in_anchor = {id(n) for a in anchors for n in ast.walk(a)}
        return all(id(n) in in_anchor for n in ast.walk(statement)
                   if isinstance(n, (ast.Name, ast.Attribute)) and isinstance(n.ctx, ast.Load)
                   and any(_mentions(n, f) for f in family))

    def calls_using(self, statement: ast.stmt, family: set[str], depth: int = 0, seen=None) -> str | None:
        """A method of the file, called as `self.m(…)` here, that uses one of `self.<attr>` names."""
        attrs = {n for n in family if n.startswith("self.")}
        if not attrs or depth > 4:
            return None
        seen = set() if seen is None else seen
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and _self_attribute(node.func) and node.func.attr in self.methods:
                method = self.methods[node.func.attr]
                if method.name in seen:
                    continue
                seen.add(method.name)
                if any(_mentions(method, a) for a in attrs) or self.calls_using(method, family, depth + 1, seen):
                    return method.name
        return None

    def updater_reading(self, family: set[str], faded: set[str], i: int | None) -> tuple[str, int] | None:
        """(owner, line) of an updater that reads something in `family` on an object not faded."""
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.Call):
                continue
            owner, reads = self.updater(node)
            if reads is None or not _mentions_any(reads, family):
                continue
            if owner is not None and (owner in faded or _root(owner) in faded or not self.shown_from(i, owner)):
                continue
            return owner or "an object", node.lineno
        return None

    def updater(self, call: ast.Call) -> tuple[str | None, ast.AST | None]:
        """(whose, the code it runs each frame) for add_updater / always_redraw / always / f_always."""
        name = _called(call)
        if name == "add_updater" and isinstance(call.func, ast.Attribute) and call.args:
            return ast.unparse(call.func.value), self.body_of(call.args[0])
        if name in ("always", "f_always") and call.args and isinstance(call.args[0], ast.Attribute):
            return _root(ast.unparse(call.args[0].value)), ast.Tuple(list(call.args), ast.Load())
        if name == "always_redraw" and call.args:
            return self.assigned_to(call), self.body_of(call.args[0])
        return None, None

    def body_of(self, function: ast.AST) -> ast.AST:
        if isinstance(function, ast.Name):
            local = [f for f in self.functions if f.name == function.id]
            return local[0] if local else function
        if _self_attribute(function) and function.attr in self.methods:
            return self.methods[function.attr]
        return function

    def assigned_to(self, call: ast.Call) -> str | None:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign) and node.value is call and len(node.targets) == 1:
                return ast.unparse(node.targets[0])
        return None

    def moves_later(self, family: set[str], i: int | None) -> tuple[float, int | None] | None:
        """(time, line) where a faded object moves or changes after the fade, in the recorded run."""
        if i is None:
            return None
        uids = {o.uid for o in self.shots[max(i - 1, 0)].objects if o.name in family}
        previous = {o.uid: o for o in self.shots[max(i - 1, 0)].objects}
        for shot in self.shots[i:]:
            now = {o.uid: o for o in shot.objects}
            for uid in uids & now.keys() & previous.keys():
                a, b = previous[uid], now[uid]
                if _shifted(a, b) or (a.opacity > SHOWN) != (b.opacity > SHOWN):
                    return shot.time, shot.line
            previous = now
        return None

    def move_problem(self, finding: Finding, change: _Change, moved: str) -> str:
        i = self.shot_index_of(finding)
        members = self.family_members(moved, i)
        if _index(moved) is not None or moved != _root(moved):
            return f"{moved} is one part of {_root(moved)}: moving it alone takes it out; move {_root(moved)} whole"
        parent = self.parent_name(moved, i)
        if parent:
            return f"{moved} is one part of {parent}: moving it alone takes it out; move {parent} whole"
        scope = self.function_at(change.at)
        for statement in self.statements(scope):
            if statement.lineno >= change.at:
                break
            for node in ast.walk(statement):
                if not (isinstance(node, ast.Call) and _called(node) in RELATIVE
                        and isinstance(node.func, ast.Attribute) and node.args):
                    continue
                follower = _follower(statement, node.func)
                if follower is None:
                    continue
                if follower in members:
                    if anchor := self.anchor(node.args[0], members):
                        return f"{moved} is placed by {anchor} at line {statement.lineno} " \
                               f"(`{self.text(statement.lineno)}`): moving it alone separates them"
                elif _mentions_any(node.args[0], members) and self.shown_from(i, follower) and \
                        follower not in finding.objects[1:]:
                    return f"{follower} is placed by {moved} at line {statement.lineno} and would stay behind"
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                owner, reads = self.updater(node)
                if owner in members and reads is not None and self.anchor(reads, members):
                    return f"{moved} follows {self.anchor(reads, members)} (its updater, line {node.lineno}): " \
                           "a move cannot hold"
        return ""

    def shot_index_of(self, finding: Finding) -> int | None:
        timed = [i for i, s in enumerate(self.shots) if abs(round(s.time, 2) - finding.time) < 1e-6]
        return timed[0] if timed else None

    def family_members(self, name: str, i: int | None) -> set[str]:
        """The name and its parts (a group moved whole takes them along)."""
        return self.closure(name, self.parts(None if i is None else i + 1))

    def static_members(self, name: str) -> list[str]:
        members = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and ast.unparse(node.targets[0]) == name \
                    and isinstance(node.value, ast.Call) and _called(node.value) in GROUPS:
                members += [ast.unparse(a) for a in node.value.args if isinstance(a, (ast.Name, ast.Attribute))]
            elif isinstance(node, ast.Call) and _called(node) == "add" and isinstance(node.func, ast.Attribute) \
                    and ast.unparse(node.func.value) == name:
                members += [ast.unparse(a) for a in node.args if isinstance(a, (ast.Name, ast.Attribute))]
        return members

    def parent_name(self, name: str, i: int | None) -> str | None:
        if i is None:
            return None
        by_uid = {o.uid: o for o in self.shots[i].objects}
        me = next((o for o in by_uid.values() if o.name == name), None)
        parent = by_uid.get(me.parent) if me is not None and me.parent is not None else None
        return parent.name if parent is not None and parent.name else None

    def anchor(self, expression: ast.AST, members: set[str]) -> str | None:
        """The first object (known from the shots) that the expression reads, not the moved one's."""
        for node in ast.walk(expression):
            if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)):
                text = ast.unparse(node)
                if text in STAGE_NAMES or _root(text) in STAGE_NAMES or text in members or _root(text) in members:
                    continue
                if text in self.known:
                    return text
                if _root(text) in self.known_roots:
                    return _root(text)
        return None


def _shifted(a: Placed, b: Placed) -> bool:
    return max(abs(a.box.left - b.box.left), abs(a.box.right - b.box.right), abs(a.box.top - b.box.top),
               abs(a.box.bottom - b.box.bottom)) > MOVED


# --- the patched code, critiqued again --------------------------------------------------------

def _key(f: Finding) -> tuple:
    return f.kind, tuple(f.objects)


def _rerun_problem(finding: Finding, findings: list[Finding], after, source: _Source) -> str:
    """What the critique of the patched code says against the patch (after: a Critique)."""
    if after is None or not after.ok:
        error = after.error.error if after is not None and after.error else "it did not run"
        return f"the patched code fails ({error})"
    before, now = Counter(_key(f) for f in findings), Counter(_key(f) for f in after.findings)
    if now[_key(finding)] >= before[_key(finding)]:
        return "the patched code still has this problem"
    others = before - Counter([_key(finding)])
    new = [f for f in after.findings if (now[_key(f)] - others[_key(f)]) > 0]
    if new:
        return f"the patched code has a new problem: {new[0].kind} {', '.join(new[0].objects)} ({new[0].message})"
    change = _change(_offered(finding))
    if change.fades and (back := _comes_back(after.shots, change)):
        return f"{back[0]} comes back at line {back[1]}: something later uses it"
    return ""


def _comes_back(shots: list[Shot], change: _Change) -> tuple[str, int | None] | None:
    """In the patched run: an object the fade removed that is on screen again later."""
    at = next((i for i, s in enumerate(shots) if s.line == change.at), None)
    if at is None or at == 0:
        return None
    gone = {o.uid: o for o in shots[at - 1].objects if o.name and (o.name in change.fades or _root(o.name)
                                                                     in change.fades)}
    gone = {uid: o for uid, o in gone.items() if uid not in {p.uid for p in shots[at].objects}}
    for shot in shots[at + 1:]:
        for o in shot.objects:
            if o.uid in gone and o.opacity > SHOWN:
                return gone[o.uid].name or "", shot.line  # named: `gone` holds named objects only
    return None
