"""The JupyterLab extension end to end (issue 9): a real JupyterLab 4 with the `code2video-nb`
labextension, headless Debian Chromium, and the scripted OpenAI-compatible server on loopback
answering the model requests (the demo recording, plus a fix for a typo). See tests/lab_harness.py.

  1. `%load_ext code2video_nb`: the line says "with the code2video extension"   -> ext-1-load.png
  2. `%%code2video` (no --replay: the scripted server): section cells 1–3 appear right below the
     magic, in order, holding `%%c2v_section <slug>/<id>` + sections/<id>.py, with the
     `code2video` metadata and their previews already shown; no fallback panel  -> ext-2-cells.png,
                                                                                   ext-2b-inserted-preview.png
  3. section 2's cell run: its preview <video>                                   -> ext-3-preview.png
  4. a typo in section 1's cell, run: auto-fix asks the server, and the cell itself takes the
     fixed code (a guarded replace_source)                                       -> ext-4-autofix.png
  5. section 3's cell with a layout defect (`power` at B5), run, then the user types a line into
     the cell and clicks the card's Accept: the cell keeps the user's text, the card says once
     that it was edited and offers Keep mine / Take the suggestion              -> ext-5-conflict.png
  6. Take the suggestion: the cell takes the fix put into the edit and runs; its outputs are the one
     preview of that code (one video, no "run it" banner, no "edited" mark), Undo names what it undoes
                                                                                 -> ext-6-accepted.png
  7. Undo: the cell goes back to the edit and runs; the card is there again       -> ext-6b-undone.png
  8. the page reloaded: no "model not found", the card shown (live or static)     -> ext-6c-reload.png
  9. the kernel restarted: the cards are the static HTML (diff, keyframe, what to run) -> ext-6d-restart.png
 10. the saved notebook exported (nbconvert HTML), opened in the browser: the cards as static HTML
                                                                                 -> ext-6e-export.png
 11. `%load_ext` again; section 3's cell run brings the live card back; Dismiss; an unrelated edit,
     run: the dismissed card stays dismissed                                     -> ext-6f-dismissed.png
 12. the magic run again: its section cells are replaced (and it says so), not added, with their
     previews                                                                    -> ext-7-rerun.png
 13. a console on the notebook's kernel in another browser tab (a connection without the
     extension, which closes the kernel's comms): `%reload_ext` still finds the extension, the magic still inserts
                                                                                 -> ext-8-console.png

Needs what tests/test_browser.py needs, plus the labextension installed in this environment
(scripts/install.sh builds it); skipped locally without it, a failure under CI=true.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path

import nbformat
import pytest
from lab_harness import LabPage, installed_labextension, lab_folders, lab_page, require, running_lab, screenshots_of
from test_browser import CASSETTE, LOAD, SLUG, TOPIC, VIEWPORT, Scenario, _requirements, _Step

from code2video_nb.scopes import cut, scope_for_line
from code2video_nb.scripted_server import ScriptedServer

pytestmark = [pytest.mark.browser, pytest.mark.render, pytest.mark.timeout(480)]

MAGIC = f"%%code2video --sections 3 --audience first-year undergraduates\n{TOPIC}"  # the scripted server
NOTES = "# my notes below the lecture"
SECTIONS = ("1", "2", "3")
PLANT_FROM, PLANT_TO = 'self.place_at_grid(power, "E4")', 'self.place_at_grid(power, "B5")'
TYPED = "# my own note"
UNRELATED = "# an unrelated note, added after the dismissal"
MODEL = "window.jupyterapp.shell.currentWidget.content.model.sharedModel"


def header(section: str) -> str:
    return f"%%c2v_section {SLUG}/{section}"


def _extension_requirement() -> None:
    if installed_labextension() is None:
        require("the code2video JupyterLab extension is not installed here (bash scripts/install.sh builds it)")


def _notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(LOAD), nbformat.v4.new_code_cell(MAGIC), nbformat.v4.new_code_cell(NOTES)]
    nbformat.write(nb, str(path))


class ExtensionRun(Scenario):
    """What each step saw, read back by the checks."""

    def __init__(self, lab: LabPage, root: Path):
        super().__init__(lab)
        self.root = root
        self.cells: dict = {}  # step -> [(source, code2video metadata)] of every cell
        self.files: dict = {}  # step -> {section id: sections/<id>.py}
        self.seen: dict = {}  # step -> anything else worth checking

    def section_file(self, section: str) -> str:
        return (self.root / "code2video" / SLUG / "sections" / f"{section}.py").read_text(encoding="utf-8")

    def snapshot(self, step: str) -> None:
        self.cells[step] = [(c["source"], (c.get("metadata") or {}).get("code2video")) for c in self.lab.page.evaluate(
            f"() => {MODEL}.cells.map(c => ({{source: c.getSource(), metadata: c.getMetadata()}}))")]
        self.files[step] = {s: self.section_file(s) for s in SECTIONS}

    def index_of(self, section: str) -> int:
        """The cell of `section` (found by its %%c2v_section line, as a user would)."""
        return next(i for i, s in enumerate(self.lab.sources()) if s.startswith(header(section) + "\n"))

    def wait_for_source(self, index: int, test: str, timeout_ms: int = 20_000) -> None:
        """Until cell `index`'s source passes `test` (a JS expression over `s`): replies come after the cell."""
        self.lab.page.wait_for_function(f"(i) => {{ const s = {MODEL}.getCell(i).getSource(); return {test}; }}",
                                        arg=index, timeout=timeout_ms)

    def wait_for_text(self, index: int, text: str, timeout_ms: int = 30_000) -> None:
        self.lab.cell(index).locator(".jp-Cell-outputArea").get_by_text(text).first.wait_for(
            state="visible", timeout=timeout_ms)


