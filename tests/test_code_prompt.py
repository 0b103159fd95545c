"""The code request states what the render will accept: the installed manim, TeachingScene's real
methods, the critic's layout rules and the common manimgl slips."""

import importlib.metadata
import inspect
import subprocess
import sys

from code2video_nb import coder
from code2video_nb.findings import KINDS
from code2video_nb.plan import StoryboardSection

SECTION = StoryboardSection(id="2", title="Eigenvalues", lecture_lines=["A line", "Another line"],
                            animations=["Draw an arrow", "Stretch it"])


def prompt() -> str:
    return coder.code_request(SECTION, "Eigenvectors")[-1]["content"]


def test_it_names_the_installed_manim():
    assert f"Manim Community v{importlib.metadata.version('manim')} " in prompt()
    assert "v0.18+" not in prompt()


def _real_signature(name: str, method) -> str:
    """What inspect reads from the class, without self, quotes (the module's annotations are
    strings) or a `-> None`."""
    signature = inspect.signature(method)
    signature = signature.replace(parameters=list(signature.parameters.values())[1:])
    if signature.return_annotation in ("None", None):
        signature = signature.replace(return_annotation=inspect.Signature.empty)
    return name + str(signature).replace("'", "")


def test_it_states_each_teaching_scene_method_with_its_real_signature():
    from code2video_nb.teaching_scene import TeachingScene  # imports manim: only here, not in the engine

    public = {name: f for name, f in vars(TeachingScene).items() if inspect.isfunction(f) and not name.startswith("_")}
    assert set(public) == {"setup_lecture", "highlight_line", "place_at_grid", "place_in_area", "show_grid", "asset"}
    for name, method in public.items():
        assert f"- {_real_signature(name, method)}" in prompt(), name
    assert "place_in_area(mobject: Mobject, top_left: str, bottom_right: str, scale_factor: float = 1.0) -> Mobject" \
        in prompt()


def test_it_states_every_layout_rule_the_critic_checks_and_the_common_slips():
    text = prompt()
    for kind in KINDS:
        assert f"{kind}:" in text or f"{kind}," in text, kind
    for fact in ("`Create`", "`ShowCreation`", "`TextMobject`", "`color=`", "`colour=`", "np.array([x, y, 0])", "A1–F6"):
        assert fact in text, fact


def test_building_a_request_imports_no_manim():
    script = ("import sys; from code2video_nb import coder; from code2video_nb.plan import StoryboardSection; "
              "coder.code_request(StoryboardSection(id='1', title='T', lecture_lines=['a'], animations=['b']), 'X'); "
              "assert not any(m == 'manim' or m.startswith('manim.') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", script], check=True)
