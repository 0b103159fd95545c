"""The section panel: every section editable and renderable where no extension owns cells.

Colab, VS Code and the classic Notebook get this instead of real section cells: a tab
per section with its code, a Render button, a status line and the preview.  A tab shows
what was rendered before it was built (`show`), and follows a section cell that rendered
other code (`follow`), keeping edits typed here that were not rendered yet.  Only
ipywidgets APIs present in both 7.7 (Colab) and 8 are used: `Tab.set_title` rather
than `Tab(titles=...)`, `Output.append_display_data` rather than `with output:` (which
captures nothing outside a kernel and would lose the preview in tests and callbacks).
"""

from __future__ import annotations

import html
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import ipywidgets as w

from . import cells, lasting
from .display import CODE_STYLE, View, error_view


@dataclass
class PanelResult:
    """What a render gives back: the code as rendered (auto-fix may have changed it),
    the views to show (video, keyframes, status, diff, errors) and a short status."""
    code: str
    views: list = field(default_factory=list)
    status: str = ""


@dataclass
class SectionTab:
    """The widgets of one section's tab (kept as attributes for tests and callers)."""
    id: str
    title: str
    code: w.Textarea
    button: w.Button
    status: w.HTML
    output: w.Output
    source: w.HTML  # "Copy as cell": the full section cell source, read-only
    cell_note: w.HTML  # what became of the section cell after a render here (sync.py)
    cards: w.VBox = field(default_factory=w.VBox)  # the critic's suggestions for its code (cards.py)
    quiz: w.VBox = field(default_factory=w.VBox)  # the students' questions (quiz_widget.py)
    rendered: str = ""  # the code the tab last loaded or rendered: typing changes only the editor

    @property
    def edited(self) -> bool:
        """The editor holds code that was typed here and not rendered yet."""
        return self.code.value != self.rendered


