"""Where the critic's cards go after a section renders, and what a card's Accept does beyond the code.

The session calls these after each build: a section cell gets a deck of cards under its preview
(`cell_cards`), a panel tab gets one under its own (`panel_cards`), and a cell's render updates
its tab's deck too (`follow`). A rendering `%%code2video` runs the critic on every rendered section
first (`critique_all`), so the panel and each cell show their cards at once. The critic runs once
per version of a section's code (suggestions.py caches its findings by code hash); it never fails
a cell: an error is the deck's one line.

A card's Accept or Undo has written new code. In a section cell with the extension, `_rerun` hands
it to the cell, which takes it and runs (its outputs become the one preview of it). Elsewhere
`_rebuild` renders it and tells the other places, as a panel Render does (sync.py): the section
cell's notice (running it takes the code), and the panel's tab follows a cell. A cell's deck is
shown with its static rendering (lasting.py), kept up to date as its cards are decided.

On (the default) unless the lecture's magic said `--no-critic` (kept in lecture.json) or
`%config Code2Video.critic = False`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .. import suggestions
from ..errors import RenderError
from ..progress_events import Progress, SectionEvent, report
from ..section_build import SectionResult
from ..workspace import Workspace
from . import lasting, sync
from .bridge import FrontendBridge
from .run_config import RunConfig
from .section_runner import SectionRunner

if TYPE_CHECKING:  # ipywidgets is imported when a deck or a panel is first shown
    from .panel import SectionPanel


class ReviewHost(Protocol):
    """What the cards use of the notebook session (`NotebookSession`)."""

    bridge: FrontendBridge
    runner: SectionRunner  # renders a card's accepted code, and what to show for it
    critic: Callable[[Path], list] | None  # section file -> findings; None: the layout critic
    panels: dict[str, SectionPanel]  # lecture -> its panel, whose tabs follow the cells

    def configure(self) -> RunConfig: ...


def on(session: ReviewHost, ws: Workspace) -> bool:
    stored = ws.lecture.critic  # --critic / --no-critic of the lecture's magic
    return stored if stored is not None else session.configure().critic


def critic(session: ReviewHost, ws: Workspace, section_id: str, path: Path) -> list:
    """The findings for a section file: the session's own critic if it has one (tests), else the
    layout critic (the scene run instrumented in the render child: geometry, no frames; manim's
    TeX cache is the section's). A file that does not run is a RenderError (the deck's one line)."""
    if session.critic is not None:
        return session.critic(path)
    from ..critic.critique import critique_file
    critique = critique_file(path, settings=session.configure().settings, media_dir=ws.media_dir(section_id))
    if critique.error is not None:
        raise RenderError(f"its instrumented run failed: {critique.error.error}")
    return critique.findings


def review(session: ReviewHost, ws: Workspace, section_id: str, code: str) -> list:
    """The pending suggestions for `code` (which the section's file holds): cached by code."""
    return suggestions.review(ws, section_id, code, lambda path: critic(session, ws, section_id, path),
                              version=suggestions.critic_version())


def critique_all(session: ReviewHost, ws: Workspace, results: list[SectionResult], progress: Progress) -> None:
    """The critic on each section a rendering %%code2video rendered; an error is said, never raised
    (the section's cards say it again)."""
    if not on(session, ws):
        return
    def say(section_id: str, words: str) -> None:  # the section's row, where the display has rows
        report(progress, "critic", f"section {section_id}: {words}", SectionEvent(section_id, "critic", detail=words))

    for result in (r for r in results if r.ok):
        say(result.id, "checking the layout")
        try:
            found = review(session, ws, result.id, ws.code(result.id))
            say(result.id, f"{len(found)} layout suggestion{'s' if len(found) != 1 else ''}" if found
                else "no layout suggestion")
        except Exception as exc:  # noqa: BLE001 - the critic must never stop the run
            say(result.id, f"could not check the layout ({' '.join(str(exc).split())[:160] or type(exc).__name__})")


def cell_cards(session: ReviewHost, ws: Workspace, section_id: str, code: str | None) -> None:
    """The cards under a section cell's preview of `code` (None: it did not render: no cards).
    With nothing to act on (no suggestion, nothing to undo), one plain line instead of widgets."""
    from IPython.display import display

    from .cards import CellPlace, critic_line
    if code is None or not on(session, ws):
        return
    try:
        pending = review(session, ws, section_id, code)
    except Exception as exc:  # noqa: BLE001 - the critic must never fail the cell: one line instead
        display(critic_line(0, " ".join(str(exc).split())[:200] or type(exc).__name__))
        return
    if not pending and not suggestions.undoable(ws, section_id, code):
        display(critic_line(0, dismissed=suggestions.dismissed_count(ws, section_id, code)))
        return
    place = CellPlace(ws.slug, section_id, rerun=lambda: _rerun(session, ws, section_id))
    deck = _deck(session, ws, section_id, code, place)
    deck.on_change = lasting.show(deck.widget, deck.static_view).refresh  # outlives the kernel


def panel_cards(session: ReviewHost, ws: Workspace, panel: SectionPanel, section_id: str, code: str | None, *,
                run: bool = True) -> None:
    """The cards under a panel tab's preview. `run` False (a panel being built): only what the
    critic found before, nothing runs."""
    from .cards import PanelPlace
    deck = _deck(session, ws, section_id, code, PanelPlace(panel, section_id), run=run)
    panel.set_cards(section_id, deck.widget if deck is not None else None)


def follow(session: ReviewHost, ws: Workspace, section_id: str, code: str, views: list, ok: bool) -> None:
    """A section cell rendered `code`: the panel's tab (if any) shows it, with its cards."""
    panel = session.panels.get(ws.slug)
    sync.follow_in_panel(panel, section_id, code, views)
    if panel is not None and any(s.id == section_id for s in panel.sections):
        panel_cards(session, ws, panel, section_id, code if ok else None)


def _deck(session: ReviewHost, ws: Workspace, section_id: str, code: str | None, place, *, run: bool = True):
    if not on(session, ws) or code is None:
        return None
    if not run and suggestions.cached_findings(ws, section_id, code, suggestions.critic_version()) is None:
        return None
    from .cards import SuggestionDeck
    return SuggestionDeck(ws, section_id, code, place=place,
                          review=lambda c: review(session, ws, section_id, c),
                          rebuild=lambda before, after, note: _rebuild(session, ws, section_id, before, after,
                                                                       note, place))


def _rerun(session: ReviewHost, ws: Workspace, section_id: str):
    """With the extension (now): put new code into the section cell and run it there (cards.Rerun)."""
    if session.bridge.state != "ready":
        return None

    def rerun(source: str, expected: str, on_reply) -> None:
        session.bridge.replace_source(ws.slug, section_id, source, expected, run=True, on_reply=on_reply)
    return rerun


def _rebuild(session: ReviewHost, ws: Workspace, section_id: str, before: str, after: str, note, place):
    """A card's Accept (or Undo) wrote `after`: render it, tell the section cell (as a panel edit
    does) and, from a cell, the panel's tab."""
    from .cards import CellPlace, Rebuilt
    result, code, tokens = session.runner.build(ws, section_id, after)  # written already: this only renders
    views = session.runner.views(ws, result, after, code, tokens)
    sync.after_panel_render(session.bridge, ws, section_id, before, code, result.ok, note=note, by=sync.SUGGESTION)
    if isinstance(place, CellPlace):
        follow(session, ws, section_id, code, views, result.ok)
    return Rebuilt(views, code, result.ok, repr(views[-1]) if result.ok else "failed")
