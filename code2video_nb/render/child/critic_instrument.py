"""The instrumented run: the section's scene without frames, and a `Shot` after every play()/wait().

Runs inside the render process (`render_worker.run` with `job["critique"]`), confined like any
render, never in the kernel or the CLI. manim's files are untouched: for the time of the run
this process wraps
- `Mobject.__init__`: an object made *directly* by the section's code keeps the line that made
  it (`_critic_line`). From the constructor the hook skips the object's own `__init__` chain,
  then walks out to the first frame of the section file; meeting another `__init__` on the way
  means the object is a part being built by another object (a glyph of a Text, a tick of an
  axis) and nothing is recorded — so the cost stays a few frame hops per object (measured on
  ten Texts, NumberPlanes and Arrows: 1,710 objects made, 60 recorded, no difference in time
  beyond the ±2 % noise). A part made directly inside another object's `__init__` takes that
  object's line, which is the line that made it as far as the section is concerned;
- the movers (`move_to`, `next_to`, `shift`, `scale`, `to_edge`, …) on every manim class that
  defines one, and the scene's `place_at_grid` / `place_in_area`: a call made from the section
  file records its line on the object (`_critic_placed`, with a sequence number, so a part
  moved with its group takes the later of the two). Calls nested in a mover are not looked at.
  `x.animate.shift(…)` and `Transform(a, b)` / `MoveToTarget(a)` are credited to their play();
- the scene's `play` (wait() and pause() go through it): after each call, a Shot, with the
  objects that play animated and, for every shape, its strokes as polylines (`_ink`).

What it skips, to cost a fraction of a preview render (`benchmarks/critic_benchmark.py`), is
what the check pass skips (`dry_run.py`): drawing, and the tweens of introducers and removers.

Names: an object is called by what the code can reach it as at that moment — a local of the
frame that called play(), then `self.<attr>` (for our TeachingScene `self.title`, `self.lecture`
and `self.lecture[i]` first), then locals of outer section frames; an element of a list or of a
plain group is `name[i]`. An object out of scope keeps its last name unless another object
has taken it.

The group rule: a plain `VGroup` / `Group` (exactly those classes, not subclasses such as Axes,
MathTex or a scene's own class, which are one thing each) is reported as kind "group" and
each of its children as its own object with `parent` set, recursively, since code groups
separate things (a label and its arrow) to move them together. A plain group of more than
`MAX_PARTS` children (a cloud of dots, a row of ticks) is one "shape". The title, the grid
overlay and anything invisible (opacity 0, no points) are never split.

Why reading frames here is sound (the sandbox). This code is trusted but runs in the process of
an untrusted scene. It reads frames through `sys._getframe` and `frame.f_back/f_locals`,
which the audit hook does not refuse and cannot: Python's own `logging` and `warnings`, which
manim uses, call `sys._getframe`, and a traceback hands out frames (`tb_frame`) to any code
that catches an exception. So no allowance is opened for this module and the hook's refusals
(gc's object walks, ctypes, process creation, writes outside the media folder, …) hold as
before. What keeps scene code from walking frames itself is the static check (no `sys`,
`inspect`, `traceback`, `getattr`, no `f_back`/`f_locals`/`tb_frame` attributes). Scene code
that got past it could at worst falsify its own shots: the parent treats the result as
untrusted data (`critique.py` checks names and numbers before a patch is built from them).
"""

from __future__ import annotations

import functools
import math
import sys
from dataclasses import asdict
from pathlib import Path

import numpy as np
from manim import (
    CoordinateSystem,
    DecimalNumber,
    Group,
    MarkupText,
    Mobject,
    NumberLine,
    Paragraph,
    PMobject,
    SingleStringMathTex,
    SVGMobject,
    Text,
    VGroup,
    VMobject,
)
from manim.animation.transform import (
    ApplyMethod,
    ClockwiseTransform,
    CounterclockwiseTransform,
    MoveToTarget,
    Transform,
)
from manim.mobject.mobject import _AnimationBuilder
from manim.mobject.types.image_mobject import AbstractImageMobject

from ...findings import Placed, Shot
from ...fonts import CJK, script_of
from ...scopes import BLOCK_MARK, blocks
from .critic_stage import box_of_family, lecture_group, role_ids, stage_of, title_of
from .dry_run import animations, draw_nothing, untween

