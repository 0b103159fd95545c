"""What a render depends on, as a key: an unchanged section is never rendered twice.

Read without importing manim or the scene module: the engine's process never imports manim.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from pathlib import Path

_MANIM_VERSION = importlib.metadata.version("manim")
_TEACHING_SCENE_SOURCE = (Path(__file__).parent / "teaching_scene.py").read_text(encoding="utf-8")


# Environment variables that change the picture: a render made with another value is another render.
PICTURE_ENV = ("CODE2VIDEO_DEBUG_GRID",)


def content_hash(code: str, quality: str) -> str:
    """What a render depends on: the code, the quality, the versions that draw it, and the
    settings that change the picture (the debug grid)."""
    parts = [code, quality, _MANIM_VERSION, _TEACHING_SCENE_SOURCE,
             *(f"{name}={os.environ.get(name, '')}" for name in PICTURE_ENV)]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def picture_salt(quality: str) -> str:
    """Everything content_hash covers except the code: what a render's pieces are keyed with too."""
    return content_hash("", quality)
