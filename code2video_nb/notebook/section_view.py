"""What a section cell (or a panel tab) shows after a build: the preview with where its
files are, its keyframes captioned with their lecture lines, what auto-fix changed, and a
status line; or the error in the user's terms.

Pure: it reads the workspace and the build's result and returns `View`s; the session
decides where they go (a cell's outputs or a panel tab).
"""

from __future__ import annotations

from ..engine import SectionResult
from ..section_state import FixAttempt
from ..workspace import Workspace
from . import cells
from .display import View, fix_note, keyframe_strip, location_line, status_line, video_view
from .failures import failure_view


def section_views(ws: Workspace, result: SectionResult, old_code: str, new_code: str, tokens: int,
                  *, embed_limit_bytes: int, key_env: str = "OPENAI_API_KEY", replayed: bool = False) -> list:
    views = []
    note = _fix_view(ws, result.id, old_code, new_code)
    if not result.ok:
        if new_code != old_code:
            views.append(note)
        # failures.py words it: the cell's line, what to do; auto-fix's attempts go into the log.
        fix = ws.section_state(result.id).fix
        attempts = fix.attempts if fix is not None and result.fix_attempts else []
        views.append(failure_view(result, key_env=key_env, replayed=replayed, attempts=attempts, code=new_code))
        return views
    frames = sorted(ws.keyframes_dir(result.id).glob("*.png"), key=lambda p: int(p.stem))
    views.append(video_view(result.video, max_embed_bytes=embed_limit_bytes, poster=frames[-1] if frames else None))
    if result.video is not None:  # a rendered section has its video
        views.append(location_line(result.video, ws.dir))
    if frames:
        views.append(keyframe_strip(frames, ws.planned().section(result.id).lecture_lines))
    if note is not None:
        views.append(note)
    # Last: the panel shows the last view's text beside its Render button.
    views.append(status_line(result.seconds, result.fix_attempts, tokens, result.cached, duration=result.duration))
    return views


def _fix_view(ws: Workspace, section_id: str, old_code: str, new_code: str) -> View | None:
    """The trace auto-fix left on this code: from this build (the cell's code was changed), or
    from an earlier one whose fixed code this is (a rerun of the fixed cell shows its cached
    preview, and the note with it). None when the code is not auto-fix's."""
    before, attempts = _recorded_fix(ws, section_id, new_code)
    if before is None and new_code != old_code:
        before = old_code
    if before is None:
        return None
    fixed = []  # (line of the cell, error): the section file's line + 1, for the magic line above it
    for attempt in attempts:
        line = attempt.line
        entry = (line + 1 if line is not None and line > 0 else None, attempt.error)
        if entry not in fixed:
            fixed.append(entry)
    source = lambda code: cells.cell_source(ws.slug, section_id, code)  # noqa: E731
    return fix_note(fixed, source(before), source(new_code))


def _recorded_fix(ws: Workspace, section_id: str, code: str) -> tuple[str | None, list[FixAttempt]]:
    """(the code before the fix, its attempts) if the section's last fix produced `code`."""
    section = ws.section_state(section_id)
    fix = section.fix
    if fix is None or not fix.ok:
        return None, []
    if fix.after is not None:
        return (fix.before, fix.attempts) if fix.after == code and fix.before is not None else (None, [])
    # Recorded before fixes kept their code: the version auto-fix wrote, and the one before it.
    history = section.history
    fixes = [i for i, h in enumerate(history) if h.reason == "auto-fix" and i > 0]
    if fixes and history[fixes[-1]].code == code:
        return history[fixes[-1] - 1].code, fix.attempts
    return None, []
