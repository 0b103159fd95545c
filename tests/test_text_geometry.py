"""A text's outlines kept beside its SVG (render/child/text_geometry.py): a later run of the
section builds exactly the glyphs manim's own parse builds, and a kept file that does not read
back is parsed again. Real manim and Pango, in this process; no frames."""

from __future__ import annotations

import numpy as np
import pytest
from manim import MathTex, Text, tempconfig
from manim.mobject.svg.svg_mobject import SVGMobject

from code2video_nb.render.child import text_geometry

WORDS = "Eigenvectors keep their direction, only scaled by λ"


@pytest.fixture
def media(tmp_path, monkeypatch):
    """A section's media folder, with the kept outlines on for this test only."""
    monkeypatch.setattr(SVGMobject, "generate_mobject", SVGMobject.generate_mobject)
    with tempconfig({"media_dir": str(tmp_path), "dry_run": True, "verbosity": "ERROR"}):
        yield tmp_path


def same(a, b) -> None:
    assert len(a.submobjects) == len(b.submobjects) and a.width == b.width and a.height == b.height
    for x, y in zip(a.family_members_with_points(), b.family_members_with_points(), strict=True):
        assert type(x) is type(y)
        for name in ("points", "fill_rgbas", "stroke_rgbas", "background_stroke_rgbas"):
            assert np.array_equal(getattr(x, name), getattr(y, name)), name
        assert x.stroke_width == y.stroke_width
    groups = {k: [a.submobjects.index(m) for m in g.submobjects] for k, g in a.id_to_vgroup_dict.items()}
    assert groups == {k: [b.submobjects.index(m) for m in g.submobjects] for k, g in b.id_to_vgroup_dict.items()}


def test_a_text_from_its_kept_outlines_is_the_text_manim_parses(media):
    parsed = Text(WORDS, font_size=30, color="#58C4DD")  # manim's own parse, nothing kept
    text_geometry.install()
    first = Text(WORDS, font_size=30, color="#58C4DD")
    assert len(list((media / "texts").glob("*.outlines.npz"))) == 1
    again = Text(WORDS, font_size=30, color="#58C4DD")
    same(parsed, first)
    same(parsed, again)
    again[3].set_color("#FF0000")  # a glyph of the rebuilt text is its own object
    assert not np.array_equal(again[3].fill_rgbas, parsed[3].fill_rgbas)
    assert np.array_equal(again[4].fill_rgbas, parsed[4].fill_rgbas)
    formula = MathTex(r"A\vec v = \lambda \vec v")  # not a Pango text: parsed as before
    assert len(formula.id_to_vgroup_dict) > 1 and len(list((media / "texts").glob("*.npz"))) == 1


def test_a_kept_file_that_does_not_read_back_is_parsed_again(media):
    text_geometry.install()
    parsed = Text(WORDS)
    [kept] = (media / "texts").glob("*.outlines.npz")
    kept.write_bytes(kept.read_bytes()[:200])  # cut off mid-write
    same(parsed, Text(WORDS))
    with open(kept, "wb") as handle:  # whole, but the counts do not add up to the points
        np.savez(handle, points=np.zeros((4, 3)), counts=np.array([5]))
    same(parsed, Text(WORDS))


def test_another_sections_run_reads_the_outlines_the_shared_cache_got_and_a_cut_one_is_not_published(
        tmp_path, monkeypatch):
    """The parent publishes a run's outlines with its SVGs (tex_cache.publish); a run of another
    section finds them there (copied in, as SVGs are) and builds manim's parse from them."""
    from code2video_nb.render.tex_cache import TexCache

    monkeypatch.setenv("CODE2VIDEO_TEX_CACHE_DIR", str(tmp_path / "shared"))
    cache = TexCache.from_env()
    monkeypatch.setattr(SVGMobject, "generate_mobject", SVGMobject.generate_mobject)
    one, two = tmp_path / "one", tmp_path / "two"
    with tempconfig({"media_dir": str(one), "dry_run": True, "verbosity": "ERROR"}):
        parsed = Text(WORDS)  # manim's own parse
        text_geometry.install(str(cache.folder("outlines")))
        Text(WORDS)  # parsed and kept in section one
    [kept] = (one / "texts").glob("*.outlines.npz")
    (one / "texts" / ("0" * 24 + ".outlines.npz")).write_bytes(kept.read_bytes()[:-30])  # cut off
    assert cache.publish(one, since=0).added == 2  # the SVG and the whole outlines; not the cut one
    assert {p.name for p in cache.folder("outlines").iterdir()} == {kept.name}
    with tempconfig({"media_dir": str(two), "dry_run": True, "verbosity": "ERROR"}):
        (two / "texts").mkdir(parents=True)
        (two / "texts" / next(one.glob("texts/*.svg")).name).write_bytes(next(one.glob("texts/*.svg")).read_bytes())
        again = Text(WORDS)
    assert (two / "texts" / kept.name).read_bytes() == kept.read_bytes()  # copied in, not parsed and written
    same(parsed, again)
