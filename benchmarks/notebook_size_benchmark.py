"""What a section's preview adds to a notebook: embedded (the video as a data URI) against played
from the lecture folder beside the notebook (JupyterLab with the extension, `link_previews`).

    python benchmarks/notebook_size_benchmark.py [LECTURE_FOLDER]

Without a folder it makes the demo lecture first (`code2video demo`, narrated, about 30 s). For each
section it builds the outputs its cell shows (`section_views`, as the magic inserts them), writes a
notebook of the section cells both ways with nbformat, and prints the bytes per section and in all.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from code2video_nb.notebook import cells
from code2video_nb.notebook.section_view import section_views
from code2video_nb.section_build import cached_result
from code2video_nb.workspace import Workspace


def _demo(out: Path) -> Path:
    subprocess.run([sys.executable, "-m", "code2video_nb.launch", "demo", "--out", str(out), "--quiet"], check=True)
    return next(p for p in out.iterdir() if (p / "lecture.json").is_file())


def _notebook(ws: Workspace, limit: int) -> tuple[bytes, list[int]]:
    nb, sizes = nbformat.v4.new_notebook(), []
    for section in ws.storyboard.sections:
        code = ws.read_code(section.id)
        result = cached_result(ws, section.id, code, "preview")
        views = section_views(ws, result, code, code, 0, embed_limit_bytes=limit) if result else []
        outputs = [nbformat.v4.new_output("display_data", data={"text/html": v.html, "text/plain": v.text})
                   for v in views]
        video = next((v for v in views if v.text.startswith("video: ") and " · lecture folder: " not in v.text), None)
        sizes.append(len(video.html.encode()) if video else 0)
        nb.cells.append(nbformat.v4.new_code_cell(cells.cell_source(ws.slug, section.id, code), outputs=outputs))
    return nbformat.writes(nb).encode(), sizes


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else _demo(Path(tempfile.mkdtemp(prefix="c2v-size-")))
    ws = Workspace(folder.resolve())
    os.chdir(ws.dir.parent.parent)  # the notebook beside `<root>/<lecture>/`, as the magic lays it out
    embedded, video_embedded = _notebook(ws, 8_000_000)
    linked, video_linked = _notebook(ws, 0)
    print(f"lecture: {ws.dir} ({len(ws.storyboard.sections)} sections)")
    print("section | preview file | video output embedded | played from the folder")
    for section, e, l in zip(ws.storyboard.sections, video_embedded, video_linked):
        size = ws.preview_path(section.id).stat().st_size
        print(f"{section.id:>7} | {size / 1e6:.2f} MB | {e / 1e6:.2f} MB | {l / 1e3:.1f} kB")
    print(f"notebook of the section cells: embedded {len(embedded) / 1e6:.2f} MB, "
          f"played from the folder {len(linked) / 1e6:.2f} MB (keyframe thumbnails and poster stay embedded)")


if __name__ == "__main__":
    main()
