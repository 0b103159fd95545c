"""CPU seconds (user+sys) of a command and of every process it starts, orphans included.

    python3 benchmarks/test_cpu_cgroup.py -- python3 -m pytest -n 0 -q -p no:cacheprovider tests/test_browser.py

bash's `time` counts only the children a process waited for: a JupyterLab server's kernels, Chromium's
helpers and a forkserver's render children are reaped by others (or never), so their CPU goes
unseen. This runs the command in a cgroup (v1 `cpuacct`, as root) of its own, which every descendant
inherits, and prints the group's CPU and the wall time. Figures taken on a shared machine: compare CPU,
not wall time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

CPUACCT = Path("/sys/fs/cgroup/cpuacct")


def _seconds(group: Path, name: str) -> float:
    return int((group / name).read_text()) / 1e9


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", nargs=argparse.REMAINDER, help="the command (after --)")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")
    if not (CPUACCT / "cpuacct.usage").is_file() or not os.access(CPUACCT, os.W_OK):
        print(f"needs a writable cgroup v1 cpuacct hierarchy at {CPUACCT} (run as root)", file=sys.stderr)
        return 2
    group = CPUACCT / f"c2v-cpu-{os.getpid()}"
    group.mkdir()
    try:
        started = time.monotonic()
        # the child joins the group before it runs the command, so all it starts is counted
        code = subprocess.call(command, preexec_fn=lambda: (group / "cgroup.procs").write_text(str(os.getpid())))
        wall = time.monotonic() - started
        user, system = _seconds(group, "cpuacct.usage_user"), _seconds(group, "cpuacct.usage_sys")
        print(f"cpu {user + system:.1f} s (user {user:.1f}, sys {system:.1f}), wall {wall:.1f} s, exit {code}")
        return code
    finally:
        time.sleep(1)  # processes killed at the end leave the group a moment later
        try:
            group.rmdir()
        except OSError:
            print(f"(left {group}: processes still in it)", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
