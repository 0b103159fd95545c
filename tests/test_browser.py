"""The notebook as a user sees it: a real JupyterLab 4 in headless Debian Chromium (issue 7).

One scenario, run once for the module, with a screenshot after each step in
test-artifacts/screenshots/browser/ (taken before any check, so they are there when a check fails):

  1. `%load_ext code2video_nb`                       -> 01-load-ext.png
  2. `%%code2video --replay demo` (no key needed)   -> 02-magic.png   (progress, plan, panel)
     over the lecture as its first run left it (a copy of the run's demo render, `demo_lecture`),
     so each section reads "unchanged, its cached preview"
  3. section 1's cell with a typo (`Creat(`)        -> 03-broken-cell.png
  4. `%c2v status`                                  -> 04-status.png

Then, in the same notebook and kernel, the critic's cards as a teacher sees them (the screenshots in
test-artifacts/screenshots/cards/; these checks were tests/test_browser_cards.py, which started a
JupyterLab, a Chromium and a kernel of its own for them):

  5. section 3's cell with its last formula placed on the diagonal matrix (B5), which is still
     on screen from the block before                                            -> 05-card.png
  6. the quiz under the preview: a wrong option, Check, the right one, Check   -> 05-quiz.png
  7. a click on the card's Accept                                              -> 06-accepted.png

The cards' checks read what is visible: the card's problem line, its buttons and its outlined
keyframe; after Accept, the new preview in the card's place and the section file without the overlap.

Section 1's cell is the one the kernel offers below the magic's cell (JupyterLab without the
code2video extension: `set_next_input`); if none arrives, the test inserts it itself from
`code2video/<lecture>/sections/1.py`. The checks read visible text only (what a person reads;
a closed <details> shows its summary), plus the browser console.

Needs jupyterlab, playwright (the `browser` extra) and /usr/bin/chromium (scripts/install.sh);
skipped locally without them (`-m "not browser"` skips it anyway), a failure under CI=true.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest
from conftest import demo_cassette
from lab_harness import (
    ConsoleEntry,
    LabPage,
    lab_folders,
    lab_page,
    missing_requirements,
    require,
    running_lab,
    screenshots_of,
)

from code2video_nb.plan import slugify
from code2video_nb.workspace import Workspace

pytestmark = [pytest.mark.browser, pytest.mark.render, pytest.mark.timeout(480)]

CASSETTE = demo_cassette()
TOPIC = CASSETTE["lecture"]["topic"]
SLUG = slugify(TOPIC)
MAGIC = f"%%code2video --sections 3 --audience first-year undergraduates --replay demo\n{TOPIC}"
LOAD = "%load_ext code2video_nb"
STATUS = "%c2v status"
VIEWPORT = {"width": 1280, "height": 1600}
PLANT_FROM, PLANT_TO = 'self.place_at_grid(power, "E4")', 'self.place_at_grid(power, "B5")'


@dataclass
class Scenario:
    lab: LabPage
    file_line: int = 0  # the typo's line in sections/1.py
    cell_line: int = 0  # ... and in the cell (one more: the %%c2v_section line above the code)
    offered: bool = False  # section 1's cell came from the kernel (set_next_input), not from the test
    index: dict = field(default_factory=dict)  # step -> its cell's index
    outputs: dict = field(default_factory=dict)  # step -> visible text of each output of its cell
    panel_tabs: int = 0  # right after the magic: the section panel's tab bars ...
    panel_videos: int = 0  # ... and the videos a user can see in it
    status_table: list = field(default_factory=list)  # %c2v status: one dict per row, by column header
    seconds: dict = field(default_factory=dict)  # step -> how long it took
    titles: list = field(default_factory=list)  # (section id, title) of the planned lecture
    cards: dict = field(default_factory=dict)  # what steps 5-7 saw (the critic's card, the quiz, Accept)

    def text(self, step: str) -> str:
        return "\n".join(self.outputs[step])

    def lines(self, step: str) -> list[str]:
        return [line.strip() for line in self.text(step).splitlines() if line.strip()]

    def console_errors(self, after: str) -> list[ConsoleEntry]:
        steps = list(self.seconds)
        later = steps[steps.index(after):] if after in steps else steps
        return [c for c in self.lab.console if c.kind in ("error", "pageerror") and c.step in later]


def _requirements() -> None:
    require(missing_requirements())


def _notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(LOAD), nbformat.v4.new_code_cell(MAGIC), nbformat.v4.new_code_cell(STATUS)]
    nbformat.write(nb, str(path))


class _Step:
    """Times a step, names it for the console log and, if it fails, photographs the page."""

    def __init__(self, run: Scenario, name: str, server):
        self.run, self.name, self.server = run, name, server

    def __enter__(self):
        self.run.lab.step = self.name
        self.started = time.monotonic()
        return self

    def __exit__(self, kind, error, tb):
        self.run.seconds[self.name] = time.monotonic() - self.started
        if error is None:
            return False
        try:
            shot = self.run.lab.screenshot_page(f"failed-{self.name}")
        except Exception as exc:  # noqa: BLE001 - the original error matters more
            shot = f"(no screenshot: {exc})"
        console = "\n".join(f"  [{c.step}] {c.kind}: {c.text}" for c in self.run.lab.console)
        raise AssertionError(f"browser step '{self.name}' failed after {self.run.seconds[self.name]:.1f} s: "
                             f"{error}\nscreenshot: {shot}\nbrowser console:\n{console}\n"
                             f"jupyter lab log (tail):\n{self.server.log_tail(2000)}") from error


def _run_scenario(lab: LabPage, server, root: Path) -> Scenario:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    run = Scenario(lab)
    with _Step(run, "open", server):
        lab.open(server, "lecture.ipynb")
        lab.page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # room for the outputs

    with _Step(run, "load", server):
        run.index["load"] = lab.sources().index(LOAD)
        lab.run_cell(run.index["load"], timeout_ms=60_000)
        run.outputs["load"] = lab.output_texts(run.index["load"])
        lab.screenshot_cell(run.index["load"], "01-load-ext")

    with _Step(run, "magic", server):
        run.index["magic"] = lab.sources().index(MAGIC)
        lab.run_cell(run.index["magic"], timeout_ms=180_000)
        run.outputs["magic"] = lab.output_texts(run.index["magic"])
        run.titles = [(s.id, s.title) for s in Workspace(root / "code2video" / SLUG).storyboard.sections]
        cell = lab.cell(run.index["magic"])
        cell.scroll_into_view_if_needed()
        run.panel_tabs = cell.locator(".jupyter-widget-TabPanel, .widget-tab, .lm-TabBar").count()
        videos = cell.locator(".jp-OutputArea-output video")
        with contextlib.suppress(PlaywrightTimeout):  # widget outputs render just after the cell ends
            videos.first.wait_for(state="visible", timeout=5_000)
        run.panel_videos = sum(1 for i in range(videos.count()) if videos.nth(i).is_visible())
        lab.screenshot_cell(run.index["magic"], "02-magic")

    with _Step(run, "section", server):
        code = (root / "code2video" / SLUG / "sections" / "1.py").read_text(encoding="utf-8")
        assert "Create(" in code, "section 1 of the demo has no Create( to misspell"
        run.file_line = next(n for n, line in enumerate(code.splitlines(), 1) if "Create(" in line)
        run.cell_line = run.file_line + 1
        header = f"%%c2v_section {SLUG}/1"
        broken = f"{header}\n" + code.replace("Create(", "Creat(", 1)
        # The kernel's offered cell arrives with the magic's execute_reply; allow the page a moment.
        deadline = time.monotonic() + 5
        while not any(s.startswith(header + "\n") for s in lab.sources()) and time.monotonic() < deadline:
            lab.page.wait_for_timeout(100)
        offered = [i for i, s in enumerate(lab.sources()) if s.startswith(header + "\n")]
        run.offered = bool(offered)
        if offered:
            assert lab.sources()[offered[0]] == f"{header}\n{code}", "the offered cell is not sections/1.py"
            run.index["section"] = offered[0]
            lab.set_source(offered[0], broken)  # the user's typo, in the cell the kernel offered
        else:
            run.index["section"] = run.index["magic"] + 1
            lab.insert_cell(run.index["section"], broken)
        lab.run_cell(run.index["section"], timeout_ms=120_000)
        run.outputs["section"] = lab.output_texts(run.index["section"])
        lab.screenshot_cell(run.index["section"], "03-broken-cell")

    with _Step(run, "status", server):
        run.index["status"] = lab.sources().index(STATUS)  # cells offered since then moved it down
        lab.run_cell(run.index["status"], timeout_ms=60_000)
        run.outputs["status"] = lab.output_texts(run.index["status"])
        run.status_table = _table(lab.cell(run.index["status"]).locator(".jp-OutputArea-output table"))
        lab.screenshot_cell(run.index["status"], "04-status")

    with _Step(run, "cards", server):
        _see_the_cards(run, root)
    return run


def _see_the_cards(run: Scenario, root: Path) -> None:
    """Steps 5-7: section 3's planted overlap, its card, the quiz under its preview, then Accept."""
    lab, result = run.lab, run.cards
    lab.shots = screenshots_of("cards")
    code = (root / "code2video" / SLUG / "sections" / "3.py").read_text(encoding="utf-8")
    assert PLANT_FROM in code
    planted = code.replace(PLANT_FROM, PLANT_TO)
    index = len(lab.sources())
    lab.insert_cell(index, f"%%c2v_section {SLUG}/3\n{planted}")
    lab.run_cell(index, timeout_ms=180_000)
    cell = lab.cell(index)
    cell.get_by_role("button", name="Accept").first.wait_for(state="visible", timeout=20_000)
    result["card"] = lab.output_texts(index)[-1]  # the deck: the cell's last output
    result["images"] = cell.locator(".jp-OutputArea-output img").count()
    lab.screenshot_cell(index, "05-card")
    # The students' quiz under the preview (quiz_widget.py): a wrong pick, Check, then the right one.
    for option, verdict in (("B) Full of ones", "Not quite"), ("A) Diagonal", "✓ Right.")):
        cell.get_by_role("radio", name=option).first.check()
        cell.get_by_role("button", name="Check").first.click()
        cell.get_by_text(verdict).first.wait_for(state="visible", timeout=20_000)
        result.setdefault("quiz", []).append(cell.locator(".c2v-quiz-feedback").first.inner_text())
    lab.screenshot_cell(index, "05-quiz")
    started = time.monotonic()
    cell.get_by_role("button", name="Accept").first.click()
    # "Accepted: … — rendering…" first; the final message once the new preview is there
    cell.get_by_text("Undo goes back").first.wait_for(state="visible", timeout=120_000)
    cell.locator(".jp-OutputArea-output video").last.wait_for(state="attached", timeout=30_000)
    lab.wait_for_outputs(index)
    result["accept_seconds"] = time.monotonic() - started
    result["accepted"] = lab.output_texts(index)[-1]
    result["videos"] = cell.locator(".jp-OutputArea-output video").count()
    lab.screenshot_cell(index, "06-accepted")
    result["code"] = (root / "code2video" / SLUG / "sections" / "3.py").read_text(encoding="utf-8")
    result["console"] = [c for c in lab.console if c.kind in ("error", "pageerror")]


