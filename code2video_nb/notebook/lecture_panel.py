"""The lecture's widget panel, where no extension inserts its section cells: a tab per section
with its code, a Render button and the critic's cards.

Built, it shows what each tab's code already rendered (nothing renders). A tab's Render builds
through the session's `SectionRunner` (reason "panel edit"), tells the section cell (sync.py)
and shows the cards of the new code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..workspace import Workspace
from . import quiz_widget, reviews, sync

if TYPE_CHECKING:  # ipywidgets is imported when a panel is first shown
    from .panel import SectionPanel


def show_panel(session: reviews.ReviewHost, ws: Workspace) -> SectionPanel:
    """Display the lecture's panel (with its static rendering: it outlives the kernel), kept in
    `session.panels` so its buttons keep working and a cell's render updates its tab."""
    from .panel import PanelResult, SectionPanel

    def render(section_id: str, code: str) -> PanelResult:
        before = ws.read_code(section_id)
        result, new_code, tokens = session.runner.build(ws, section_id, code, reason=sync.PANEL_EDIT)
        views = session.runner.views(ws, result, code, new_code, tokens)
        sync.after_panel_render(session.bridge, ws, section_id, before, new_code, result.ok,
                                note=lambda text: panel.note(section_id, text))  # tell the section cell
        reviews.panel_cards(session, ws, panel, section_id, new_code if result.ok else None)
        quiz_widget.in_panel(panel, ws, section_id, new_code if result.ok else None)  # the students' questions
        return PanelResult(code=new_code, views=views, status=repr(views[-1]) if result.ok else "failed")

    sections = [(s.id, s.title, ws.code(s.id)) for s in ws.planned().sections]
    panel = SectionPanel(ws.slug, sections, render)
    for section_id, _title, code in sections:  # what was rendered shows at once; nothing renders here
        panel.show(section_id, *sync.current_views(ws, section_id, code, session.runner.views))
        reviews.panel_cards(session, ws, panel, section_id, code, run=False)
        quiz_widget.in_panel(panel, ws, section_id, code if ws.section_state(section_id).render("preview") else None)
    session.panels[ws.slug] = panel
    panel.display()
    return panel
