"""Where the test run's time goes: per-file totals from a pytest JUnit XML report.

    python3 -m pytest --junitxml=/tmp/run.xml          # the README's command, plus a report
    python3 benchmarks/test_time_profile.py /tmp/run.xml [--top 40] [--workers 2] [--group]
    python3 benchmarks/test_time_profile.py before.xml after.xml   # the two side by side

A test's time in the report is its set-up, call and tear-down (pytest's default
`junit_duration_report=total`), so a module fixture's render or kernel start counts in the file of
the first test that uses it. The files are listed longest first with their share of the total and
their slowest test. Then the run as pytest-xdist would schedule it over `--workers` (default 2) with
whole files per worker (`--dist loadfile`): each file goes, longest first, to the worker that is
free first, and the busiest worker is the wall time to expect. With `--group`, tests marked
`xdist_group` are scheduled by group rather than by file (`--dist loadgroup`), which is what the
slow render tests use to spread. On a loaded machine every figure is inflated; compare shares and
the ratio between two runs taken under the same load, not seconds across machines.
"""

from __future__ import annotations

import argparse
import heapq
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class FileTime:
    name: str
    seconds: float = 0.0
    tests: int = 0
    slowest: tuple[float, str] = (0.0, "")
    groups: dict[str, float] = field(default_factory=dict)  # unit of scheduling -> seconds


def read_report(path: Path) -> dict[str, FileTime]:
    """Per test file: total seconds, number of tests, the slowest test; the schedulable units
    are the file itself unless a test names an xdist group in its properties (`--group`)."""
    files: dict[str, FileTime] = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        module = case.get("classname", "").split(".")
        # classname is "tests.test_x" or "tests.test_x.TestClass": the file is the first test_ part
        name = next((part for part in module if part.startswith("test_")), ".".join(module))
        seconds = float(case.get("time") or 0.0)
        entry = files.setdefault(name, FileTime(name))
        entry.seconds += seconds
        entry.tests += 1
        entry.slowest = max(entry.slowest, (seconds, case.get("name", "")))
        group = _group_of(case) or name
        entry.groups[group] = entry.groups.get(group, 0.0) + seconds
    return files


def _group_of(case: ET.Element) -> str | None:
    # pytest writes an xdist_group mark's name into the test's node id: "test_x[...]@group"
    name = case.get("name", "")
    return "@" + name.rsplit("@", 1)[1] if "@" in name else None


def schedule(units: dict[str, float], workers: int) -> list[float]:
    """Longest first to the least busy worker: roughly what xdist's load schedulers do once the
    run is under way. Returns each worker's busy seconds."""
    loads = [(0.0, i) for i in range(workers)]
    for seconds in sorted(units.values(), reverse=True):
        busy, i = heapq.heappop(loads)
        heapq.heappush(loads, (busy + seconds, i))
    return sorted((busy for busy, _ in loads), reverse=True)


def units_of(files: dict[str, FileTime], by_group: bool) -> dict[str, float]:
    if not by_group:
        return {f.name: f.seconds for f in files.values()}
    merged: dict[str, float] = defaultdict(float)
    for f in files.values():
        for unit, seconds in f.groups.items():
            merged[unit] += seconds
    return dict(merged)


def print_one(files: dict[str, FileTime], top: int, workers: int, by_group: bool) -> None:
    total = sum(f.seconds for f in files.values())
    print(f"{'file':38} {'tests':>5} {'seconds':>8} {'share':>6}  slowest test")
    for f in sorted(files.values(), key=lambda f: -f.seconds)[:top]:
        print(f"{f.name:38} {f.tests:5} {f.seconds:8.1f} {100 * f.seconds / total:5.1f}%  "
              f"{f.slowest[1][:48]} ({f.slowest[0]:.1f} s)")
    print(f"{'all ' + str(len(files)) + ' files':38} {sum(f.tests for f in files.values()):5} {total:8.1f}")
    loads = schedule(units_of(files, by_group), workers)
    print(f"\nscheduled on {workers} workers by {'group' if by_group else 'file'}: "
          + ", ".join(f"{s:.0f} s" for s in loads) + f" -> about {loads[0] / 60:.1f} min of tests")


def print_two(before: dict[str, FileTime], after: dict[str, FileTime], top: int, workers: int,
              by_group: bool) -> None:
    names = sorted(set(before) | set(after), key=lambda n: -max(before.get(n, FileTime(n)).seconds,
                                                                 after.get(n, FileTime(n)).seconds))
    print(f"{'file':38} {'before':>8} {'after':>8} {'ratio':>6}")
    for name in names[:top]:
        b, a = before.get(name, FileTime(name)).seconds, after.get(name, FileTime(name)).seconds
        print(f"{name:38} {b:8.1f} {a:8.1f} {a / b if b else float('nan'):6.2f}")
    tb, ta = sum(f.seconds for f in before.values()), sum(f.seconds for f in after.values())
    print(f"{'all':38} {tb:8.1f} {ta:8.1f} {ta / tb:6.2f}")
    lb, la = schedule(units_of(before, by_group), workers), schedule(units_of(after, by_group), workers)
    print(f"\nbusiest of {workers} workers: {lb[0]:.0f} s before, {la[0]:.0f} s after")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("reports", nargs="+", type=Path, help="one JUnit XML report, or two to compare")
    parser.add_argument("--top", type=int, default=40, help="files to list (default 40)")
    parser.add_argument("--workers", type=int, default=2, help="workers to schedule on (default 2)")
    parser.add_argument("--group", action="store_true", help="schedule xdist_group-marked tests by group")
    args = parser.parse_args(argv)
    if len(args.reports) > 2:
        parser.error("one report, or two to compare")
    runs = [read_report(path) for path in args.reports]
    if len(runs) == 1:
        print_one(runs[0], args.top, args.workers, args.group)
    else:
        print_two(runs[0], runs[1], args.top, args.workers, args.group)


if __name__ == "__main__":
    main()
