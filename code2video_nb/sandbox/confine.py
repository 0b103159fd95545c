"""Runtime confinement of the render process: the layer that holds when the static check is fooled.

`safety.py` reads the code before it runs; this module limits what the running code can do,
whatever it is. The parent describes the limits (`Confinement`, built by `confinement_for`);
the child applies them (`apply`) right after it starts and before it imports the scene, in
this order, because each step needs what the next one takes away:

1. **No network**: a new network namespace (only a loopback that is down), as root or through
   an unprivileged user namespace. Where the OS allows neither, Landlock's TCP rules and the
   audit hook's socket refusal stand in.
2. **Resource limits**: address space (memory), CPU seconds, the size of any one file written;
   the number of processes, where the kernel counts it (not for root).
3. **Landlock** (Linux 5.13+, kernel-enforced, inherited by latex and dvisvgm): files may be
   created, written or deleted only under the render's media and temp folders; only the TeX
   tools may be executed; TCP connect/bind is refused (ABI 4+); signals and abstract sockets
   cannot reach processes outside the render (ABI 6+).
4. **An audit hook** (PEP 578, `audit_hook.py`): refuses process creation except the TeX
   tools, sockets, file writes outside the allowed folders, `ctypes`, reading other
   processes' environments, raising limits, and adding or unhooking audit hooks. Every
   refusal is remembered, so a scene that swallows the exception still fails.

The environment is made by the parent: secrets are never passed (`scrubbed_environ`).

What is not promised: a determined attacker with a kernel or interpreter exploit, or C code
that raises no audit event, can get past layer 4; layers 1-3 are the kernel's and hold for
every process the render starts. Reading files the user can read is allowed (a lecture reads
its pictures); with no network and no secrets, what it reads can only end up in the video.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
import re
import resource
import shutil
import signal
from dataclasses import dataclass, field

GB = 1024**3
# Programs manim runs itself: the TeX compilers and dvisvgm (manim.utils.tex_file_writing).
TEX_TOOLS = ("latex", "pdflatex", "xelatex", "lualatex", "luatex", "dvisvgm")

_SECRET_NAME = re.compile(r"KEY|TOKEN|SECRET|PASSW|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE", re.I)
_SECRET_VALUE = re.compile(r"^(sk-|sk_|ghp_|gho_|ghs_|github_pat_|xox[abpr]-|AKIA|hf_|glpat-)")


def is_secret(name: str, value: str) -> bool:
    return bool(_SECRET_NAME.search(name) or _SECRET_VALUE.match(value))


def scrubbed_environ(environ: dict[str, str], key_env: str = "OPENAI_API_KEY") -> dict[str, str]:
    """The environment without the model key and anything that looks like a key, token,
    secret or password, by name or by value."""
    return {k: v for k, v in environ.items() if k != key_env and not is_secret(k, v)}


@dataclass(frozen=True)
class SandboxSettings:
    """The user's choices: `enabled=False` is `--unconfined` (static check still on unless `--trust`)."""
    enabled: bool = True
    key_env: str = "OPENAI_API_KEY"  # the configured key variable, never passed to a render
    memory_gb: float = 4.0
    file_gb: float = 2.0  # the largest file a render may write (a 1080p60 section is ~100 MB)


@dataclass(frozen=True)
class Confinement:
    """What a render may do; sent to the child in its job file (`render_job.RenderJob.confine`)."""
    writable: tuple[str, ...]  # folders where files may be created, written and deleted
    tools: tuple[str, ...]  # absolute paths of the only programs it may run
    memory_bytes: int = 4 * GB
    cpu_seconds: int = 600
    file_bytes: int = 2 * GB
    extra_processes: int = 64  # beyond what the user already runs (RLIMIT_NPROC counts them all)


def confinement_for(writable: list, *, environ: dict[str, str], sandbox: SandboxSettings,
                    cpu_seconds: float) -> Confinement:
    path = environ.get("PATH", os.defpath)
    tools = {os.path.realpath(found) for name in TEX_TOOLS if (found := shutil.which(name, path=path))}
    return Confinement(writable=tuple(os.path.realpath(p) for p in writable), tools=tuple(sorted(tools)),
                       memory_bytes=int(sandbox.memory_gb * GB), file_bytes=int(sandbox.file_gb * GB),
                       cpu_seconds=int(cpu_seconds))


