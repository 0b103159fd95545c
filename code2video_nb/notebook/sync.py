"""Panel ⇄ section cells: a section edited in its panel tab and in its section cell never
disagrees silently.

Where no extension owns the cells, a section can be edited in two places: its tab in the
widget panel and its section cell. The section file (`sections/<id>.py`, its history in
lecture.json) is the one truth; whichever place renders new code, the other one is told:

- The panel, when it is built, shows the render each tab's code already has (no render).
- A panel Render that changed the code (its edit, or auto-fix of it) is written with the
  reason "panel edit" and recorded as the section's `panel` entry {sha, time, versions}. The cell is
  updated through the extension when it is there (a guarded `replace_source`); otherwise the
  notice every section cell run shows (display id `c2v-<lecture>-<section>-notice`) is
  updated in place to say the panel holds newer code, and that running the cell takes it.
- A section cell holding an older version of the file, where the newer one is the panel's,
  takes the panel's code instead of rendering over it: its source is replaced, the panel's
  code is rendered (cached: instant), and its notice says so with the diff. Once: running the
  old code again after that renders it, as any cell edit is rendered.
- A section cell that rendered other code (a hand edit, auto-fix) updates the panel's tab.
- A critic suggestion accepted on a card (cards.py, in a cell or a tab) reaches the section cell
  the same way as a panel Render, worded as the suggestion's (`by`).
"""

from __future__ import annotations

import hashlib
import html
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from IPython.display import display, update_display

from ..section_build import SectionResult, content_hash
from ..section_state import ErrorRecord, PanelRecord
from ..workspace import Workspace
from . import cells, previews
from .display import View, diff_view

PANEL_EDIT = "panel edit"  # history reason of code a panel Render wrote
PANEL, SUGGESTION = "panel", "suggestion"  # who wrote a version the section cell should take (cards.py: Accept)
Views = Callable[[Workspace, SectionResult, str, str, int], list]  # SectionRunner.views


@dataclass(frozen=True)
class PanelVersion:
    """Code a panel Render wrote to the section file, and when."""

    code: str
    time: float
    by: str = PANEL  # or SUGGESTION: an accepted critic suggestion (a card's Accept, in a cell or the panel)

    @property
    def clock(self) -> str:
        return time.strftime("%H:%M", time.localtime(self.time))

    @property
    def whose(self) -> str:
        return "the accepted suggestion's code" if self.by == SUGGESTION else "the panel's code"


