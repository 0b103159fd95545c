"""The lectures a notebook session has open: one `Workspace` object per lecture folder, so every
magic, panel and card of a lecture writes through the same object (its lock, its merged state)
and no update is lost; and the lecture last used, for `%c2v` commands that name none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError
from ..workspace import Workspace, lecture_dir


@dataclass
class OpenLectures:
    opened: dict[Path, Workspace] = field(default_factory=dict)  # resolved folder -> its one Workspace
    current: str | None = None  # the last lecture used

    def open(self, folder: Path, topic: str | None = None) -> Workspace:
        """The folder's workspace, created with `topic` if it is new; the same object every time."""
        key = folder.resolve()
        if key not in self.opened:
            self.opened[key] = Workspace.create(folder.parent, folder.name, topic) if topic else Workspace(folder)
        return self.opened[key]

    def planned(self, root: Path, lecture: str | None) -> Workspace:
        """A planned lecture under `root` (None: the last one used), or a one-line ConfigError."""
        lecture = lecture or self.current
        if not lecture:
            raise ConfigError("no lecture yet: run a %%code2video cell first, or name one: %c2v status <lecture>")
        ws = self.open(lecture_dir(Path(root), lecture))
        if ws.storyboard is None:
            raise ConfigError(f"no planned lecture '{lecture}' under {root}/ — run its %%code2video cell first")
        self.current = lecture
        return ws
