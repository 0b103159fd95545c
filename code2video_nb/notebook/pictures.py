"""The plan's pictures: each section's chosen assets as thumbnails, with their source and licence,
and a way to swap one (a dropdown of the other candidates, or a path) that re-renders that section.

The widgets only show and collect; `swap_and_render` does the work through the session's
`SectionRunner`, as a card's Accept does: `assets.swap` copies the picture in and rewrites the section's code, the
section is rendered again (that section only), and its section cell is told as for a panel edit.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Callable
from pathlib import Path

import ipywidgets as w
from IPython.display import display

from .. import assets
from ..errors import Code2VideoError
from ..picture_folder import UserFolder
from ..workspace import Workspace
from . import lasting, sync
from .display import View
from .section_runner import SectionRunner

THUMB = 96  # pixels: enough to tell pictures apart, small beside the plan
_MIME = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}
Swap = Callable[[str, str, assets.Candidate], list]  # (section, picture name, choice) -> views to show


def thumbnail(ws: Workspace, placed: assets.PlacedAsset) -> w.HTML:
    """The picture as the lecture has it, on the video's black (icons are white), or a box with its
    name when there is none. An <img> with a data URI: shown alike by every front end and version."""
    path = ws.dir / placed.file if placed.file else None
    box = f"width:{THUMB}px;height:{THUMB}px;background:#000;border-radius:4px"
    if path is None or not path.is_file():
        return w.HTML(f"<div style='{box};color:#aaa;display:flex;align-items:center;justify-content:center;"
                      f"font-size:11px'>{html.escape(placed.request.name)}</div>")
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return w.HTML(f"<img alt='{html.escape(placed.request.name)}' style='{box};object-fit:contain' "
                  f"src='data:{_MIME[path.suffix.lower()]};base64,{data}'>")


class PictureRow:
    """One picture of one section: thumbnail, what it is and where it came from, and the swap."""

    def __init__(self, ws: Workspace, section_id: str, placed: assets.PlacedAsset,
                 options: list[assets.Candidate], swap: Swap):
        self.ws, self.section_id, self.placed, self.swap = ws, section_id, placed, swap
        self.options = [c for c in options if c.source != placed.source]
        self.choice = w.Dropdown(options=[("(another candidate)", None)] + [(c.label, c) for c in self.options],
                                 layout=w.Layout(width="320px"))
        self.path = w.Text(placeholder="or a picture's path (SVG, PNG, JPEG)", layout=w.Layout(width="260px"))
        self.button = w.Button(description="Swap and render", button_style="primary")
        self.button.on_click(lambda _: self.apply())
        self.status = w.HTML()
        self.output = w.Output()
        self.thumb = w.Box([thumbnail(ws, placed)])
        self.widget = w.VBox([w.HBox([self.thumb, w.HTML(self._caption())]),
                              w.HBox([self.choice, self.path, self.button]), self.status, self.output])

    def _caption(self) -> str:
        p = self.placed
        what = f"<b>{html.escape(p.request.name)}</b> ({html.escape(p.request.kind)})"
        if p.request.description:
            what += f" — {html.escape(p.request.description)}"
        where = (f"<code>{html.escape(p.file)}</code> · {html.escape(p.source)} · licence: {html.escape(p.licence)}"
                 if p.file else html.escape(p.note or "no picture: a labelled box stands in"))
        return f"<div style='margin-left:8px'>{what}<br>{where}</div>"

    def apply(self) -> None:
        """Swap to what the user chose (a typed path wins over the dropdown) and render."""
        try:
            choice = assets.user_file(self.path.value.strip()) if self.path.value.strip() else self.choice.value
        except Code2VideoError as exc:
            self.status.value = f"<span style='color:#b00'>{html.escape(str(exc))}</span>"
            return
        if choice is None:
            self.status.value = "Choose another candidate or type a path first."
            return
        self.button.disabled = True
        self.status.value = f"Swapping {html.escape(self.placed.request.name)} and rendering section {self.section_id}…"
        try:
            views = self.swap(self.section_id, self.placed.request.name, choice)
        except Code2VideoError as exc:
            self.status.value = f"<span style='color:#b00'>{html.escape(str(exc))}</span>"
            return
        finally:
            self.button.disabled = False
        self.placed = next(p for p in assets.placed(self.ws.planned().section(self.section_id))
                           if p.request.name == self.placed.request.name)
        self.thumb.children = [thumbnail(self.ws, self.placed)]
        self.widget.children[0].children = [self.thumb, w.HTML(self._caption())]
        self.status.value = f"Section {self.section_id} now uses {html.escape(self.placed.file)}."
        self.output.clear_output()
        with self.output:
            for view in views:
                display(view)


class PictureBoard:
    """Every section's pictures, under the plan; nothing when no section asked for one."""

    def __init__(self, ws: Workspace, folder: Path | None, swap: Swap):
        user = UserFolder.read(folder)
        self.rows: list[PictureRow] = []
        parts = []
        for section in ws.planned().sections:
            placed = assets.placed(section)
            if not placed:
                continue
            rows = [PictureRow(ws, section.id, p, assets.candidates(p.request, user), swap) for p in placed]
            self.rows += rows
            parts += [w.HTML(f"<b>Section {html.escape(section.id)}. {html.escape(section.title)}</b>"),
                      *(r.widget for r in rows)]
        self.widget = w.VBox([w.HTML("<b>Pictures</b> (swap one to re-render its section)"), *parts]) if parts else None

    def static_view(self) -> View:
        """The pictures with what they are, without the swap, for a notebook without its kernel (lasting.py)."""
        rows = [f"<div style='display:flex;margin:2px 0'>{r.thumb.children[0].value}{r._caption()}</div>"
                for r in self.rows]
        text = "\n".join(f"{r.section_id}: {r.placed.request.name}" for r in self.rows)
        return View(lasting.static_html("<b>Pictures</b>" + "".join(rows),
                                        "Run this cell again to swap a picture (the swap needs a kernel)."), text)


def show(runner: SectionRunner, ws: Workspace, folder: Path | None) -> PictureBoard | None:
    """Display the board under the plan; the caller keeps it, so its buttons keep working."""
    board = PictureBoard(ws, folder, lambda sid, name, choice: swap_and_render(runner, ws, sid, name, choice))
    if board.widget is None:
        return None
    lasting.show(board.widget, board.static_view)
    return board


def swap_and_render(runner: SectionRunner, ws: Workspace, section_id: str, name: str,
                    choice: assets.Candidate) -> list:
    """Swap the picture, render that section again, tell its cell; the views of the new render."""
    before = ws.read_code(section_id)
    if not assets.swap(ws, section_id, name, choice):
        raise Code2VideoError(f"section {section_id}'s code does not load {name!r} by its file, so the swap "
                              "would not change the video; the picture is recorded, edit the code to use it")
    after = ws.code(section_id)
    result, code, tokens = runner.build(ws, section_id, after)  # written already: this only renders
    notes: list[str] = []
    sync.after_panel_render(runner.bridge, ws, section_id, before, code, result.ok, note=notes.append)
    views = runner.views(ws, result, code, code, tokens)
    return views + [View(html.escape(notes[-1]), notes[-1])] if notes else views