MOVERS = frozenset({
    "move_to", "next_to", "shift", "to_edge", "to_corner", "align_to", "scale", "set_x", "set_y", "center",
    "arrange", "arrange_in_grid", "scale_to_fit_width", "scale_to_fit_height", "stretch_to_fit_width",
    "stretch_to_fit_height", "put_start_and_end_on", "rotate", "replace", "surround", "match_x", "match_y",
    "flip", "set_width", "set_height",
})
PLACERS = ("place_at_grid", "place_in_area")
_RETARGETS = (Transform, ClockwiseTransform, CounterclockwiseTransform, MoveToTarget)  # exactly these classes
MAX_PARTS = 24  # a plain group with more children is one thing
MAX_HOPS = 24  # frames walked out of manim to find the section's line of a new object
MAX_SHOTS = 2000  # a scene playing more (a loop of tiny steps) is judged on its first 2000
# The height of a capital letter per font point, in scene units (manim 0.22; "H" measured at 24 and 48 pt).
TEXT_CAP_PER_POINT = 0.010124  # Text, MarkupText, Paragraph (Pango)
# A Chinese, Japanese or Korean glyph's height per font point ("永", "国", "한", "あ" at 100 pt: 0.0117-0.0127):
# they fill the em box, where a Latin capital is seven tenths of it.
CJK_GLYPH_PER_POINT = 0.0125
TEX_CAP_PER_POINT = 0.007088  # MathTex, Tex, DecimalNumber (LaTeX)
_NAME_LIST_LIMIT = 64
INK_POINTS = 96  # an outline is kept as at most this many points (a circle needs 17)


def observe(scene_class, path: str) -> dict:
    """Run the scene without frames (call inside manim's tempconfig with dry_run); the result's
    `shots`, `stage`, `duration` and `block_starts`, as JSON-ready values."""
    scene = scene_class(skip_animations=True)
    recorder = Recorder(scene, path)
    try:
        scene.render()
    finally:
        recorder.detach()
    return {**recorder.record(), "duration": float(scene.renderer.time),
            "block_starts": [[k, t] for k, t in getattr(scene, "block_start_times", [])]}


