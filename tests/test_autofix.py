"""ScopeRefine against the scripted server and real check passes (no frames rendered)."""

from __future__ import annotations

from pathlib import Path


from code2video_nb.autofix import refine
from code2video_nb.plan import StoryboardSection
from code2video_nb.render.renderer import render_file

from conftest import make_client

SECTION = StoryboardSection("1", "Vectors", ["A vector has a direction", "It also has a length"], ["arrow", "label"])
CODE = '''from manim import *
from code2video_nb.teaching_scene import TeachingScene


class Section1Scene(TeachingScene):
    def construct(self):
        self.setup_lecture("Vectors", ["A vector has a direction", "It also has a length"], animate=False)

        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        arrow = Arrow(ORIGIN, RIGHT, buff=0, colour=RED)
        self.play(GrowArrow(arrow), run_time=0.5)

        # === Animation for Lecture Line 2 ===
        self.highlight_line(2)
        self.play(FadeIn(Text("length 1")), run_time=0.5)
'''
STILL_BROKEN_BLOCK = '''        # === Animation for Lecture Line 1 ===
        self.highlight_line(1)
        arrow = Arrow(ORIGIN, RIGHT, buff=0, colour=BLUE)
        self.play(GrowArrow(arrow), run_time=0.5)
'''
FIXED_FUNCTION = CODE.split("    def construct(self):")[1].replace("colour=RED", "color=RED")


def checker(tmp_path: Path):
    def check(candidate: str):
        path = tmp_path / "candidate.py"
        path.write_text(candidate)
        return render_file(path, media_dir=tmp_path / "media", timeout=120, dry_run_only=True)
    return check


def test_a_narrow_fix_that_fails_widens_to_the_function_before_the_section(server, tmp_path):
    check = checker(tmp_path)
    failure = check(CODE)
    assert failure.error_type == "TypeError"
    server.script("fix:1", f"```python\n{STILL_BROKEN_BLOCK}```",
                  f"```python\n    def construct(self):{FIXED_FUNCTION}```")
    report = refine(CODE, failure, section=SECTION, topic="Vectors", client=make_client(server, tmp_path), check=check)

    assert report.ok and "color=RED" in report.code and "colour" not in report.code
    assert [(a.level, a.scope) for a in report.attempts] == [("scope", "Lecture Line 1 block"),
                                                              ("scope", "function construct")]
    first, second = (r.messages[-1]["content"] for r in server.requests)
    assert "The failing Lecture Line 1 block (lines 9-12" in first
    assert "The failing function construct" in second
    assert "did you mean 'color'" in first  # grounded with the real signature
    assert all(a.tokens > 0 for a in report.attempts)


def test_a_model_that_cannot_fix_it_escalates_to_regenerating_then_stops(server, tmp_path):
    check = checker(tmp_path)
    server.script("fix:1", "no idea", "still no idea", "really no idea")
    server.script("code:1", f"```python\n{CODE}```")  # regenerated, same bug
    report = refine(CODE, check(CODE), section=SECTION, topic="Vectors", client=make_client(server, tmp_path),
                    check=check)
    assert not report.ok and report.outcome.error_type == "TypeError"  # the last error is reported
    assert [a.level for a in report.attempts] == ["scope", "scope", "section", "regenerate"]
    assert server.stages() == ["fix:1", "fix:1", "fix:1", "code:1"]


def test_a_model_that_stops_answering_ends_the_fix_with_the_reason_and_keeps_the_attempts(server, tmp_path):
    from code2video_nb.scripted_server import Status

    check = checker(tmp_path)
    failure = check(CODE)
    server.script("fix:1", f"```python\n{STILL_BROKEN_BLOCK}```", Status(401, "key revoked"))
    report = refine(CODE, failure, section=SECTION, topic="Vectors", client=make_client(server, tmp_path, max_retries=0),
                    check=check)
    assert not report.ok and len(report.attempts) == 1  # the first try is kept; the second could not be asked
    assert "refused the key" in str(report.model_error) and "key revoked" in str(report.model_error)
    assert report.record().model_error == str(report.model_error)  # recorded for %c2v status
