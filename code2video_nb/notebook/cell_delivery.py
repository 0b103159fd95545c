"""How a lecture's section cells reach the notebook, and how a cell takes its fixed code.

- The extension answered: real cells, inserted over the comm, each with the preview the magic
  already rendered (so nothing must run again).
- It did not: the widget panel, and a `set_next_input` chain (one cell per execution, as front
  ends apply one at a time: each cell run offers the next section's).
- While its state is unknown: never both the comm and `set_next_input`.

Auto-fix changed a cell's code: the cell is updated, never silently and never over an edit
(a guarded `replace_source` through the extension, else `set_next_input(replace=True)`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..workspace import Workspace
from . import cells
from .bridge import FrontendBridge, StatusHandle, status_display
from .section_runner import SectionRunner

if TYPE_CHECKING:
    from IPython.core.interactiveshell import InteractiveShell


@dataclass
class CellDelivery:
    shell: InteractiveShell
    bridge: FrontendBridge
    offered: set[tuple[str, str]] = field(default_factory=set)  # (lecture, section) cells already chained

    def deliver(self, ws: Workspace, runner: SectionRunner, show_panel: Callable[[Workspace], None],
                only: list[str] | None = None) -> None:
        """Real cells through the extension when it answered; otherwise the panel and a
        set_next_input chain. `only`: these sections' cells (files opened into a lecture), else
        every section's."""
        chosen = [s for s in ws.planned().sections if only is None or s.id in only]
        if self.bridge.state != "absent":
            specs = [cells.cell_spec(ws.slug, s.id, code, runner.rendered(ws, s.id, code))
                     for s in chosen for code in [ws.code(s.id)]]
            status = status_display(f"Inserting {len(specs)} section cells below…")
            self.bridge.insert_cells(specs, on_reply=lambda reply: _report_insert(status, reply, len(specs)))
        if self.bridge.state != "ready":
            show_panel(ws)
        if self.bridge.state == "absent" and chosen:
            self.offer(ws, ws.planned().sections.index(chosen[0]))

    def offer(self, ws: Workspace, index: int) -> None:
        """Chain real cells where front ends apply one set_next_input per execution."""
        sections = ws.planned().sections
        if index >= len(sections) or (ws.slug, sections[index].id) in self.offered:
            return
        self.offered.add((ws.slug, sections[index].id))
        section = sections[index]
        self.shell.set_next_input(cells.cell_source(ws.slug, section.id, ws.code(section.id)))

    def offer_next(self, ws: Workspace, section_id: str) -> None:
        """A section cell ran without the extension: the next section's cell, once."""
        if self.bridge.state == "absent":
            self.offer(ws, [s.id for s in ws.planned().sections].index(section_id) + 1)

    def update_cell(self, ws: Workspace, section_id: str, old_code: str, new_code: str) -> None:
        """Auto-fix changed the code: the cell is updated, never silently and never over an edit."""
        old, new = cells.cell_source(ws.slug, section_id, old_code), cells.cell_source(ws.slug, section_id, new_code)
        if self.bridge.state == "ready":
            status = status_display("Updating this cell with the fixed code…")
            self.bridge.replace_source(ws.slug, section_id, new, old, on_reply=lambda r: _report_replace(status, r))
        else:
            self.shell.set_next_input(new, replace=True)


def _report_insert(status: StatusHandle, reply: dict, n: int) -> None:
    if reply.get("op") == "ok":
        replaced = reply.get("replaced") or 0  # an earlier run's cells right below the magic
        verb = (f"Inserted {n} section cells below" if not replaced else f"Replaced the {n} section cells below"
                if replaced == n else f"Replaced the {replaced} section cells below with {n}")
        status.update(f"{verb} ✓ — each shows its preview once rendered; edit one and run it to render again.")
    else:
        status.update(f"Could not insert the cells ({reply.get('op')}: {reply.get('message', '')}); "
                      "use the panel above or `%c2v notebook lecture.ipynb`.")


def _report_replace(status: StatusHandle, reply: dict) -> None:
    if reply.get("op") == "ok":
        status.update("This cell now holds the fixed code ✓")
    elif reply.get("op") == "conflict":
        status.update("The cell was edited meanwhile, so the fix was not written into it; "
                      "the diff above shows it.")
    else:
        status.update(f"Could not update the cell: {reply.get('message', reply.get('op'))}")
