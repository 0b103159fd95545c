"""The critic's suggestions as cards under a section's preview: in its section cell, or in its
panel tab (where no extension owns cells).

One card per pending suggestion: the problem in one line, the change as a small diff (in the
cell's line numbers where it sits in a cell), the keyframe of its lecture-line block with the
offending objects outlined, and three buttons that hand off to `suggestions.py` and the session:

- **Accept** applies the patch (a new version in the section's history), renders the new code and
  shows its preview (in the cards' own area under a cell, in the tab of a panel), and tells the
  other place (the section cell: replaced through the extension, else marked so running it takes
  the code; a panel tab: follows) — the session's `rebuild` does that part, as for a panel edit.
- **Override** opens the proposed new text to edit; applying it is an Accept with the user's text.
- **Dismiss**: not shown again for this kind of finding on these objects, until they change.

In a section cell with the JupyterLab extension, Accept, Override and Undo hand the new code to the
cell itself: the extension writes it into the cell and runs it, so the cell's outputs are the one
preview of what its code is now (`CellPlace.rerun`). A cell edited by hand since it ran is never
overwritten: the deck says so once and offers both, keep mine or take the suggestion.

Every deck is displayed with a static rendering beside the widget (lasting.py): the problem, the
diff and the keyframe, and what to run, for a notebook reopened without its kernel or exported.

A note (a remark without a patch, or one whose patch was withheld because it would break the
picture: the reason in its place) has only Dismiss; a suggestion whose patch no longer fits the
code says so in one line. After an Accept the deck offers **Undo** (back to the code before it).

Only ipywidgets APIs present in both 7.7 (Colab) and 8 (see panel.py's notes).
"""

from __future__ import annotations

import functools
import html
import io
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import ipywidgets as w

from .. import suggestions
from ..critic import grid_overlay
from ..critic.critique import kept_stage
from ..critic.room import Grid
from ..errors import Code2VideoError, StalePatch
from ..findings import Box, Patch
from ..suggestions import Suggestion
from ..workspace import Workspace
from . import cells, lasting
from .display import CODE_STYLE, View, _diff, error_view
from .failures import exception_line

FRAME = (8.0 * 16 / 9, 8.0)  # manim's frame in scene units (width, height), centred on the origin
IMAGE_WIDTH = 360
KIND_LABELS = {"offscreen": "Off screen", "overlap": "Overlap", "occludes_lecture": "Covers the lecture lines",
               "too_small": "Too small to read", "stale_overlap": "Left on screen", "note": "Remark",
               "other": "Remark"}
_MUTED = "font-size: 0.9em; opacity: 0.75"


@dataclass
class Rebuilt:
    """The section rendered after its code changed: what to show, and the code it holds now
    (auto-fix may have changed it)."""
    views: list
    code: str
    ok: bool
    status: str = ""


Review = Callable[[str], list[Suggestion]]  # code -> its pending suggestions (the critic, cached by code)
Rebuild = Callable[[str, str, Callable[[str], None]], Rebuilt]  # (before, after, note) -> the new render
# (source, expected_source, on_reply): the extension puts `source` into the section cell that still
# holds `expected_source` and runs it; the reply (ok, or conflict with the cell's `current_source`)
# comes after the click's handler ended.
Rerun = Callable[[str, str, Callable[[dict], None]], None]


def outlined_keyframe(path: Path, boxes: list[Box], *, width: int = IMAGE_WIDTH, grid: Grid | None = None,
                      target: tuple[str, str] | None = None) -> bytes | None:
    """The keyframe as PNG bytes, `width` pixels wide, with each box (scene units) outlined in red,
    over the anchor `grid` drawn faintly with `target` (the suggested cell or area) tinted
    (`critic/grid_overlay.py`). Remembered per file version: a rerun of unchanged code shows the
    same cards at once."""
    try:
        st = Path(path).stat()
    except OSError:
        return None
    grid_key = None if grid is None else (grid.rows, grid.columns, tuple(sorted(grid.centers.items())), grid.cell)
    return _outlined(str(path), st.st_mtime_ns, st.st_size, tuple(boxes), width, grid_key, target)