class SectionPanel:
    def __init__(self, lecture: str, sections: list[tuple[str, str, str]],
                 render: Callable[[str, str], PanelResult]):
        self.lecture = lecture
        self._render = render
        self.sections = [self._make_tab(sid, title, code) for sid, title, code in sections]
        self.tab = w.Tab(children=[self._page(s) for s in self.sections])
        # Titles only after children: 7.7 keys them by index, 8 checks the length.
        for i, s in enumerate(self.sections):
            self.tab.set_title(i, f"{s.id}. {s.title}" if s.title else s.id)
        self.widget = w.VBox([w.HTML(CODE_STYLE), self.tab])

    def section(self, section_id: str) -> SectionTab:
        for s in self.sections:
            if s.id == section_id:
                return s
        raise KeyError(f"no section {section_id!r} in lecture {self.lecture!r}")

    def _ipython_display_(self):
        # Understood by IPython 7 and 8 alike, so `panel` as a cell's last line shows it.
        self.display()

    def display(self):
        """Display the panel with its static rendering beside it (lasting.py)."""
        return lasting.show(self.widget, self.static_view)

    def static_view(self) -> View:
        """Each section's code as the panel showed it, without buttons or previews, for a notebook
        reopened without its kernel (lasting.py)."""
        parts, texts = [], []
        for s in self.sections:
            title = f"{s.id}. {s.title}" if s.title else s.id
            source = cells.cell_source(self.lecture, s.id, s.code.value)
            parts.append(f"<details><summary><b>{html.escape(title)}</b></summary>"
                         f'<pre style="max-height: 20em; overflow: auto">{html.escape(source)}</pre></details>')
            texts.append(f"section {title}")
        run = ("Run this cell again to get the panel's editors and Render buttons back (they need a kernel), or "
               f"`%c2v notebook {self.lecture}.ipynb` for the sections as cells.")
        heading = f"<div><b>Sections of {html.escape(self.lecture)}</b></div>"
        return View(lasting.static_html(heading + "".join(parts), run), "\n".join(texts))

    # building ------------------------------------------------------------------
    def _make_tab(self, sid: str, title: str, code: str) -> SectionTab:
        rows = min(max(code.count("\n") + 2, 16), 40)  # tall enough to edit, not a wall
        editor = w.Textarea(value=code, rows=rows, layout=w.Layout(width="100%"))
        editor.add_class("c2v-code")
        s = SectionTab(sid, title, editor, w.Button(description="Render", icon="play"),
                       w.HTML(), w.Output(), w.HTML(), w.HTML(), rendered=code)
        s.button.on_click(lambda _b, s=s: self.run(s.id))
        # Keep the copyable cell in step with every edit, not just with renders.
        editor.observe(lambda _c, s=s: self._update_source(s), names="value")
        self._update_source(s)
        return s

    def _page(self, s: SectionTab) -> w.Widget:
        copy = w.Accordion(children=[s.source])
        copy.set_title(0, "Copy as cell")
        copy.selected_index = None  # collapsed: 7.7 opens the first page by default
        return w.VBox([s.code, w.HBox([s.button, s.status]), s.cell_note, s.output, s.cards, s.quiz, copy])

    def _update_source(self, s: SectionTab) -> None:
        src = cells.cell_source(self.lecture, s.id, s.code.value)
        s.source.value = (
            '<div style="font-size: 0.9em; opacity: 0.75">Paste into a new cell to edit '
            'and render this section there:</div>'
            f'<pre style="user-select: all; max-height: 20em; overflow: auto">'
            f'{html.escape(src)}</pre>'
        )

    # rendering -----------------------------------------------------------------
    def run(self, section_id: str) -> None:
        """Render one section with the code currently in its editor (what Render does)."""
        s = self.section(section_id)
        code = s.code.value
        s.button.disabled = True
        s.status.value = "rendering…"
        s.cell_note.value = ""
        s.cards.children = []  # the render sets the cards of its code
        try:
            result = self._render(s.id, code)
            code = result.code if result.code is not None else code  # auto-fix may have changed it
            views, status = list(result.views), result.status
        except Exception as e:  # noqa: BLE001 - shown in the tab: a callback's exception would be lost
            views = [error_view(f"Rendering section {s.id} failed: {type(e).__name__}: {e}",
                                traceback.format_exc())]
            status = "failed"
        finally:
            s.button.disabled = False
        self.show(s.id, views, status, code=code)

    def show(self, section_id: str, views: list, status: str, *, code: str | None = None) -> None:
        """Show `views` (a preview, an error) and a status in a tab, as the preview of `code`
        (default: the code in its editor), which the editor then holds."""
        s = self.section(section_id)
        if code is not None and s.code.value != code:
            s.code.value = code
        s.rendered = s.code.value
        self._show(s, views)
        s.status.value = html.escape(status)

    def follow(self, section_id: str, code: str, views: list) -> None:
        """A section cell rendered `code`: the tab shows it, so it never shows stale code.
        Code typed here and not rendered yet stays in the editor, and the status says so."""
        s = self.section(section_id)
        if s.rendered == code and s.code.value == code and s.output.outputs:
            return  # already shows exactly this
        at = time.strftime("%H:%M")
        if s.edited and s.code.value != code:
            self._show(s, views)
            s.rendered = code
            s.status.value = html.escape(f"below: what the section cell rendered at {at}; the code above is "
                                         "your edit here, not rendered yet — press Render to use it")
        else:
            self.show(section_id, views, f"updated from the section cell at {at}", code=code)
        s.cell_note.value = ""

    def set_cards(self, section_id: str, widget: w.Widget | None) -> None:
        """The critic's cards under the tab's preview (None: none)."""
        self.section(section_id).cards.children = [widget] if widget is not None else []

    def set_quiz(self, section_id: str, widget: w.Widget | None) -> None:
        """The students' quiz under the tab's preview (None: none)."""
        self.section(section_id).quiz.children = [widget] if widget is not None else []

    def note(self, section_id: str, text: str) -> None:
        """One line under the Render button about the section cell (sync.py writes it)."""
        self.section(section_id).cell_note.value = (
            f'<div style="font-size: 0.9em; opacity: 0.8">{html.escape(text)}</div>' if text else "")

    def _show(self, s: SectionTab, views: list) -> None:
        s.output.outputs = ()  # clear without a kernel: clear_output() needs one
        for v in views:
            try:
                s.output.append_display_data(v)
            except Exception as e:  # noqa: BLE001 - a view that cannot be formatted must not hide the rest
                s.output.append_display_data(error_view(f"Could not show {type(v).__name__}: {e}",
                                                        traceback.format_exc()))
