"""Progress from events (issue 21 §5): the engine reports each section's state as a `SectionEvent`,
and the notebook's display follows them: one row per section with its own state, planning done
once sections build, the cell's line numbers, and a closed display naming every section."""

from __future__ import annotations

import re
from pathlib import Path

from code2video_nb.config import Settings
from code2video_nb.engine import Engine
from code2video_nb.notebook.progress import LazyProgress, ProgressView
from code2video_nb.progress_events import SectionEvent, SectionListener, report
from code2video_nb.render.renderer import RenderOptions, RenderOutcome

from conftest import three_part_lecture
from test_video import GREEN, make_clip


class Renderer:
    """No manim: section 2 fails at line 6 of its file, the others make a one-second clip."""

    def __call__(self, path, options: RenderOptions) -> RenderOutcome:
        if "Part2" in Path(path).read_text():
            return RenderOutcome(False, 0.01, error_type="NameError", message="name 'Creat' is not defined", line=6)
        if options.on_progress is not None:
            options.on_progress(1, 2)
            options.on_progress(2, 2)
        Path(options.media_dir).mkdir(parents=True, exist_ok=True)
        video = make_clip(Path(options.media_dir) / "clip.mp4", GREEN, 1.0)
        return RenderOutcome(True, 0.01, video=video, duration=1.0, block_starts=[(1, 0.0)], plays=9, reused_plays=7)


def test_every_section_has_its_own_row_that_follows_its_build_and_the_closed_display_names_them_all(tmp_path):
    ws = three_part_lecture(tmp_path)
    view = ProgressView("code2video: Clips")  # outside a kernel IPython's display is a no-op handle
    view("plan", "writing the storyboard")
    view.expect(ws.storyboard.sections)
    seen = []
    original = view.on_section
    view.on_section = lambda event: (seen.append(event), original(event))
    engine = Engine(Settings.from_env(workers=1, narrate=False, critic_rounds=0), None, view, renderer=Renderer())
    results = engine.render_all(ws)
    assert [r.ok for r in results] == [True, False, True]

    states = {sid: [e.state for e in seen if e.section == sid] for sid in "123"}
    assert states["1"][0] == "rendering" and states["1"][-1] == "done"
    assert "fixing" not in states["2"] and states["2"][-1] == "failed"  # no model: nothing to fix with
    done = next(e for e in seen if e.section == "1" and e.state == "done")
    assert (done.reused, done.plays) == (7, 9)

    text = view._text()
    assert "✓ Planning: done (3 sections)" in text, text  # not "writing the storyboard" while sections render
    view.done("3 sections planned, 2 rendered, 1 failed", ok=False, where="preview in its cell below")
    lines = view._text().splitlines()
    rows = [re.sub(r"in \d+\.\d s", "in N s", line.strip()) for line in lines if line.strip()[:3] in ("✓ 1", "✓ 3", "✗ 2")]
    assert rows == [
        "✓ 1. Part 1: rendered in N s, 7 of 9 animations unchanged — preview in its cell below",
        "✗ 2. Part 2: failed at line 7 of its cell: NameError: name 'Creat' is not defined",  # the cell's line: file's + 1
        "✓ 3. Part 3: rendered in N s, 7 of 9 animations unchanged — preview in its cell below",
    ], lines
    assert lines[-1] == "✗ 3 sections planned, 2 rendered, 1 failed"


def test_a_fix_names_the_line_of_the_cell_and_planning_stays_done():
    view = ProgressView("code2video: Clips")
    view("plan", "writing the storyboard")
    view("code", "writing code for 2 section(s) in parallel")
    for sid in "12":
        view.on_section(SectionEvent(sid, "writing"))
    assert "Writing code: writing code" in view._text()
    view.on_section(SectionEvent("1", "waiting"))
    view.on_section(SectionEvent("2", "fixing", line=30, detail="TypeError: set_color() got 'colour'"))
    text = view._text()
    assert "2: fixing line 31 of its cell: TypeError" in text, text  # the note under its preview says line 31
    assert "✓ Writing code: done" in text and "✓ Planning: done" in text
    view.on_section(SectionEvent("2", "critic", detail="checking the layout"))
    view.on_section(SectionEvent("2", "done", seconds=2.0))
    assert "rendered in 2.0 s, after fixing line 31 of its cell · checking the layout" in view._text()


def test_a_section_cells_progress_closes_saying_how_many_animations_were_kept():
    """The README's promise: an edit's progress says `7 of 9 animations unchanged`, also once closed."""
    from code2video_nb.notebook.progress import LazyProgress

    progress = LazyProgress("Section 3")
    progress.on_section(SectionEvent("3", "cached"))  # a cached preview shows no progress at all
    assert progress.view is None
    progress.on_section(SectionEvent("3", "rendering", done=8, total=9))
    progress.on_section(SectionEvent("3", "fixing", line=30, detail="TypeError: colour"))
    progress.on_section(SectionEvent("3", "done", seconds=0.8, reused=7, plays=9))
    progress.close("section 3 rendered after 1 fix attempt(s) in 0.8 s")
    assert progress.view._text().splitlines() == [
        "Section 3", "✓ section 3 rendered after 1 fix attempt(s) in 0.8 s, 7 of 9 animations unchanged "
                     "(fixed line 31 of its cell)"]


def test_a_section_listener_gets_the_event_and_a_plain_callback_its_line():
    lines, events = [], []

    class Listener:
        def __call__(self, stage: str, message: str) -> None:
            lines.append(message)

        def on_section(self, event: SectionEvent) -> None:
            events.append(event)

    done = SectionEvent("1", "done", seconds=1.0)
    report(lambda stage, message: lines.append(message), "render", "section 1 done (1.0 s)", done)
    report(Listener(), "render", "section 1 done (1.0 s)", done)
    report(Listener(), "plan", "writing the storyboard")  # not a section's state: a line for everyone
    assert lines == ["section 1 done (1.0 s)", "writing the storyboard"] and events == [done]
    assert isinstance(ProgressView("code2video: Clips"), SectionListener)  # the notebook's displays
    assert isinstance(LazyProgress("Section 1"), SectionListener)


def test_the_outline_titles_show_as_rows_while_planning_goes_on():
    view = ProgressView("code2video: Clips")
    view("plan", "writing the outline")
    view.on_section(SectionEvent("1", "planned", detail="What is a clip?"))
    text = view._text()
    assert "1. What is a clip?: planned, its storyboard being written" in text, text
    assert "Planning: writing the outline" in text and "✓ Planning" not in text  # titles alone: not done yet
    view.on_section(SectionEvent("1", "writing"))  # its code asked for, from its storyboard entry
    assert "1. What is a clip?: writing its code" in view._text()