def with_rendered_demo(root: Path, demo_lecture: Path) -> Path:
    """`root`/code2video/<slug>: a copy of the demo lecture as rendered before, with manim's partial
    movies (`.media`), as a teacher's folder is after the lecture's first run."""
    return Path(shutil.copytree(demo_lecture, root / "code2video" / demo_lecture.name))


def _table(table) -> list[dict]:
    """An HTML table's rows as dicts keyed by its header cells (empty if there is not exactly one table)."""
    if table.count() != 1:
        return []
    rows = table.locator("tr")
    header = [h.strip() for h in rows.first.locator("th").all_inner_texts()]
    return [dict(zip(header, (c.strip() for c in rows.nth(i).locator("td").all_inner_texts())))
            for i in range(1, rows.count())]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory, demo_lecture):
    _requirements()
    root, home = lab_folders(tmp_path_factory.mktemp("browser"))
    _notebook(root / "lecture.ipynb")
    # The lecture rendered before (the run's demo render, `demo_lecture`): the magic replays the plan
    # and code, and finds every section unchanged rather than rendering it again. The live render
    # through the magic in the browser is tests/test_browser_extension.py's.
    with_rendered_demo(root, demo_lecture)
    shots = screenshots_of("browser")
    started = time.monotonic()
    with running_lab(root, home) as server, lab_page(shots, VIEWPORT) as lab:
        run = _run_scenario(lab, server, root)
        run.seconds["total"] = time.monotonic() - started
        print("browser check: " + ", ".join(f"{k} {v:.1f} s" for k, v in run.seconds.items())
              + f"; section 1's cell {'offered by the kernel' if run.offered else 'inserted by the test'}; "
              f"cells now: {[s.splitlines()[0] if s else '' for s in lab.sources()]}")
        yield run
    shutil.rmtree(home / "runtime", ignore_errors=True)


