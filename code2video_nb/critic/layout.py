"""The layout critic's rules: findings from what was on screen after every play()/wait().

    analyse(shots, stage, code) -> [Finding]

Pure geometry over `Shot`s (recorded by render/child/critic_instrument.py in the render process) and the `Stage`
(frame, title, lecture column, anchor grid), plus which variables each line of the code uses; no
manim. Five rules, each reported once per root cause, at the first moment it holds, naming the
line that placed the object (else created it):

- occludes_lecture  content over the lecture-line column or the title (checked first: axes that
                    run through the lecture and off the frame are this, the message says both);
- offscreen         a content object reaches beyond the frame by more than TOLERANCE (one that
                    left the frame after being wholly on it is an exit, not a defect);
- too_small         text whose glyphs are under MIN_GLYPH_PX pixels high in the 480p preview;
- overlap           a text or formula on top of another one, or struck through by a shape's
                    strokes (a line, an arrow or its head, an axis line, an outline), or an icon
                    on another icon; a label put on an old line is this too (move the label);
- stale_overlap     a text under something drawn in a later block, or a shape drawn in the same
                    place as an earlier block's, still on screen (fade the old one out).

Texts meet shapes by their strokes (`Placed.ink`), not their boxes: a label in the empty corner of
a circle's box touches nothing. Intended designs are exempt: a label inside a shape that was there
first or came with it (a name written into an old box, digits into array cells), a frame class
or a box that hugs an old text or is placed from it (`Rectangle(...).move_to(n)`), parts of one
group, a coordinate system's own labels and anything on it away from its axis lines, curves
(they bend around labels beside them), and shapes of two blocks unless one is drawn where the
other is — not the circles of a Venn diagram, not one placed from the other, not one a later
play still animates (a dot riding a circle, the vectors of a parallelogram). Whatever is drawn on
off-frame axes joins the axes' finding (one root cause). Patches come from room.py (a free cell
or area at that moment, else a scale) and are written by patches.py.
"""

from __future__ import annotations

import ast
import functools
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..findings import Box, Finding, Patch, Placed, Shot, Stage
from ..parse import end_line, parse
from . import room
from .patches import SIDES, anchor_of, beside_patch, fade_out_patch, move_patch, scale_patch

__all__ = ["analyse", "move_patch", "scale_patch", "fade_out_patch", "label", "place_line"]

TOLERANCE = 0.05  # scene units: 3 px at 480p, less than an antialiased edge
MIN_OPACITY = 0.05
# 480p preview: the frame's 8 units are 480 px, so 60 px a unit. Glyph height (text_height, one
# line of capitals) under 7 px is where letters stop being legible at that size: manim's Text at
# font_size 12 (a capital 0.12 units = 7.3 px) is the smallest that reads; MathTex runs smaller
# per font size (font_size 16 ≈ 7.1 px). The lecture lines (font_size 24) are 14.6 px.
PX_PER_UNIT = 480 / 8
MIN_GLYPH_PX = 7.0
MIN_TEXT_HEIGHT = MIN_GLYPH_PX / PX_PER_UNIT
COMFORTABLE_TEXT_HEIGHT = 10.0 / PX_PER_UNIT  # what a too_small patch scales up to
# Chinese, Japanese and Korean glyphs fill the em box (a 24-pt character is 18 px high at 480p, a Latin
# capital 14.6 px) but their strokes are dense: they read from about 11 px, a 15-pt Text, where a
# 10-pt one (7.5 px) is a blur. Their text_height is the whole glyph's (render/child/critic_instrument).
MIN_GLYPH_PX_BY_SCRIPT = {"Hani": 11.0, "Jpan": 11.0, "Hang": 11.0}
SCRIPT_NAMES = {"Hani": "Chinese characters", "Jpan": "Japanese characters", "Hang": "Korean characters"}


def min_text_height(script: str) -> float:
    """The least glyph height, in scene units, at which text in `script` reads at 480p."""
    return MIN_GLYPH_PX_BY_SCRIPT.get(script, MIN_GLYPH_PX) / PX_PER_UNIT
