"""Render one section from the notebook, and what to show for it: the one way the section cell,
the panel's Render, a card's Accept and a picture swap build a section.

`SectionRunner.build` writes the code (if it changed) and renders it; the model (and its key) is
asked only if the render fails and needs a fix, and what it cost is recorded even if the build
stops. `views` turns the result into what a cell or a tab shows (preview, keyframes, fix note,
status, diff; under a failure the last good preview). `rendered` is the same for a render that
already happened (an inserted cell, `%c2v notebook`), without running anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from ..engine import Engine
from ..files import disk_errors
from ..model_client import ModelClient
from ..progress_events import Progress
from ..section_build import KeyframesListener, SectionResult
from ..usage_record import recording_usage
from ..workspace import Workspace
from . import previews
from .bridge import FrontendBridge
from .failures import cell_line
from .lecture_client import replayed
from .run_config import RunConfig
from .section_view import section_views

NOTEBOOK_EDIT = "notebook edit"  # history reason of code a section cell wrote


class Built(NamedTuple):
    """A build: its result, the code now in the section (auto-fix may have changed it), and the
    tokens it spent."""

    result: SectionResult
    code: str
    tokens: int


@dataclass
class SectionRunner:
    configure: Callable[[], RunConfig]  # read at each use, so a panel click sees today's %config
    bridge: FrontendBridge  # whether JupyterLab serves the previews (previews.embed_limit)
    client: Callable[[RunConfig, Workspace], ModelClient]  # made only if a fix needs the model

    def build(self, ws: Workspace, section_id: str, code: str, progress: Progress | None = None,
              reason: str = NOTEBOOK_EDIT, on_keyframes: KeyframesListener | None = None) -> Built:
        """Write the cell's code ("notebook edit" from a cell, "panel edit" from the panel) and
        render it. `on_keyframes`: the strip, as soon as it is drawn."""
        with disk_errors():  # a full disk or a read-only folder: one line, like every engine error
            config = self.configure()
            if ws.read_code(section_id) != code:
                ws.write_code(section_id, code, reason)
            engine = Engine(config.settings, lambda: self.client(config, ws), progress, on_keyframes=on_keyframes)
            with recording_usage(ws, lambda: engine.used_client):
                result = engine.build_section(ws, ws.planned().section(section_id), "preview")
            spent = engine.used_client.total().tokens if engine.used_client is not None else 0
            return Built(result, ws.code(section_id), spent)

    def views(self, ws: Workspace, result: SectionResult, old_code: str, new_code: str, tokens: int,
              limit: int | None = None) -> list:
        """`limit`: embed previews up to this size (None: `previews.embed_limit`; 0: played from the folder)."""
        config = self.configure()
        limit = previews.embed_limit(self, ws) if limit is None else limit
        views = section_views(ws, result, old_code, new_code, tokens, embed_limit_bytes=limit,
                              key_env=config.settings.api_key_env, replayed=replayed(config, ws))
        return views if result.ok else views + previews.last_good(ws, result.id, limit)

    def rendered(self, ws: Workspace, section_id: str, code: str | None, *, travels: bool = False) -> list:
        """What the section's cell shows once rendered (preview, keyframes, fix note, status), if this
        code rendered: [] otherwise. Said as rendered (its time, its fix attempts), not as a cached rerun."""
        result = previews.recorded(ws, section_id, code) if code is not None else None
        if result is None or code is None:
            return []
        return self.views(ws, result, code, code, 0, limit=previews.embed_limit(self, ws, travels=travels))


def outcome_line(result: SectionResult) -> str:
    """The progress display's last line: the outcome, never a stage still "repairing"."""
    if result.ok and result.cached:
        return f"section {result.id}: unchanged, cached preview"
    fixed = f" after {result.fix_attempts} fix attempt(s)" if result.fix_attempts else ""
    if result.ok:
        return f"section {result.id} rendered{fixed} in {result.seconds:.1f} s"
    where = f" at line {cell_line(result.line)} of the cell" if result.line else ""
    return f"section {result.id} failed{where}{fixed} ({result.error.split(':')[0]}) — see below"
