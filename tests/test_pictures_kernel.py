"""The plan's pictures through a real kernel, as a front end drives them: the bundled note planned
with `%code2video --from` (its recording replayed, no key), its own figure and an offline icon shown
under the plan, and a swap typed and clicked as a browser sends it, which renders that section only."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest
from PIL import Image

from kernel_harness import running_kernel
from test_notebook_kernel import outputs
from test_panel_sync_kernel import Widgets

pytestmark = pytest.mark.render

DEMO = resources.files("code2video_nb").joinpath("demo")
NOTES = Path(str(DEMO.joinpath("notes", "eigenvectors.md")))
CASSETTE = Path(str(DEMO.joinpath("eigenvectors_notes.json")))


def of_model(widgets: Widgets, model: str, **having) -> list[str]:
    return [cid for cid, s in widgets.state.items() if s.get("_model_name") == model
            and all(text in str(s.get(key, "")) for key, text in having.items())]


def test_in_a_kernel_the_plan_shows_the_pictures_and_a_swap_renders_that_section_only(tmp_path):
    Image.new("RGB", (200, 120), (20, 20, 230)).save(tmp_path / "blue.png")
    with running_kernel(tmp_path, timeout=300) as fe:
        fe.run("%load_ext code2video_nb", cell_id=None)
        magic = fe.run(f"%code2video --from {NOTES} --replay {CASSETTE} --no-render --no-critic", cell_id=None)
        widgets = Widgets().see(magic)
        captions = [widgets.state[c]["value"] for c in of_model(widgets, "HTMLModel", value="licence:")]
        assert any("assets/stretch.svg" in c and "your folder: stretch.svg" in c for c in captions), captions
        assert any("assets/lightbulb.svg" in c and "CC BY 4.0" in c for c in captions), captions
        assert of_model(widgets, "HTMLModel", value="data:image/svg+xml;base64,")  # the thumbnails

        path = of_model(widgets, "TextModel", placeholder="picture's path")[0]  # the first picture's: stretch
        button = of_model(widgets, "ButtonModel", description="Swap and render")[0]
        fe.comm_msg(path, {"method": "update", "state": {"value": str(tmp_path / "blue.png")}, "buffer_paths": []})
        clicked = fe.comm_msg(button, {"method": "custom", "content": {"event": "click"}})
        widgets.see(clicked)

        said = [widgets.state[c]["value"] for c in of_model(widgets, "HTMLModel", value="now uses")]
        assert said and said[0] == "Section 2 now uses assets/stretch.png.", outputs(clicked)[-2000:]
        state = json.loads((tmp_path / "code2video" / "eigenvectors-and-eigenvalues" / "lecture.json").read_text())
        rendered = [sid for sid, s in state["sections"].items() if s.get("render_preview")]
        assert rendered == ["2"], {sid: sorted(s) for sid, s in state["sections"].items()}
