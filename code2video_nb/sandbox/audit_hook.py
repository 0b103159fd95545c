"""The render process's audit hook (PEP 578): the interpreter asks it before sensitive operations.

Installed by the render worker in the child, after `confine.apply` and before the scene is
imported. Audit hooks cannot be removed, so the scene cannot take it back; it refuses adding
another one too (a hook that raises would otherwise be a way to break ours), and `ctypes` and
`gc`'s object walks, the usual tools for tampering with a running interpreter.

A refusal raises `PermissionError` in the scene *and* is remembered: a scene that catches the
exception and carries on still fails, with the line where it tried.

This hook sees what Python code does. C code that raises no audit event (a C library writing a
file on its own) is not seen here; Landlock (`confine.py`) holds for those.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass

_SHELL_ESCAPE = re.compile(r"^-{1,2}(shell-escape|shell-restricted|enable-write18)$")
_PROC_SECRETS = re.compile(r"^/proc/(self|thread-self|\d+)/(task/\d+/)?(environ|mem|maps|auxv)$")
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
_NATIVE_MODULES = {"ctypes", "_ctypes", "cffi", "_cffi_backend"}
_CTYPES_EVENTS = {"ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle", "ctypes.cdata", "ctypes.cdata/buffer",
                  "ctypes.call_function", "ctypes.addressof", "ctypes.string_at", "ctypes.wstring_at",
                  "ctypes.create_string_buffer", "ctypes.create_unicode_buffer", "ctypes.PyObj_FromPtr",
                  "ctypes.set_errno", "ctypes.get_errno", "ctypes.set_exception", "ctypes.seh_exception"}
_PATH_EVENTS = {  # event -> indices of its arguments that are paths being changed
    "os.remove": (0,), "os.rmdir": (0,), "os.mkdir": (0,), "os.rename": (0, 1), "os.symlink": (1,),
    "os.link": (1,), "os.chmod": (0,), "os.chown": (0,), "os.truncate": (0,), "os.utime": (0,),
    "os.chflags": (0,), "os.lchflags": (0,), "os.lchmod": (0,), "shutil.rmtree": (0,),
    "shutil.copyfile": (1,), "shutil.copytree": (1,), "shutil.move": (1,), "shutil.make_archive": (0,),
}
_ALWAYS_REFUSED = {
    "os.system": "running a shell command", "os.exec": "replacing the process with another program",
    "os.spawn": "running another program", "os.fork": "starting a process",
    "os.forkpty": "starting a process", "os.startfile": "opening a file with another program",
    "pty.spawn": "running another program", "webbrowser.open": "opening a web browser",
    "socket.__new__": "creating a network socket", "socket.connect": "a network connection",
    "socket.bind": "listening on the network", "socket.sendto": "sending over the network",
    "socket.sendmsg": "sending over the network", "socket.getaddrinfo": "looking up a host name",
    "socket.gethostbyname": "looking up a host name", "gc.get_objects": "walking the interpreter's objects",
    "gc.get_referrers": "walking the interpreter's objects", "gc.get_referents": "walking the interpreter's objects",
    "resource.setrlimit": "changing the render's resource limits", "resource.prlimit": "changing resource limits",
    "sys.addaudithook": "adding an audit hook", "sqlite3.connect": "opening a database",
    "signal.pthread_kill": "signalling a thread",
}


def _hint(path) -> str:
    """What to do, when the write refused is manim's modified copy beside an SVG it reads."""
    name = os.path.basename(os.fsdecode(path))
    if not name.endswith("_.svg"):
        return ""
    return (f"; manim writes this copy beside an SVG it reads: copy {name[:-5]}.svg into the lecture's assets/ "
            f"folder and load it as SVGMobject(\"assets/{name[:-5]}.svg\")")


@dataclass(frozen=True)
class Refusal:
    what: str
    frames: tuple[dict, ...]  # the stack when it was refused, innermost last (as render_worker.describe)


def install(writable: tuple[str, ...], tools: tuple[str, ...]) -> Callable[[], list[Refusal]]:
    """Install the hook for this process; returns a function listing what it refused."""
    roots = tuple(os.path.realpath(p) for p in writable)
    allowed_tools = frozenset(tools)
    refusals: list[Refusal] = []
    me = os.getpid()

    def refuse(what: str):
        if len(refusals) < 20:
            stack = traceback.extract_stack()[:-2]  # without refuse() and the hook itself
            frames = tuple({"file": f.filename, "line": f.lineno, "function": f.name, "code": f.line} for f in stack)
            refusals.append(Refusal(what, frames))
        raise PermissionError(f"the render sandbox refused {what}")

    def inside(path) -> bool:
        real = os.path.realpath(os.fsdecode(path))
        return real == "/dev/null" or any(real == r or real.startswith(r + os.sep) for r in roots)

    def check_write(path, action: str) -> None:
        if isinstance(path, int) or path is None:  # an open descriptor: it was checked when opened
            return
        if not inside(path):
            refuse(f"{action} {os.fsdecode(path)} (only the render's own folders are writable{_hint(path)})")

    def check_open(path, mode, flags) -> None:
        if isinstance(path, int) or path is None:
            return
        writing = any(c in mode for c in "wax+") if isinstance(mode, str) else bool((flags or 0) & _WRITE_FLAGS)
        if writing:
            check_write(path, "writing")
        elif _PROC_SECRETS.match(os.path.realpath(os.fsdecode(path))):
            refuse(f"reading {os.fsdecode(path)} (another process's environment or memory)")

    def check_program(executable, args, env) -> None:
        argv = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args or [])
        program = os.fsdecode(executable or (argv[0] if argv else ""))
        search = (env or {}).get("PATH") if isinstance(env, dict) else None
        found = shutil.which(program, path=search or os.environ.get("PATH"))
        if found is None:  # nothing to run: Popen raises FileNotFoundError (e.g. "LaTeX is not installed")
            return
        if os.path.realpath(found) not in allowed_tools:
            refuse(f"running {program or 'a program'} (only the TeX tools manim uses may run)")
        if any(_SHELL_ESCAPE.match(os.fsdecode(a)) for a in argv if isinstance(a, (str, bytes))):
            refuse(f"running {program} with shell escape")

    watched = frozenset({"open", "subprocess.Popen", "os.posix_spawn", "os.kill", "os.killpg", "import",
                         *_PATH_EVENTS, *_CTYPES_EVENTS, *_ALWAYS_REFUSED})

    def hook(event: str, args: tuple) -> None:
        # manim raises builtins.id a million times per section: one set lookup, then out.
        if event not in watched:
            return
        if event == "open":
            check_open(*args[:3])
        elif event in _PATH_EVENTS:
            for index in _PATH_EVENTS[event]:
                check_write(args[index], f"changing ({event})")
        elif event == "subprocess.Popen":
            check_program(args[0], args[1], args[3])
        elif event == "os.posix_spawn":
            check_program(args[0], args[1], args[2])
        elif event in ("os.kill", "os.killpg"):
            if args[0] not in (me, 0):
                refuse(f"signalling process {args[0]}")
        elif event in _CTYPES_EVENTS:
            refuse("loading or calling native code (ctypes)")
        elif event == "import" and args[0] in _NATIVE_MODULES:
            refuse(f"importing {args[0]} (native code)")
        elif event in _ALWAYS_REFUSED:
            refuse(_ALWAYS_REFUSED[event])

    sys.addaudithook(hook)
    return lambda: list(refusals)
