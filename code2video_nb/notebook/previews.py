"""Where a section's preview goes besides the run that made it, and how it travels.

- A section cell inserted by the magic shows the preview the magic already rendered (`recorded`,
  shown by `SectionRunner.rendered`), so nothing must be run again; so does each cell of
  `%c2v notebook`.
- Under a failed render, the last preview that rendered stays in view (`last_good`).
- In JupyterLab with the extension, whose server serves the notebook's folder, a preview plays
  from the lecture folder beside the notebook instead of being embedded (`embed_limit`): about
  17 kB a section instead of 0.5 MB (benchmarks/notebook_size_benchmark.py). A notebook meant
  to travel (`%c2v notebook`) embeds.

Pure over the workspace and the session's settings and front-end state; the session calls these.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Protocol

from ..section_build import SectionResult, cached_result
from ..workspace import Workspace
from .bridge import FrontendBridge
from .display import View, video_view
from .run_config import RunConfig


class Served(Protocol):
    """Where previews are shown: the front end and the effective settings (a `SectionRunner`)."""

    bridge: FrontendBridge

    def configure(self) -> RunConfig: ...


def embed_limit(session: Served, ws: Workspace, *, travels: bool = False) -> int:
    """The size up to which a preview is embedded; 0 (played from the lecture folder) where the
    front end serves it: JupyterLab (or Notebook 7) with our extension, the lecture inside the
    notebook's folder (the default root, `code2video/` beside it), `link_previews` on."""
    config = session.configure()
    serves = (not travels and config.link_previews and session.bridge.state == "ready"
              and ws.dir.resolve().is_relative_to(Path.cwd().resolve()))
    return 0 if serves else config.embed_limit_bytes


def recorded(ws: Workspace, section_id: str, code: str) -> SectionResult | None:
    """The recorded render of exactly `code`, said as it rendered (its time, its fix attempts),
    not as a cached rerun: shown where nothing ran again (an inserted cell, the panel's tab)."""
    result = cached_result(ws, section_id, code, "preview")
    record = ws.section_state(section_id).render("preview") if result is not None else None
    if result is not None and record is not None:
        result = replace(result, cached=False, seconds=record.seconds, fix_attempts=record.fix_attempts)
    return result


def last_good(ws: Workspace, section_id: str, limit: int) -> list:
    """Under a failure, the section's last preview that rendered (of earlier code), so a failed
    render never hides it."""
    video = ws.preview_path(section_id)
    if ws.section_state(section_id).render("preview") is None or not video.is_file():
        return []
    note = "The last preview that rendered (earlier code of this section):"
    frames = sorted(ws.keyframes_dir(section_id).glob("*.png"), key=lambda p: int(p.stem) if p.stem.isdigit() else 0)
    return [View(f'<div style="font-size: 0.9em; opacity: 0.75">{note}</div>', note),
            video_view(video, max_embed_bytes=limit, poster=frames[-1] if frames else None)]


def place(bridge) -> str:
    """Where a rendered section's preview is once the magic ends (its progress display says it)."""
    return "preview in its cell below" if bridge.state == "ready" else "preview in the panel below"
