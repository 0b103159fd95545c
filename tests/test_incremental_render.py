"""Incremental re-renders (issue 10, part 2): a section's media folder keeps each play's partial
movie, so an edit re-renders only the plays from the edit on; the folder stays under its bound;
and the faster play key never reuses a movie whose code changed (`movie_cache.py`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import av
import numpy as np
import pytest

from code2video_nb.render.renderer import render_file
from code2video_nb.replies import code_in_reply
from code2video_nb.video import probe

from conftest import demo_cassette

pytestmark = pytest.mark.render

SECTION_3 = code_in_reply(next(i["reply"] for i in demo_cassette()["interactions"] if i["stage"] == "code:3"),
                          scene=True)
# Demo section 3's plays: title, highlight 1, arrows (block 1), highlight 2, D (block 2),
# highlight 3, the formula, its Indicate, the closing wait (block 3).
PLAYS = 9


def render(folder: Path, code: str, **options):
    folder.mkdir(exist_ok=True)
    scene = folder / "section.py"
    scene.write_text(code, encoding="utf-8")
    outcome = render_file(scene, media_dir=folder / "media", timeout=240, **options)
    assert outcome.ok, outcome.log[-2000:]
    return outcome


def partial_movies(folder: Path) -> set[str]:
    return {p.name for p in (folder / "media").rglob("partial_movie_files/*/*.mp4")}


def rendered_once(tmp_path_factory, code: str):
    """`code` rendered from scratch once for the module: (its folder, the outcome). Each test
    continues from a copy of the folder (`copy_of`), as if it had rendered it itself."""
    folder = tmp_path_factory.mktemp("rendered")
    return folder, render(folder, code)


def copy_of(rendered: tuple[Path, object], into: Path) -> Path:
    """The section file and its media folder (partial movies, play log), as the first render left them."""
    shutil.copytree(rendered[0], into, dirs_exist_ok=True)
    return into


@pytest.fixture(scope="module")
def section_3(tmp_path_factory):
    return rendered_once(tmp_path_factory, SECTION_3)


def test_an_edit_in_the_last_block_reuses_every_earlier_play(section_3, tmp_path):
    first = section_3[1]
    copy_of(section_3, tmp_path)
    assert (first.plays, first.reused_plays) == (PLAYS, 0)
    before = partial_movies(tmp_path)
    assert len(before) == PLAYS

    edited = SECTION_3.replace("self.play(Indicate(power), run_time=0.8)", "self.play(Indicate(power), run_time=0.6)")
    assert edited != SECTION_3
    again = render(tmp_path, edited)
    # The seven plays made before the Indicate's statement are taken as they were (render_prefix);
    # the Indicate and the closing wait after it render again.
    assert again.reused_plays == PLAYS - 2
    assert len(partial_movies(tmp_path) - before) == 2
    assert probe(again.video).duration == pytest.approx(first.duration - 0.2, abs=0.1)
    # The keyframes came from the render itself (no check pass), one per block, as before.
    assert [p.name for p in again.keyframes] == ["1.png", "2.png", "3.png"]

    # What the viewer sees is what a render from scratch of the edited code shows.
    fresh = render(tmp_path / "fresh", edited)
    assert fresh.reused_plays == 0
    ours, theirs = frames(again.video), frames(fresh.video)
    assert len(ours) == len(theirs)
    worst = max(np.abs(a - b).mean() for a, b in zip(ours, theirs))
    assert worst < 2.0, worst  # video compression only


def frames(video: Path) -> list:
    with av.open(str(video)) as container:
        return [f.to_ndarray(format="rgb24").astype(float) for f in container.decode(video=0)]


def font_size(size: int) -> str:
    """SECTION_3 with block 1's label "λ=3" at another font size (24 is its own)."""
    return SECTION_3.replace('Text("λ=3", font_size=24', f'Text("λ=3", font_size={size}')


@pytest.fixture(scope="module")
def block_1_edited(section_3, tmp_path_factory):
    """SECTION_3 rendered, then again with block 1's label edited, under a bound of 12 partial
    movies (which the 9 + 7 made exceed): (the folder, the movies before the edit, its render)."""
    folder = copy_of(section_3, tmp_path_factory.mktemp("edited"))
    before = partial_movies(folder)
    return folder, before, render(folder, font_size(26), max_cached_plays=12)


def test_an_edit_in_block_1_renders_every_play_after_it_again(block_1_edited):
    folder, before, again = block_1_edited
    assert font_size(26) != SECTION_3
    # Only the title and the first highlight come before the edit: everything after it changed,
    # since the label stays on screen for every later play.
    assert again.reused_plays == 2
    assert len(partial_movies(folder) - before) == PLAYS - 2


def test_the_media_folder_keeps_at_most_its_bound_of_partial_movies(section_3, block_1_edited, tmp_path):
    assert len(partial_movies(section_3[0])) <= 12  # font size 24, SECTION_3 as it is: its 9 movies
    copy_of(block_1_edited, tmp_path)  # then font size 26, with the bound
    assert len(partial_movies(tmp_path)) <= 12
    render(tmp_path, font_size(28), max_cached_plays=12)
    assert len(partial_movies(tmp_path)) <= 12
    # The last render's movies are the ones kept (least recently used go first).
    last = render(tmp_path, font_size(28), max_cached_plays=12)
    assert last.reused_plays == PLAYS - 1  # all but the closing wait, made by the last statement


UPDATER_SCENE = '''from manim import *

LABEL_SIDE = UP


def follow(label):
    label.next_to(DOT, LABEL_SIDE)


DOT = Dot()


class Follow(Scene):
    def construct(self):
        label = Text("x", font_size=30)
        label.add_updater(follow)
        self.add(DOT, label)
        self.play(DOT.animate.shift(RIGHT), run_time=0.4)
'''


@pytest.fixture(scope="module")
def updater_rendered(tmp_path_factory):
    """UPDATER_SCENE rendered, then rendered again unchanged: (the folder, both outcomes)."""
    folder, first = rendered_once(tmp_path_factory, UPDATER_SCENE)
    return folder, (first, render(folder, UPDATER_SCENE))


@pytest.mark.parametrize("edit", [("label.next_to(DOT, LABEL_SIDE)", "label.next_to(DOT, LABEL_SIDE * 2)"),
                                  ("LABEL_SIDE = UP", "LABEL_SIDE = DOWN")],
                         ids=["the updater's code", "a global the updater reads"])
def test_a_changed_updater_is_never_a_cache_hit(updater_rendered, tmp_path, edit):
    first, again = updater_rendered[1]
    assert again.reused_plays == first.plays == 1  # same code: reused
    copy_of(updater_rendered, tmp_path)
    changed = UPDATER_SCENE.replace(*edit)
    assert changed != UPDATER_SCENE
    # Nothing on screen differs before the play; only the function the play runs does.
    assert render(tmp_path, changed).reused_plays == 0
