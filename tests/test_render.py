"""Rendering out of process: time limits, crashes, and errors mapped to the user's own line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from code2video_nb.grounding import facts_for_error
from code2video_nb.render.renderer import find_scene_class, render_file
from code2video_nb.scopes import scope_for_line
from code2video_nb.video import probe

DATA = Path(__file__).parent / "data"

SECTION = '''from manim import *
from code2video_nb.teaching_scene import TeachingScene


class SectionScene(TeachingScene):
    def construct(self):
        self.setup_lecture("Vectors", ["A vector has a direction", "It also has a length"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        arrow = Arrow(ORIGIN, RIGHT, buff=0)
        self.place_at_grid(arrow, "B3")
        self.play(GrowArrow(arrow), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        label = {LABEL}
        self.place_at_grid(label, "D3")
        self.play(FadeIn(label), run_time=0.5)
'''


def write(tmp_path: Path, code: str, name: str = "section.py") -> Path:
    path = tmp_path / name
    path.write_text(code)
    return path


def test_scene_class_is_found_by_structure_not_name():
    source = (DATA / "paper_style_section.py").read_text()
    assert find_scene_class(source) == "Section2Scene"  # not its inline TeachingScene base


@pytest.mark.render
def test_a_section_renders_with_block_timings(tmp_path):
    path = write(tmp_path, SECTION.replace("{LABEL}", 'Text("length = 1")'))
    reports = []
    outcome = render_file(path, media_dir=tmp_path / "media", timeout=120, on_progress=lambda *p: reports.append(p))
    assert outcome.ok, outcome.log
    assert abs(probe(outcome.video).duration - outcome.duration) < 0.2
    # Progress counts animations: the two highlights and the two plays. The first render has no
    # check pass to count them first (the render is the only pass), so its total is what is done...
    assert reports[-1] == (4, 4) and all(total >= done for done, total in reports)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)
    assert [k for k, _ in outcome.block_starts] == [1, 2]
    assert outcome.block_starts[1][1] > outcome.block_starts[0][1]
    # ...and after an edit, the total is known up front from the last render.
    write(tmp_path, SECTION.replace("{LABEL}", 'Text("length = 2")'))
    reports.clear()
    assert render_file(path, media_dir=tmp_path / "media", timeout=120, on_progress=lambda *p: reports.append(p)).ok
    assert reports[-1] == (4, 4) and {total for _, total in reports} == {4}


@pytest.mark.render
def test_paper_style_self_contained_file_renders_unchanged(tmp_path):
    path = write(tmp_path, (DATA / "paper_style_section.py").read_text(), "paper.py")
    outcome = render_file(path, media_dir=tmp_path / "media", timeout=120)
    assert outcome.ok, outcome.log
    info = probe(outcome.video)
    assert info.has_video and (info.width, info.height) == (854, 480) and info.duration > 2


def test_error_raised_deep_inside_manim_points_at_the_users_line(tmp_path):
    code = SECTION.replace("{LABEL}", 'Text("length = 1")').replace("buff=0)", "buff=0, colour=RED)")
    path = write(tmp_path, code)
    outcome = render_file(path, media_dir=tmp_path / "media", timeout=120, dry_run_only=True)
    assert not outcome.ok and outcome.error_type == "TypeError" and "colour" in outcome.message
    assert "colour=RED" in code.splitlines()[outcome.line - 1]  # the frame in manim is skipped
    assert scope_for_line(code, outcome.line).name == "Lecture Line 1 block"
    assert any("'color'" in fact for fact in facts_for_error(outcome.error, code, outcome.line))


@pytest.mark.render
def test_latex_error_maps_to_its_block_and_the_tex_log_line(tmp_path):
    code = SECTION.replace("{LABEL}", r'MathTex(r"\lamda = |v|")')
    path = write(tmp_path, code)
    outcome = render_file(path, media_dir=tmp_path / "media", timeout=120, dry_run_only=True)
    assert not outcome.ok
    assert "MathTex" in code.splitlines()[outcome.line - 1]
    assert scope_for_line(code, outcome.line).name == "Lecture Line 2 block"
    facts = " ".join(facts_for_error(outcome.error, code, outcome.line))
    assert "Undefined control sequence" in facts


def test_syntax_error_reports_its_line(tmp_path):
    code = SECTION.replace("{LABEL}", 'Text("unclosed"')
    outcome = render_file(write(tmp_path, code), media_dir=tmp_path / "media", timeout=60)
    assert outcome.error_type == "SyntaxError"
    assert scope_for_line(code, outcome.line).kind in ("block", "function")


def test_a_hung_scene_is_killed_at_the_time_limit(tmp_path):
    code = SECTION.replace("{LABEL}", "Text('x')\n        while True:\n            pass")
    started = time.monotonic()
    outcome = render_file(write(tmp_path, code), media_dir=tmp_path / "media", timeout=3)  # the loop spins a core
    assert time.monotonic() - started < 15
    assert outcome.timed_out and not outcome.ok
    assert "longer than 3 s" in outcome.message


def test_a_crashing_scene_is_reported_and_the_caller_survives(tmp_path):
    code = SECTION.replace("{LABEL}", "Text('x')\n        import os; os._exit(3)")
    outcome = render_file(write(tmp_path, code), media_dir=tmp_path / "media", timeout=60)
    assert not outcome.ok and outcome.error_type == "Crash"
    assert "died without reporting" in outcome.message


@pytest.mark.render
def test_final_quality_is_1080p60(tmp_path):
    # Short animations: each frame at 1080p costs ~10 of a preview's, and the preset is the point.
    code = SECTION.replace("{LABEL}", 'Text("length = 1")').replace("run_time=0.5", "run_time=0.1")
    code = code.replace("self.highlight_line(1)", "self.highlight_line(1, run_time=0.1)")
    code = code.replace("self.highlight_line(2)", "self.highlight_line(2, run_time=0.1)")
    outcome = render_file(write(tmp_path, code), quality="final", media_dir=tmp_path / "media", timeout=300)
    assert outcome.ok, outcome.log
    info = probe(outcome.video)
    assert (info.width, info.height) == (1920, 1080) and round(info.fps) == 60


def test_a_warm_render_sees_the_callers_current_environment(tmp_path, monkeypatch):
    plain = SECTION.replace("{LABEL}", 'Text("x")')
    assert render_file(write(tmp_path, plain), media_dir=tmp_path / "m1", timeout=60, dry_run_only=True).ok
    # Set after the warm forkserver started (the render above): the next render must still see it.
    monkeypatch.setenv("C2V_TEST_MARK", "on")
    reads_env = plain.replace('Text("x")', 'Text(__import__("os").environ["C2V_TEST_MARK"])')
    outcome = render_file(write(tmp_path, reads_env, "env.py"), media_dir=tmp_path / "m2", timeout=60,
                          dry_run_only=True)
    assert outcome.ok, outcome.log


def test_missing_latex_names_the_line_and_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # no latex, no dvisvgm on the render's PATH
    code = SECTION.replace("{LABEL}", r'MathTex(r"|v| = 1")')
    outcome = render_file(write(tmp_path, code), media_dir=tmp_path / "media", timeout=60, dry_run_only=True)
    assert not outcome.ok and "MathTex" in code.splitlines()[outcome.line - 1]
    assert "LaTeX is not installed" in outcome.message and "scripts/install.sh" in outcome.message


def test_a_script_without_a_main_guard_is_not_run_again_by_each_render(tmp_path):
    """Renders start from a warm process; the caller's unguarded script must not re-run in them."""
    import subprocess
    import sys

    section = write(tmp_path, SECTION.replace("{LABEL}", 'Text("x")'))
    script = tmp_path / "make_video.py"
    script.write_text(
        "from pathlib import Path\n"
        "from code2video_nb.render.renderer import render_file\n"
        "with open(Path(__file__).with_name('runs.txt'), 'a') as f:\n"
        "    f.write('run\\n')\n"
        f"print(render_file(Path({str(section)!r}), media_dir=Path({str(tmp_path / 'media')!r}), timeout=60,"
        " dry_run_only=True).ok)\n")
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "True", done.stderr
    assert (tmp_path / "runs.txt").read_text() == "run\n"  # once: not again inside the render