@pytest.fixture(scope="module")
def seen(scenario) -> dict:
    """What the cards' steps (5-7) saw."""
    return scenario.cards


# --- helpers for the checks -------------------------------------------------------------------

IN_PROGRESS = re.compile(r"\b(repairing|rendering|checking|planning|writing)\b|…\s*$|\.\.\.\s*$", re.I)
OUTCOME = re.compile(r"[✓✗]|\b(failed|fixed|rendered|gave up|stopped|error)\b", re.I)


def _progress(outputs: list[str], title: str) -> str | None:
    """The progress display's visible text: the output whose first line starts with its title."""
    for text in outputs:
        if text.strip().startswith(title):
            return text.strip()
    return None


def _assert_closed_with_outcome(progress: str | None, where: str, shown: str) -> None:
    assert progress is not None, f"{where}: no progress display in the output:\n{shown}"
    last = progress.splitlines()[-1].strip()
    assert not re.search(r"\brepairing\b", progress, re.I) and not IN_PROGRESS.search(last) \
        and OUTCOME.search(last), (
        f"{where}: the progress display was left open instead of closed with the outcome; its last line is "
        f"{last!r}.\nThe cell shows:\n{shown}")


# --- the checks -------------------------------------------------------------------------------

def test_load_ext_leaves_no_console_error_about_the_missing_extension(scenario):
    """Issue 7 §5: no console error when the JupyterLab extension is absent (it is, here)."""
    errors = [c for c in scenario.console_errors(after="load")
              if re.search(r"code2video|\bcomms?\b|comm[_ ]", c.text, re.I)]
    assert not errors, ("the browser console logged an error about the comm greeting after %load_ext "
                        "(the code2video JupyterLab extension is not installed here):\n"
                        + "\n".join(f"  [{c.step}] {c.kind}: {c.text}" for c in errors))


