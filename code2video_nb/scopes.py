"""Scopes of a section's code, for scope-guided repair (the paper's ScopeRefine).

A failing line maps to the narrowest scope around it: its lecture-line block
(`# === Animation for Lecture Line k ===` up to the next block or the end of the
function), else its function, else the whole section. The model fixes only that
scope; `widen` escalates when a narrow fix does not hold.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

from .parse import end_line, parse

BLOCK_MARK = re.compile(r"^(\s*)#\s*===\s*Animation for Lecture Line\s+(\d+)\s*===")


@dataclass(frozen=True)
class Scope:
    kind: str  # "block" | "function" | "section"
    name: str  # what a prompt or a person calls it: "Lecture Line 2 block"
    start: int  # first line, 1-based, inclusive
    end: int  # last line, inclusive

    def contains(self, line: int) -> bool:
        return self.start <= line <= self.end


def functions(source: str) -> list[Scope]:
    """Every function, outermost first; none when the source does not parse."""
    try:
        tree = parse(source)
    except SyntaxError:
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            start = min([node.lineno] + [d.lineno for d in node.decorator_list])
            found.append(Scope("function", f"function {node.name}", start, end_line(node)))
    return sorted(found, key=lambda s: (s.start, -s.end))


def blocks(source: str) -> list[Scope]:
    """Lecture-line blocks. Works on code that does not parse, since syntax errors need fixing too."""
    lines = source.splitlines()
    marks = [(i + 1, m) for i, text in enumerate(lines) if (m := BLOCK_MARK.match(text))]
    found = []
    for n, (line_no, match) in enumerate(marks):
        limit = marks[n + 1][0] - 1 if n + 1 < len(marks) else len(lines)
        end = _block_end(lines, line_no, limit, len(match.group(1)))
        found.append(Scope("block", f"Lecture Line {match.group(2)} block", line_no, end))
    return found


def _block_end(lines: list[str], start: int, limit: int, indent: int) -> int:
    """A block stops before the next block mark, or where the code dedents out of its function."""
    end = start
    for line_no in range(start + 1, limit + 1):
        text = lines[line_no - 1]
        if text.strip() and len(text) - len(text.lstrip()) < indent:
            break
        if text.strip():
            end = line_no
    return end


def scope_for_line(source: str, line: int | None) -> Scope:
    for candidates in (blocks(source), functions(source)):
        inner = [s for s in candidates if line is not None and s.contains(line)]
        if inner:
            return min(inner, key=lambda s: s.end - s.start)
    return section_scope(source)


def section_scope(source: str) -> Scope:
    return Scope("section", "section", 1, max(1, len(source.splitlines())))


def widen(source: str, scope: Scope) -> Scope:
    """block -> enclosing function -> section."""
    if scope.kind == "block":
        around = [f for f in functions(source) if f.start <= scope.start and scope.end <= f.end]
        if around:
            return min(around, key=lambda s: s.end - s.start)
    return section_scope(source)


def cut(source: str, scope: Scope) -> str:
    return "\n".join(source.splitlines()[scope.start - 1 : scope.end]) + "\n"


def splice(source: str, scope: Scope, new_code: str) -> str:
    """Put `new_code` in place of the scope, re-indented to where the scope sits."""
    lines = source.splitlines()
    first = lines[scope.start - 1]
    indent = first[: len(first) - len(first.lstrip())]
    body = textwrap.indent(textwrap.dedent(new_code).strip("\n"), indent).splitlines()
    merged = lines[: scope.start - 1] + body + lines[scope.end :]
    return "\n".join(merged) + "\n"


def looks_like_program(code: str) -> bool:
    """A reply that defines a Scene subclass is a whole program, whatever scope was asked for."""
    try:
        tree = parse(code)
    except SyntaxError:
        return bool(re.search(r"^(from manim import|class \w+\(.*Scene\))", code, re.M))
    return any(isinstance(n, ast.ClassDef) and n.bases for n in tree.body) and any(
        isinstance(n, (ast.Import, ast.ImportFrom)) for n in tree.body
    )


def apply_fix(source: str, scope: Scope, reply_code: str) -> str:
    """Accept either the fixed scope or a whole program."""
    if scope.kind == "section" or looks_like_program(reply_code):
        return reply_code.strip("\n") + "\n"
    return splice(source, scope, reply_code)
