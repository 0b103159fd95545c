"""The three places the render processes lean on CPython's multiprocessing internals, each named
here so a Python upgrade that changes one breaks one function (and `tests/test_mp_internals.py`),
not a render in the field.

- `forkserver_pid`: whether the warm render server is running. multiprocessing offers only
  `ensure_running()`, which starts one if not; we must know first, to start it with the secrets
  out of the environment it inherits (`renderer._ensure_forkserver`).
- `main_module_hidden`: each spawned or forkserver child re-imports the caller's `__main__`;
  ours must not re-run a user's script that has no `if __name__ == "__main__"` guard.
- `allow_children`: a daemonic process (a Dask worker we did not start) may not start processes,
  yet each lecture renders in child processes of its own.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import sys
import threading
import types
from collections.abc import Iterator


def forkserver_pid() -> int | None:
    """The forkserver's process id if this process started one (it may have exited since), else None.
    `multiprocessing.forkserver._forkserver` is the module's singleton server (CPython 3.8-3.13)."""
    from multiprocessing import forkserver

    return forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]  # private: no public query


_main_lock = threading.Lock()


@contextlib.contextmanager
def main_module_hidden() -> Iterator[None]:
    """Start processes (only for the instant of `Process.start()` or a pool's `submit`) while
    `sys.modules["__main__"]` is an empty module: multiprocessing's preparation data names the
    caller's main file from it (`spawn.get_preparation_data`), and the child would run it again.
    Our jobs live in this package, so the child never needs the caller's main."""
    with _main_lock:
        main = sys.modules["__main__"]
        sys.modules["__main__"] = types.ModuleType("__main__")
        try:
            yield
        finally:
            sys.modules["__main__"] = main


def allow_children() -> None:
    """Let this process start child processes even if it is a daemonic worker (a Dask worker on a
    cluster we did not start): a lecture renders each section in its own process, which
    multiprocessing refuses a daemonic process only so that no child outlives it. Ours do not: a
    render ends with its scene (or is killed at its time limit, or when the job is interrupted),
    and the warm render server exits when its parent does. `Process.daemon` has no setter once the
    process runs; `_config["daemon"]` is what `Process.start` checks."""
    process = multiprocessing.current_process()
    if process.daemon:
        process._config["daemon"] = False  # type: ignore[attr-defined]  # private: the only switch there is
