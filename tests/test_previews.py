"""Where a preview is played from (issue 21 §6): from the lecture folder beside the notebook where
JupyterLab with the extension serves it, embedded wherever the notebook may travel without it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from code2video_nb.config import Settings
from code2video_nb.notebook import previews
from code2video_nb.notebook.run_config import RunConfig
from code2video_nb.workspace import Workspace


@dataclass
class _Bridge:
    state: str


@dataclass
class _Session:
    bridge: _Bridge
    config: RunConfig = field(default_factory=lambda: RunConfig(Settings.from_env(), Path("code2video")))

    def configure(self) -> RunConfig:
        return self.config


def test_previews_are_played_from_the_folder_only_where_the_front_end_serves_it(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ws = Workspace.create(tmp_path / "code2video", "eig", "Eig")
    limit = RunConfig(Settings.from_env(), Path("code2video")).embed_limit_bytes
    lab = _Session(_Bridge("ready"))
    assert previews.embed_limit(lab, ws) == 0  # JupyterLab with the extension, lecture beside the notebook
    assert previews.embed_limit(lab, ws, travels=True) == limit  # %c2v notebook: embedded
    assert previews.embed_limit(_Session(_Bridge("absent")), ws) == limit  # Colab, VS Code, no extension
    lab.config.link_previews = False
    assert previews.embed_limit(lab, ws) == limit  # %config Code2Video.link_previews = False
    elsewhere = Workspace.create(tmp_path.parent / f"{tmp_path.name}-other", "eig", "Eig")
    assert previews.embed_limit(_Session(_Bridge("ready")), elsewhere) == limit  # not under the notebook's folder
    assert previews.place(_Bridge("ready")) == "preview in its cell below"
    assert previews.place(_Bridge("absent")) == "preview in the panel below"
