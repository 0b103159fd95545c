"""Outputs that outlive the kernel: a widget shown with a static rendering beside it.

A widget output is only a reference to a model that lives in the kernel. After a page reload
without saved widget state, a kernel restart, or in an exported notebook, the model is gone and
JupyterLab prints `Error displaying widget: model not found`. So the cards, the panel and the
picture board are displayed as one bundle holding both the widget view and `text/html`: what
they showed, without buttons, and what to run to get the buttons back. nbconvert's HTML export
shows the HTML when the notebook carries no state for the widget (its `WidgetsDataTypeFilter`);
JupyterLab prefers the widget view whenever a widget manager is there, so the code2video
extension (labextension/src/lasting.ts) shows the HTML while there is no live view, recognising
it by the class `c2v-static`. Running the cell again brings the live widgets back.

Only what IPython 7.34 and ipywidgets 7.7 (Colab) also have: `display(raw=True, display_id=...)`.
"""

from __future__ import annotations

import base64
import html

from IPython.display import display

from .display import View

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
STATIC_CLASS = "c2v-static"  # labextension/src/protocol.ts (STATIC_MARK): lasting.ts looks for it
_MUTED = "font-size: 0.9em; opacity: 0.75"


def static_html(body: str, what_to_run: str) -> str:
    """The static rendering: `body`, then one line saying what brings the live widgets back."""
    return (f'<div class="{STATIC_CLASS}" style="border-left: 3px solid rgba(128, 128, 128, 0.45); '
            f'padding: 2px 8px">{body}<div style="{_MUTED}; margin-top: 4px">{html.escape(what_to_run)}</div></div>')


def png_img(png: bytes, alt: str, width: int) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt)}" width="{width}" src="data:image/png;base64,{data}">'


def bundle(widget, static: View) -> dict:
    """The widget's own view reference (as ipywidgets makes it) with `static` as HTML and text."""
    view = widget._repr_mimebundle_() if hasattr(widget, "_repr_mimebundle_") else None
    reference = (view or {}).get(WIDGET_VIEW) or {"version_major": 2, "version_minor": 0,
                                                  "model_id": widget.model_id}
    return {WIDGET_VIEW: reference, "text/html": static.html, "text/plain": static.text}


class Lasting:
    """A widget on display with its static rendering, which `refresh` keeps up to date (a card
    dismissed in the live view is not shown by the static one either)."""

    def __init__(self, widget, render):
        self.widget, self._render = widget, render  # render: () -> View
        self._handle = None

    def show(self) -> Lasting:
        self._handle = display(bundle(self.widget, self._render()), raw=True, display_id=True)
        return self

    def refresh(self) -> None:
        if self._handle is not None:
            self._handle.update(bundle(self.widget, self._render()), raw=True)


def show(widget, render) -> Lasting:
    """Display `widget` with the static rendering `render()` makes (a `View`)."""
    return Lasting(widget, render).show()
