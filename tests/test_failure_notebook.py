"""04_when_a_section_fails.ipynb run as a teacher would run it (nbclient, a real kernel, real
renders): a typo in a replayed demo section, with no key and then with a live model.

Without a key the cell shows one line naming the cell's line and the two ways out (fix it by
hand, or set a key), with no traceback; `%c2v status` keeps the error until the hand fix
renders. With a key and an endpoint (the scripted OpenAI-compatible server on loopback),
the recording has no fix for the typo, so auto-fix asks the live model and the same cell
is repaired.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest

from code2video_nb.scopes import cut, scope_for_line
from code2video_nb.scripted_server import ScriptedServer

from test_example_notebooks import EXAMPLES, SLUG, code_cells, run_copy, shown

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "example_notebooks"))
import make_examples  # noqa: E402  (the notebook's own source: the typo and its line)

NAME = "04_when_a_section_fails.ipynb"
pytestmark = pytest.mark.render


def typo_cells(nb):
    cells = code_cells(nb, f"%%c2v_section {SLUG}/{make_examples.TYPO_SECTION}")
    broken = [c for c in cells if make_examples.TYPO_TO in c.source]
    fixed = [c for c in cells if make_examples.TYPO_TO not in c.source]
    return broken[0], fixed[0]


def status_row(cell, section_id: str) -> str:
    """The section's row of a `%c2v status` table, as its text form reads ("1 | title | …")."""
    text = "\n".join(o.data.get("text/plain", "") for o in cell.outputs if o.output_type == "display_data")
    return next(r for r in text.splitlines() if r.startswith(f"{section_id} |"))


def typo_line(cell) -> int:
    """The typo's line counted in the cell, as the user sees it (the magic line is line 1)."""
    return next(i for i, text in enumerate(cell.source.splitlines(), 1) if make_examples.TYPO_TO in text)


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    return run_copy(tmp_path_factory, NAME)  # silent: conftest's isolated_session_env


def test_a_typo_without_a_key_is_one_line_naming_the_cell_line_and_the_two_ways_out(offline):
    nb, _ = offline
    broken, _ = typo_cells(nb)
    line = typo_line(broken)
    text = shown(broken)
    errors = [o for o in broken.outputs if o.output_type == "error"]
    assert not errors and "Traceback" not in text.split("<details")[0]  # no traceback, only the message
    message = re.search(r'<div style="color: #d32f2f; font-weight: 600">([^<]*)</div>', text)
    assert message, text[:2000]
    message = message.group(1)
    assert f"line {line} of the cell" in message and "Creat" in message
    assert "by hand" in message and "%env OPENAI_API_KEY=" in message
    assert "recording" not in message.split("demo recording has no fix")[0]  # no internal words before that
    assert "<details>" in text and "NameError" in text.split("<details>")[1]  # the full log, one click away
    assert "✗" in text and "repairing" not in re.sub(r"<[^>]+>", "", text).split("✗")[-1]  # progress closed


def test_status_shows_the_error_until_the_hand_fix_renders(offline):
    nb, folder = offline
    broken, fixed = typo_cells(nb)
    first, second = (status_row(c, make_examples.TYPO_SECTION) for c in code_cells(nb, "%c2v status"))
    section_row = first
    assert f"line {typo_line(broken)} of the cell" in section_row and "Creat" in section_row
    assert "needs a model" in section_row
    assert "<video" in shown(fixed)
    section_row = second
    assert "Creat" not in section_row and "✓ video" in section_row
    state = json.loads((folder / "code2video" / SLUG / "lecture.json").read_text())
    assert state["sections"][make_examples.TYPO_SECTION].get("error") is None


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """The same notebook with a key and an endpoint set; the endpoint has the fix for the typo."""
    # The demo's section as the stored notebook's hand-fixed cell holds it (make_examples.py writes
    # it from the demo lecture), rather than rendering the whole demo again to read it.
    _, fixed = typo_cells(nbformat.read(str(EXAMPLES / NAME), as_version=4))
    code = fixed.source.split("\n", 1)[1]
    assert code.count(make_examples.TYPO_FROM) == 1, code
    broken = code.replace(make_examples.TYPO_FROM, make_examples.TYPO_TO)
    file_line = next(i for i, text in enumerate(broken.splitlines(), 1) if make_examples.TYPO_TO in text)
    scope = scope_for_line(broken, file_line)
    reply = f"```python\n{cut(code, scope)}```"
    with ScriptedServer() as server:
        server.script(f"fix:{make_examples.TYPO_SECTION}", reply)
        nb, folder = run_copy(tmp_path_factory, NAME, {"OPENAI_API_KEY": "sk-test", "OPENAI_BASE_URL": server.base_url})
        yield nb, folder, server


def test_with_a_live_model_the_same_cell_is_fixed(live):
    nb, folder, server = live
    broken, _ = typo_cells(nb)
    text = shown(broken)
    assert server.count(f"fix:{make_examples.TYPO_SECTION}") == 1  # the recording lacked it: asked live
    assert "<video" in text and f"Auto-fix: fixed line {typo_line(broken)}: NameError" in text
    assert 'color: #d32f2f' not in text
    row = status_row(code_cells(nb, "%c2v status")[0], make_examples.TYPO_SECTION)
    assert "fixed (1 attempt)" in row and "✓ video" in row