@dataclass
class Applied:
    """Which layers hold in this process; `notes` say why a layer is missing."""
    network_namespace: bool = False
    landlock_abi: int = 0
    notes: list[str] = field(default_factory=list)


def apply(conf: Confinement) -> Applied:
    """Confine this process (the render child). Call before the scene is imported;
    the audit hook, installed last by the caller, then keeps ctypes from undoing this."""
    applied = Applied()
    applied.network_namespace = _isolate_network(applied.notes)
    _set_limits(conf)
    applied.landlock_abi = _landlock(conf, applied.notes)
    return applied


# 1. network ---------------------------------------------------------------------------------
CLONE_NEWUSER = 0x10000000
CLONE_NEWNET = 0x40000000


def _libc():
    return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)


def _isolate_network(notes: list[str]) -> bool:
    libc = _libc()
    if libc.unshare(CLONE_NEWNET) == 0:  # root (CAP_SYS_ADMIN)
        return True
    uid, gid = os.getuid(), os.getgid()
    if libc.unshare(CLONE_NEWUSER | CLONE_NEWNET) == 0:  # unprivileged: map ourselves to ourselves
        try:
            _write("/proc/self/setgroups", "deny")
            _write("/proc/self/uid_map", f"{uid} {uid} 1")
            _write("/proc/self/gid_map", f"{gid} {gid} 1")
        except OSError as exc:
            notes.append(f"user namespace without id maps ({exc})")
        return True
    notes.append(f"no network namespace ({os.strerror(ctypes.get_errno())}): sockets are refused "
                 "by Landlock and the audit hook instead")
    return False


def _write(path: str, text: str) -> None:
    with open(path, "w") as handle:
        handle.write(text)


# 2. resource limits ---------------------------------------------------------------------------
def _set_limits(conf: Confinement) -> None:
    _limit(resource.RLIMIT_AS, conf.memory_bytes)
    # The soft CPU limit sends SIGXCPU (reported as "used more than N s of CPU"); the hard one kills.
    _limit(resource.RLIMIT_CPU, conf.cpu_seconds, conf.cpu_seconds + 5)
    _limit(resource.RLIMIT_FSIZE, conf.file_bytes)
    _limit(resource.RLIMIT_CORE, 0)
    if os.getuid() != 0:  # root is not held by RLIMIT_NPROC; for users it counts all their processes
        _limit(resource.RLIMIT_NPROC, _user_processes() + conf.extra_processes)


def _limit(which: int, soft: int, hard: int | None = None) -> None:
    _, old_hard = resource.getrlimit(which)
    hard = soft if hard is None else hard
    if old_hard != resource.RLIM_INFINITY:
        soft, hard = min(soft, old_hard), min(hard, old_hard)
    resource.setrlimit(which, (soft, hard))


def _user_processes() -> int:
    uid, count = os.getuid(), 0
    for entry in glob.glob("/proc/[0-9]*/status"):
        try:
            with open(entry) as handle:
                count += any(line.startswith("Uid:") and line.split()[1] == str(uid) for line in handle)
        except OSError:
            continue
    return count


# 3. Landlock ----------------------------------------------------------------------------------
# A small ctypes binding of the three system calls (linux/landlock.h). The one PyPI binding is
# alpha and covers the ABI-1 file rules only; we also need TCP rules (ABI 4) and scoping (ABI 6).
_SYS_CREATE_RULESET, _SYS_ADD_RULE, _SYS_RESTRICT_SELF = 444, 445, 446
_CREATE_RULESET_VERSION = 1
_RULE_PATH_BENEATH = 1
_PR_SET_NO_NEW_PRIVS = 38

FS_EXECUTE, FS_WRITE_FILE, FS_READ_FILE, FS_READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FS_REMOVE_DIR, FS_REMOVE_FILE, FS_MAKE_CHAR, FS_MAKE_DIR = 1 << 4, 1 << 5, 1 << 6, 1 << 7
FS_MAKE_REG, FS_MAKE_SOCK, FS_MAKE_FIFO, FS_MAKE_BLOCK, FS_MAKE_SYM = 1 << 8, 1 << 9, 1 << 10, 1 << 11, 1 << 12
FS_REFER, FS_TRUNCATE = 1 << 13, 1 << 14  # ABI 2, ABI 3
NET_BIND_TCP, NET_CONNECT_TCP = 1 << 0, 1 << 1  # ABI 4
SCOPE_ABSTRACT_UNIX_SOCKET, SCOPE_SIGNAL = 1 << 0, 1 << 1  # ABI 6

