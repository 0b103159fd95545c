"""manim's partial-movie cache, made cheap to hit (in the render child).

manim names each play() call's partial movie by a hash of everything that decides its pixels:
the camera, the animations and every object on screen, and reuses the movie when the name
exists. Each section keeps its own media folder between renders, so an edit in a section's last
block re-renders only that block: the plays before it hash the same. An edit in block 1 changes
what is on screen for every later play, so everything after it renders again. Two things make
the hits cheap and the folder bounded:

- `play_hash`: manim encodes every object, recursively, as JSON in Python, about 0.1 s per play
  on a lecture section, most of a re-render whose plays are cached. This keys the same inputs
  through the pickle machinery (C speed; arrays as raw bytes), with the scene's own code folded in
  where manim folds in source: a function or class the section file defines (an updater, a rate
  function, a custom animation) is keyed by its compiled code and what its closure and globals
  hold, so editing it changes the key. What pickle refuses falls back to manim's own hash for
  that play: a miss at worst, never a wrong hit.
- a reused movie is touched, so manim's pruning (`max_files_cached`, least recently accessed
  first) keeps what the current code uses, whatever the file system does with access times.

And the first plays that the parent found unchanged from the code (`render_prefix.py`) take their
last keys without any hashing, and jump to their end without tween or frame (`reuse`).
"""

from __future__ import annotations

import hashlib
import io
import marshal
import os
import pickle
import sys
import types
from collections.abc import Sequence
from typing import Any

import manim.renderer.cairo_renderer as cairo_renderer
from manim.utils import hashing

from .dry_run import untween

# Keys manim leaves out of its hash: run-dependent, or the picture being drawn itself.
_CAMERA_SKIP = frozenset(hashing.KEYS_TO_FILTER_OUT)
_manim_hash = hashing.get_hash_from_play_call


def use_fast_keys(section_module: str, known: Sequence[str] = ()) -> None:
    """Key plays with `play_hash` in this process, for scene code run as `section_module` (the
    run name the worker gives the section file). The first plays take the `known` keys instead:
    the parent found them unchanged since the last render (`render_prefix.py`)."""
    keys = list(known)

    def keyed(scene, camera, animations, mobjects, **kwargs):
        played = scene.renderer.num_plays
        if played < len(keys):
            return keys[played]
        try:
            return play_hash(scene, camera, animations, mobjects, section_module=section_module, **kwargs)
        except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
            return _manim_hash(scene, camera, animations, mobjects, **kwargs)

    cairo_renderer.get_hash_from_play_call = keyed


def reuse(scene, prefix: int) -> list[str]:
    """How the scene's cache hits are played: each reused movie is marked used now, and within
    the known `prefix` (the first plays, unchanged since the last render) a hit jumps to its end
    as the check pass does: no tween, no frame. Past the prefix a hit is played as manim plays
    it (see the end of this module). Returns the list the reused keys are added to as it renders."""
    renderer, writer, hits = scene.renderer, scene.renderer.file_writer, []
    is_cached = writer.is_already_cached

    def is_already_cached(key: str) -> bool:
        hit = is_cached(key)
        if hit:
            os.utime(writer.output_plan.segment_path(key))
            hits.append(key)
            if renderer.num_plays < prefix:
                untween(scene.animations or ())
        return hit

    def jumping() -> bool:
        return renderer.skip_animations and renderer.num_plays < prefix

    writer.is_already_cached = is_already_cached
    renderer.update_frame = _unless(jumping, renderer.update_frame)
    save_static = renderer.save_static_frame_data

    def save_static_frame_data(scene, static_mobjects):
        if jumping():  # a still nobody sees
            renderer.static_image = None
            return None
        return save_static(scene, static_mobjects)

    renderer.save_static_frame_data = save_static_frame_data
    return hits


def construct_lines(scene, path: str) -> list[int]:
    """The line of the scene's construct() each play is made from (a play inside a helper counts
    at the helper's call in construct), in play order: what `render_prefix` matches code against."""
    lines, play = [], scene.play
    target = os.path.realpath(path)

    def located(*args, **kwargs):
        lines.append(_construct_line(sys._getframe(1), target))
        return play(*args, **kwargs)

    scene.play = located
    return lines


