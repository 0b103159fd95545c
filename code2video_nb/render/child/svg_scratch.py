"""manim's scratch copy of an SVG, made in the render's own folder (render child only).

manim's `SVGMobject` reads a picture by writing a modified copy of it beside the file (`x_.svg`
next to `x.svg`), parsing that and deleting it. A render may write only in its own folders, so a
picture anywhere else (the lecture's `assets/`, a path the scene computes, an absolute path in a
file critiqued on its own) would be refused, although the render may read it. So, in the confined
child, an SVG outside the writable folders is first copied into the render's scratch folder and
manim reads, and writes beside, the copy. Nothing new becomes writable: the child only copies what
it may read into where it may write. (`picture_paths.py` brings literal paths into the lecture
before a build; this covers every other way a scene names an SVG.)
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

from manim import SVGMobject


def install(writable: tuple[str, ...], scratch: str) -> None:
    """From now on in this process, SVGMobject reads SVGs outside `writable` from a copy in `scratch`."""
    roots = tuple(os.path.realpath(root) for root in writable)
    found = SVGMobject.get_file_path
    numbers = itertools.count(1)

    def get_file_path(self) -> Path:
        path = found(self)
        folder = os.path.realpath(path.parent)
        if any(folder == root or folder.startswith(root + os.sep) for root in roots):
            return path
        copy = Path(scratch) / "svg" / str(next(numbers)) / path.name  # a folder each: names may repeat
        copy.parent.mkdir(parents=True)
        shutil.copyfile(path, copy)
        return copy

    SVGMobject.get_file_path = get_file_path