_WRITES_V1 = (FS_WRITE_FILE | FS_REMOVE_DIR | FS_REMOVE_FILE | FS_MAKE_CHAR | FS_MAKE_DIR | FS_MAKE_REG
              | FS_MAKE_SOCK | FS_MAKE_FIFO | FS_MAKE_BLOCK | FS_MAKE_SYM)


class _RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64),
                ("scoped", ctypes.c_uint64)]


class _PathBeneathAttr(ctypes.Structure):
    _pack_ = 1  # the kernel's struct is packed
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi() -> int:
    """The kernel's Landlock ABI version, 0 where Landlock is missing or disabled."""
    libc = _libc()
    version = libc.syscall(_SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(_CREATE_RULESET_VERSION))
    return max(0, version)


def _landlock(conf: Confinement, notes: list[str]) -> int:
    abi = landlock_abi()
    if abi < 1:
        notes.append("Landlock is not available in this kernel: file writes and programs are checked "
                     "by the audit hook only")
        return 0
    libc = _libc()
    writes = _WRITES_V1 | (FS_REFER if abi >= 2 else 0) | (FS_TRUNCATE if abi >= 3 else 0)
    handled = writes | FS_EXECUTE
    # Each field is read by the kernel only up to the size we pass for this ABI.
    attr = _RulesetAttr(handled, NET_BIND_TCP | NET_CONNECT_TCP if abi >= 4 else 0,
                        SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL if abi >= 6 else 0)
    size = 8 if abi < 4 else 16 if abi < 6 else 24
    fd = libc.syscall(_SYS_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if fd < 0:
        notes.append(f"Landlock ruleset refused ({os.strerror(ctypes.get_errno())})")
        return 0
    try:
        for folder in conf.writable:
            _allow(libc, fd, folder, writes)
        _allow(libc, fd, "/dev/null", FS_WRITE_FILE | (FS_TRUNCATE if abi >= 3 else 0))
        for program in (*conf.tools, *_elf_interpreters()):
            _allow(libc, fd, program, FS_EXECUTE)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or libc.syscall(_SYS_RESTRICT_SELF, fd, 0) != 0:
            notes.append(f"Landlock could not be applied ({os.strerror(ctypes.get_errno())})")
            return 0
    finally:
        os.close(fd)
    return abi


def _allow(libc, ruleset_fd: int, path: str, access: int) -> None:
    try:
        target = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:
        return  # a tool that is not installed needs no rule
    try:
        if not os.path.isdir(path):  # rules on a file may only carry file rights
            access &= FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE
        rule = _PathBeneathAttr(access, target)
        if libc.syscall(_SYS_ADD_RULE, ruleset_fd, _RULE_PATH_BENEATH, ctypes.byref(rule), 0) != 0:
            raise OSError(ctypes.get_errno(), f"Landlock rule for {path}: {os.strerror(ctypes.get_errno())}")
    finally:
        os.close(target)


def _elf_interpreters() -> set[str]:
    """The dynamic loader: executing latex opens it with exec rights, so it needs the right too."""
    found: set[str] = set()
    for pattern in ("/lib64/ld-linux*.so*", "/lib/ld-linux*.so*", "/lib/*/ld-linux*.so*", "/lib/ld-musl*.so*"):
        found.update(os.path.realpath(p) for p in glob.glob(pattern))
    return found


def describe_exit(exitcode: int | None, conf: Confinement | None) -> str | None:
    """Why a render process ended without a result, in the user's terms, when a limit did it."""
    if exitcode is None or exitcode >= 0 or conf is None:
        return None
    signum = -exitcode
    if signum == signal.SIGXCPU:
        return f"the scene used more than {conf.cpu_seconds} s of CPU time and was stopped"
    if signum == signal.SIGXFSZ:
        return f"the scene wrote a file larger than {conf.file_bytes / GB:.0f} GB and was stopped"
    if signum == signal.SIGSEGV:
        return "the render process crashed (segmentation fault)"
    return None