@functools.lru_cache(maxsize=64)
def _outlined(path: str, _mtime_ns: int, _size: int, boxes: tuple[Box, ...], width: int,
              grid_key: tuple | None = None, target: tuple[str, str] | None = None) -> bytes | None:
    try:
        from PIL import Image, ImageDraw

        with Image.open(path) as im:
            im = im.convert("RGB")
        if grid_key is not None:
            rows, columns, centres, cell = grid_key
            im = grid_overlay.draw(im, Grid(rows, columns, dict(centres), cell), target)
        draw = ImageDraw.Draw(im)
        scale_x, scale_y = im.width / FRAME[0], im.height / FRAME[1]
        thickness = max(2, im.width // 300)
        for box in boxes:
            left, right = (box.left + FRAME[0] / 2) * scale_x, (box.right + FRAME[0] / 2) * scale_x
            top, bottom = (FRAME[1] / 2 - box.top) * scale_y, (FRAME[1] / 2 - box.bottom) * scale_y
            pad = thickness * 2
            draw.rectangle([left - pad, top - pad, right + pad, bottom + pad], outline=(255, 59, 48), width=thickness)
        im.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
        out = io.BytesIO()  # 256 colours, as display.py's keyframes: a manim frame looks the same
        im.quantize(256, method=Image.Quantize.FASTOCTREE).save(out, format="PNG")
        return out.getvalue()
    except (ImportError, OSError, ValueError):
        return None


def critic_line(pending: int, error: str = "", dismissed: int = 0) -> View:
    """The critic's one line above a section's cards (alone where there are none); it counts the
    findings not shown because they were dismissed, so "nothing to suggest" is never a surprise."""
    hidden = f" ({dismissed} dismissed)" if dismissed else ""
    if error:
        text, style = f"Layout critic: could not check this code ({error})", "color: #b26a00"
    elif pending:
        text = (f"Layout critic: {pending} suggestion{'s' if pending != 1 else ''} for this code{hidden} — accept, "
                "override or dismiss each")
        style = "font-weight: 600"
    else:
        text, style = f"Layout critic: nothing to suggest for this code ✓{hidden}", _MUTED
    return View(f'<div style="{style}">{html.escape(text)}</div>', text)


def applied_line(s: Suggestion) -> str:
    """What an applied suggestion did, in the teacher's terms: an override says the teacher's text."""
    kind = KIND_LABELS.get(s.finding.kind, s.finding.kind)
    text = s.applied.text if s.applied else None
    if s.status == suggestions.OVERRIDDEN and text is not None:
        lines = [t.strip() for t in text.strip().splitlines()]
        mine = lines[0] + (" …" if len(lines) > 1 else "") if lines else "(removed the lines)"
        objects = f" ({', '.join(s.finding.objects)})" if s.finding.objects else ""
        return f"Overridden: {kind}{objects} — your change: {mine}"
    return f"Accepted: {kind} — {' '.join(s.finding.message.split())}"


def undone_line(s: Suggestion) -> str:
    line = applied_line(s)
    return "Undone: your override of" + line[len("Overridden:"):] if line.startswith("Overridden:") else \
        "Undone: the accepted suggestion" + line[len("Accepted:"):]


class CellPlace:
    """Cards in a section cell's outputs: with the extension (`rerun`), new code goes into the cell,
    which runs again; without, a new preview goes into the cards' own area."""

    line_offset = 1  # the cell's %%c2v_section line sits above the code

    def __init__(self, lecture: str, section_id: str, rerun: Callable[[], Rerun | None] | None = None):
        self.lecture, self.section_id = lecture, section_id
        self._rerun = rerun  # -> the extension's rerun when it is there now, else None
        self.line = w.HTML()
        self.preview = w.Output()

    def rerun(self) -> Rerun | None:
        return self._rerun() if self._rerun is not None else None

    def body(self, source: str) -> str:
        """The code of a cell's `source` (below its %%c2v_section line)."""
        first, _, rest = source.partition("\n")
        return rest if first.startswith(cells.MAGIC) else source

    def widgets(self) -> list:
        return [self.line, self.preview]

    def source(self, code: str) -> str:
        return cells.cell_source(self.lecture, self.section_id, code)

    def note(self, text: str) -> None:
        self.line.value = f'<div style="{_MUTED}">{html.escape(text)}</div>' if text else ""

    def show(self, rebuilt: Rebuilt) -> None:
        self.preview.outputs = ()  # clear without a kernel (a click is handled after the cell ended)
        for view in rebuilt.views:
            self.preview.append_display_data(view)


class PanelPlace:
    """Cards in a panel tab: a new preview goes into the tab, its editor takes the code."""

    line_offset = 0  # the tab's editor holds the section file as it is

    def __init__(self, panel, section_id: str):
        self.panel, self.section_id = panel, section_id

    def rerun(self) -> None:
        return None  # the tab renders the new code itself

    def widgets(self) -> list:
        return []

    def source(self, code: str) -> str:
        return code

    def note(self, text: str) -> None:
        self.panel.note(self.section_id, text)

    def show(self, rebuilt: Rebuilt) -> None:
        self.panel.show(self.section_id, rebuilt.views, rebuilt.status, code=rebuilt.code)


class SuggestionDeck:
    """The cards of one section for the code it holds, and what their buttons do."""

    def __init__(self, ws: Workspace, section_id: str, code: str | None, *, review: Review, rebuild: Rebuild,
                 place, error: str = ""):
        self.ws, self.section_id, self.place = ws, section_id, place
        self._review, self._rebuild = review, rebuild
        self.on_change: Callable[[], None] | None = None  # the static rendering follows (lasting.py)
        self.message = w.HTML()  # what the last Accept / Undo did, beside the Undo button
        self.header = w.HTML()  # the critic's word on the code the section holds, above its cards
        self.undo_button = w.Button(description="Undo", icon="undo", tooltip="back to the code before the last "
                                    "accepted suggestion", layout=w.Layout(display="none", width="auto"))
        self.undo_button.on_click(lambda _b: self.undo())
        self.choice = w.HBox(layout=w.Layout(display="none"))  # keep mine / take the suggestion
        self.box = w.VBox()
        self.cards: list[SuggestionCard] = []
        self.holds = code  # the section's code as this deck last saw it (Undo is offered for it)
        self.widget = w.VBox([w.HTML(CODE_STYLE), w.HBox([self.message, self.undo_button]), self.choice,
                              *place.widgets(), self.header, self.box])
        self.load(code, error=error)

    # what it shows -----------------------------------------------------------------------
    def load(self, code: str | None, message: str | None = None, error: str = "", *, rendered: bool = True) -> None:
        """The cards for `code`, which the section holds (none if it did not render)."""
        self.code, self.holds = (code if rendered else None), code
        items = []
        if self.code is not None and not error:
            try:
                items = self._review(self.code)
            except Exception as exc:  # noqa: BLE001 - the critic must never fail the cell: one line instead
                error = exception_line(exc)
        self.cards = [SuggestionCard(self, s) for s in items]
        self.box.children = [c.widget for c in self.cards]
        self.error = error
        self._head(message, error)

    def _head(self, message: str | None = None, error: str = "") -> None:
        """The critic's line for the cards, and the last Accept / Undo: `message`, else (a re-run of
        the code an Accept wrote) what that accept did, beside an Undo that names it."""
        pending = sum(1 for c in self.cards if c.open)
        dismissed = suggestions.dismissed_count(self.ws, self.section_id, self.code) if self.code is not None else 0
        self.header.value = critic_line(pending, error, dismissed).html if self.code is not None or error else ""
        last = suggestions.last_applied(self.ws, self.section_id)
        undoable = self.holds is not None and suggestions.undoable(self.ws, self.section_id, self.holds)
        if message is None and undoable and last is not None and not self.message.value:
            message = applied_line(last)
        if message is not None:
            self.message.value = f'<div style="{_MUTED}">{html.escape(message)}</div>' if message else ""
        self.undo_button.layout.display = "" if undoable else "none"
        if undoable and last is not None:
            what = "override" if last.status == suggestions.OVERRIDDEN else "accept"
            self.undo_button.description = f"Undo this {what}"
            self.undo_button.tooltip = f"back to the code before it: {applied_line(last)}"
        self._changed_view()

    def _changed_view(self) -> None:
        if self.on_change is not None:
            self.on_change()

    def static_view(self) -> View:
        """The deck without buttons, for a notebook without its kernel (lasting.py): the critic's
        line, the last accept, and each open card's problem, diff and keyframe; what to run."""
        parts = [self.header.value, self.message.value]
        texts = [critic_line(sum(1 for c in self.cards if c.open), self.error).text]
        for card in (c for c in self.cards if c.open):
            parts.append(card.static_html())
            texts.append(card.label)
        run = ("Run this cell to bring back the buttons (Accept, Override, Dismiss, Undo): they need its kernel."
               if any(c.open for c in self.cards) or self.undo_button.layout.display == "" else
               "Run this cell to check its code again.")
        return View(lasting.static_html("".join(parts), run), "\n".join(texts))

    # what the buttons do -----------------------------------------------------------------
    def accept(self, card: SuggestionCard, new_text: str | None = None) -> None:
        before = self.ws.read_code(self.section_id) or ""
        try:
            after = suggestions.apply(self.ws, self.section_id, card.suggestion.id, new_text)
        except StalePatch as exc:
            card.stale(str(exc))
            self._head()
            return
        except Code2VideoError as exc:
            card.say(str(exc))
            return
        applied = suggestions.get(self.ws, self.section_id, card.suggestion.id)
        if self.place.rerun() is not None:
            self._into_cell(before, after, applied_line(applied), card.suggestion.id)
            return
        self._changed(before, after, f"{applied_line(applied)} (Undo goes back). Its new preview:")

    def dismiss(self, card: SuggestionCard) -> None:
        try:
            suggestions.dismiss(self.ws, self.section_id, card.suggestion.id)
        except Code2VideoError as exc:
            card.say(str(exc))
            return
        card.close("Dismissed: not shown again for these objects, until their lines change.")
        self._head()

    def undo(self) -> None:
        before = self.ws.read_code(self.section_id) or ""
        last = suggestions.last_applied(self.ws, self.section_id)
        try:
            after = suggestions.undo(self.ws, self.section_id)
        except Code2VideoError as exc:
            self._head(message=f"Could not undo: {exc}")
            return
        what = undone_line(last) if last is not None else "Undone"
        if self.place.rerun() is not None:
            self._into_cell(before, after, what, None)
            return
        self._changed(before, after, f"{what} — the section holds the code from before it.")

    # with the extension: the cell takes the code and runs -------------------------------------
    def _into_cell(self, before: str, after: str, what: str, suggestion_id: str | None,
                   expected: str | None = None) -> None:
        """Put `after` into the section cell (which holds `before`, or the `expected` text) and run
        it: its outputs, this deck among them, are replaced by the preview of the new code."""
        for card in self.cards:
            card.busy()
        self.undo_button.disabled = True
        self.choice.layout.display = "none"
        self._head(message=f"{what} — the cell takes the new code and runs…")

        def replied(reply: dict) -> None:
            if reply.get("op") == "ok":
                return  # the cell runs: its new outputs replace this deck
            if reply.get("op") == "conflict" and suggestion_id is not None:
                self._offer_both(before, after, what, suggestion_id, str(reply.get("current_source") or ""))
                return
            self.undo_button.disabled = False
            why = "it was edited since it ran" if reply.get("op") == "conflict" else \
                str(reply.get("message") or reply.get("op"))
            self._head(message=f"{what}. The section cell was left as it is ({why}); running it renders what it "
                               "holds.")

        self.place.rerun()(self.place.source(after), expected if expected is not None else self.place.source(before),
                           replied)

    def _offer_both(self, before: str, after: str, what: str, suggestion_id: str, current: str) -> None:
        """The cell was edited by hand since it ran: say so once, and offer keep mine or take the suggestion."""
        mine = self.place.body(current)
        merged = suggestions.fit(self.ws, self.section_id, suggestion_id, mine)
        keep = w.Button(description="Keep mine", icon="user", layout=w.Layout(width="auto"),
                        tooltip="your edit stays in the cell; the suggestion is taken back")
        take = w.Button(description="Take the suggestion" + (" (into my edit)" if merged else " (replaces my edit)"),
                        button_style="primary", icon="check", layout=w.Layout(width="auto"),
                        tooltip="the cell takes the suggested change and runs")
        keep.on_click(lambda _b: self._keep_mine())
        take.on_click(lambda _b: self._take(suggestion_id, mine, current, what))
        self.choice.children = [keep, take]
        self.choice.layout.display = ""
        self._head(message=f"{what}. You edited this cell since it ran, so it was not changed: keep your edit, or "
                           "take the suggestion" + (" (put into your edit)." if merged else
                                                    " (its code replaces your edit, which stays in the history)."))

    def _keep_mine(self) -> None:
        self.choice.layout.display = "none"
        try:
            suggestions.undo(self.ws, self.section_id)
        except Code2VideoError:
            pass  # the section's file changed since: nothing of the suggestion to take back
        self._head(message="Kept your edit; the suggestion was not applied. Run the cell to render your edit.")

    def _take(self, suggestion_id: str, mine: str, current: str, what: str) -> None:
        try:
            before, after = suggestions.reapply(self.ws, self.section_id, suggestion_id, mine)
        except Code2VideoError as exc:
            self._head(message=f"Could not take the suggestion: {exc}")
            return
        self._into_cell(before, after, what, suggestion_id, expected=current)

    # without the extension: the deck renders and shows the new preview itself ------------------
    def _changed(self, before: str, after: str, message: str) -> None:
        """The section's code is now `after`: render it, show it, and the cards for it."""
        for card in self.cards:
            card.busy()
        self.undo_button.disabled = True
        doing = html.escape(message.split(" — ")[0].split(" (Undo")[0])
        self.message.value = f'<div style="{_MUTED}">{doing} — rendering…</div>'
        try:
            rebuilt = self._rebuild(before, after, self.place.note)
        except Exception as exc:  # noqa: BLE001 - shown here: an exception in a click handler would be lost
            self.place.note("")
            self.box.children = [w.HTML(error_view(f"Rendering the new code failed: {exception_line(exc)}",
                                                   traceback.format_exc()).html)]
            self.cards, self.code, self.holds = [], None, after
            self._head(message.split(" — ")[0].split(" (Undo")[0] + " — the section's code changed, but rendering it "
                       "failed (below); Undo goes back.")
            return
        finally:
            self.undo_button.disabled = False
        self.place.show(rebuilt)
        if not rebuilt.ok:
            message = message.replace(" Its new preview:", "") + " It failed to render (the error is below); " \
                "Undo goes back."
        self.load(rebuilt.code, message, rendered=rebuilt.ok)


class SuggestionCard:
    def __init__(self, deck: SuggestionDeck, suggestion: Suggestion):
        self.deck, self.suggestion = deck, suggestion
        self.png: bytes | None = None
        finding = suggestion.finding
        self.open = True
        self.label = f"{KIND_LABELS.get(finding.kind, finding.kind)} — {' '.join(finding.message.split())}"
        self.problem = w.HTML(self._problem_html())
        self.change = w.HTML()
        self.accept_button = w.Button(description="Accept", button_style="success", icon="check",
                                      tooltip="apply this change, then render the section again")
        self.override_button = w.Button(description="Override", icon="pencil", tooltip="edit the change first")
        self.dismiss_button = w.Button(description="Dismiss", icon="times",
                                       tooltip="not shown again for these objects, until their lines change")
        self.editor = w.Textarea(layout=w.Layout(width="100%"))
        self.editor.add_class("c2v-code")
        self.apply_button = w.Button(description="Apply my change", button_style="primary", icon="check",
                                     layout=w.Layout(width="auto"))  # its whole label, not "Apply my chan…"
        self.cancel_button = w.Button(description="Cancel")
        self.override_box = w.VBox([w.HTML(f'<div style="{_MUTED}">Your version of the new line(s):</div>'),
                                    self.editor, w.HBox([self.apply_button, self.cancel_button])],
                                   layout=w.Layout(display="none"))
        self.status = w.HTML()
        buttons = [self.accept_button, self.override_button, self.dismiss_button] if finding.patch \
            else [self.dismiss_button]
        self.buttons = w.HBox(buttons)
        self.accept_button.on_click(lambda _b: deck.accept(self))
        self.override_button.on_click(lambda _b: self._override(True))
        self.cancel_button.on_click(lambda _b: self._override(False))
        self.apply_button.on_click(lambda _b: deck.accept(self, self.editor.value))
        self.dismiss_button.on_click(lambda _b: deck.dismiss(self))
        text = w.VBox([self.problem, self.change, self.buttons, self.override_box, self.status],
                      layout=w.Layout(flex="1 1 300px", min_width="300px"))
        picture = self._picture()
        self.widget = w.HBox(([picture] if picture else []) + [text], layout=w.Layout(
            border="1px solid rgba(128, 128, 128, 0.45)", padding="6px", margin="4px 0", flex_flow="row wrap"))
        if finding.patch is not None:
            self._show_change(finding.patch)
        elif finding.patch_note:  # a change was worked out but would break the picture: why, no Accept
            self.change.value = f'<div style="{_MUTED}">{html.escape(finding.patch_note)}</div>'

    def _problem_html(self) -> str:
        f, offset = self.suggestion.finding, self.deck.place.line_offset
        where = []
        if f.line:
            where.append(f"line {f.line + offset}" + (" of the cell" if offset else ""))
        if f.block:
            where.append(f"lecture line {f.block}")
        where.append(f"at {f.time:.1f} s")
        if f.source == "vlm":
            where.append("VLM review")
        said = html.escape(" ".join(f.message.split()))
        return (f'<div><b>{html.escape(KIND_LABELS.get(f.kind, f.kind))}</b>: {said}'
                f' <span style="{_MUTED}">({html.escape(" · ".join(where))})</span></div>')

    def _picture(self) -> w.Widget | None:
        f = self.suggestion.finding
        if not f.block:
            return None
        code = self.deck.code or ""
        grid = grid_overlay.grid_from(kept_stage(code), code)  # the scene's own grid, else ours
        target = grid_overlay.target_of(f.patch.new, grid) if grid is not None and f.patch else None
        png = self.png = outlined_keyframe(self.deck.ws.keyframes_dir(self.deck.section_id) / f"{f.block}.png",
                                           f.boxes, grid=grid, target=target)
        return w.Image(value=png, format="png", width=IMAGE_WIDTH) if png else None

    def static_html(self) -> str:
        """The card without its buttons: its keyframe, its problem and its change (lasting.py)."""
        picture = lasting.png_img(self.png, f"keyframe of lecture line {self.suggestion.finding.block}", IMAGE_WIDTH) \
            if self.png else ""
        return (f'<div style="display: flex; flex-wrap: wrap; gap: 8px; border: 1px solid rgba(128, 128, 128, 0.45);'
                f' padding: 6px; margin: 4px 0">{picture}<div style="flex: 1 1 300px; min-width: 300px">'
                f"{self.problem.value}{self.change.value}{self.status.value}</div></div>")

    def _show_change(self, patch: Patch) -> None:
        """The patch as a diff of the code it would change; one line if it no longer fits."""
        code, place = self.deck.code or "", self.deck.place
        self.editor.value = patch.new.rstrip("\n")
        self.editor.rows = min(max(patch.new.count("\n") + 1, 2), 12)
        try:
            after = suggestions.patch_code(code, patch)
        except StalePatch as exc:
            self.stale(str(exc))
            return
        pre, _lines = _diff(place.source(code), place.source(after))
        self.change.value = pre

    # states --------------------------------------------------------------------------------
    def _override(self, opening: bool) -> None:
        self.override_box.layout.display = "" if opening else "none"
        self.buttons.layout.display = "none" if opening else ""

    def stale(self, reason: str) -> None:
        self.change.value = (f'<div style="color: #b26a00">This suggestion no longer applies: '
                             f"{html.escape(reason)}</div>")
        self.accept_button.disabled = self.override_button.disabled = self.apply_button.disabled = True
        self._override(False)

    def say(self, text: str) -> None:
        self.status.value = f'<div style="color: #b26a00">{html.escape(text)}</div>'

    def busy(self) -> None:
        for button in (self.accept_button, self.override_button, self.dismiss_button, self.apply_button):
            button.disabled = True

    def close(self, text: str) -> None:
        """Decided: the card shrinks to one line."""
        self.open = False
        self.widget.children = [w.HTML(f'<div style="{_MUTED}">{html.escape(self.label)} · {html.escape(text)}</div>')]
