"""`code2video critique` output: one JSON object, or lines for a person.

One file, `--json` (`Critique.to_dict`, the shape outside tests rely on):

    {"findings": [{"kind", "objects", "line", "block", "time", "message",
                   "patch": {"start", "end", "old", "new"} | null, "patch_note"?}], "seconds": s}

`patch_note` is there only when a patch was worked out but withheld (patch_check.py): why.

A lecture, `--json`: the same object over all its sections, each finding with its `section`, and
per section its own time and, for one that did not run, its error and line:

    {"findings": [{..., "section": "2"}], "seconds": s,
     "sections": {"1": {"seconds": s, "error": null, "line": null}, "2": {...}}}

A file that does not run is one line on stderr (`error_line`) and a non-zero exit.
"""

from __future__ import annotations

from ..findings import Finding, Patch
from ..picture_paths import find_loads
from ..render.renderer import RenderOutcome
from .critique import Critique


def lecture_json(critiques: dict[str, Critique], seconds: float) -> dict:
    findings = [{**f.to_dict(), "section": sid} for sid, c in critiques.items() for f in c.findings]
    sections = {sid: {"seconds": round(c.seconds, 3), "error": c.error.error if c.error else None,
                      "line": c.error.line if c.error else None} for sid, c in critiques.items()}
    return {"findings": findings, "seconds": round(seconds, 3), "sections": sections}


def error_line(where: str, error: RenderOutcome, code: str = "") -> str:
    """`sections/2.py line 12: NameError: name 'Creat' is not defined` (a critique's error); for a
    picture load on the failing line of `code` (the critique runs a file as it is: it copies nothing
    in), what to do."""
    at = f" line {error.line}" if error.line else ""
    loads = [load for load in find_loads(code) if load.line == error.line] if error.line else []
    hint = (f"; the picture {loads[0].path!r} cannot be read there: fix the path, or run `code2video "
            "render` on the file, which copies a picture into its lecture or draws a labelled box for a "
            "missing one") if loads and error.error.startswith("OSError") else ""
    return f"{where}{at}: {error.error}{hint}"


def text(where: str, critique: Critique) -> str:
    """A heading, then one line per finding, each with its patch as a small diff."""
    count = len(critique.findings)
    head = f"{where}: {count} finding{'s' if count != 1 else ''}" if count else f"{where}: no layout findings"
    lines = [f"{head} ({critique.seconds:.2f} s)"]
    for finding in critique.findings:
        lines.append("  " + finding_line(finding))
        if finding.patch:
            lines += ["      " + row for row in diff(finding.patch)]
        elif finding.patch_note:
            lines.append(f"      ({finding.patch_note})")
    return "\n".join(lines)


def finding_line(f: Finding) -> str:
    parts = [f.kind, ", ".join(f.objects) or "-", f"line {f.line}" if f.line else "",
             f"block {f.block}" if f.block else "", f"at {f.time:.1f} s"]
    return "  ".join(p for p in parts if p) + f"  {f.message}"


def diff(patch: Patch) -> list[str]:
    if patch.end < patch.start:
        head = f"@@ before line {patch.start} @@"
    else:
        head = f"@@ line {patch.start} @@" if patch.end == patch.start else f"@@ lines {patch.start}-{patch.end} @@"
    return ([head] + [f"-{row}" for row in patch.old.splitlines()]
            + [f"+{row}" for row in patch.new.splitlines()])
