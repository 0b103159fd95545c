"""The critic's cards as a teacher sees them: a real JupyterLab 4 in headless Chromium (see
tests/test_browser.py and tests/lab_harness.py for the set-up and what it needs).

  1. the demo lecture as rendered before (the run's `demo_lecture`: the cards are the point here,
     not the magic's render, which tests/test_browser.py and test_browser_extension.py see);
     `%load_ext code2video_nb` (no key)
  2. section 3's cell with its last formula placed on the diagonal matrix (B5), which is still
     on screen from the block before                                            -> 05-card.png
  3. the quiz under the preview: a wrong option, Check, the right one, Check   -> 05-quiz.png
  4. a click on the card's Accept                                              -> 06-accepted.png

The checks read what is visible: the card's problem line, its buttons and its outlined keyframe;
after Accept, the new preview in the card's place and the section file without the overlap.
"""

from __future__ import annotations

import shutil
import time

import nbformat
import pytest
from lab_harness import lab_folders, lab_page, running_lab, screenshots_of
from test_browser import LOAD, SLUG, VIEWPORT, _requirements, with_rendered_demo

pytestmark = [pytest.mark.browser, pytest.mark.render, pytest.mark.timeout(420)]

PLANT_FROM, PLANT_TO = 'self.place_at_grid(power, "E4")', 'self.place_at_grid(power, "B5")'


@pytest.fixture(scope="module")
def seen(tmp_path_factory, demo_lecture):
    _requirements()
    root, home = lab_folders(tmp_path_factory.mktemp("browser-cards"))
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(LOAD)]
    nbformat.write(nb, str(root / "cards.ipynb"))
    with_rendered_demo(root, demo_lecture)
    shots = screenshots_of("cards")
    result = {}
    with running_lab(root, home) as server, lab_page(shots, VIEWPORT) as lab:
        lab.open(server, "cards.ipynb")
        lab.page.evaluate("() => window.jupyterapp.shell.collapseLeft()")
        lab.run_cell(0, timeout_ms=60_000)
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
        yield result
    shutil.rmtree(home / "runtime", ignore_errors=True)


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