def _sha(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


# the panel, at once ------------------------------------------------------------------------
def current_views(ws: Workspace, section_id: str, code: str, views: Views) -> tuple[list, str]:
    """What a tab shows when the panel is built, and its status: the recorded render of exactly
    `code` (video, keyframes), or the error its last render ended in, or nothing yet. Renders
    nothing and asks no model (`previews.recorded` only reads the workspace)."""
    result = previews.recorded(ws, section_id, code)
    if result is not None:
        return views(ws, result, code, code, 0), "✓ rendered: the preview of the code above"
    error = ws.section_state(section_id).error
    if error is not None and error.hash in (None, content_hash(code, "preview")):
        failed = views(ws, _failed(section_id, error), code, code, 0)
        return failed, "✗ its last render failed (below) — edit the code, then Render"
    return [], "not rendered yet — press Render"


def _failed(section_id: str, error: ErrorRecord) -> SectionResult:
    """The recorded failure as the result its build returned, for the same error view (with what
    auto-fix could do, for the advice)."""
    return SectionResult(section_id, False, error=error.message or "failed", line=error.line, log=error.log,
                         timed_out=error.timed_out, fix_blocked=error.fix_blocked, needs_model=error.needs_model)


# the cell's notice ------------------------------------------------------------------------
def notice_id(lecture: str, section_id: str) -> str:
    return f"c2v-{lecture}-{section_id}-notice"


def show_notice(lecture: str, section_id: str, needed: bool) -> None:
    """The section cell's notice output, at the top of its outputs, empty until there is news: a
    later panel Render updates it in place (even after the cell ended: a click is a widget message).
    Not `needed` where no panel can render this lecture (the extension owns the cells)."""
    if needed:
        display(_bundle(None), raw=True, display_id=notice_id(lecture, section_id))


def update_notice(lecture: str, section_id: str, view: View | None) -> None:
    update_display(_bundle(view), raw=True, display_id=notice_id(lecture, section_id))


def _bundle(view: View | None) -> dict:
    if view is None:
        return {"text/plain": ""}
    return {"text/html": view.html, "text/plain": view.text}


def _notice(text: str, details: str = "") -> View:
    return View(f'<div style="border-left: 3px solid #f0a000; padding: 2px 8px; margin: 2px 0">'
                f"{html.escape(text)}{details}</div>", text)


def newer_in_panel(version: PanelVersion, ok: bool) -> View:
    outcome = "rendered" if ok else "its render failed"
    news = "An accepted suggestion changed this section's code" if version.by == SUGGESTION \
        else "The panel holds newer code for this section"
    return _notice(f"{news} ({outcome} at {version.clock}) — run this "
                   "cell to take it. If you have edited this cell since, running it renders your edit instead.")


def taken(lecture: str, section_id: str, had: str, version: PanelVersion) -> View:
    """The one line a stale cell shows when it takes the panel's code; what it had behind a click."""
    diff = diff_view(cells.cell_source(lecture, section_id, had), cells.cell_source(lecture, section_id, version.code),
                     f"what this cell had → {version.whose}")
    details = (f'<details><summary style="cursor: pointer; opacity: 0.8">what this cell had (diff)</summary>'
               f"{diff.html}</details>")
    view = _notice(f"This cell now holds {version.whose} for this section (rendered at {version.clock}); "
                   "it had an earlier version. Rendered below.", details)
    view.text += "\n" + diff.text
    return view


# a panel Render -> the section cell ----------------------------------------------------------
def after_panel_render(bridge, ws: Workspace, section_id: str, before: str | None, after: str, ok: bool,
                       note: Callable[[str], None], by: str = PANEL) -> None:
    """A panel Render (or an accepted suggestion: `by`) wrote `after` over `before`: tell the section
    cell, and say in the tab (or the card) how."""
    if before is None or after == before:
        return  # the file did not change: a cell that agreed still does
    version = PanelVersion(after, time.time(), by)
    versions = len(ws.section_state(section_id).history)  # the panel's is the newest of these
    ws.record_panel(section_id, PanelRecord(_sha(after), version.time, versions, by))
    if bridge.state != "ready":
        update_notice(ws.slug, section_id, newer_in_panel(version, ok))
        note("Run the section cell again to put this code into it." if by == SUGGESTION else
             "Running the section cell now puts this code into it (if it ran before, it says so).")
        return

    def replied(reply: dict) -> None:
        if reply.get("op") == "ok":
            note("The section cell now holds this code ✓")
            update_notice(ws.slug, section_id, _notice(
                f"This cell now holds {version.whose} (rendered at {version.clock}) — run it to see its preview."))
        elif reply.get("op") == "conflict":
            note("The section cell was edited, so it was left as it is: running it renders that edit.")
        else:
            note(f"Could not update the section cell ({reply.get('message', reply.get('op'))}): "
                 "running it takes this code.")
            update_notice(ws.slug, section_id, newer_in_panel(version, ok))

    note("Updating the section cell with this code…")
    bridge.replace_source(ws.slug, section_id, cells.cell_source(ws.slug, section_id, after),
                          cells.cell_source(ws.slug, section_id, before), on_reply=replied)


# a stale section cell -> takes the panel's code ------------------------------------------------
def panel_version_for(ws: Workspace, section_id: str, body: str) -> PanelVersion | None:
    """The panel's code, if a cell running `body` should take it: the newest version of the
    section file is what a panel Render wrote (nothing written since, not even by hand), no cell
    took it yet, and `body` is an earlier version. A cell edited by hand is not in the history."""
    current = ws.read_code(section_id)
    record = ws.section_state(section_id)
    panel = record.panel
    if current is None or body == current or panel is None or panel.taken or panel.sha != _sha(current):
        return None
    codes = [h.code for h in record.history]
    if panel.versions != len(codes) or codes[-1] != current or body not in codes:
        return None
    return PanelVersion(current, panel.time, panel.by)


def take(bridge, shell, ws: Workspace, section_id: str, had: str, code: str, version: PanelVersion) -> None:
    """Put `code` (the panel's `version`, as rendered) into the cell that ran `had`, and say so in
    its notice. The version is then taken: running the old code again renders it (an undo)."""
    panel = ws.section_state(section_id).panel
    if panel is not None:
        ws.record_panel(section_id, replace(panel, taken=time.time()))
    update_notice(ws.slug, section_id, taken(ws.slug, section_id, had, version))
    old, new = cells.cell_source(ws.slug, section_id, had), cells.cell_source(ws.slug, section_id, code)
    if bridge.state == "ready":
        def replied(reply: dict) -> None:
            if reply.get("op") != "ok":
                update_notice(ws.slug, section_id, _notice(
                    "The panel's code is rendered below, but this cell could not be updated with it "
                    f"({reply.get('message', reply.get('op'))}); copy it from the panel's tab."))

        bridge.replace_source(ws.slug, section_id, new, old, on_reply=replied)
    else:
        shell.set_next_input(new, replace=True)  # applied when this cell's execution ends


# a section cell -> the panel ------------------------------------------------------------------
def follow_in_panel(panel, section_id: str, code: str, views: list) -> None:
    """The panel's tab (if a panel is alive for the lecture) shows what the cell rendered."""
    if panel is None:
        return
    try:
        panel.follow(section_id, code, views)
    except KeyError:  # a panel from another plan of this lecture, without this section
        pass