class Recorder:
    """`drawing`: the scene is being rendered for real (`render_worker`: the layout recorded on a
    render's way, no run of its own), so its frames are drawn and its tweens run; the shots are
    the same, taken at the end of each play."""

    def __init__(self, scene, path: str, *, drawing: bool = False):
        self.scene, self.drawing = scene, drawing
        self.shots: list[Shot] = []
        # Frames running the section's code are those with its module's globals (no file-name compare).
        self.globals = type(scene).construct.__globals__
        self.blocks = _block_lines(Path(path).read_text(encoding="utf-8", errors="replace"))
        self.internal = set(vars(scene))  # manim's own attributes of a Scene: never a name for an object
        self.uids: dict[int, int] = {}
        self.kept: list = []  # every object ever shown stays alive, so its id (and uid) stays its own
        self.seen: set[int] = set()
        self.known: dict[int, str] = {}  # uid -> the last name it had
        self.inks: dict[tuple, list] = {}  # (uid, box) -> its strokes
        self.seq = self.busy = self.playing = 0
        self.taken: set[str] = set()
        self.undo: list = []
        self._hook_init()
        self._hook_movers()
        self._hook_scene()
        self._hook_renderer()

    def record(self) -> dict:
        """What the run recorded, JSON-ready: the shots and the frame's layout."""
        return {"shots": [asdict(s) for s in self.shots], "stage": asdict(stage_of(self.scene))}

    # --- hooks ------------------------------------------------------------------------------
    def _patch(self, owner, name: str, replacement) -> None:
        self.undo.append((owner, name, owner.__dict__.get(name)))
        setattr(owner, name, replacement)

    def detach(self) -> None:
        for owner, name, original in reversed(self.undo):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self.undo.clear()

    def _hook_init(self) -> None:
        original, recorder = Mobject.__init__, self

        def __init__(mob, *args, **kwargs):
            original(mob, *args, **kwargs)
            line = recorder.creating_line(sys._getframe(1))
            if line is not None:
                mob._critic_line = line

        self._patch(Mobject, "__init__", functools.wraps(original)(__init__))
        copy = Mobject.copy

        def copied(mob, *args, **kwargs):
            """`b = a.copy()` in the section makes a new object on that line (deepcopy would give it
            a's lines); a copy made inside manim (an animation's target) keeps them."""
            result = copy(mob, *args, **kwargs)
            caller = sys._getframe(1)
            if caller.f_globals is recorder.globals and isinstance(result, Mobject):
                result._critic_line, result._critic_placed = caller.f_lineno, None
            return result

        self._patch(Mobject, "copy", functools.wraps(copy)(copied))

    def creating_line(self, frame) -> int | None:
        while frame is not None and frame.f_code.co_name == "__init__":  # this object's constructor chain
            frame = frame.f_back
        for _ in range(MAX_HOPS):
            if frame is None:
                return None
            if frame.f_globals is self.globals:
                return frame.f_lineno
            if frame.f_code.co_name == "__init__":  # built by another object's constructor: a part
                return None
            frame = frame.f_back
        return None

    def _hook_movers(self) -> None:
        for cls in _subclasses(Mobject):
            for name in MOVERS & cls.__dict__.keys():
                self._patch(cls, name, self._recording(cls.__dict__[name]))

    def _recording(self, method):
        """A mover or placement (`method(mobject, …)`: a class's function, or the scene's bound
        method) that records the section line it was called from on the object it moved."""
        recorder = self

        @functools.wraps(method)
        def recording(mob, *args, **kwargs):
            if recorder.busy:  # inside another mover or a placement: not the section's own call
                return method(mob, *args, **kwargs)
            caller = sys._getframe(1)
            recorder.busy += 1
            try:
                return method(mob, *args, **kwargs)
            finally:
                recorder.busy -= 1
                if caller.f_globals is recorder.globals:
                    recorder.placed(mob, caller.f_lineno)
        return recording

    def placed(self, mob, line: int) -> None:
        self.seq += 1
        try:
            mob._critic_placed = (self.seq, line)
        except AttributeError:  # an object that takes no attributes: its placement is not known
            pass

    def _hook_scene(self) -> None:
        for name in PLACERS:
            if callable(getattr(self.scene, name, None)):
                self.scene.__dict__[name] = self._recording(getattr(self.scene, name))
        self.scene.__dict__["play"] = self._player(self.scene.play)

    def _hook_renderer(self) -> None:
        """No drawing: the critic reads geometry, never pixels (instance attributes, so only this scene)."""
        if not self.drawing:
            draw_nothing(self.scene)

    def _player(self, play):
        recorder = self

        def played(*args, **kwargs):
            if recorder.playing:
                return play(*args, **kwargs)
            frames = recorder.section_frames(sys._getframe(1))
            line = frames[0].f_lineno if frames else None
            recorder.credit_builders(args, line)
            if not recorder.drawing:
                untween(args)
            recorder.playing += 1
            try:
                result = play(*args, **kwargs)
            finally:
                recorder.playing -= 1
            recorder.credit_transforms(args, line)
            recorder.shoot(line, frames, recorder.animated(args))
            return result
        return played

    def section_frames(self, frame) -> list:
        """The frames running section code, innermost first."""
        found = []
        while frame is not None:
            if frame.f_globals is self.globals:
                found.append(frame)
            frame = frame.f_back
        return found

    def credit_builders(self, args, line) -> None:
        """`self.play(x.animate.move_to(p))` moves x: the move runs in manim, so credit the play's line."""
        for arg in args:
            if isinstance(arg, _AnimationBuilder) and line is not None and any(
                    getattr(m.method, "__name__", "") in MOVERS for m in arg.methods):
                self.placed(arg.mobject, line)

    def credit_transforms(self, args, line) -> None:
        """After Transform(a, b) or MoveToTarget(a), a stands where the code placed its target;
        after ApplyMethod(a.move_to, …), where the play put it. Other transforms (FadeIn,
        TransformFromCopy, ScaleInPlace, …) leave a where it was or remove it."""
        for anim in animations(args):
            if type(anim) in _RETARGETS:
                target = anim.target_mobject
                where = getattr(target, "_critic_placed", None)
                source = where[1] if where else getattr(target, "_critic_line", None) or line
                if source is not None and anim.mobject is not target:
                    self.placed(anim.mobject, source)
            elif isinstance(anim, ApplyMethod) and getattr(anim.method, "__name__", "") in MOVERS and line:
                self.placed(anim.mobject, line)

    def animated(self, args) -> list[int]:
        """The uids of what this play animates (a dot moved along a circle, a vector indicated): an
        object a later play still animates is meant to stay on screen."""
        found = []
        for anim in animations(args):
            if getattr(anim, "remover", False):
                continue  # fading out or uncreating is not using: the end of a scene fades everything
            mob = getattr(anim, "mobject", None)  # an Animation's, or an `x.animate` builder's
            if isinstance(mob, Mobject):
                found.append(self.uid(mob))
        return sorted(set(found))

    # --- shots --------------------------------------------------------------------------------
    def shoot(self, line: int | None, frames: list, animated: list[int] | None = None) -> None:
        if len(self.shots) >= MAX_SHOTS:
            return
        names = self.current_names(frames)
        self.taken = set(names.values())
        out: list[Placed] = []
        roles = role_ids(self.scene)
        for mob in list(self.scene.mobjects):
            self.describe(mob, None, names, roles, out)
        for z, placed in enumerate(sorted(out, key=lambda p: p.z)):
            placed.z = float(z)
        added = [p.uid for p in out if p.uid not in self.seen]
        self.seen.update(added)
        self.shots.append(Shot(round(float(self.scene.renderer.time), 6), line, self.block(frames), out, added,
                               animated or []))

    def describe(self, mob, parent: Placed | None, names: dict, roles: dict, out: list, hint=None,
                 placement=None) -> None:
        try:
            family = [m for m in mob.get_family() if m.has_points()]
            opacity = _opacity(family) if family else 0.0
            box = box_of_family(family) if opacity > 0 else None
        except Exception:  # noqa: BLE001 - an object the critic cannot read is left out, the scene runs on
            return
        if box is None or not all(math.isfinite(v) for v in (box.left, box.bottom, box.right, box.top)):
            return  # invisible, or points gone wrong (NaN): nothing a rule could place
        uid = self.uid(mob)
        role = roles.get(id(mob)) or (parent.role if parent else "content")
        kind, parts = _kind(mob), None
        if kind == "group":
            parts = mob.submobjects if len(mob.submobjects) <= MAX_PARTS and role not in ("title", "grid") else None
            kind = "group" if parts else "shape"
            if parts and role == "content" and all(roles.get(id(p)) == "lecture" for p in parts):
                role = "lecture"
        placement = max((p for p in (placement, getattr(mob, "_critic_placed", None)) if p), default=None)
        placed = Placed(uid, kind, type(mob).__name__, self.name(uid, id(mob), names, hint),
                        getattr(mob, "_critic_line", None), placement[1] if placement else None,
                        box, role, _text_height(mob, kind), round(opacity, 3),
                        parent.uid if parent else None, float(getattr(mob, "z_index", 0)) * 1e6 + len(out),
                        self.ink(mob, uid, kind, box), _script(mob, kind))
        out.append(placed)
        for i, part in enumerate(parts or ()):
            self.describe(part, placed, names, roles, out, f"{placed.name}[{i}]" if placed.name else None, placement)

    def ink(self, mob, uid: int, kind: str, box) -> list:
        """The strokes of a shape, cached while it stays where it was (see `_ink`)."""
        if kind != "shape":
            return []
        key = (uid, box)
        if key not in self.inks:
            self.inks[key] = _ink(mob)
        return self.inks[key]

    def uid(self, mob) -> int:
        key = id(mob)
        if key not in self.uids:
            self.uids[key] = len(self.uids) + 1
            self.kept.append(mob)
        return self.uids[key]

    def name(self, uid: int, key: int, names: dict, hint: str | None) -> str | None:
        name = names.get(key) or hint
        if name is None:  # out of scope now (a helper's local): its last name, unless another object has it
            earlier = self.known.get(uid)
            name = earlier if earlier and earlier not in self.taken else None
        if name:
            self.known[uid] = name
        return name

    def current_names(self, frames: list) -> dict:
        """id(object) -> the name code can reach it by now: a local of the frame that called play(),
        then `self.<attr>` (the base class's title/lecture first), then locals of outer section frames."""
        names: dict = {}

        def put(name, value):
            if isinstance(value, Mobject):
                names.setdefault(id(value), name)
            items = (value.submobjects if type(value) in (VGroup, Group)
                     else value if isinstance(value, (list, tuple)) else ())
            if len(items) <= _NAME_LIST_LIMIT:  # the parts of a plain group or list: name[i]
                for i, item in enumerate(items):
                    if isinstance(item, Mobject):
                        names.setdefault(id(item), f"{name}[{i}]")

        scopes = [("", frames[0].f_locals)] if frames else []
        aliases = {"title": title_of(self.scene), "lecture": lecture_group(self.scene)}
        scopes += [("self.", {k: v for k, v in aliases.items() if v is not None})]
        scopes += [("self.", {k: v for k, v in vars(self.scene).items() if k not in self.internal})]
        scopes += [("", f.f_locals) for f in frames[1:]]
        for prefix, scope in scopes:
            for key, value in list(scope.items()):
                if key != "self" and not key.startswith("__"):
                    put(prefix + key, value)
        return names

    def block(self, frames: list) -> int | None:
        """The running lecture-line block: TeachingScene's highlight_line record, else the
        `# === Animation for Lecture Line k ===` block around the innermost section line in one."""
        starts = getattr(self.scene, "block_start_times", None)
        if isinstance(starts, list) and starts:
            return int(starts[-1][0])
        for frame in frames:
            for start, end, k in self.blocks:
                if start <= frame.f_lineno <= end:
                    return k
        return None


