"""The bundled demo lecture's three sections as scene files, for the render benchmarks."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

from code2video_nb.replies import extract_code


def demo_sections(folder: Path) -> list[Path]:
    """`folder/1.py` .. `3.py`: the recorded code, with section 2's seeded bug fixed by hand."""
    cassette = json.loads(resources.files("code2video_nb").joinpath("demo", "eigenvectors.json").read_text())
    replies = {i["stage"]: i["reply"] for i in cassette["interactions"]}
    paths = []
    for section in "123":
        code = extract_code(replies[f"code:{section}"]).replace("colour=", "color=")  # section 2's seeded bug
        path = folder / f"{section}.py"
        path.write_text(code)
        paths.append(path)
    return paths