def test_load_ext_says_in_one_line_that_it_is_loaded(scenario):
    """Issue 7 §5: `%load_ext` says in one line that it is loaded."""
    lines = scenario.lines("load")
    assert any(re.search(r"code2video", line, re.I) and re.search(r"\bloaded\b", line, re.I) for line in lines), (
        f"%load_ext code2video_nb shows no line saying it is loaded; its output is {lines!r}")


def test_magic_progress_is_closed_with_its_outcome(scenario):
    progress = _progress(scenario.outputs["magic"], f"code2video: {TOPIC}")
    assert progress is not None, f"no progress display in the magic's output:\n{scenario.text('magic')}"
    _assert_closed_with_outcome(progress, "%%code2video", scenario.text("magic"))
    assert re.search(r"3 sections planned, 3 rendered", progress), progress


def test_magic_progress_ends_naming_every_section_with_its_outcome_and_where_its_preview_is(scenario):
    """Issue 21 §5: the closed progress names every section (no stage left running, planning done),
    each with its outcome and where its preview is (here, without the extension: the panel)."""
    progress = _progress(scenario.outputs["magic"], f"code2video: {TOPIC}")
    assert len(scenario.titles) == 3, scenario.titles
    for number, title in scenario.titles:
        assert re.search(rf"✓ {number}\. {re.escape(title)}: (rendered in \d+\.\d s|unchanged).*"
                         r"— preview in the panel below", progress), progress
    assert "Planning: writing the storyboard" not in progress and "Rendering: section" not in progress, progress


def test_panel_shows_a_preview_right_after_the_magic(scenario):
    """Issue 7 §3: the panel shows each section's preview as soon as it exists (the magic rendered all three)."""
    assert scenario.panel_tabs > 0, f"no section panel in the magic's output:\n{scenario.text('magic')}"
    assert scenario.panel_videos > 0, (
        "the panel's open tab (section 1) shows no preview video right after the magic said '3 rendered'; "
        f"the magic's output reads:\n{scenario.text('magic')}")


