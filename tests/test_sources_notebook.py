"""Notes in the notebook: `%%code2video --from notes.md`, a cell body that is notes, and the round
trip (`%c2v notebook` keeps each section's citation), in a real in-process IPython shell."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import nbformat
import pytest

DEMO = resources.files("code2video_nb").joinpath("demo")
NOTES = Path(str(DEMO.joinpath("notes", "eigenvectors.md")))
CASSETTE = str(DEMO.joinpath("eigenvectors_notes.json"))
HEADINGS = ["What is an eigenvector?", "Eigenvalues: the stretch factor", "Eigenbasis: a basis of eigenvectors"]


def _session(ip):
    return ip.magics_manager.registry["Code2Video"].session


def test_from_notes_plans_one_cited_section_per_heading_and_the_notebook_keeps_the_citations(ip, tmp_path):
    ip.run_line_magic("code2video", f"--from {NOTES} --no-render --replay {CASSETTE}")
    ws = _session(ip).workspace(None)
    assert ws.slug == "eigenvectors-and-eigenvalues"
    assert [s.extra["source"]["part"] for s in ws.storyboard.sections] == HEADINGS
    assert ws.outline.extra["source"]["name"] == "eigenvectors.md"

    ip.run_line_magic("c2v", "notebook lecture.ipynb")
    nb = nbformat.read(str(tmp_path / "lecture.ipynb"), as_version=4)
    assert "from the notes `eigenvectors.md`" in nb.cells[0].source
    assert nb.metadata.kernelspec.name == "python3" and nb.metadata.language_info.name == "python"  # issue 21 §6
    markdown = [c.source for c in nb.cells[2:] if c.cell_type == "markdown"]
    assert "*From the notes, Eigenvalues: the stretch factor:* An eigenvector is only stretched" in markdown[1]
    code = [c.source for c in nb.cells if c.metadata.get("code2video")]
    assert code[1].splitlines()[2].startswith("#   from the notes: Eigenvalues: the stretch factor —")
    assert r'MathTex(r"\det(A - \lambda I) = 0")' in code[1]


def test_a_cell_body_with_headings_is_the_notes_and_editing_them_keeps_the_plan_with_a_note(ip, capsys):
    notes = NOTES.read_text(encoding="utf-8")
    ip.run_cell_magic("code2video", f"--no-render --replay {CASSETTE}", notes)
    ws = _session(ip).workspace(None)
    assert ws.lecture.topic == "Eigenvectors and eigenvalues"
    assert ws.outline.extra["source"]["name"] == "the cell's notes"
    assert [s.extra["source"]["part"] for s in ws.storyboard.sections] == HEADINGS
    capsys.readouterr()
    ip.run_cell_magic("code2video", f"--no-render --replay {CASSETTE}", notes + "\nOne more sentence.")
    assert "kept the existing plan (made with notes \"the cell's notes " in capsys.readouterr().out


def test_missing_notes_are_one_line(ip):
    from IPython.core.error import UsageError

    with pytest.raises(UsageError, match=r"missing\.md: cannot read the notes"):
        ip.run_line_magic("code2video", "--from missing.md --no-render --replay demo")
