"""`code2video critique`, run as a user runs it: a subprocess, real manim, the real sandbox.

The single-file JSON shape is a promise to tests outside the package: exactly one object,
`{"findings": [{"kind", "objects", "line", "block", "time", "message", "patch"}], "seconds"}`.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "data" / "critic_corpus"
DEFECTS = CORPUS / "t14_three_defects.py"  # too_small, overlap and stale_overlap, declared in its header
CLEAN = CORPUS / "t16_clean_demo_section_1.py"
CLI = "import sys; from code2video_nb.cli import main; sys.exit(main())"
FINDING_KEYS = {"kind", "objects", "line", "block", "time", "message", "patch"}

pytestmark = pytest.mark.render


def critique(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CLI, "critique", *map(str, args)], capture_output=True, text=True,
                          timeout=300)


def declared(path: Path) -> set[tuple[str, int]]:
    return {(k, int(n)) for k, n in re.findall(r"^# expect: (\w+) (\d+) block=\d+", path.read_text(), re.M)}


def test_json_is_one_object_of_the_promised_shape(tmp_path):
    shutil.copy(DEFECTS, tmp_path / "section.py")
    done = critique(tmp_path / "section.py", "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)  # one object, nothing else on stdout
    assert set(result) == {"findings", "seconds"} and 0 < result["seconds"] < 60
    assert {(f["kind"], f["line"]) for f in result["findings"]} == declared(DEFECTS)
    for finding in result["findings"]:
        assert set(finding) - {"patch_note"} == FINDING_KEYS  # patch_note: only for a withheld patch
        assert isinstance(finding["objects"], list) and all(isinstance(o, str) for o in finding["objects"])
        assert isinstance(finding["block"], int) and isinstance(finding["time"], float)
        assert finding["patch"] is None or set(finding["patch"]) == {"start", "end", "old", "new"}


def test_a_clean_file_exits_0_with_no_findings_and_the_text_form_reads_as_a_list(tmp_path):
    done = critique(CLEAN, "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["findings"] == []
    text = critique(DEFECTS)
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith(f"{DEFECTS}: 3 findings (")
    pattern = r"  too_small  units  line 20  block 1  at \d+\.\d s  units is \d+ px high"
    assert any(re.match(pattern, row) for row in lines)
    assert "      @@ before line 21 @@" in lines and any(row.startswith("      +") for row in lines)


def test_a_file_that_does_not_run_is_one_line_and_a_nonzero_exit(tmp_path):
    broken = tmp_path / "broken.py"
    broken.write_text(CLEAN.read_text().replace("Create(plane)", "Creat(plane)"))
    done = critique(broken, "--json")
    assert done.returncode == 1 and done.stdout == ""
    line = next(i for i, text in enumerate(broken.read_text().splitlines(), 1) if "Creat(plane)" in text)
    assert done.stderr.strip().splitlines() == [
        f"code2video: error: {broken} line {line}: NameError: name 'Creat' is not defined"]
    unsafe = tmp_path / "unsafe.py"
    unsafe.write_text(CLEAN.read_text().replace("from manim import *", "from manim import *\nimport subprocess"))
    done = critique(unsafe)  # the static check comes first, as for a render
    assert done.returncode == 1 and len(done.stderr.splitlines()) == 1
    assert done.stderr.startswith(f"code2video: error: {unsafe} line 5: UnsafeCode: line 5: imports subprocess")


def test_a_lecture_folder_gives_one_object_over_its_sections(tmp_path):
    lecture = tmp_path / "lecture"
    (lecture / "sections").mkdir(parents=True)
    (lecture / "lecture.json").write_text("{}")
    shutil.copy(DEFECTS, lecture / "sections" / "1.py")
    shutil.copy(CLEAN, lecture / "sections" / "2.py")
    done = critique(lecture, "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"findings", "seconds", "sections"} and set(result["sections"]) == {"1", "2"}
    assert {(f["section"], f["kind"], f["line"]) for f in result["findings"]} == {("1", *d) for d in declared(DEFECTS)}
    assert all(s["error"] is None and s["seconds"] > 0 for s in result["sections"].values())

    (lecture / "sections" / "2.py").write_text(CLEAN.read_text().replace("Create(plane)", "Creat(plane)"))
    done = critique(lecture, "--section", "2", "--json")
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1 and "NameError" in done.stderr
    result = json.loads(done.stdout)
    assert result["findings"] == [] and result["sections"]["2"]["error"].startswith("NameError")
    assert isinstance(result["sections"]["2"]["line"], int)

    done = critique(lecture, "--section", "7")
    assert done.returncode == 1 and done.stderr.strip() == (
        f"code2video: error: no section 7 in {lecture} (sections: 1, 2)")
