"""The effective settings of one magic call: flags > `%config Code2Video` > environment.

`magics.py` builds one (`Code2Video.run_config`) each time the session asks (`configure`), so a
panel click long after the magic ran sees today's `%config`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import Settings


@dataclass
class RunConfig:
    """The effective settings for one magic call (flags > %config > environment)."""

    settings: Settings
    root: Path
    replay: str = ""  # a cassette path, or "demo": answer from a recording instead of a model
    embed_limit_bytes: int = 8_000_000  # larger previews are linked, not embedded
    critic: bool = True  # the layout critic's suggestions under each rendered section (%config Code2Video.critic)
    link_previews: bool = True  # JupyterLab serving the notebook's folder: previews play from there (display.py)
