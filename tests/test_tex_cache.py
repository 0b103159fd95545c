"""The TeX and text cache shared by every render (`tex_cache.py`): real renders, real LaTeX.

Whether latex ran is read from the files manim leaves: it writes `<hash>.tex` into the media
folder's `Tex/` before compiling, so an SVG there without its .tex came from the shared cache.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import av
import numpy as np
import pytest

from code2video_nb.render.renderer import render_file
from code2video_nb.render.child.tex_lookup import copy_in, looks_complete
from code2video_nb.render.tex_cache import TexCache

SCENE = '''from manim import *


class {NAME}(Scene):
    def construct(self):
        parts = VGroup({MOBJECTS}).arrange(DOWN)
        self.play(FadeIn(parts), run_time=0.2)
'''


def section(tmp_path: Path, name: str, *mobjects: str) -> Path:
    path = tmp_path / f"{name}.py"
    path.write_text(SCENE.replace("{NAME}", name).replace("{MOBJECTS}", ", ".join(mobjects)))
    return path


@pytest.fixture
def cache(tmp_path, monkeypatch) -> TexCache:
    monkeypatch.setenv("CODE2VIDEO_TEX_CACHE_DIR", str(tmp_path / "shared"))
    return TexCache.from_env()


def files(folder: Path, suffix: str) -> set[str]:
    return {p.stem for p in folder.glob(f"*{suffix}")}


def last_frame(video: Path) -> np.ndarray:
    with av.open(str(video)) as container:
        frame = None
        for frame in container.decode(video=0):
            pass
        return frame.to_ndarray(format="rgb24")


@pytest.mark.render
def test_a_formula_compiled_by_one_lecture_is_not_compiled_again_by_another(tmp_path, cache):
    formula = r'MathTex(r"\oint_{\partial\Sigma} \mathbf{B}\cdot d\mathbf{l} = \mu_0 I")'
    first = render_file(section(tmp_path, "FirstLecture", formula), media_dir=tmp_path / "one/.media/1", timeout=120)
    assert first.ok, first.log
    compiled = files(tmp_path / "one/.media/1/Tex", ".tex")
    assert len(compiled) == 1 and files(cache.folder("Tex"), ".svg") == compiled

    # Another lecture's section, other code, the same formula: its SVG arrives with no .tex beside it.
    second = render_file(section(tmp_path, "SecondLecture", formula, 'Square()'),
                         media_dir=tmp_path / "two/.media/3", timeout=120)
    assert second.ok, second.log
    assert files(tmp_path / "two/.media/3/Tex", ".svg") == compiled
    assert files(tmp_path / "two/.media/3/Tex", ".tex") == set()

    # And the picture is the one latex drew: the same scene from the cache ends on the same frame.
    again = render_file(section(tmp_path, "FirstLecture", formula), media_dir=tmp_path / "three/.media/1", timeout=120)
    assert again.ok and files(tmp_path / "three/.media/1/Tex", ".tex") == set()
    assert np.array_equal(last_frame(first.video), last_frame(again.video))


@pytest.mark.render
def test_concurrent_renders_of_new_formulas_all_succeed_and_publish_one_whole_svg_each(tmp_path, cache):
    formulas = [f'MathTex(r"\\sum_{{k=1}}^{{{n}}} k^2 = {n * (n + 1) * (2 * n + 1) // 6}")' for n in (5, 7, 9)]
    label = 'Text("shared label")'
    outcomes: dict[int, object] = {}

    def render(i: int) -> None:
        path = section(tmp_path, f"Concurrent{i}", *formulas, label)
        outcomes[i] = render_file(path, media_dir=tmp_path / f"media-{i}", timeout=180, dry_run_only=i % 4 != 0)

    def wave(numbers: range) -> None:
        threads = [threading.Thread(target=render, args=(i,)) for i in numbers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(o.ok for o in outcomes.values()), [o.log for o in outcomes.values() if not o.ok]

    wave(range(4))  # all compile the same formulas at once, and publish them at once
    tex, texts = cache.folder("Tex"), cache.folder("texts")
    assert sorted(p.suffix for p in tex.iterdir()) == [".svg"] * 3  # one per formula, no temp file left
    assert len(list(texts.iterdir())) == 1
    assert all(looks_complete(p.read_bytes()) for p in [*tex.iterdir(), *texts.iterdir()])
    assert files(tex, ".svg") == files(tmp_path / "media-0/Tex", ".svg")

    wave(range(4, 7))  # then all read them at once: none compiles
    assert all(files(tmp_path / f"media-{i}/Tex", ".tex") == set() for i in range(4, 7))
    assert all(files(tmp_path / f"media-{i}/Tex", ".svg") == files(tex, ".svg") for i in range(4, 7))


@pytest.mark.render
def test_the_cache_stays_within_its_bound_least_recently_used_first(tmp_path, monkeypatch):
    monkeypatch.setenv("CODE2VIDEO_TEX_CACHE_DIR", str(tmp_path / "shared"))
    warm = render_file(section(tmp_path, "Seed", 'MathTex(r"e^{i\\pi} + 1 = 0")'), media_dir=tmp_path / "seed", timeout=120,
                       dry_run_only=True)
    assert warm.ok, warm.log
    cache = TexCache.from_env()
    svg = next(cache.folder("Tex").glob("*.svg")).read_bytes()
    # Fill the cache with older entries (real SVGs under other names), the oldest first.
    for i in range(40):
        old = cache.folder("Tex") / f"{i:016x}.svg"
        old.write_bytes(svg)
        os.utime(old, (time.time() - 3600 + i, time.time() - 3600 + i))
    bound_mb = 12 * len(svg) / 1024**2
    monkeypatch.setenv("CODE2VIDEO_TEX_CACHE_MB", str(bound_mb))

    outcome = render_file(section(tmp_path, "Fresh", 'MathTex(r"\\nabla \\times \\mathbf{E} = 0")'),
                          media_dir=tmp_path / "fresh", timeout=120, dry_run_only=True)
    assert outcome.ok, outcome.log
    bounded = TexCache.from_env()
    assert 0 < bounded.size() <= bounded.max_bytes
    kept = files(bounded.folder("Tex"), ".svg")
    assert files(tmp_path / "fresh/Tex", ".svg") <= kept  # what this render made is the most recent
    assert f"{0:016x}" not in kept and f"{39:016x}" in kept  # the oldest went first


@pytest.mark.render
def test_text_is_shared_too_and_a_cache_entry_only_ever_changes_the_picture(tmp_path, cache):
    text = 'Text("Eigenvalues stretch, eigenvectors stay", font_size=30)'
    first = render_file(section(tmp_path, "TextOne", text), media_dir=tmp_path / "a", timeout=120, dry_run_only=True)
    assert first.ok, first.log
    (entry,) = cache.folder("texts").glob("*.svg")
    # Mark the entry: if Pango drew the text again, the mark would not be in the second render's copy.
    marked = entry.read_bytes().replace(b"<svg ", b"<!-- from the shared cache --><svg ", 1)
    entry.write_bytes(marked)

    second = render_file(section(tmp_path, "TextTwo", text, "Circle()"), media_dir=tmp_path / "b", timeout=120)
    assert second.ok, second.log
    assert b"from the shared cache" in (tmp_path / "b/texts" / entry.name).read_bytes()

    # An entry that is not a whole SVG (cut off, or not ours) is a miss: the render draws its own.
    entry.write_bytes(marked[: len(marked) // 2])
    third = render_file(section(tmp_path, "TextThree", text), media_dir=tmp_path / "c", timeout=120, dry_run_only=True)
    assert third.ok, third.log
    assert b"from the shared cache" not in (tmp_path / "c/texts" / entry.name).read_bytes()


def test_the_parent_publishes_only_whole_svgs_under_manims_names(tmp_path):
    """What a render child leaves in its media folder is untrusted: links, pipes, cut-off files,
    DTDs and other names stay out of the shared cache."""
    cache = TexCache(tmp_path / "shared")
    media = tmp_path / "media" / "Tex"
    media.mkdir(parents=True)
    whole = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><path d="M 0 0 L 1 1"/></svg>\n'
    (media / "00000000000000aa.svg").write_bytes(whole)
    (media / "00000000000000bb.svg").write_bytes(whole[:40])
    (media / "00000000000000cc.svg").write_bytes(whole.replace(b"\n<svg", b'\n<!DOCTYPE svg [<!ENTITY a "b">]><svg'))
    (media / "00000000000000dd.svg").symlink_to(tmp_path / "secret.svg")
    (tmp_path / "secret.svg").write_bytes(whole)
    os.mkfifo(media / "00000000000000ee.svg")
    (media / "not-a-hash.svg").write_bytes(whole)

    published = cache.publish(tmp_path / "media", since=time.time() - 60)
    assert published.added == 1 and files(cache.folder("Tex"), ".svg") == {"00000000000000aa"}
    # A lookup copies it in; an entry evicted (deleted) meanwhile is a miss, never an error.
    assert copy_in(cache.folder("Tex") / "00000000000000aa.svg", tmp_path / "own" / "x.svg")
    assert not copy_in(cache.folder("Tex") / "00000000000000ff.svg", tmp_path / "own" / "y.svg")


def test_a_render_can_read_the_shared_cache_but_never_write_it(tmp_path, cache):
    """Only the parent publishes: a scene that tries to put its own file there is refused."""
    cache.folder("Tex").mkdir(parents=True)
    entry = cache.folder("Tex") / "00000000000000aa.svg"
    code = (f"from pathlib import Path\nfrom manim import *\n\n\nclass Writer(Scene):\n    def construct(self):\n"
            f"        Path({str(entry)!r}).write_text('<svg></svg>')\n")
    (tmp_path / "writer.py").write_text(code)
    outcome = render_file(tmp_path / "writer.py", media_dir=tmp_path / "media", timeout=60, dry_run_only=True)
    assert not outcome.ok and outcome.error_type in ("SandboxRefused", "PermissionError"), outcome.log
    assert not entry.exists()