def test_broken_cell_says_in_one_line_which_line_of_the_cell_and_what_to_do(scenario):
    """Issue 7 §1: one readable line naming the cell's line and the two ways out (no key is set)."""
    n, shown = scenario.cell_line, scenario.text("section")
    named = [line for line in scenario.lines("section") if re.search(rf"\bline {n}\b", line)]
    assert named, f"no visible line names line {n} of the cell (the typo's line); the cell shows:\n{shown}"
    good = [line for line in named
            if len(line) <= 400
            and re.search(r"\b(fix|edit|correct|change)", line, re.I)  # a hand fix
            and re.search(r"\bkey\b|OPENAI_API_KEY", line)  # or a key, so auto-fix can ask a model
            # not the internal words issue 7 quotes ("no reply left for stage 'fix:1'; it was recorded with ...")
            and not re.search(r"no reply left|stage '|recorded with other options|cassette", line, re.I)]
    assert good, ("the line naming the cell's line does not say both ways out (fix the line by hand, or set "
                  f"a key so auto-fix can ask a model), in the user's words:\n{named!r}\nThe cell shows:\n{shown}")
    wrong = scenario.file_line
    assert not re.search(rf"\bline {wrong}\b", shown), (
        f"the cell also names line {wrong}, the line in sections/1.py, not in the cell (line {n}):\n{shown}")


def test_broken_cell_keeps_the_last_good_preview_in_view(scenario):
    """Issue 21 §6: a failed render does not hide the preview the magic rendered (of earlier code)."""
    shown = scenario.text("section")
    assert "The last preview that rendered" in shown, shown


def test_broken_cell_shows_no_traceback(scenario):
    shown = scenario.text("section")
    assert "Traceback" not in shown and not re.search(r'File "[^"]+", line \d+', shown), (
        f"the broken cell shows a Python traceback:\n{shown}")


def test_broken_cell_progress_is_closed_with_the_outcome(scenario):
    progress = _progress(scenario.outputs["section"], "Section 1")
    _assert_closed_with_outcome(progress, "section 1's cell", scenario.text("section"))


def test_status_shows_the_sections_error(scenario):
    """Issue 7 §2: after the failure, `%c2v status` shows section 1's error and its line, not 'rendered'."""
    assert scenario.status_table, f"%c2v status shows no table:\n{scenario.text('status')}"
    row = next((r for r in scenario.status_table if r.get("section") == "1"), None)
    assert row, f"no row for section 1 in the status table:\n{scenario.text('status')}"
    shown = " | ".join(f"{k}: {v}" for k, v in row.items())
    assert "Creat" in row.get("error", shown), (
        f"section 1's row shows no error although its cell just failed on `Creat(`: {shown}")
    error = row.get("error", shown)
    n, file_line = scenario.cell_line, scenario.file_line
    in_file = re.search(r"1\.py", error) and re.search(rf"\b{file_line}\b", error)  # "sections/1.py, line 28"
    assert re.search(rf"\bline {n}\b", error) or in_file, (
        f"section 1's error in the status names neither line {n} of the cell nor line {file_line} of "
        f"sections/1.py: {error!r}")
    assert not any(v.startswith("✓") for v in row.values()), (
        f"section 1 is shown as rendered although its code now fails: {shown}")


# --- the critic's cards (steps 5-7) -------------------------------------------------------------

def test_the_card_shows_the_problem_its_buttons_and_the_outlined_keyframe(seen):
    card = seen["card"]
    assert "Layout critic:" in card and "suggestion" in card, card
    assert "Left on screen" in card and "power" in card and "diag" in card, card
    assert "of the cell" in card, card
    for button in ("Accept", "Override", "Dismiss"):
        assert button in card, card
    assert seen["images"] >= 1  # the keyframe with the objects outlined


def test_the_quiz_says_wrong_then_right_with_the_line_it_cites(seen):
    wrong, right = seen["quiz"]
    assert "Not quite: the answer is A) Diagonal." in wrong, wrong
    assert "Lecture line 2: “In that basis the matrix is diagonal”" in wrong, wrong
    assert right.startswith("✓ Right."), right


def test_accept_shows_the_new_preview_and_changes_the_code(seen):
    assert "Accepted: Left on screen" in seen["accepted"], seen["accepted"]
    assert "nothing to suggest for this code" in seen["accepted"], seen["accepted"]
    assert seen["videos"] >= 2  # the cell's first preview and the new one in the card's place
    assert "self.play(FadeOut(diag)" in seen["code"]
    assert not [c for c in seen["console"] if "code2video" in c.text or "widget" in c.text.lower()], seen["console"]