# --- reading objects ----------------------------------------------------------------------------
def _subclasses(cls) -> list:
    found, todo = [], [cls]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(current.__subclasses__())
    return list(dict.fromkeys(found))


def _block_lines(source: str) -> list[tuple[int, int, int]]:
    lines = source.splitlines()
    return [(s.start, s.end, int(mark.group(2))) for s in blocks(source)
            if (mark := BLOCK_MARK.match(lines[s.start - 1]))]  # each block starts at its mark


def _kind(mob) -> str:
    if type(mob) in (VGroup, Group):
        return "group"
    if isinstance(mob, (Text, MarkupText, Paragraph)):
        return "text"
    if isinstance(mob, (SingleStringMathTex, DecimalNumber)):
        return "formula"
    if isinstance(mob, (AbstractImageMobject, SVGMobject)):  # a picture or an icon file (after Text, MathTex)
        return "image"
    return "shape"


def _ink(mob) -> list[list[list[float]]]:
    """Where a shape's strokes run, as polylines: the axis lines of a coordinate system (not its
    grid or ticks), else each path of the shape and its parts, sampled at the ends and the middle
    of every curve. A label is struck through when one crosses it; a label inside a closed outline
    is inside the shape. Empty for what has no simple outline (a large group, a plain Mobject)."""
    try:
        if isinstance(mob, CoordinateSystem):
            return [_points([axis.get_start(), axis.get_end()]) for axis in mob.get_axes()]
        if isinstance(mob, NumberLine):
            return [_points([mob.get_start(), mob.get_end()])]
        if not isinstance(mob, VMobject) or type(mob) is VGroup:
            return []
        paths = []
        for part in mob.family_members_with_points():
            if isinstance(part, VMobject):
                paths += [path for path in part.get_subpaths() if len(path) >= 4]
        curves = sum(len(path) // 4 for path in paths)
        step = max(1, math.ceil(2 * curves / INK_POINTS))
        strokes = []
        for path in paths:
            quads = path[: len(path) // 4 * 4].reshape(-1, 4, 3)
            middles = (quads[:, 0] + 3 * quads[:, 1] + 3 * quads[:, 2] + quads[:, 3]) / 8
            points = np.empty((2 * len(quads) + 1, 3))
            points[0:-1:2], points[1::2], points[-1] = quads[:, 0], middles, quads[-1, 3]
            strokes.append(_points(points[::step] if step == 1 else np.vstack([points[::step], points[-1:]])))
        return strokes
    except Exception:  # noqa: BLE001 - strokes the critic cannot read: the shape is judged by its box
        return []


def _points(points) -> list[list[float]]:
    return [[round(float(p[0]), 3), round(float(p[1]), 3)] for p in points]


def _opacity(family: list) -> float:
    """The largest opacity any part is drawn with. The camera draws only these three kinds: a
    plain Mobject (a ValueTracker, an empty placeholder) is never seen."""
    best = 0.0
    for part in family:
        if isinstance(part, VMobject):
            values = [part.get_fill_opacities()]
            if part.get_stroke_width() > 0:
                values.append(part.get_stroke_opacities())
        elif isinstance(part, AbstractImageMobject):
            values = [part.pixel_array[..., 3].ravel() / 255]
        elif isinstance(part, PMobject):
            values = [part.rgbas[:, 3]]
        else:
            continue
        best = max([best] + [float(np.max(v)) for v in values if len(v)])
    return best


def _script(mob, kind: str) -> str:
    """The script of a text's letters ("Latn" for formulas and anything without its own words)."""
    if kind != "text":
        return "Latn"
    words = getattr(mob, "original_text", None) or getattr(mob, "text", None)
    return script_of(words) if isinstance(words, str) else "Latn"


def _text_height(mob, kind: str) -> float | None:
    """Height of a glyph as drawn now: font size (which follows scaling) times the script's glyph
    height per point (a Latin capital's; a CJK character's, the whole em)."""
    try:
        per_point = CJK_GLYPH_PER_POINT if _script(mob, kind) in CJK else TEXT_CAP_PER_POINT
        if isinstance(mob, Paragraph):
            inner = mob.lines_text  # the Text it was cut from, never scaled with it
            height = inner.font_size * per_point * mob.height / inner.height
        elif kind in ("text", "formula"):
            height = float(mob.font_size) * (per_point if kind == "text" else TEX_CAP_PER_POINT)
        else:
            return None
    except (ZeroDivisionError, AttributeError, FloatingPointError, TypeError, ValueError):
        return None
    return float(height) if math.isfinite(height) else None