OVERLAP_SHARE = 0.10  # the covered share of the smaller box that counts as on top of it
STALE_SHAPE_SHARE = 0.5  # two shapes of different blocks: only when this much is covered
# A label written into a shape that was already there is framed by it, whatever their sizes (a
# value into a memory box, a name into a cell). A shape drawn later around an old text frames it
# only when it hugs it (at most HUG_AROUND times its area: SurroundingRectangle's default buff
# gives about 1.5–2.5) or is placed from it; a big diagram or panel drawn over old text is stale.
HUG_AROUND = 3.0
FRAME_CLASSES = frozenset({"SurroundingRectangle", "BackgroundRectangle", "Underline"})
STRIKE_MARGIN = 0.2  # a stroke strikes a text when it crosses its box inside this share of each edge
SAME_PLACE = 0.25  # shapes of two blocks compete only when centred this close (share of the smaller side)
ROOT_REACH = 0.5  # an object within this of an off-frame coordinate system's box is drawn on it
STRAIGHT_CLASSES = frozenset({"Line", "DashedLine", "Arrow", "Vector", "DoubleArrow", "NumberLine", "UnitInterval"})

COORDINATE_CLASSES = frozenset({
    "Axes", "ThreeDAxes", "NumberPlane", "ComplexPlane", "PolarPlane", "NumberLine", "UnitInterval",
    "CoordinateSystem",
})
LINE_CLASSES = frozenset({
    "Line", "DashedLine", "Arrow", "Vector", "DoubleArrow", "CurvedArrow", "CurvedDoubleArrow", "Arc",
    "ArcBetweenPoints", "TangentLine", "Elbow", "ParametricFunction", "FunctionGraph",
    "ImplicitFunction", "TracedPath", "DashedVMobject", "CubicBezier", "Angle", "RightAngle",
})
TEXT_KINDS = ("text", "formula")


@dataclass
class _Hit:
    """A finding before it is written, with the object it is about (to keep one per object)."""
    finding: Finding
    uid: int
    key: tuple = ()  # overlaps: one finding per key (the moved object; for a stale one, the old object)
    weight: float = 0.0  # covered area: of several new objects over one old one, the largest names it
    fades: list[str] = field(default_factory=list)  # stale: the names to fade out
    shot: int = 0  # index of the shot it was found in
    placed: Placed | None = None  # offscreen / occludes: the object, to find its root cause
    fix: Callable[[], tuple[str, Patch | None]] | None = None  # words for the message, and the patch:
    # worked out only for the findings that are kept


def analyse(shots: list[Shot], stage: Stage, code: str) -> list[Finding]:
    run = _Run(shots, stage, code)
    hits = run.occludes()  # over the lecture lines and off the frame too: the one a teacher must fix first
    moved = {h.uid for h in hits}
    hits += [h for h in run.offscreen() if h.uid not in moved]
    hits = run.rooted(hits)
    moved = {h.uid for h in hits} | run.folded
    hits += run.too_small()
    hits += [h for h in run.overlaps() if h.uid not in moved]
    return [_fixed(h) for h in _merged(hits)]


def _merged(hits: list[_Hit]) -> list[_Hit]:
    """One finding per defect (kind + line): objects of the same line join the first one."""
    by_key: dict[tuple, _Hit] = {}
    for h in sorted(hits, key=lambda h: (h.finding.time, h.finding.line or 0)):
        first = by_key.setdefault((h.finding.kind, h.finding.line), h)
        if first is not h:
            first.finding.objects += [o for o in h.finding.objects if o not in first.finding.objects]
            first.finding.boxes += h.finding.boxes
    return sorted(by_key.values(), key=lambda h: (h.finding.time, h.finding.line or 0, h.finding.kind))


def _fixed(hit: _Hit) -> Finding:
    if hit.fix is not None:
        words, hit.finding.patch = hit.fix()
        hit.finding.message += words
    return hit.finding


# --- what an object is ------------------------------------------------------------------------

def label(o: Placed) -> str:
    return o.name or f"{o.cls} (line {o.line})"


def place_line(o: Placed) -> int | None:
    return o.placed_line or o.line


def _textual(o: Placed) -> bool:
    return o.kind in TEXT_KINDS


def _diagonal_line(o: Placed) -> bool:
    """A line or curve whose box is mostly empty: boxes say nothing about what it crosses."""
    return o.cls in LINE_CLASSES and min(o.box.width, o.box.height) > 0.4


