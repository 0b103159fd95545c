"""The render process's boundary, typed (`render_job.py`): the job the parent writes and the result
the child writes back, each read with a check that names the first bad field. The result is the
scene's to write too (it runs in the same process and may write its job folder), so a result the
parent cannot trust is a failed render that says why, never an exception in the editor."""

from __future__ import annotations

from pathlib import Path

import pytest

from code2video_nb.render.child.render_job import (
    BoundaryError,
    Frame,
    KeyframesDrawn,
    PlaysDone,
    RenderJob,
    RenderResult,
    job_from_json,
    progress_line,
    read_progress,
    result_from_json,
    to_json,
)
from code2video_nb.render.renderer import RenderOptions, render_file
from code2video_nb.sandbox.confine import Confinement


def test_a_job_and_a_result_cross_the_boundary_unchanged():
    job = RenderJob(file="/l/sections/1.py", scene="Part1", quality="preview", media_dir="/l/.media/1",
                    result="/j/result.json", temp_dir="/j/tmp", block_minimums=(1.5, 2.0), reuse_keys=("ab", "cd"),
                    confine=Confinement(writable=("/l/.media/1", "/j"), tools=("/usr/bin/latex",)),
                    tex_cache={"Tex": "/c/Tex", "texts": "/c/texts"})
    assert job_from_json(to_json(job)) == job
    result = RenderResult(False, error_type="NameError", message="name 'Creat' is not defined",
                          frames=(Frame("/l/sections/1.py", 12, "construct", "Creat(x)"),), traceback="...")
    assert result_from_json(to_json(result)) == result


@pytest.mark.parametrize("text, named", [
    ('{"ok": true, "duration": "long"}', "RenderResult.duration: Input should be a valid number"),
    ('{"ok": false, "frames": [{"file": "/x.py", "line": "twelve"}]}', "RenderResult.frames.0.line"),
    ('{"video": "/m/v.mp4"}', "RenderResult.ok: Field required"),
    ('[1, 2]', "RenderResult.(the file)"),
])
def test_a_bad_result_names_its_field_in_one_line(text, named):
    with pytest.raises(BoundaryError) as caught:
        result_from_json(text)
    assert str(caught.value).startswith(named) and "\n" not in str(caught.value)
    assert not caught.value.truncated


def test_a_job_missing_a_field_names_it():
    with pytest.raises(BoundaryError, match=r"^RenderJob\.scene: Field required"):
        job_from_json('{"file": "/l/1.py", "quality": "preview", "media_dir": "/m", "result": "/r", "temp_dir": "/t"}')


FORGED = '''from manim import *
import json, os
from pathlib import Path


class Forger(Scene):
    def construct(self):
        # The job folder holds the result file (TMPDIR is its tmp/): write one and leave at once.
        result = Path(os.environ["TMPDIR"]).parent / "result.json"
        result.write_text(json.dumps({"ok": True, "video": None, "duration": "forever"}))
        os._exit(0)
'''


def test_a_result_the_scene_forged_is_a_failed_render_naming_the_field(tmp_path):
    path = tmp_path / "forger.py"
    path.write_text(FORGED)
    outcome = render_file(path, RenderOptions(tmp_path / "media", 60, dry_run_only=True))
    assert not outcome.ok and outcome.error_type == "RenderError"
    assert "does not read as one: RenderResult.duration: Input should be a valid number" in outcome.message
    assert outcome.message.endswith("'forever'") and "\n" not in outcome.message


def test_options_or_keywords_not_both(tmp_path):
    with pytest.raises(TypeError, match="not both"):
        render_file(Path("x.py"), RenderOptions(tmp_path, 1), timeout=2)


def test_a_job_run_by_hand_that_does_not_read_is_one_line(tmp_path, capsys):
    from code2video_nb.render.child import render_worker

    bad = tmp_path / "job.json"
    bad.write_text('{"file": 3}')
    assert render_worker.main(["render_worker", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "RenderJob.file: Input should be a valid string" in err


def test_progress_events_cross_as_lines_and_what_is_not_one_is_skipped():
    """The parent polls the progress file while the child appends to it: a line still being
    written is not read yet, and a line the scene wrote there itself is not an event."""
    written = [PlaysDone(0, 3), KeyframesDrawn((1, 2)), PlaysDone(1, 3)]
    text = "".join(progress_line(event) for event in written)
    junk = 'hello from the scene\n{"kind": "plays", "done": "x", "total": 3}\n{"kind": "keyframes"}\n[1]\n'
    assert read_progress(text + junk + progress_line(PlaysDone(2, 3))[:-4]) == written
    assert read_progress(text + progress_line(PlaysDone(2, 3))) == [*written, PlaysDone(2, 3)]
