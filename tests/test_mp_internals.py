"""The CPython multiprocessing internals the render processes rely on (`mp_internals.py`), each
tested for the behaviour we need from it, so a Python upgrade that changes one fails here, loudly,
rather than renders quietly losing their warm start or re-running a user's script."""

from __future__ import annotations

import multiprocessing
import os
import sys
import types
from multiprocessing import spawn

from code2video_nb.render.mp_internals import allow_children, forkserver_pid, main_module_hidden
from code2video_nb.render.renderer import RenderOptions, render_file, warm_up

SCENE = "from manim import *\n\n\nclass Still(Scene):\n    def construct(self):\n        self.add(Dot())\n"


def test_renders_fork_from_the_warm_server_with_manim_already_imported(tmp_path):
    warm_up(wait=True)
    pid = forkserver_pid()
    assert isinstance(pid, int) and os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    path = tmp_path / "still.py"
    path.write_text(SCENE)
    for k in range(2):  # the first render after the server started, and the next one
        outcome = render_file(path, RenderOptions(tmp_path / f"media{k}", 60, dry_run_only=True))
        assert outcome.ok, outcome.log
        assert outcome.warm, "the render imported manim itself: the forkserver preload was not used"
    assert forkserver_pid() == pid  # the same server: not started again per render


def test_the_childs_preparation_reads_main_from_sys_modules_and_hiding_it_leaves_nothing_to_rerun(tmp_path):
    script = types.ModuleType("__main__")
    script.__file__, script.__spec__ = str(tmp_path / "make_video.py"), None
    saved = sys.modules["__main__"]
    sys.modules["__main__"] = script
    try:
        seen = spawn.get_preparation_data("code2video-render")
        with main_module_hidden():
            hidden = spawn.get_preparation_data("code2video-render")
            assert sys.modules["__main__"] is not script
        assert sys.modules["__main__"] is script
    finally:
        sys.modules["__main__"] = saved
    assert seen.get("init_main_from_path") == str(tmp_path / "make_video.py")  # what the child would run
    assert "init_main_from_path" not in hidden and "init_main_from_name" not in hidden


def _start_a_grandchild(allow: bool) -> None:
    if allow:
        allow_children()
    try:
        grandchild = multiprocessing.get_context("fork").Process(target=os._exit, args=(0,))
        grandchild.start()
        grandchild.join()
    except AssertionError:  # "daemonic processes are not allowed to have children"
        os._exit(3)
    os._exit(0 if grandchild.exitcode == 0 and not multiprocessing.current_process().daemon else 4)


def test_a_daemonic_worker_may_start_render_processes_once_it_allows_children():
    fork = multiprocessing.get_context("fork")
    codes = []
    for allow in (False, True):
        worker = fork.Process(target=_start_a_grandchild, args=(allow,), daemon=True)  # as a Dask worker is
        worker.start()
        worker.join(30)
        codes.append(worker.exitcode)
    assert codes == [3, 0]  # refused as multiprocessing refuses a daemon; allowed after allow_children
