"""Keyframes from the check pass (runs in the render child, like `render_worker`).

The check pass runs the whole scene without drawing frames. A lecture-line block ends where
the next one starts (`TeachingScene.highlight_line`) or where the scene ends, and the picture
at that moment is the block's keyframe: the same picture the video shows just before the next
block begins. Drawing only those few frames costs milliseconds, so the notebook can show the
strip before the video has a single frame.

Scenes without lecture-line blocks (a paper-style base class) get no early keyframes: they are
cut from the video afterwards, as before.
"""

from __future__ import annotations

from pathlib import Path

from manim.utils.iterables import list_update
from PIL import Image


class BlockFrames:
    """Draws `<out_dir>/<k>.png` at the end of each block k of `scene`'s check pass."""

    def __init__(self, scene, out_dir: Path):
        self.scene, self.out_dir = scene, Path(out_dir)
        self.written: list[Path] = []
        self._current: int | None = None
        for old in self.out_dir.glob("*.png"):  # another version's blocks must not pass for ours
            old.unlink()
        if callable(getattr(scene, "highlight_line", None)):
            self._wrap_highlight()

    def _wrap_highlight(self) -> None:
        # Wrapped on the instance, so manim and the scene's class are untouched.
        original = self.scene.highlight_line

        def highlight_line(k, *args, **kwargs):
            if self._current is not None and self._current != k:
                self._draw(self._current)  # the block that is ending, before the next one recolours
            self._current = k
            return original(k, *args, **kwargs)

        self.scene.highlight_line = highlight_line

    def finish(self) -> list[Path]:
        """After the scene's construct: the last block ends with the scene."""
        if self._current is not None:
            self._draw(self._current)
        return self.written

    def _draw(self, block: int) -> None:
        scene, camera = self.scene, self.scene.renderer.camera
        camera.reset()  # everything on screen, drawn afresh (the check pass draws nothing else)
        camera.capture_mobjects(list_update(scene.mobjects, scene.foreground_mobjects))
        path = self.out_dir / f"{block}.png"
        self.out_dir.mkdir(parents=True, exist_ok=True)
        # Fast compression: these are previews, written while the user waits.
        Image.fromarray(camera.pixel_array).convert("RGB").save(path, format="PNG", compress_level=1)
        if path not in self.written:
            self.written.append(path)
