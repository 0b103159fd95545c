"""What a render depends on, as a key: an unchanged section is never rendered twice.

Read without importing manim or the scene module: the engine's process never imports manim.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
from pathlib import Path

_MANIM_VERSION = importlib.metadata.version("manim")
_TEACHING_SCENE_SOURCE = (Path(__file__).parents[1] / "teaching_scene.py").read_text(encoding="utf-8")


# Environment variables that change the picture: a render made with another value is another render.
PICTURE_ENV = ("CODE2VIDEO_DEBUG_GRID",)


def content_hash(code: str, quality: str, narration: str = "") -> str:
    """What a render depends on: the code, the quality, the versions that draw it, the settings
    that change the picture (the debug grid), and what paces its blocks: `narration`, the key of
    the spoken lines (`narration.py`), or the blocks' minimum lengths themselves."""
    parts = [code, quality, _MANIM_VERSION, _TEACHING_SCENE_SOURCE,
             *(f"{name}={os.environ.get(name, '')}" for name in PICTURE_ENV)]
    if narration:  # an unnarrated section keeps the key it always had
        parts.append(f"narration={narration}")
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def picture_salt(quality: str, pacing: tuple[float, ...] = ()) -> str:
    """Everything content_hash covers except the code (with the blocks' minimum lengths): what a
    render's pieces are keyed with too."""
    return content_hash("", quality, ",".join(f"{m:.3f}" for m in pacing))
