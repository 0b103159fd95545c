"""Static check of generated Manim code before it runs: an allowlist of what lectures need.

A lecture animation draws shapes and text from manim, numpy and a few standard modules. The
check accepts that and little else, so the usual escapes are refused by construction rather
than by a list of known tricks:

- imports only from `ALLOWED_MODULES` (the user can allow more: `--allow-import`), and from
  `os` only path helpers;
- no reference to the builtins that reach around Python's name lookup (`eval`, `exec`,
  `getattr`, `vars`, `globals`, …), however they are spelled or aliased;
- no rebinding of a builtin or of an imported name (`exec = exec`, `open = open`, `os = np`),
  and an imported module only ever as the left side of an attribute (`x = os` is refused);
- no dunder or private attribute access except `__init__`/`__name__`/`__doc__` and the file's
  own `self._x`, no format strings that reach dunders;
- no helpers that write files or run programs, by name (`capture`, `np.save`, `.write_text`,
  `.tofile`, `Image.save`, cairo's `write_to_png`, …), and `open` only for reading.

Findings name the line; the engine treats them as errors auto-fix may remove, and `--trust`
skips this check. It is the first of two layers: the render process is confined at run time
(`confine.py`, `audit_hook.py`) whether or not this check is fooled.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import dataclass

from ..parse import Located, parse

ALLOWED_MODULES = frozenset({
    "manim", "numpy", "math", "cmath", "random", "itertools", "functools", "colorsys",
    "typing", "dataclasses", "code2video_nb.teaching_scene", "__future__", "enum", "collections",
    "fractions", "decimal", "statistics", "string", "re", "copy", "abc", "textwrap", "pathlib", "os",
})
# Inside allowed packages, what a lecture never needs (their names are refused at any depth too).
_DENIED_SUBMODULES = frozenset({"numpy.ctypeslib", "numpy.f2py", "numpy.distutils", "numpy.testing",
                                "manim.cli", "manim.utils.commands"})
# `os` is allowed for building asset paths only.
_OS_NAMES = frozenset({"path", "sep", "pathsep", "curdir", "pardir", "extsep", "linesep", "getcwd", "listdir"})

_REFUSED_BUILTINS = frozenset({
    "eval", "exec", "compile", "__import__", "breakpoint", "getattr", "setattr", "delattr", "vars",
    "globals", "locals", "input", "help", "exit", "quit", "memoryview", "__builtins__", "__loader__",
    "__spec__",
})
# Names `from manim import *` exports that run programs or open files, and its modules that lead
# to manim's internals (a scene uses their classes, which the star import already gives it).
_REFUSED_MANIM_NAMES = frozenset({
    "capture", "open_file", "open_media_file", "ensure_executable", "modify_atime",
    "guarantee_empty_existence", "utils", "camera", "scene", "renderer", "manager", "plugins",
    "opengl", "mobject", "animation", "core", "data_structures", "cli", "_config",
})
_ALLOWED_DUNDERS = frozenset({"__init__", "__name__", "__doc__", "__file__"})
# Attribute names that write or delete files, run programs, or reach frames, whatever the object.
_REFUSED_ATTRIBUTES = {
    **dict.fromkeys(["write_text", "write_bytes", "touch", "unlink", "rmdir", "rename", "symlink_to",
                     "hardlink_to", "link_to", "chmod", "lchmod", "chown", "truncate", "save", "savez",
                     "savez_compressed", "savetxt", "tofile", "dump", "memmap", "open_memmap",
                     "write_to_png", "write_to_svg", "savefig", "to_csv"], "writes or deletes files"),
    **dict.fromkeys(["system", "popen", "fork", "forkpty", "kill", "killpg", "startfile", "capture",
                     "open_file", "open_media_file", "check_output", "check_call", "Popen", "DataSource"],
                    "runs other programs"),
    **dict.fromkeys(["environ", "environb", "getenv", "putenv", "unsetenv"], "reads the environment"),
    **dict.fromkeys(["f_globals", "f_locals", "f_builtins", "f_back", "f_code", "gi_frame", "gi_code",
                     "cr_frame", "ag_frame", "tb_frame", "tb_next", "attrgetter", "methodcaller",
                     "modules", "ctypeslib", "f2py", "mro"], "a way around these checks"),
    # typing evaluates annotation strings as code; numpy's load can unpickle it
    **dict.fromkeys(["get_type_hints", "ForwardRef", "load"], "loads or runs code built at run time"),
}
_PROGRAM_PREFIXES = ("exec", "spawn", "posix_spawn")
_OPENERS = {"open", "io.open", "codecs.open", "os.fdopen", "gzip.open", "bz2.open", "lzma.open", "tarfile.open"}
_MODE = re.compile(r"[rwxabtU+]{1,4}")
_DUNDER = re.compile(r"^__\w+__$")
_FORMAT_DUNDER = re.compile(r"\{[^{}]*(\.|\[)_")
_BUILTIN_NAMES = frozenset(n for n in dir(builtins) if not n.startswith("_"))
_SELF_NAMES = {"self", "cls"}

_CODE = "loads or runs code built at run time"
_ESCAPE = "a way around these checks"


@dataclass(frozen=True)
class Finding:
    line: int
    col: int
    rule: str
    message: str  # a clause: "imports subprocess (not something a lecture needs)"


def check_code(source: str, allow: tuple[str, ...] | frozenset[str] = ()) -> list[Finding]:
    """What in `source` a lecture has no need for, in source order. `allow`: more modules."""
    try:
        tree = parse(source)
    except (SyntaxError, ValueError):  # the renderer reports these with better context
        return []
    checker = _Checker(tree, ALLOWED_MODULES | set(allow))
    checker.visit(tree)
    return sorted(set(checker.findings), key=lambda f: (f.line, f.col, f.rule))


def module_allowed(module: str, allowed: frozenset[str]) -> bool:
    if any(module == d or module.startswith(d + ".") for d in _DENIED_SUBMODULES):
        return False
    return any(module == a or module.startswith(a + ".") for a in allowed) and not (
        module.startswith("code2video_nb") and module != "code2video_nb.teaching_scene")


class _Checker(ast.NodeVisitor):
    def __init__(self, tree: ast.AST, allowed: frozenset[str]):
        self.findings: list[Finding] = []
        self.allowed = allowed
        self.modules, self.imported = _imports(tree)  # local names bound to modules / to anything imported
        self.defined = _bound_names(tree) - self.imported  # the file's own names (shadow manim's star names)
        self.attribute_bases: set[int] = set()  # ids of names used as `name.attr`
        self.called: set[int] = set()

    def add(self, node: Located, rule: str, message: str) -> None:
        self.findings.append(Finding(node.lineno, node.col_offset, rule, message))

    def resolve(self, node: ast.AST) -> str | None:
        """Dotted name of a name or attribute chain, through import aliases ('o.path' -> 'os.path')."""
        if isinstance(node, ast.Name):
            return self.modules.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    # imports -------------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_module(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            self.add(node, "import", "imports from a relative package (a section is one file)")
            return
        if not self._check_module(node, module):
            return
        for alias in node.names:
            if alias.name == "*" and module.split(".")[0] == "os":
                self.add(node, "import", "imports everything from os (only its path helpers are allowed)")
            elif module == "os" and alias.name not in _OS_NAMES:
                self.add(node, "import", f"imports os.{alias.name} (only os's path helpers are allowed)")
            elif alias.name != "*":
                self._check_attribute_name(node, alias.name, "imports")

    def _check_module(self, node: Located, module: str) -> bool:
        if module_allowed(module, self.allowed):
            return True
        self.add(node, "import", f"imports {module} (not something a lecture needs; "
                                 f"allow it with --allow-import {module.split('.')[0]} if it is)")
        return False

    # names ---------------------------------------------------------------------------------
    def visit_Name(self, node: ast.Name) -> None:
        name = node.id
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self._check_binding(node, name)
        elif name in _REFUSED_BUILTINS:
            self.add(node, "builtin", f"uses {name} ({_CODE if name in ('eval', 'exec', 'compile') else _ESCAPE})")
        elif _DUNDER.match(name) and name not in _ALLOWED_DUNDERS:
            self.add(node, "dunder", f"reaches {name} ({_ESCAPE})")
        elif name in _REFUSED_MANIM_NAMES and name not in self.defined and name not in self.imported:
            self.add(node, "name", f"uses manim's {name} (it runs programs, opens files or leads to manim's internals)")
        elif name in self.modules and id(node) not in self.attribute_bases:
            self.add(node, "module-value", f"passes the module {name} around (use it only as {name}.<name>)")

    def _check_binding(self, node: Located, name: str) -> None:
        if name in _BUILTIN_NAMES or name in _REFUSED_BUILTINS:
            self.add(node, "rebind", f"rebinds the builtin {name} (pick another name)")
        elif name in self.imported:
            self.add(node, "rebind", f"rebinds the imported name {name} (pick another name)")

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._check_def(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._check_def(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._check_def(node)

    def _check_def(self, node) -> None:
        if not _DUNDER.match(node.name):  # def __init__ etc. is how classes are written
            self._check_binding(node, node.name)
        self.generic_visit(node)

    def visit_arg(self, node: ast.arg) -> None:
        self._check_binding(node, node.arg)
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._check_binding(node, node.name)
        self.generic_visit(node)

    # attributes ------------------------------------------------------------------------------
    def visit_Attribute(self, node: ast.Attribute) -> None:
        if isinstance(node.value, ast.Name):
            self.attribute_bases.add(id(node.value))
        attr, base = node.attr, self.resolve(node.value)
        if _DUNDER.match(attr):
            if attr not in _ALLOWED_DUNDERS:
                self.add(node, "dunder", f"reaches .{attr} ({_ESCAPE})")
        elif attr.startswith("_") and not _is_self(node.value):
            self.add(node, "private", f"reaches the private .{attr} ({_ESCAPE})")
        elif base == "os" and attr not in _OS_NAMES:
            self.add(node, "os", f"uses os.{attr} (only os's path helpers are allowed)")
        elif base == "os.path" and attr in ("os", "sys", "genericpath", "stat"):
            self.add(node, "os", f"reaches os.path.{attr} ({_ESCAPE})")
        else:
            self._check_attribute_name(node, attr, "calls" if id(node) in self.called else "uses")
        self.generic_visit(node)

    def _check_attribute_name(self, node: Located, attr: str, verb: str) -> None:
        reason = _REFUSED_ATTRIBUTES.get(attr) or (
            "runs other programs" if attr.startswith(_PROGRAM_PREFIXES) else None)
        if reason:
            self.add(node, "attribute", f"{verb} .{attr} ({reason})")

    def visit_Call(self, node: ast.Call) -> None:
        self.called.add(id(node.func))
        self._check_open(node, self.resolve(node.func))
        self.generic_visit(node)

    def _check_open(self, node: ast.Call, name: str | None) -> None:
        if name in _OPENERS:
            index, known = 1, True
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "open":
            index, known = 0, False  # Path.open(mode) -- or Image.open(path): check the value
        else:
            return
        args = node.args[index:index + 1] + [k.value for k in node.keywords if k.arg == "mode"]
        if not args:
            return  # the default mode reads
        mode = args[-1]
        if isinstance(mode, ast.Constant) and isinstance(mode.value, str):
            if _MODE.fullmatch(mode.value) and set(mode.value) & set("wax+"):
                self.add(node, "file-write", f"opens a file for writing (mode {mode.value!r})")
        elif known:
            self.add(node, "file-write", "opens a file with a mode chosen at run time")

    # strings -----------------------------------------------------------------------------------
    def visit_Constant(self, node: ast.Constant) -> None:
        if not isinstance(node.value, str):
            return
        if _DUNDER.match(node.value) and node.value not in _ALLOWED_DUNDERS:
            self.add(node, "dunder", f"names {node.value} in a string ({_ESCAPE})")
        elif _FORMAT_DUNDER.search(node.value):
            self.add(node, "dunder", f"a format string that reaches private attributes ({_ESCAPE})")
        elif node.value.startswith(("/proc/", "/sys/", "/dev/")):
            self.add(node, "system-path",
                     f"names {node.value.split()[0][:40]} (processes and devices are not lecture material)")


def _is_self(node: ast.AST) -> bool:
    """`self._x`, `cls._x` and `super()._x`: the file's own private attributes."""
    if isinstance(node, ast.Name):
        return node.id in _SELF_NAMES
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def _const_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _imports(tree: ast.AST) -> tuple[dict[str, str], set[str]]:
    """(local name -> module for `import` statements, every name any import binds)."""
    modules: dict[str, str] = {}
    imported: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                # `import os.path` binds `os`; `import os.path as p` binds the full path
                local = a.asname or a.name.split(".")[0]
                modules[local] = a.name if a.asname else a.name.split(".")[0]
                imported.add(local)
        elif isinstance(node, ast.ImportFrom):
            imported.update(a.asname or a.name for a in node.names if a.name != "*")
            if node.module == "os":  # `from os import path`: a module
                modules.update({a.asname or a.name: f"os.{a.name}" for a in node.names if a.name == "path"})
    return modules, imported


def _bound_names(tree: ast.AST) -> set[str]:
    names = set()
    for n in ast.walk(tree):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(n.name)
        elif isinstance(n, ast.arg):
            names.add(n.arg)
        elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            names.add(n.id)
    return names
