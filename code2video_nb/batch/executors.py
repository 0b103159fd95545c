"""Where a batch's lectures run: any `concurrent.futures`-style executor.

    with open_executor("dask", address="tcp://scheduler:8786") as pool:
        future = pool.submit(run_lecture, job)     # a concurrent.futures.Future

`local` is processes on this machine; `dask` is Dask distributed (an existing cluster at
`address`, or a LocalCluster here); `ray` is Ray (an existing cluster at `address`, or one
started here). The batch runner only calls `submit` and waits on the futures, so a cluster
engine needs no change in the code that runs a lecture. Dask and Ray are optional extras:
a missing one is one line naming the install command.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Any

from ..errors import ConfigError

# The render processes' guard for __main__, and the switch jobs.py's worker calls (mp_internals.py).
from ..render.mp_internals import allow_children, main_module_hidden  # noqa: F401 - allow_children is re-exported

EXECUTORS = ("local", "dask", "ray")


def default_parallel() -> int:
    """Lectures at once on this machine: each one renders its sections in parallel already."""
    return max(1, min(4, (os.cpu_count() or 2) // 2))


@contextlib.contextmanager
def open_executor(kind: str, *, address: str | None = None, parallel: int | None = None) -> Iterator[Executor]:
    """An executor of `kind`, shut down on leaving; on an error or Ctrl-C the jobs not started are
    cancelled. `parallel`: lectures at once where we start the workers (ignored with `address`)."""
    parallel = parallel or default_parallel()
    if kind == "local":
        if address:
            raise ConfigError("--address is for --executor dask or ray; the local executor runs on this machine")
        opened = _local(parallel)
    elif kind == "dask":
        opened = _dask(address, parallel)
    elif kind == "ray":
        opened = _ray(address, parallel)
    else:
        raise ConfigError(f"unknown executor {kind!r}; pick one of {', '.join(EXECUTORS)}")
    with opened as executor:
        yield executor


class _LocalPool(ProcessPoolExecutor):
    """Fresh processes (spawn), as a cluster's workers are, with nothing inherited from the caller's
    threads (a test's scripted server, a progress bar). They are started by `submit`, while
    __main__ is hidden: a caller's script without an `if __name__ == "__main__"` guard must not
    run again in each of them (the jobs live in this package, not in __main__)."""

    def __init__(self, parallel: int):
        super().__init__(max_workers=parallel, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, fn, /, *args, **kwargs) -> Future:
        with main_module_hidden():
            return super().submit(fn, *args, **kwargs)


@contextlib.contextmanager
def _local(parallel: int) -> Iterator[Executor]:
    pool = _LocalPool(parallel)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


@contextlib.contextmanager
def _dask(address: str | None, parallel: int) -> Iterator[Executor]:
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError("--executor dask needs Dask distributed: pip install 'code2video_nb[dask]'") from None
    with contextlib.ExitStack() as stack:
        if address:
            client = stack.enter_context(Client(address))
        else:
            # Dask's workers are daemonic by default, and a daemonic process may not start the
            # render processes a lecture needs (see `allow_children`).
            # Its workers are spawned processes too: __main__ hidden, as for the local executor.
            with dask.config.set({"distributed.worker.daemon": False}), main_module_hidden():
                cluster = stack.enter_context(LocalCluster(n_workers=parallel, threads_per_worker=1,
                                                           processes=True, dashboard_address=":0"))
            client = stack.enter_context(Client(cluster))
        # pure=False: two jobs with equal arguments are still two runs (never merged by Dask).
        executor = client.get_executor(pure=False)
        try:
            yield executor
        finally:
            executor.shutdown(wait=False)


class RayExecutor(Executor):
    """Ray's tasks behind `submit`: each call a remote task, its ObjectRef's own Future returned."""

    def __init__(self, ray_module):
        self._ray = ray_module
        self._remote: dict[Callable, Any] = {}  # fn -> its ray.remote_function.RemoteFunction
        self._refs: list = []

    def submit(self, fn, /, *args, **kwargs) -> Future:
        remote = self._remote.get(fn)
        if remote is None:
            remote = self._remote[fn] = self._ray.remote(num_cpus=1, max_retries=0)(fn)
        ref = remote.remote(*args, **kwargs)
        self._refs.append(ref)
        return ref.future()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if cancel_futures:
            for ref in self._refs:
                self._ray.cancel(ref, force=True)


@contextlib.contextmanager
def _ray(address: str | None, parallel: int) -> Iterator[Executor]:
    try:
        import ray
    except ImportError:
        raise ConfigError("--executor ray needs Ray: pip install 'code2video_nb[ray]'") from None
    options = {"address": address} if address else {"num_cpus": parallel, "include_dashboard": False}
    ray.init(**options, log_to_driver=False, configure_logging=False)
    executor = RayExecutor(ray)
    try:
        yield executor
    except BaseException:
        executor.shutdown(cancel_futures=True)
        raise
    finally:
        ray.shutdown()

