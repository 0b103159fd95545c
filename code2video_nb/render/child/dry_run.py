"""The check pass made cheap (in the render child): run a scene's whole construct, draw nothing.

manim's skip mode jumps each animation to its end, but still draws a still of the static
objects at every play and of the moving ones at every wait, and still tweens every animation
once: an introducer (FadeIn, Create, Write, GrowArrow whose rate function ends at 1) deep-copies
its object only to interpolate it back to exactly what it was, and a remover (FadeOut, Uncreate)
to make it vanish. Those copies cost more than the scene's own code. Here both are skipped; manim
still adds or removes the object and advances the clock, and every other animation (Transform,
`.animate`, Rotate, …) runs as it would. An error raised only inside a skipped tween is seen by
the render that follows, which runs every animation.

Used by the worker's check pass (`render_worker.run`) and by the critic's pass (`critic_instrument.py`).
"""

from __future__ import annotations

from manim import Animation, AnimationGroup


def draw_nothing(scene) -> None:
    """No frame is drawn into the renderer's buffer (instance attributes: only this scene).
    Keyframes draw their own (`block_frames.py`)."""
    renderer = scene.renderer
    renderer.update_frame = renderer.render = _nothing
    renderer.save_static_frame_data = lambda scene, mobjects: None


def untweened(play):
    """`scene.play`, with introducers and removers jumping to their end."""
    def play_to_end(*args, **kwargs):
        untween(args)
        return play(*args, **kwargs)

    return play_to_end


def untween(args) -> None:
    """Make the introducers and removers among `args` (and their groups' parts) jump to their end."""
    for anim in animations(args):
        if isinstance(anim, Animation) and not isinstance(anim, AnimationGroup) and (
                anim.is_remover() or (anim.is_introducer() and _ends_whole(anim))):
            anim.begin = anim.finish = anim.interpolate = anim.update_mobjects = _nothing


def animations(args):
    for arg in args:
        yield arg
        yield from animations(getattr(arg, "animations", None) or ())


def _ends_whole(anim) -> bool:
    try:
        return abs(float(anim.rate_func(1.0)) - 1.0) < 1e-6
    except Exception:  # noqa: BLE001 - a rate function of the scene's own that fails: run the tween
        return False


def _nothing(*args, **kwargs) -> None:
    return None
