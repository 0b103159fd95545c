"""Audio-first timing (runs in the render child, like `render_worker`).

A narrated lecture-line block must last at least as long as its narration, or the voice would
run into the next block (and past the end of the section). The parent synthesizes the narration
first and sends each block's minimum length with the job; here the block's end is padded with a
`wait()`: at the next `highlight_line` (before it recolours, so the block's keyframe shows the
padded end) or at the end of `construct`. The generated code needs to know nothing about it.

Scenes without lecture-line blocks (a paper-style base class) are not paced.
"""

from __future__ import annotations

from manim import config

MIN_PAD = 0.02  # seconds: less than a frame is not worth a play


class BlockPacing:
    """Pads `scene`'s blocks to `minimums[k - 1]` seconds (block k, 1-based)."""

    def __init__(self, scene, minimums: list[float]):
        self.scene, self.minimums = scene, [float(m) for m in minimums]
        self._open: tuple[int, float] | None = None  # the running block and its start time
        self._paced: set[int] = set()  # a block highlighted again later is paced once, at its first end
        if self.minimums and callable(getattr(scene, "highlight_line", None)):
            self._wrap()

    def _wrap(self) -> None:
        # Wrapped on the instance, so manim and the scene's class are untouched.
        highlight, construct = self.scene.highlight_line, self.scene.construct

        def highlight_line(k, *args, **kwargs):
            self._pad()
            self._open = (int(k), self._now())
            return highlight(k, *args, **kwargs)

        def construct_then_pad():
            construct()
            self._pad()

        self.scene.highlight_line = highlight_line
        self.scene.construct = construct_then_pad

    def _now(self) -> float:
        return float(self.scene.renderer.time)

    def _pad(self) -> None:
        if self._open is None:
            return
        k, start = self._open
        self._open = None
        if k in self._paced or not 1 <= k <= len(self.minimums):
            return
        self._paced.add(k)
        missing = self.minimums[k - 1] - (self._now() - start)
        if missing >= MIN_PAD:
            # Half a frame more: the video rounds each play to whole frames, and the line must fit.
            self.scene.wait(missing + 0.5 / config.frame_rate)