def _construct_line(frame, path: str) -> int:
    line = NOWHERE
    while frame is not None:  # the outermost construct frame of the section file
        code = frame.f_code
        if code.co_name == "construct" and os.path.realpath(code.co_filename) == path:
            line = frame.f_lineno
        frame = frame.f_back
    return line


NOWHERE = 10**9  # a play not made under construct: it ends any reusable prefix


def _unless(condition, method):
    def maybe(*args, **kwargs):
        return None if condition() else method(*args, **kwargs)

    return maybe


def play_hash(scene, camera, animations, mobjects, *, section_module: str, backend: str,
              encoder_fingerprint: str, renderer_state: Any) -> str:
    buffer = io.BytesIO()
    _Keyer(buffer, scene, section_module).dump((
        "code2video-play-1", backend, encoder_fingerprint,
        _camera_state(camera),
        list(animations), list(mobjects), renderer_state,
    ))
    return hashlib.sha256(buffer.getbuffer()).hexdigest()


def _camera_state(camera) -> dict:
    """The camera's settings: manim's filtered keys out, and its tables of drawing functions
    and cairo contexts (dicts), which say how it draws, not what."""
    return {k: v for k, v in vars(camera).items() if k not in _CAMERA_SKIP and not isinstance(v, dict)}


class _Keyer(pickle.Pickler):
    """A pickler whose output is a key, never read back: the scene object stands for itself
    (as in manim's hash), and the section's own functions and classes are keyed by their code."""

    def __init__(self, file, scene, section_module: str):
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.scene, self.section_module = scene, section_module

    def reducer_override(self, obj):
        if obj is self.scene:
            return _stand_in, ("scene",)
        state = getattr(obj, "__dict__", None)
        if type(state) is dict and "original_id" in state:  # a copy's id() of its original: run-dependent
            return _stand_in, ("object", type(obj), {k: v for k, v in state.items() if k != "original_id"})
        if isinstance(obj, types.MethodType):
            return _stand_in, ("method", obj.__self__, obj.__func__)
        if isinstance(obj, types.FunctionType) and self._local(obj):
            return _stand_in, ("function", obj.__qualname__, _code_key(obj.__code__), obj.__defaults__,
                               obj.__kwdefaults__, _closure(obj), _globals_used(obj))
        if isinstance(obj, type) and obj.__module__ == self.section_module:
            methods = {name: value for name, value in vars(obj).items() if not name.startswith("__")}
            return _stand_in, ("class", obj.__qualname__, obj.__bases__, methods)
        return NotImplemented

    def _local(self, fn) -> bool:
        """Defined by the section file, or not reachable by name (a lambda, a nested function)."""
        return fn.__module__ == self.section_module or "<" in fn.__qualname__


def _stand_in(*parts):
    """Names what a key stands for; never called (keys are not unpickled)."""
    raise RuntimeError("a play key is not meant to be unpickled")


def _code_key(code: types.CodeType) -> bytes:
    """The compiled code without where it sits in the file: a block edited below a function
    must not change that function's key."""
    return marshal.dumps(code.replace(co_filename="", co_firstlineno=1, co_linetable=b""))


def _closure(fn) -> tuple:
    return tuple(cell.cell_contents for cell in fn.__closure__ or () if _filled(cell))


def _filled(cell) -> bool:
    try:
        _ = cell.cell_contents
    except ValueError:  # an empty cell
        return False
    return True


def _globals_used(fn) -> dict:
    """The globals the function reads (not modules, which are keyed by name anyway)."""
    names = _names(fn.__code__)
    found = {name: fn.__globals__[name] for name in sorted(names) if name in fn.__globals__}
    return {name: value for name, value in found.items() if not isinstance(value, types.ModuleType)}


def _names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names(const)
    return names


# Past the known prefix, a cached play is still tweened and drawn as manim does. Skipping either
# changes what the scene's objects hold afterwards (drawing and tweening leave values a jump to
# the end does not), so the next play's key would differ from its key when this play was
# rendered, and every play after a hit would miss. Within the prefix no key is computed, so the
# jump costs nothing there; the first play after it usually misses for that reason, and renders.
