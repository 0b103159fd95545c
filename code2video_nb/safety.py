"""Static check of generated Manim code before it runs.

A lecture animation draws shapes and text; it never needs to start programs,
open sockets, delete or write files, or reach around Python's name lookup.
`check_code` reports such things so the user can review them before anything
runs (the engine treats them as errors auto-fix may remove; `--trust` allows them).

This is a guard against model mistakes and casual misuse, not a sandbox: code
built to hide itself (strings assembled at run time) can slip past it. The
renderer's separate process and time limit remain the real boundary.

Decided on purpose: creating directories (`os.makedirs`, `Path.mkdir`) is
allowed — it destroys nothing and carries no data out — and `os.path`,
`os.listdir`, `os.getcwd`, reading files, `tempfile` and `sys` are allowed.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass


_RUNS = "runs other programs"
_NET = "opens network connections"
_CODE = "loads or runs code built at run time"
_SYS = "reaches native or system internals"
_ESCAPE = "a way around these checks"

# Top-level module -> why a lecture has no need for it.
_MODULES = {
    **dict.fromkeys(["subprocess", "multiprocessing", "pty", "_posixsubprocess",
                     "concurrent"], _RUNS),
    **dict.fromkeys(["socket", "socketserver", "ssl", "urllib", "urllib3", "http",
                     "requests", "httpx", "aiohttp", "ftplib", "smtplib", "poplib",
                     "imaplib", "telnetlib", "xmlrpc", "webbrowser", "paramiko"], _NET),
    **dict.fromkeys(["ctypes", "cffi", "mmap", "signal", "resource", "posix", "nt"], _SYS),
    **dict.fromkeys(["importlib", "builtins", "runpy", "code", "codeop", "pickle",
                     "marshal", "shelve", "dill", "pdb", "zipimport"], _CODE),
    "shutil": "copies, moves or deletes files",
    "asyncio": "runs other programs and opens network connections",
}

# os function -> why; os.exec*, os.spawn* and os.posix_spawn* run programs too.
_OS = {
    **dict.fromkeys(["system", "popen", "fork", "forkpty", "startfile"], _RUNS),
    **dict.fromkeys(["kill", "killpg"], "stops other processes"),
    **dict.fromkeys(["remove", "unlink", "rmdir", "removedirs", "rename", "renames", "replace",
                     "chmod", "lchmod", "fchmod", "chown", "lchown", "fchown", "truncate",
                     "ftruncate", "link", "symlink", "mkfifo", "mknod", "open", "write",
                     "utime"], "deletes or alters files"),
}

# Methods (of Path, mostly) that write or delete whatever their receiver is.
_PATH_WRITES = {"write_text", "write_bytes", "unlink", "rmdir", "touch", "rename",
                "chmod", "lchmod", "symlink_to", "hardlink_to", "link_to"}
_EVAL_NAMES = {"eval", "exec", "compile", "__import__", "breakpoint"}
# Attributes that lead from any object to globals, builtins or other classes.
_ESCAPES = {"__builtins__", "__subclasses__", "__globals__", "__code__", "__closure__",
            "__loader__", "f_globals", "f_locals", "f_builtins", "gi_frame", "tb_frame",
            "cr_frame"}
_SYS_ESCAPES = {"sys.modules", "sys._getframe"}
# Functions taking (file, mode, ...); os.open is judged as an os call instead.
_OPENERS = {"open", "io.open", "codecs.open", "os.fdopen", "gzip.open", "bz2.open",
            "lzma.open", "tarfile.open"}
_MODE = re.compile(r"[rwxabtU+]{1,4}")


@dataclass(frozen=True)
class Finding:
    line: int
    col: int
    rule: str
    message: str  # a clause: "imports subprocess (runs other programs)"


def check_code(source: str) -> list[Finding]:
    """What in `source` a lecture has no need for, in source order."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):  # the renderer reports these with better context
        return []
    checker = _Checker(tree)
    checker.visit(tree)
    return sorted(set(checker.findings), key=lambda f: (f.line, f.col, f.rule))


def _os_reason(name: str) -> str | None:
    return _RUNS if name.startswith(("exec", "spawn", "posix_spawn")) else _OS.get(name)


