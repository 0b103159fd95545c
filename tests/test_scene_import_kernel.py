"""`%c2v open FILE.py` in a real kernel: a scene file written elsewhere comes back as a section
cell, through the same delivery a planned lecture's cells take, and running that cell renders it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from kernel_harness import of_type, running_kernel
from test_notebook_kernel import outputs, ready_lab

DATA = Path(__file__).parent / "data" / "imported"


def inserted(messages: list[dict]) -> list[dict]:
    return [m["content"]["data"] for m in of_type(messages, "comm_open")
            if m["content"]["data"].get("op") == "insert_cells"]


@pytest.mark.render
def test_an_opened_file_is_a_section_cell_that_renders(tmp_path):
    scene = shutil.copy(DATA / "primes_6x6.py", tmp_path / "primes_6x6.py")
    text = Path(scene).read_text()
    with running_kernel(tmp_path, timeout=300) as fe:
        ready_lab(fe)
        messages = fe.run("%c2v open primes_6x6.py", "open-cell")
        assert "Opened primes_6x6.py as section 1 of lecture primes-6x6" in outputs(messages)
        (request,) = inserted(messages)
        assert request["after_cell_id"] == "open-cell"
        (cell,) = request["cells"]
        assert cell["source"] == "%%c2v_section primes-6x6/1\n" + text  # the file as written, byte for byte
        assert cell["metadata"]["code2video"] == {"lecture": "primes-6x6", "section": "1"}
        shown = outputs(fe.run(cell["source"], "cell-1"))
        # JupyterLab with the extension serves the notebook's folder: the preview plays from the lecture's
        assert re.search(r'<video[^>]*src="code2video/primes-6x6/previews/1\.mp4\?v=', shown)
        assert shown.count('<img class="c2v-keyframe"') == 2  # one per lecture line the file passes
        assert "1. What makes a number prime" in shown
        assert (tmp_path / "code2video" / "primes-6x6" / "previews" / "1.mp4").is_file()


def test_without_the_extension_the_opened_file_is_offered_as_the_next_cell(tmp_path):
    shutil.copy(DATA / "fractions_5x5.py", tmp_path / "fractions.py")
    shutil.copy(DATA / "chessboard_8x8.py", tmp_path / "knight.py")
    with running_kernel(tmp_path, timeout=120) as fe:
        fe.run("%load_ext code2video_nb", cell_id=None)  # classic Notebook: no cellId, no extension
        fe.run("%c2v open fractions.py knight.py --into grids", cell_id=None)
        offered = fe.payloads()
        assert len(offered) == 1 and offered[0]["text"] == \
            "%%c2v_section grids/1\n" + (tmp_path / "fractions.py").read_text()
        bad = fe.run("%c2v open missing.py", cell_id=None, check=False)
        assert fe.last_reply["ename"] == "UsageError"
        assert outputs(bad).strip() == "UsageError: missing.py: no such file"
