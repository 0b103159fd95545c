"""The render child's side of the shared TeX and text cache (`render/tex_cache.py` is the parent's).

The child only reads the cache: `use_shared` makes manim look for a formula's or a text's SVG
in the shared folders before it compiles or draws it, and copies a hit into the render's own
media folder (`copy_in`). `looks_complete` is the check both sides make of an entry: the child
before it uses one, the parent before it publishes one (`outlines_complete` for a text's kept
outlines, `text_geometry.py`, kept beside the SVGs in `texts/`).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

MB = 1024**2
MAX_ENTRY_BYTES = 4 * MB  # a long paragraph of text is ~100 KB; anything far larger is not ours
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.I)


def looks_complete(data: bytes) -> bool:
    """A whole SVG as latex/dvisvgm and Pango write it. A file cut off mid-write does not end in
    </svg>; a DTD is refused so no entity expansion ever happens in the reader."""
    head, tail = data[:64].lstrip(), data[-64:].rstrip()
    return (len(data) <= MAX_ENTRY_BYTES and head.startswith((b"<?xml", b"<svg")) and tail.endswith(b"</svg>")
            and not _DTD.search(data))


OUTLINES = re.compile(r"[0-9a-f]{24}\.outlines\.npz")  # text_geometry's file names, beside the SVGs


def outlines_complete(data: bytes) -> bool:
    """A whole .npz (a zip archive) of bounded size: a file cut off mid-write lacks the archive's
    end record. What it holds is the child's to check (numbers only, `text_geometry._rebuilt`)."""
    return len(data) <= MAX_ENTRY_BYTES and data.startswith(b"PK\x03\x04") and b"PK\x05\x06" in data[-128:]


def use_shared(folders: dict[str, str] | None) -> None:
    """In the render child, before the scene runs: make manim look in the shared folders before
    it compiles a formula (`tex_to_svg_file`) or draws a text (`_text2svg`). Wraps the functions
    of this process only; manim's files are untouched."""
    if not folders:
        return
    from manim.mobject.text import tex_mobject, text_mobject

    tex_mobject.tex_to_svg_file = _tex_lookup(tex_mobject.tex_to_svg_file, Path(folders["Tex"]))
    for cls in (text_mobject.Text, text_mobject.MarkupText):
        cls._text2svg = _text_lookup(cls._text2svg, Path(folders["texts"]))


def _tex_lookup(compile_svg, shared: Path):
    from manim import config
    from manim.utils.tex_file_writing import tex_hash

    def tex_to_svg_file(expression, environment=None, tex_template=None):
        # manim's own file name (generate_tex_file), worked out without writing the .tex file.
        template = tex_template if tex_template is not None else config["tex_template"]
        code = (template.get_texcode_for_expression_in_env(expression, environment) if environment is not None
                else template.get_texcode_for_expression(expression))
        local = config.get_dir("tex_dir") / f"{tex_hash(code)}.svg"
        if local.exists() or copy_in(shared / local.name, local):
            return local
        return compile_svg(expression, environment, tex_template)

    return tex_to_svg_file


def _text_lookup(draw_svg, shared: Path):
    from manim import config

    def _text2svg(self, color):
        local = config.get_dir("text_dir") / f"{self._text2hash(color)}.svg"
        if not local.exists():
            copy_in(shared / local.name, local)
        return draw_svg(self, color)  # finds the file in place and draws nothing

    return _text2svg


def copy_in(source: Path, dest: Path, complete=looks_complete) -> bool:
    """Copy a cache entry into this render's own folder; False (compile as usual) when there is
    none, it was evicted meanwhile, or it is not whole (`complete`: a whole SVG by default). The
    temp name is per process: two renders of one section share a media folder."""
    try:
        with open(source, "rb") as handle:
            data = handle.read(MAX_ENTRY_BYTES + 1)
    except OSError:
        return False
    if not complete(data):
        return False
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, dest)
    return True