class _Checker(ast.NodeVisitor):
    def __init__(self, tree: ast.AST):
        self.findings: list[Finding] = []
        self.aliases = _import_aliases(tree)  # local name -> dotted origin
        self.defined = _bound_names(tree)
        # user definitions and imports (re.compile) shadow the builtins eval, compile...
        self.shadowed = self.defined | set(self.aliases)
        self.called: set[int] = set()  # ids of the nodes in call position

    def add(self, node: ast.AST, rule: str, message: str) -> None:
        self.findings.append(Finding(node.lineno, node.col_offset, rule, message))

    def resolve(self, node: ast.AST) -> str | None:
        """Dotted origin of a name or attribute chain ('sp.run' -> 'subprocess.run')."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_module(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module or self._check_module(node, node.module):
            return  # relative imports stay inside the user's own package
        for alias in node.names:
            name = f"{node.module}.{alias.name}"
            if name == "os.*":
                self.add(node, "import", "imports everything from os (including os.system)")
            elif name in _SYS_ESCAPES:
                self.add(node, "dunder", f"imports {name} ({_ESCAPE})")
            else:
                self._check_os(node, name, "imports")

    def _check_module(self, node: ast.AST, module: str) -> bool:
        if reason := _MODULES.get(module.split(".")[0]):
            self.add(node, "import", f"imports {module} ({reason})")
        return bool(reason)

    def _check_os(self, node: ast.AST, name: str | None, verb: str) -> None:
        module, _, attr = (name or "").rpartition(".")
        if module == "os" and (reason := _os_reason(attr)):
            self.add(node, "os", f"{verb} {name} ({reason})")

    def visit_Call(self, node: ast.Call) -> None:
        func, name = node.func, self.resolve(node.func)
        self.called.add(id(func))
        if isinstance(func, ast.Name):
            if func.id in _EVAL_NAMES - self.shadowed:
                self.add(node, "eval", f"calls {func.id}() ({_CODE})")
            self._check_os(node, name, "calls")  # `from os import system; system(...)`
        if name == "getattr" and len(node.args) >= 2 and _const_str(node.args[1]):
            # getattr(os, "system") is os.system spelled differently
            self._check_os(node, f"{self.resolve(node.args[0])}.{node.args[1].value}", "calls")
        if (isinstance(func, ast.Attribute) and func.attr in _PATH_WRITES
                and not (name or "").startswith("os.")):  # os.unlink is reported as an os call
            self.add(node, "file-write", f"calls .{func.attr}() (writes or deletes files)")
        self._check_open(node, name)
        self.generic_visit(node)

    def _check_open(self, node: ast.Call, name: str | None) -> None:
        if name in _OPENERS and name not in self.defined:
            index, known = 1, True
        elif isinstance(node.func, ast.Attribute) and node.func.attr == "open":
            index, known = 0, False  # Path.open(mode) -- or Image.open(path): check the value
        else:
            return
        args = node.args[index:index + 1] + [k.value for k in node.keywords if k.arg == "mode"]
        if not args:
            return  # the default mode reads
        if _const_str(args[-1]):
            if _MODE.fullmatch(args[-1].value) and set(args[-1].value) & set("wax+"):
                self.add(node, "file-write", f"opens a file for writing (mode {args[-1].value!r})")
        elif known:
            self.add(node, "file-write", "opens a file with a mode chosen at run time")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name = self.resolve(node)
        verb = "calls" if id(node) in self.called else "refers to"
        if node.attr in _ESCAPES:
            self.add(node, "dunder", f"reaches .{node.attr} ({_ESCAPE})")
        elif name in _SYS_ESCAPES:
            self.add(node, "dunder", f"{verb} {name} ({_ESCAPE})")
        else:
            self._check_os(node, name, verb)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in _ESCAPES:
            self.add(node, "dunder", f"reaches {node.id} ({_ESCAPE})")
        elif node.id in _EVAL_NAMES - self.shadowed and id(node) not in self.called:
            self.add(node, "eval", f"refers to {node.id} ({_CODE})")

    def visit_Constant(self, node: ast.Constant) -> None:
        # getattr(f, "__globals__") and globals()["__builtins__"] spell escapes as strings
        if isinstance(node.value, str) and node.value in _ESCAPES:
            self.add(node, "dunder", f"names {node.value} in a string ({_ESCAPE})")


def _const_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _import_aliases(tree: ast.AST) -> dict[str, str]:
    """Local name -> what it was imported as, for every import anywhere in the file."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        for a in node.names if isinstance(node, ast.Import) else ():
            # `import os.path` binds `os`; `import os.path as p` binds the full path
            aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            aliases.update({a.asname or a.name: f"{node.module}.{a.name}" for a in node.names})
    return aliases


def _bound_names(tree: ast.AST) -> set[str]:
    return {getattr(n, "name", None) or getattr(n, "arg", None) or n.id for n in ast.walk(tree)
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.arg))
            or isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