def _root(name: str | None) -> str | None:
    """The variable an object's name starts from: `cells` for `cells[3]`, `self.axes` for `self.axes`."""
    return name.split("[", 1)[0] if name else None


def _inner(box: Box) -> Box:
    """The band of a text's box a stroke must cross to strike it (not graze the ascenders or the ends)."""
    dy, dx = box.height * STRIKE_MARGIN, min(0.05, box.width * STRIKE_MARGIN)
    return Box(box.left + dx, box.bottom + dy, box.right - dx, box.top - dy)


def _segments(o: Placed) -> Iterator[tuple[float, float, float, float]]:
    for stroke in o.ink:
        for (x1, y1), (x2, y2) in zip(stroke, stroke[1:]):
            yield x1, y1, x2, y2


def _crosses(x1: float, y1: float, x2: float, y2: float, box: Box) -> bool:
    """Does the segment pass through the box (Liang–Barsky clipping)?"""
    low, high, dx, dy = 0.0, 1.0, x2 - x1, y2 - y1
    for p, q in ((-dx, x1 - box.left), (dx, box.right - x1), (-dy, y1 - box.bottom), (dy, box.top - y1)):
        if p == 0:
            if q < 0:
                return False
        elif p < 0:
            low = max(low, q / p)
        else:
            high = min(high, q / p)
        if low > high:
            return False
    return True


def _struck(text: Placed, other: Placed) -> bool:
    """A stroke of `other` runs through the text."""
    inner = _inner(text.box)
    return inner.width > 0 and inner.height > 0 and any(_crosses(*seg, inner) for seg in _segments(other))


def _strikes(o: Placed) -> bool:
    """Strokes that cross a label by mistake: straight lines, arrows (with their heads), axis lines and
    outlines of shapes. Curves (plots, curved arrows, arcs) bend around labels put beside them and
    are judged by their box as before."""
    return bool(o.ink) and (o.cls in STRAIGHT_CLASSES or o.cls in COORDINATE_CLASSES or o.cls not in LINE_CLASSES)


def _encloses(shape: Placed, box: Box) -> bool:
    """The box's centre is inside the shape's outline (even–odd rule over its strokes)."""
    x, y = (box.left + box.right) / 2, (box.bottom + box.top) / 2
    inside = False
    for x1, y1, x2, y2 in _segments(shape):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _same_place(a: Box, b: Box) -> bool:
    """Two shapes centred on about the same point: one drawn where the other is, not beside it."""
    ax, ay = (a.left + a.right) / 2, (a.bottom + a.top) / 2
    bx, by = (b.left + b.right) / 2, (b.bottom + b.top) / 2
    reach = SAME_PLACE * min(a.width, a.height, b.width, b.height)
    return abs(ax - bx) <= reach and abs(ay - by) <= reach


def _ink_boxes(o: Placed) -> list[Box]:
    """Small boxes along a line's strokes: what a label moved off it must not land on again."""
    boxes = []
    for x1, y1, x2, y2 in _segments(o):
        pieces = max(1, math.ceil(math.hypot(x2 - x1, y2 - y1) / 0.4))
        for k in range(pieces):
            ax, ay = x1 + (x2 - x1) * k / pieces, y1 + (y2 - y1) * k / pieces
            bx, by = x1 + (x2 - x1) * (k + 1) / pieces, y1 + (y2 - y1) * (k + 1) / pieces
            boxes.append(Box(min(ax, bx) - 0.05, min(ay, by) - 0.05, max(ax, bx) + 0.05, max(ay, by) + 0.05))
    return boxes


def _covered(a: Box, b: Box) -> float:
    """The share of the smaller box that the other one covers (0 when they only touch)."""
    inter = a.intersection(b)
    if inter is None or inter.width <= TOLERANCE or inter.height <= TOLERANCE:
        return 0.0
    smaller = min(a.area, b.area)
    return inter.area / smaller if smaller > 0 else 0.0


