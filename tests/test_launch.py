"""The `code2video` entry point starts the render server (manim's import) before loading the CLI,
for the commands that render, and only for those: `--help`, `--no-render` or a status command
must not start a process."""

from __future__ import annotations

import subprocess
import sys

from code2video_nb.launch import renders


def test_only_commands_that_run_a_scene_start_the_render_server_early():
    assert renders(["render", "lectures/x", "--section", "2"])
    assert renders(["generate", "Eigenvectors", "--out", "lectures"])
    assert renders(["demo"]) and renders(["critique", "file.py", "--json"]) and renders(["export", "lectures/x"])
    assert not renders(["generate", "Eigenvectors", "--no-render"])
    assert not renders(["render", "--help"]) and not renders([])
    assert not renders(["eval", "efficiency", "lectures/x"]) and not renders(["batch", "topics.txt"])


def test_the_entry_point_runs_the_cli():
    done = subprocess.run([sys.executable, "-m", "code2video_nb.launch", "render", "/nonexistent/lecture"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "code2video: error:" in done.stderr and "/nonexistent/lecture" in done.stderr