def _screenshot_below_the_magic(lab: LabPage, name: str) -> None:
    """The page from the magic's plan down: its last outputs, then the section cells below it."""
    lab.page.evaluate("() => { const outputs = window.jupyterapp.shell.currentWidget.content.widgets[1].node"
                      ".querySelectorAll('.jp-OutputArea-child');"
                      " outputs[Math.max(0, outputs.length - 2)].scrollIntoView({block: 'start'}); }")
    lab.page.wait_for_timeout(200)  # the scroll settles
    size = lab.page.viewport_size
    lab.page.screenshot(path=str(lab.shots / f"{name}.png"), clip={"x": 0, "y": 0, "width": size["width"], "height": 900})


def _section_videos(run: ExtensionRun) -> dict:
    """Section id -> whether its cell shows a preview video (one that has a source and a size)."""
    shown = {}
    for section in SECTIONS:
        video = run.lab.cell(run.index_of(section)).locator(".jp-OutputArea-output video")
        if video.count():
            video.first.wait_for(state="attached", timeout=10_000)
        shown[section] = video.count() > 0 and video.first.evaluate(
            "v => !!(v.currentSrc || v.src) && v.getBoundingClientRect().width > 100")
    return shown


def _wait_for_the_run(lab: LabPage, index: int, button: str) -> None:
    """The cell the extension ran: its new outputs hold `button` and the kernel is idle again."""
    lab.cell(index).get_by_role("button", name=button).first.wait_for(state="visible", timeout=180_000)
    lab.page.wait_for_function("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.status"
                               " === 'idle'", timeout=60_000)
    lab.wait_for_outputs(index)


def _what_the_cell_shows(lab: LabPage, index: int) -> dict:
    """What a user sees in cell `index`: videos, banners, the "edited" mark, live and static cards."""
    return lab.cell(index).evaluate("""c => {
        const visible = n => !!(n.offsetWidth || n.offsetHeight || n.getClientRects().length);
        const text = c.querySelector('.jp-Cell-outputArea').innerText;
        return {videos: [...c.querySelectorAll('.jp-OutputArea-output video')].filter(visible).length,
                dirty: c.classList.contains('jp-mod-dirty'),
                runIt: /run (it|this cell) to (see|take)/i.test(text),
                static: [...c.querySelectorAll('.c2v-static')].filter(visible).length,
                buttons: [...c.querySelectorAll('.jp-OutputArea-output button')].filter(visible).length,
                images: [...c.querySelectorAll('.jp-OutputArea-output img')].filter(visible).length,
                text};
    }""")


def _widget_errors(lab: LabPage) -> list[str]:
    """Every "Error displaying widget" the notebook shows."""
    return lab.page.evaluate("() => [...window.jupyterapp.shell.currentWidget.node.querySelectorAll("
                             "'.jp-OutputArea-output')].map(n => n.innerText)"
                             ".filter(t => t.includes('Error displaying widget'))")