class _Run:
    """The shots with what each rule needs: who is fresh when, in which block each object came."""

    def __init__(self, shots: list[Shot], stage: Stage, code: str):
        self.shots, self.stage, self.code = shots, stage, code
        self.came: dict[int, int] = {}  # uid -> index of the shot it (last) appeared in
        self.block: dict[int, int | None] = {}  # uid -> block it (last) appeared in
        self.fresh: list[set[int]] = []  # per shot: uids added, moved, shown or hidden by that play
        self.folded: set[int] = set()  # uids whose defect is another object's (plots on off-frame axes)
        self.last_animated: dict[int, int] = {}  # uid -> the last shot whose play animated it
        for i, shot in enumerate(shots):
            for uid in shot.animated:
                self.last_animated[uid] = i
        self.by_uid: list[dict[int, Placed]] = []
        previous: dict[int, Placed] = {}
        for i, shot in enumerate(shots):
            current = {o.uid: o for o in shot.objects}
            fresh = set()
            for o in shot.objects:
                if o.uid not in previous or o.uid in shot.added:
                    self.came[o.uid], self.block[o.uid] = i, shot.block
                    fresh.add(o.uid)
                elif _moved(previous[o.uid].box, o.box) or (
                        (previous[o.uid].opacity > MIN_OPACITY) != (o.opacity > MIN_OPACITY)):
                    fresh.add(o.uid)  # moved, or shown / hidden: its pairs are new
            self.fresh.append(fresh)
            self.by_uid.append(current)
            previous = current

    # - helpers over one shot -

    def visible(self, i: int) -> list[Placed]:
        return [o for o in self.shots[i].objects if o.role == "content" and o.opacity > MIN_OPACITY
                and (o.box.width > 0 or o.box.height > 0)]

    def ancestors(self, i: int, o: Placed) -> list[Placed]:
        chain, seen = [], set()
        while o.parent is not None and o.parent in self.by_uid[i] and o.parent not in seen:
            seen.add(o.parent)
            o = self.by_uid[i][o.parent]
            chain.append(o)
        return chain

    def leaves(self, i: int) -> list[Placed]:
        parents = {o.parent for o in self.shots[i].objects}
        return [o for o in self.visible(i) if o.uid not in parents]

    def named_tops(self, i: int, test) -> list[Placed]:
        """Top-level objects failing `test`; an unnamed group is replaced by its failing parts."""
        found, objects = [], self.visible(i)
        children: dict[int | None, list[Placed]] = {}
        for o in objects:
            children.setdefault(o.parent if o.parent in self.by_uid[i] else None, []).append(o)

        def walk(o: Placed):
            if not test(o):
                return
            parts = [p for p in children.get(o.uid, []) if test(p)]
            if o.name is None and parts:
                for p in parts:
                    walk(p)
            else:
                found.append(o)
        for o in children.get(None, []):
            walk(o)
        return found

    def lifetime(self, i: int, uid: int) -> range:
        end = i
        while end + 1 < len(self.shots) and uid in self.by_uid[end + 1]:
            end += 1
        return range(i, end + 1)

    def blockers(self, i: int, o: Placed) -> list[Box]:
        """What `o` must not cover from shot i on while it stays: the other content, the lecture
        column and title (text may sit on coordinate systems)."""
        boxes = [b for b in (self.stage.title, self.stage.lecture) if b is not None]
        for j in self.lifetime(i, o.uid):
            mine = {o.uid} | {a.uid for a in self.ancestors(j, self.by_uid[j].get(o.uid, o))}
            for other in self.leaves(j):
                family = {a.uid for a in self.ancestors(j, other)}
                if other.uid in mine or o.uid in family:
                    continue
                if _textual(o) and other.ink and (other.cls in COORDINATE_CLASSES or other.cls in LINE_CLASSES):
                    boxes += _ink_boxes(other)  # text may sit on a coordinate system, not on its lines
                    continue
                if _textual(o) and (other.cls in COORDINATE_CLASSES or any(
                        a.cls in COORDINATE_CLASSES for a in self.ancestors(j, other))):
                    continue  # text may sit on a coordinate system
                if o.cls in COORDINATE_CLASSES and _covered(o.box, other.box):
                    continue  # what is drawn on a coordinate system moves with it
                if not _diagonal_line(other):
                    boxes.append(other.box)
        return boxes

    def finding(self, kind: str, i: int, objects: list[Placed], message: str, patch=None) -> Finding:
        shot = self.shots[i]
        return Finding(kind, [label(o) for o in objects], place_line(objects[0]), shot.block,
                       round(shot.time, 2), message, patch, "layout", [o.box for o in objects])

    def relocation(self, i: int, o: Placed) -> tuple[str, Patch | None]:
        """(words, patch) that move `o` somewhere free, or scale it to fit there; a label placed
        against another object goes beside that object instead, if it fits there."""
        if (beside := self.beside(i, o)) is not None:
            return beside
        whole = self.whole(i, o)  # one part of a group (a digit of its number) moves with the rest
        it = "it" if whole is o else f"{whole.name} whole"
        spot = room.find(self.stage, self.blockers(i, whole), whole.box, o.text_height, min_text_height(o.script))
        line = place_line(whole)
        if spot is None or whole.name is None or line is None:
            return ("", None) if spot is None else (f"; move {it} to {spot.words()}", None)
        patch = move_patch(self.code, line, whole.name, spot.cells, spot.scale)
        return f"; move {it} to {spot.words()}", patch

    def whole(self, i: int, o: Placed) -> Placed:
        """The outermost named group of the section's own that `o` is a part of, else `o`."""
        groups = [a for a in self.ancestors(i, o) if a.name and a.role == "content" and a.kind == "group"]
        return groups[-1] if groups else o

    def beside(self, i: int, o: Placed) -> tuple[str, Patch] | None:
        line = place_line(o)
        if not (o.name and line):
            return None
        anchor = anchor_of(self.code, line, o.name)
        box = next((x.box for x in self.shots[i].objects if anchor and x.name == anchor), None)
        if box is None and anchor and anchor.endswith(")"):  # a point it was centred on (move_to)
            x, y = (o.box.left + o.box.right) / 2, (o.box.bottom + o.box.top) / 2
            box = Box(x, y, x, y)
        side = room.beside(self.stage, self.blockers(i, o), box, o.box) if box else None
        patch = beside_patch(self.code, line, o.name, side) if side else None
        return (f"; put it {SIDES[side]} {anchor}", patch) if side and patch else None

    # - rules -

    def offscreen(self) -> list[_Hit]:
        frame, hits, done, was_inside = self.stage.frame, [], set(), set()
        for i in range(len(self.shots)):
            for o in self.named_tops(i, lambda o: not frame.contains(o.box, TOLERANCE)):
                if o.uid in done:
                    continue
                done.add(o.uid)
                if o.uid in was_inside and frame.intersection(o.box) is None:
                    continue  # moved out of the frame after being seen: an exit
                hits.append(_Hit(self.finding("offscreen", i, [o], f"{label(o)} {_outside(frame, o.box)}"),
                                 o.uid, shot=i, placed=o, fix=functools.partial(self.relocation, i, o)))
            was_inside |= {o.uid for o in self.visible(i) if frame.contains(o.box, TOLERANCE)}
        return hits

    def occludes(self) -> list[_Hit]:
        bands = [(b, what) for b, what in ((self.stage.lecture, "the lecture lines"),
                                            (self.stage.title, "the title")) if b is not None]
        hits, done = [], set()

        def over(o: Placed):
            return next((what for b, what in bands if _intrudes(o.box, b)), None)
        frame = self.stage.frame
        for i in range(len(self.shots)):
            for o in self.named_tops(i, lambda o: over(o) is not None):
                if o.uid not in done:
                    done.add(o.uid)
                    also = "" if frame.contains(o.box, TOLERANCE) else f" and {_outside(frame, o.box)}"
                    hits.append(_Hit(self.finding("occludes_lecture", i, [o], f"{label(o)} covers {over(o)}{also}"),
                                     o.uid, shot=i, placed=o, fix=functools.partial(self.relocation, i, o)))
        return hits

    def rooted(self, hits: list[_Hit]) -> list[_Hit]:
        """One finding per root cause: what is drawn on a coordinate system that is itself off the
        frame or over the lecture (a curve, a label on it) joins that system's finding, whose patch
        moves the system (what the code draws on it later follows)."""
        roots = [h for h in hits if h.placed is not None and h.placed.cls in COORDINATE_CLASSES]
        kept = []
        for h in hits:
            root = next((r for r in roots if r is not h and r.shot <= h.shot and self.drawn_on(h.placed, r.placed)),
                        None)
            if root is None:
                kept.append(h)
                continue
            self.folded.add(h.uid)
            root.finding.objects += [o for o in h.finding.objects if o not in root.finding.objects]
            root.finding.boxes += h.finding.boxes
        return kept

    def drawn_on(self, o: Placed | None, system: Placed | None) -> bool:
        if o is None or system is None:
            return False
        near = Box(system.box.left - ROOT_REACH, system.box.bottom - ROOT_REACH,
                   system.box.right + ROOT_REACH, system.box.top + ROOT_REACH)
        return near.contains(o.box) or _root(system.name) in self.mentions(o.line)

    # - what the code says -

    def mentions(self, line: int | None) -> frozenset[str]:
        """The variables the statement at `line` uses (`axes`, `self.axes`): an object made or placed
        from another one (`Text(...).move_to(box)`, `axes.plot(...)`) is composed with it."""
        return _mentions(self.code, line) if line else frozenset()

    def composed(self, new: Placed, i: int, old: Placed) -> bool:
        """`new` was made or placed relative to `old` (or to a group holding it)."""
        olds = {_root(x.name) for x in (old, *self.ancestors(i, old))} - {None}
        news = [new, *self.ancestors(i, new)]
        return any(olds & self.mentions(line) for x in news for line in {x.line, x.placed_line})

    def used_later(self, i: int, old: Placed) -> bool:
        """A later play still animates `old` (a dot riding a circle, a vector indicated): it stays by design."""
        return any(self.last_animated.get(x.uid, -1) > i for x in (old, *self.ancestors(i, old)))

    def too_small(self) -> list[_Hit]:
        hits, done = [], set()
        for i in range(len(self.shots)):
            for o in self.leaves(i):
                if (o.uid in done or not _textual(o) or o.text_height is None
                        or o.text_height >= min_text_height(o.script)):
                    continue
                done.add(o.uid)
                px, least = o.text_height * PX_PER_UNIT, min_text_height(o.script) * PX_PER_UNIT
                readable = f"{SCRIPT_NAMES[o.script]} read from" if o.script in SCRIPT_NAMES else "readable from"
                hits.append(_Hit(self.finding("too_small", i, [o], f"{label(o)} is {px:.0f} px high at 480p "
                                              f"({readable} {least:.0f} px)"),
                                 o.uid, fix=functools.partial(self.enlargement, i, o, o.text_height)))
        return hits

    def enlargement(self, i: int, o: Placed, height: float) -> tuple[str, Patch | None]:
        least = min_text_height(o.script)
        factor = room.round_up(COMFORTABLE_TEXT_HEIGHT / MIN_TEXT_HEIGHT * least / height)
        blockers = [b for b in self.blockers(i, o) if _covered(b, o.box) == 0]
        for f in (factor, room.round_up(least / height)):
            grown = room.scaled(o.box, f)
            if self.stage.frame.contains(grown) and not any(_covered(b, grown) for b in blockers):
                line = place_line(o)
                if o.name is None or line is None:
                    return f"; scale it by {f:g}", None
                return f"; scale it by {f:g}", scale_patch(self.code, line, o.name, f)
        return "; there is no room to enlarge it here: give it a larger area", None

    def overlaps(self) -> list[_Hit]:
        hits, seen = [], set()
        for i in range(len(self.shots)):
            leaves = self.leaves(i)
            for n, a in enumerate(leaves):
                for b in leaves[n + 1:]:
                    if a.uid not in self.fresh[i] and b.uid not in self.fresh[i]:
                        continue  # both as they were in the shot before: that pair was looked at then
                    pair = frozenset((a.uid, b.uid))
                    if pair in seen or not self.competing(i, a, b):
                        continue
                    seen.add(pair)
                    hit = self.overlap_hit(i, a, b)
                    if hit is not None:
                        hits.append(hit)
        kept: dict[tuple, _Hit] = {}
        for h in sorted(hits, key=lambda h: (h.finding.time, -h.weight)):  # first, then most covered
            kept.setdefault(h.key, h)
        return self.joined_fades(list(kept.values()))

    def joined_fades(self, hits: list[_Hit]) -> list[_Hit]:
        """Stale findings of one new object become one, whose patch fades out every old object."""
        out, stale = [], dict[tuple[int, int], _Hit]()
        for h in hits:
            if h.finding.kind != "stale_overlap":
                out.append(h)
                continue
            first = stale.setdefault((h.uid, h.shot), h)
            if first is not h:
                first.finding.objects += [o for o in h.finding.objects if o not in first.finding.objects]
                first.finding.boxes += h.finding.boxes[1:]
                first.fades += h.fades
        for h in stale.values():
            names = list(dict.fromkeys(h.fades))
            line = self.shots[h.shot].line  # the play() that drew the new object there
            if names and line is not None:
                h.finding.patch = fade_out_patch(self.code, line, names)
            if len(names) > 1:
                h.finding.message = (f"{', '.join(names)} from earlier blocks are still on screen where "
                                     f"{h.finding.objects[0]} is drawn; fade them out first")
            out.append(h)
        return out

    def competing(self, i: int, a: Placed, b: Placed) -> bool:
        """Do a and b fight for the same place (as opposed to an intended design)?"""
        family_a = {x.uid for x in self.ancestors(i, a)}
        family_b = {x.uid for x in self.ancestors(i, b)}
        if family_a & family_b or a.uid in family_b or b.uid in family_a:
            return False  # parts of one group
        if _textual(a) and _textual(b):
            if any(x.cls in COORDINATE_CLASSES for x in (*self.ancestors(i, a), *self.ancestors(i, b))):
                return False  # the numbers and labels of one coordinate system
            return _covered(a.box, b.box) >= OVERLAP_SHARE
        if _textual(a) or _textual(b):
            return self.text_meets(i, *((a, b) if _textual(a) else (b, a)))
        if a.kind == "image" and b.kind == "image":
            return _covered(a.box, b.box) >= OVERLAP_SHARE  # an icon on top of another icon
        if not self.cross_block(i, a, b) or _diagonal_line(a) or _diagonal_line(b):
            return False
        if any(x.cls in COORDINATE_CLASSES for x in (a, b, *self.ancestors(i, a), *self.ancestors(i, b))):
            return False
        if (_covered(a.box, b.box) < STALE_SHAPE_SHARE or a.box.contains(b.box) or b.box.contains(a.box)
                or not _same_place(a.box, b.box)):
            return False  # containment, or parts of a diagram beside each other (a Venn diagram's circles)
        new, old = self.newer(i, a, b)
        return not (self.composed(new, i, old) or self.used_later(i, old))

    def text_meets(self, i: int, text: Placed, other: Placed) -> bool:
        """A text against a non-text: struck through by its strokes, or under a shape drawn over it."""
        if any(x.cls in COORDINATE_CLASSES for x in self.ancestors(i, text)):
            return False  # a coordinate system's own label
        on_axes = [x for x in (other, *self.ancestors(i, other)) if x.cls in COORDINATE_CLASSES]
        if on_axes:
            return other.cls in COORDINATE_CLASSES and _struck(text, other)  # only its axis lines strike
        if other.ink and _strikes(other):
            if _struck(text, other):
                return True
            if other.cls in LINE_CLASSES or not _encloses(other, text.box):
                return False  # beside the line, or in the empty corner of a round shape's box
            return not self.frames(i, other, text, inside=True)
        if _diagonal_line(other) or _covered(text.box, other.box) < OVERLAP_SHARE:
            return False
        return not self.frames(i, other, text)

    def frames(self, i: int, outer: Placed, inner: Placed, inside: bool = False) -> bool:
        """A shape around a text by design: it holds it and came in the same block, or is a frame
        class, or was there first (a label written into a box, a name into a circle), or hugs it or
        was placed by it (a box added around an old formula)."""
        if _textual(outer) or not (inside or outer.box.contains(inner.box, TOLERANCE)):
            return False
        if self.block[outer.uid] == self.block[inner.uid] or outer.cls in FRAME_CLASSES:
            return True
        if self.came[outer.uid] < self.came[inner.uid]:
            return True
        return outer.box.area <= HUG_AROUND * max(inner.box.area, 1e-9) or self.composed(outer, i, inner)

    def cross_block(self, i: int, a: Placed, b: Placed) -> bool:
        ba, bb = self.block.get(a.uid), self.block.get(b.uid)
        return ba is not None and bb is not None and ba != bb

    def overlap_hit(self, i: int, a: Placed, b: Placed) -> _Hit | None:
        new, old = self.newer(i, a, b)
        block_old, block_new = self.block[old.uid], self.shots[i].block
        misplaced = _textual(new) and not _textual(old)  # a label on a line or shape: move the label
        stale = (old.uid not in self.fresh[i] and block_old is not None and block_new is not None
                 and block_old < block_new and self.block[new.uid] == block_new and not misplaced)
        share = _covered(a.box, b.box)
        common = a.box.intersection(b.box)
        weight = common.area if common else 0.0
        if stale:
            message = (f"{label(old)} from block {block_old} is still on screen where {label(new)} is drawn; "
                       f"fade it out first")
            return _Hit(self.finding("stale_overlap", i, [new, old], message), new.uid,
                        ("stale", old.uid), weight, [n for n in [self.fading_target(i, old, new)] if n], i)
        if not (_textual(a) or _textual(b) or a.kind == b.kind == "image"):
            return None
        if misplaced and _strikes(old) and _struck(new, old):
            message = f"{label(old)} runs through {label(new)}"
        else:
            message = f"{label(new)} covers {label(old)} ({share:.0%} of the smaller one)"
        return _Hit(self.finding("overlap", i, [new, old], message), new.uid, ("overlap", new.uid), weight, shot=i,
                    fix=functools.partial(self.relocation, i, new))

    def newer(self, i: int, a: Placed, b: Placed) -> tuple[Placed, Placed]:
        """(the one that came or moved onto the other, the other): later, else smaller, else textual."""
        if _textual(a) != _textual(b):
            text, other = (a, b) if _textual(a) else (b, a)
            if _strikes(other) and _struck(text, other) and (self.block.get(text.uid) == self.block.get(other.uid)
                                                             or self.came[text.uid] >= self.came[other.uid]):
                return text, other  # a label struck through in its own block, or put on an old line: move the label
        fa, fb = a.uid in self.fresh[i], b.uid in self.fresh[i]
        if fa != fb:
            return (a, b) if fa else (b, a)
        if self.came[a.uid] != self.came[b.uid]:
            return (a, b) if self.came[a.uid] > self.came[b.uid] else (b, a)
        if (a.z, -a.box.area) != (b.z, -b.box.area):
            return (a, b) if (-a.box.area, a.z) > (-b.box.area, b.z) else (b, a)
        return (a, b) if a.uid > b.uid else (b, a)

    def fading_target(self, i: int, old: Placed, new: Placed) -> str | None:
        """The name to fade out: the outermost named group of `old` that does not hold `new`."""
        news = {new.uid} | {x.uid for x in self.ancestors(i, new)}
        names = [x.name for x in [old, *self.ancestors(i, old)] if x.name and x.uid not in news]
        return names[-1] if names else None


