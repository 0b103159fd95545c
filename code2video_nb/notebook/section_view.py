"""What a section cell (or a panel tab) shows after a build: the diff auto-fix made, the
error in the user's terms, or the preview with its keyframes and a status line.

Pure: it reads the workspace and the build's result and returns `View`s; the session
decides where they go (a cell's outputs or a panel tab).
"""

from __future__ import annotations

from ..engine import SectionResult
from ..workspace import Workspace
from .display import diff_view, error_view, keyframe_strip, status_line, video_view


def section_views(ws: Workspace, result: SectionResult, old_code: str, new_code: str, tokens: int,
                  *, embed_limit_bytes: int) -> list:
    views = []
    if new_code != old_code:
        views.append(diff_view(old_code, new_code, f"Auto-fix changed section {result.id}"))
    if not result.ok:
        where = f" (line {result.line + 1} of the cell)" if result.line else ""
        advice = "Edit the code and run the cell again."
        views.append(error_view(f"Section {result.id} failed{where}: {result.error}. {advice}", result.log))
        return views
    frames = sorted(ws.keyframes_dir(result.id).glob("*.png"), key=lambda p: int(p.stem))
    views.append(video_view(result.video, max_embed_bytes=embed_limit_bytes, poster=frames[-1] if frames else None))
    if frames:
        views.append(keyframe_strip(frames))
    views.append(status_line(result.seconds, result.fix_attempts, tokens, result.cached))
    return views