def _save(lab: LabPage) -> None:
    lab.page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
    lab.page.wait_for_function("() => !window.jupyterapp.shell.currentWidget.context.model.dirty", timeout=30_000)


def _fix_reply(code: str, broken: str, line: int) -> str:
    """What the scripted model answers to the fix request: the failing block, repaired."""
    return f"```python\n{cut(code, scope_for_line(broken, line))}```"


def _run_scenario(run: ExtensionRun, server, model) -> None:
    lab = run.lab
    with _Step(run, "open", server):
        lab.open(server, "lecture.ipynb")
        lab.page.evaluate("() => window.jupyterapp.shell.collapseLeft()")

    with _Step(run, "load", server):
        lab.run_cell(0, timeout_ms=60_000)
        lab.cell(0).get_by_text("with the code2video extension").first.wait_for(state="visible", timeout=15_000)
        run.outputs["load"] = lab.output_texts(0)
        lab.screenshot_cell(0, "ext-1-load")

    with _Step(run, "magic", server):
        lab.run_cell(1, timeout_ms=180_000)
        run.wait_for_text(1, "Inserted 3 section cells below")
        lab.wait_for_outputs(1)
        run.outputs["magic"] = lab.output_texts(1)
        run.seen["panel"] = lab.cell(1).locator(".jupyter-widget-TabPanel, .widget-tab, .lm-TabBar").count()
        run.snapshot("magic")
        run.seen["inserted videos"] = _section_videos(run)
        _screenshot_below_the_magic(lab, "ext-2-cells")
        lab.screenshot_cell(run.index_of("1"), "ext-2b-inserted-preview")  # its preview, not yet run

    with _Step(run, "preview", server):
        index = run.index["preview"] = run.index_of("2")
        lab.run_cell(index, timeout_ms=120_000)
        video = lab.cell(index).locator(".jp-OutputArea-output video").first
        video.wait_for(state="visible", timeout=15_000)
        run.seen["video"] = video.evaluate("v => ({src: !!(v.currentSrc || v.src || v.querySelector('source')),"
                                           " width: v.getBoundingClientRect().width})")
        run.outputs["preview"] = lab.output_texts(index)
        lab.screenshot_cell(index, "ext-3-preview")

    with _Step(run, "autofix", server):
        index = run.index["autofix"] = run.index_of("1")
        code = run.section_file("1")
        line = next(n for n, text in enumerate(code.splitlines(), 1) if "Create(" in text)
        broken = code.replace("Create(", "Creat(", 1)
        model.script("fix:1", _fix_reply(code, broken, line))
        run.seen["broken"] = f"{header('1')}\n{broken}"
        lab.set_source(index, run.seen["broken"])
        lab.run_cell(index, timeout_ms=180_000)
        run.wait_for_source(index, "!s.includes('Creat(')")
        run.wait_for_text(index, "This cell now holds the fixed code")
        lab.wait_for_outputs(index)
        run.seen["fix requests"] = model.count("fix:1")
        run.outputs["autofix"] = lab.output_texts(index)
        run.snapshot("autofix")
        lab.screenshot_cell(index, "ext-4-autofix")

    with _Step(run, "conflict", server):
        index = run.index["conflict"] = run.index_of("3")
        planted = run.section_file("3")
        assert PLANT_FROM in planted, "section 3 of the demo no longer places `power` at E4"
        planted = f"{header('3')}\n{planted.replace(PLANT_FROM, PLANT_TO)}"
        lab.set_source(index, planted)
        lab.run_cell(index, timeout_ms=180_000)
        cell = lab.cell(index)
        cell.get_by_role("button", name="Accept").first.wait_for(state="visible", timeout=30_000)
        # the user types a line at the end of the cell, then accepts the suggestion made for what ran
        cell.locator(".jp-InputArea-editor .cm-content").click()
        lab.page.keyboard.press("Control+End")
        lab.page.keyboard.type(TYPED)
        lab.page.keyboard.press("Enter")
        run.wait_for_source(index, f"s.includes({TYPED!r})")
        run.seen["edited"] = lab.sources()[index]
        cell.get_by_role("button", name="Accept").first.click()
        run.wait_for_text(index, "You edited this cell since it ran", timeout_ms=60_000)
        lab.wait_for_outputs(index)
        run.outputs["conflict"] = lab.output_texts(index)
        run.seen["planted"] = planted
        run.snapshot("conflict")
        lab.screenshot_cell(index, "ext-5-conflict")

    with _Step(run, "accept", server):
        index = run.index["accept"] = run.index_of("3")
        cell = lab.cell(index)
        cell.get_by_role("button", name="Take the suggestion").click()
        run.wait_for_source(index, "s.includes('FadeOut(diag')")
        _wait_for_the_run(lab, index, "Undo this accept")
        run.outputs["accept"] = lab.output_texts(index)
        run.seen["accept"] = _what_the_cell_shows(lab, index)
        run.snapshot("accept")
        lab.screenshot_cell(index, "ext-6-accepted")

    with _Step(run, "undo", server):
        index = run.index["undo"] = run.index_of("3")
        lab.cell(index).get_by_role("button", name="Undo this accept").click()
        run.wait_for_source(index, "!s.includes('FadeOut(diag')")
        _wait_for_the_run(lab, index, "Accept")
        run.outputs["undo"] = lab.output_texts(index)
        run.seen["undo"] = _what_the_cell_shows(lab, index)
        run.snapshot("undo")
        lab.screenshot_cell(index, "ext-6b-undone")

    with _Step(run, "reload", server):
        _save(lab)
        lab.open(server, "lecture.ipynb")
        index = run.index["reload"] = run.index_of("3")
        lab.wait_for_outputs(index)
        lab.page.wait_for_timeout(1500)  # the widget manager restores or gives up on its models
        lab.wait_for_outputs(index)
        run.outputs["reload"] = lab.output_texts(index)
        run.seen["reload"] = _what_the_cell_shows(lab, index)
        run.seen["reload errors"] = _widget_errors(lab)
        lab.screenshot_cell(index, "ext-6c-reload")

    with _Step(run, "restart", server):
        lab.page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.restart()")
        lab.page.wait_for_function("() => { const k = window.jupyterapp.shell.currentWidget.sessionContext"
                                   ".session.kernel; return k.connectionStatus === 'connected' && k.status === 'idle'; }",
                                   timeout=60_000)
        index = run.index["restart"] = run.index_of("3")
        lab.cell(index).locator(".c2v-static").first.wait_for(state="visible", timeout=30_000)
        lab.wait_for_outputs(index)
        run.outputs["restart"] = lab.output_texts(index)
        run.seen["restart"] = _what_the_cell_shows(lab, index)
        run.seen["restart errors"] = _widget_errors(lab)
        lab.screenshot_cell(index, "ext-6d-restart")

    with _Step(run, "export", server):
        _save(lab)
        exported = run.root / "lecture.html"
        # nbconvert's HTML exporter, as `jupyter nbconvert --to html` runs it, here in this process
        # (the command's own start, its application and entry points, cost ~3 s of CPU more)
        from nbconvert import HTMLExporter

        exported.write_text(HTMLExporter().from_filename(str(run.root / "lecture.ipynb"))[0], encoding="utf-8")
        run.seen["export"] = exported.read_text(encoding="utf-8")
        run.seen["saved"] = nbformat.read(str(run.root / "lecture.ipynb"), as_version=4)
        page = lab.page.context.browser.new_page(viewport={"width": 1280, "height": 900})
        try:
            page.goto(exported.as_uri())
            shown = page.locator(".c2v-static").filter(has_text="Left on screen").first
            shown.scroll_into_view_if_needed()
            run.seen["export visible"] = shown.is_visible()
            page.screenshot(path=str(lab.shots / "ext-6e-export.png"))
        finally:
            page.close()

    with _Step(run, "dismiss", server):
        lab.run_cell(0, timeout_ms=60_000)  # the kernel restarted: load the extension again
        lab.cell(0).get_by_text("with the code2video extension").first.wait_for(state="visible", timeout=15_000)
        index = run.index["dismiss"] = run.index_of("3")
        lab.run_cell(index, timeout_ms=180_000)  # running the cell brings the live card back
        cell = lab.cell(index)
        cell.get_by_role("button", name="Dismiss").first.wait_for(state="visible", timeout=30_000)
        run.seen["live again"] = cell.get_by_role("button", name="Accept").count()
        cell.get_by_role("button", name="Dismiss").first.click()
        run.wait_for_text(index, "Dismissed:")
        unrelated = lab.sources()[index].rstrip("\n") + "\n" + UNRELATED + "\n"
        lab.set_source(index, unrelated)
        lab.run_cell(index, timeout_ms=180_000)
        run.outputs["dismiss"] = lab.output_texts(index)
        run.seen["dismiss buttons"] = cell.get_by_role("button", name="Dismiss").count()
        run.snapshot("dismiss")
        lab.screenshot_cell(index, "ext-6f-dismissed")

    with _Step(run, "rerun", server):
        lab.run_cell(1, timeout_ms=180_000)
        run.wait_for_text(1, "Replaced the 3 section cells below")
        lab.page.wait_for_timeout(500)  # a second, wrong insert would land by now
        run.snapshot("rerun")
        run.outputs["rerun"] = lab.output_texts(1)
        run.seen["rerun videos"] = _section_videos(run)
        _screenshot_below_the_magic(lab, "ext-7-rerun")

    with _Step(run, "console", server):  # a second connection without the extension, on the same kernel
        # Another browser tab with only a console on this kernel: its connection is the first one of its
        # page, so it handles comms, and it has no code2video target (the extension serves notebooks).
        # (A console in the notebook's own page would not: JupyterLab lets one connection per kernel
        # and page handle comms.)
        kernel = lab.page.evaluate("() => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.id")
        other = lab.page.context.browser.new_page(viewport={"width": 1000, "height": 600})
        closed = []
        other.on("console", lambda m: closed.append(m.text) if m.type == "error" else None)
        other.goto(f"{server.url}/lab/workspaces/console-tab?reset&token={server.token}", timeout=60_000)
        other.wait_for_function("() => window.jupyterapp && window.jupyterapp.commands.hasCommand('console:create')",
                                timeout=60_000)
        other.evaluate("async (id) => { await window.jupyterapp.commands.execute('console:create',"
                       " {kernelPreference: {id}}); }", kernel)
        other.wait_for_function(
            "(id) => [...window.jupyterapp.shell.widgets('main')].some(w => { const k = w.console"
            " && w.console.sessionContext.session && w.console.sessionContext.session.kernel;"
            " return k && k.id === id && k.connectionStatus === 'connected' && k.handleComms; })",
            arg=kernel, timeout=30_000)
        lab.set_source(0, "%reload_ext code2video_nb")  # greets again: the console sees the hello too
        lab.run_cell(0, timeout_ms=60_000)
        lab.page.wait_for_function(
            "() => { const t = window.jupyterapp.shell.currentWidget.content.widgets[0].node.innerText;"
            " return t.includes('with the code2video extension') && !t.includes('waiting'); }", timeout=15_000)
        run.outputs["console load"] = lab.output_texts(0)
        lab.run_cell(1, timeout_ms=180_000)
        run.wait_for_text(1, "Replaced the 3 section cells below")
        lab.page.wait_for_timeout(500)
        run.snapshot("console")
        run.seen["console errors"] = closed  # "Exception opening new comm": the console closed them
        lab.screenshot_page("ext-8-console")
        other.screenshot(path=str(lab.shots / "ext-8-console-tab.png"))
        other.close()


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    _requirements()
    _extension_requirement()
    root, home = lab_folders(tmp_path_factory.mktemp("browser-extension"))
    _notebook(root / "lecture.ipynb")
    shots = screenshots_of("extension")
    started = time.monotonic()
    with ScriptedServer() as model:
        model.script_cassette(CASSETTE)
        env = {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": model.base_url}
        with running_lab(root, home, labextension=True, env=env) as server, lab_page(shots, VIEWPORT) as lab:
            result = ExtensionRun(lab, root)
            _run_scenario(result, server, model)
            result.seconds["total"] = time.monotonic() - started
            print("browser extension check: " + ", ".join(f"{k} {v:.1f} s" for k, v in result.seconds.items())
                  + f"; the console's connection logged: {result.seen.get('console errors')}")
            yield result
    shutil.rmtree(home / "runtime", ignore_errors=True)


# --- the checks -------------------------------------------------------------------------------

def _section_cells(cells: list) -> list:
    return [(i, source, meta) for i, (source, meta) in enumerate(cells) if meta is not None]


def test_load_ext_says_the_extension_answered(run):
    text = "\n".join(run.outputs["load"])
    assert "with the code2video extension" in text and "waiting" not in text, text


def test_section_cells_appear_below_the_magic_in_order_with_source_and_metadata(run):
    cells = run.cells["magic"]
    assert [source for source, _ in cells[:2]] == [LOAD, MAGIC] and cells[-1][0] == NOTES, (
        f"the section cells are not between the magic and the next cell: {[s.splitlines()[0] for s, _ in cells]}")
    inserted = cells[2:-1]
    assert [meta for _, meta in inserted] == [{"lecture": SLUG, "section": s} for s in SECTIONS]
    for (source, _), section in zip(inserted, SECTIONS):
        assert source == f"{header(section)}\n{run.files['magic'][section]}", (
            f"section {section}'s cell does not hold %%c2v_section + sections/{section}.py:\n{source[:300]}")


def test_with_the_extension_there_is_no_fallback_panel(run):
    text = "\n".join(run.outputs["magic"])
    assert run.seen["panel"] == 0, f"the magic also shows the fallback panel:\n{text[-1500:]}"
    assert "Inserted 3 section cells below ✓" in text, text[-1500:]


def test_inserted_section_cells_already_show_their_previews_and_the_progress_names_every_section(run):
    """Issue 21 §5: the magic rendered every section, so each inserted cell shows its preview at once
    (nothing must be run again); the progress ends naming every section and where its preview is."""
    assert run.seen["inserted videos"] == {s: True for s in SECTIONS}, run.seen["inserted videos"]
    progress = next(t for t in run.outputs["magic"] if t.strip().startswith(f"code2video: {TOPIC}"))
    for section in SECTIONS:
        assert re.search(rf"✓ {section}\. .+: rendered in \d+\.\d s.* — preview in its cell below", progress), progress
    assert progress.strip().splitlines()[-1].startswith("✓ 3 sections planned, 3 rendered"), progress


def test_rerunning_the_magic_says_replaced_and_keeps_the_previews(run):
    """Issue 21 §6: re-running the magic replaced its cells (and says so), with their previews in place."""
    assert any("Replaced the 3 section cells below ✓" in t for t in run.outputs["rerun"]), run.outputs["rerun"]
    assert run.seen["rerun videos"] == {s: True for s in SECTIONS}, run.seen["rerun videos"]


def test_running_a_section_cell_shows_its_preview_video(run):
    assert run.seen["video"]["src"] and run.seen["video"]["width"] > 100, run.seen["video"]
    assert "video: code2video/" in "\n".join(run.outputs["preview"])


def test_auto_fix_replaces_the_section_cell_s_source(run):
    index, fixed = run.index["autofix"], run.files["autofix"]["1"]
    assert run.seen["fix requests"] == 1  # asked the scripted model once
    assert "Creat(" not in fixed and "Create(" in fixed
    assert run.cells["autofix"][index][0] == f"{header('1')}\n{fixed}", "the cell does not hold the fixed code"
    text = "\n".join(run.outputs["autofix"])
    assert re.search(r"Auto-fix: fixed line \d+: NameError", text), text
    assert "This cell now holds the fixed code ✓" in text, text


def test_accept_after_the_user_edited_the_cell_leaves_the_edit_and_offers_both(run):
    index = run.index["conflict"]
    expected = run.seen["planted"] + TYPED + "\n"
    assert run.seen["edited"] == expected, "typing into the cell did not give the expected text"
    assert run.cells["conflict"][index][0] == expected, (
        f"the accepted code overwrote the user's edit:\n{run.cells['conflict'][index][0][-400:]}")
    text = "\n".join(run.outputs["conflict"])
    assert text.count("You edited this cell since it ran") == 1, text[-1500:]  # said once
    assert "Keep mine" in text and "Take the suggestion (into my edit)" in text, text[-1500:]


def test_take_the_suggestion_puts_the_fix_into_the_edit_and_leaves_one_current_preview(run):
    index, code = run.index["accept"], run.files["accept"]["3"]
    assert "FadeOut(diag" in code and TYPED in code  # the fix, put into the user's edit
    assert run.cells["accept"][index][0] == f"{header('3')}\n{code}"
    seen = run.seen["accept"]
    assert seen["videos"] == 1, seen  # one preview: the cell's run of the new code
    assert not seen["runIt"] and not seen["dirty"], seen  # nothing asks to run it; no "edited" mark
    text = "\n".join(run.outputs["accept"])
    assert "Accepted: Left on screen" in text and "nothing to suggest for this code" in text, text[-1500:]


def test_undo_says_what_it_undoes_and_the_cell_goes_back(run):
    index = run.index["undo"]
    assert run.cells["undo"][index][0] == run.seen["edited"]  # the edit, without the fix
    seen = run.seen["undo"]
    assert seen["videos"] == 1 and not seen["runIt"] and not seen["dirty"], seen
    assert "Left on screen" in seen["text"], seen["text"][-1500:]  # the card is back for this code


def test_after_a_reload_no_card_reads_model_not_found(run):
    assert run.seen["reload errors"] == [], run.seen["reload errors"]
    seen = run.seen["reload"]
    assert "Left on screen" in seen["text"] and "model not found" not in seen["text"], seen["text"][-1500:]


def test_after_a_kernel_restart_the_cards_are_static_html(run):
    assert run.seen["restart errors"] == [], run.seen["restart errors"]
    seen = run.seen["restart"]
    assert seen["static"] >= 1 and seen["buttons"] == 0, seen  # the static rendering, no dead buttons
    assert "Left on screen" in seen["text"] and "Run this cell to bring back the buttons" in seen["text"], seen
    assert seen["images"] >= 1, seen  # the outlined keyframe


def test_the_exported_notebook_shows_the_cards_as_static_html(run):
    page = run.seen["export"]
    assert "model not found" not in page and "Error displaying widget" not in page
    assert 'class="c2v-static"' in page and "Left on screen" in page and "data:image/png;base64," in page
    assert run.seen["export visible"]
    kernelspec = run.seen["saved"].metadata.get("kernelspec", {})
    assert kernelspec.get("name") == "python3", kernelspec


def test_running_the_cell_brings_the_live_card_back_and_a_dismissal_outlives_an_unrelated_edit(run):
    assert run.seen["live again"] >= 1
    index = run.index["dismiss"]
    assert run.cells["dismiss"][index][0].endswith(UNRELATED + "\n")
    assert UNRELATED in run.files["dismiss"]["3"]  # the edit ran
    text = "\n".join(run.outputs["dismiss"])
    assert run.seen["dismiss buttons"] == 0 and "Left on screen" not in text, text[-1500:]
    assert "nothing to suggest for this code ✓ (1 dismissed)" in text, text[-1500:]  # hidden, and said so


def test_rerunning_the_magic_replaces_its_section_cells(run):
    before, after = run.cells["dismiss"], run.cells["rerun"]
    assert len(after) == len(before) == 3 + len(SECTIONS), [s.splitlines()[0] for s, _ in after]
    assert [meta["section"] for _, _, meta in _section_cells(after)] == list(SECTIONS)
    assert [s for s, _ in after] == [LOAD, MAGIC, *(f"{header(s)}\n{run.files['rerun'][s]}" for s in SECTIONS), NOTES]


def test_a_console_on_the_same_kernel_does_not_stop_the_notebook_s_extension(run):
    """Part 4 of issue 9: the console has no code2video comm target and closes the kernel's comms."""
    text = "\n".join(run.outputs["console load"])
    assert "with the code2video extension" in text, text
    assert run.cells["console"][1:] == run.cells["rerun"][1:]  # the magic's cells replaced once more
    closes = [t for t in run.seen["console errors"] if "Exception opening new comm" in t]
    assert len(closes) >= 2, ("the console tab did not close the kernel's comms (hello, insert_cells), so this "
                              f"checked nothing: it logged {run.seen['console errors']}")


def test_no_console_error_from_the_extension(run):
    errors = [c for c in run.lab.console if c.kind in ("error", "pageerror") and c.step != "console"
              and re.search(r"code2video|comm", c.text, re.I)]
    assert not errors, "\n".join(f"[{c.step}] {c.kind}: {c.text}" for c in errors)