def _moved(before: Box, after: Box) -> bool:
    return max(abs(before.left - after.left), abs(before.right - after.right),
               abs(before.top - after.top), abs(before.bottom - after.bottom)) > 0.01


def _intrudes(box: Box, band: Box) -> bool:
    inter = box.intersection(band)
    return inter is not None and inter.width > TOLERANCE and inter.height > TOLERANCE


def _outside(frame: Box, box: Box) -> str:
    if frame.intersection(box) is None:
        return "is entirely outside the frame"
    sides = {"left": frame.left - box.left, "right": box.right - frame.right,
             "bottom": frame.bottom - box.bottom, "top": box.top - frame.top}
    side, by = max(sides.items(), key=lambda kv: kv[1])
    return f"runs {by:.1f} units off the {side} edge of the frame"


@functools.lru_cache(maxsize=512)
def _mentions(code: str, line: int) -> frozenset[str]:
    """Names (`box`, `self.box`) used by the innermost statement covering `line`."""
    statements = [n for n in ast.walk(_tree(code)) if isinstance(n, ast.stmt) and n.lineno <= line <= end_line(n)]
    if not statements:
        return frozenset()
    statement = min(statements, key=lambda n: end_line(n) - n.lineno)
    names = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            names.add(f"self.{node.attr}")
    return frozenset(names)


@functools.lru_cache(maxsize=8)
def _tree(code: str) -> ast.Module:
    try:
        return parse(code)
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])
