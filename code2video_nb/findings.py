"""The critic's data, shared by the instrumented run (in the render process), the layout rules,
the VLM review, the suggestion store and the notebook's cards. Plain dataclasses that travel
as JSON (`to_dict` / `from_dict`); coordinates are manim scene units (frame 14.22 × 8, origin
at the centre, y up); lines are the section file's, 1-based.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

KINDS = ("offscreen", "overlap", "occludes_lecture", "too_small", "stale_overlap")
# Roles of what is on screen: content is the section's own; the rest belongs to the lecture's frame.
ROLES = ("content", "title", "lecture", "grid")


@dataclass(frozen=True)
class Box:
    left: float
    bottom: float
    right: float
    top: float

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.top - self.bottom

    @property
    def area(self) -> float:
        return max(0.0, self.width) * max(0.0, self.height)

    def intersection(self, other: Box) -> Box | None:
        box = Box(max(self.left, other.left), max(self.bottom, other.bottom),
                  min(self.right, other.right), min(self.top, other.top))
        return box if box.width > 0 and box.height > 0 else None

    def contains(self, other: Box, tolerance: float = 0.0) -> bool:
        return (self.left - tolerance <= other.left and other.right <= self.right + tolerance
                and self.bottom - tolerance <= other.bottom and other.top <= self.top + tolerance)


@dataclass
class Placed:
    """One visible top-level object (a direct member of scene.mobjects, or a meaningful part of a
    group) at one moment."""
    uid: int  # stable within one run: the same object keeps its uid across shots
    kind: str  # "text" | "formula" | "shape" | "image" | "group"
    cls: str  # manim class name: "Text", "MathTex", "Circle", "Axes", "VGroup", …
    name: str | None  # variable name in construct (or "self.<attr>"), if it has one
    line: int | None  # section-file line that created it
    placed_line: int | None  # line of the last call that moved it (place_at_grid, move_to, next_to, shift, …)
    box: Box
    role: str = "content"  # see ROLES
    text_height: float | None = None  # text/formula: height of one line of glyphs, in scene units
    opacity: float = 1.0  # the largest fill or stroke opacity: 0 is invisible
    parent: int | None = None  # uid of the group it belongs to, if it was reported as a part
    z: float = 0.0  # z_index, then order on screen: later is drawn on top
    ink: list[list[list[float]]] = field(default_factory=list)  # shapes: where their strokes run, as
    # polylines of [x, y] (a coordinate system: its axis lines); empty for text, pictures, groups
    script: str = "Latn"  # text: the ISO 15924 script of its letters ("Hani": Chinese), which sets how
    # high its glyphs must be to read (critic/layout.py, too_small)


@dataclass
class Shot:
    """What is on screen after one play() or wait()."""
    time: float  # seconds since the section started
    line: int | None  # the section-file line of that play()/wait() call
    block: int | None  # the lecture-line block running then (1-based), if any
    objects: list[Placed] = field(default_factory=list)
    added: list[int] = field(default_factory=list)  # uids that first appeared in this shot
    animated: list[int] = field(default_factory=list)  # uids this play animated (created, moved, indicated…)


@dataclass
class Stage:
    """The frame's layout as this scene uses it (TeachingScene or a paper-style inline base)."""
    frame: Box
    title: Box | None
    lecture: Box | None
    grid: dict[str, tuple[float, float]] = field(default_factory=dict)  # "A1" -> centre (x, y)
    cell_size: tuple[float, float] | None = None  # (width, height) of one grid cell


@dataclass
class Patch:
    """A change to the section file: lines start..end (1-based, inclusive) holding `old` become `new`.
    An insertion has end = start - 1 and old = ""."""
    start: int
    end: int
    old: str
    new: str


@dataclass
class Finding:
    kind: str  # one of KINDS, or "note" for a VLM remark that could not be turned into a patch
    objects: list[str]  # the objects' names (variable names where there are any, else "Text 'x = 1'")
    line: int | None  # the code line that created or placed the offending object
    block: int | None
    time: float
    message: str  # one line, for a person
    patch: Patch | None = None
    source: str = "layout"  # "layout" | "vlm"
    boxes: list[Box] = field(default_factory=list)  # the offending objects on screen then, to outline them
    # Why the patch the critic worked out is not offered (it would break the picture: patch_check.py);
    # the finding is then a note, `patch` None.
    patch_note: str = ""

    def to_dict(self, full: bool = False) -> dict:
        """The shape `code2video critique --json` promises (`patch_note` only when there is one);
        `full` adds source and boxes (for storage)."""
        data = asdict(self)
        if not full:
            del data["source"], data["boxes"]
        if not self.patch_note:
            del data["patch_note"]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        patch = data.get("patch")
        boxes = [Box(**b) if isinstance(b, dict) else Box(*b) for b in data.get("boxes", [])]
        return cls(data["kind"], list(data.get("objects", [])), data.get("line"), data.get("block"),
                   float(data.get("time", 0.0)), data.get("message", ""),
                   Patch(**patch) if patch else None, data.get("source", "layout"), boxes,
                   str(data.get("patch_note") or ""))


def shot_from_dict(data: dict) -> Shot:
    objects = [Placed(**{**o, "box": Box(*o["box"]) if isinstance(o["box"], list) else Box(**o["box"])})
               for o in data.get("objects", [])]
    return Shot(data["time"], data.get("line"), data.get("block"), objects, list(data.get("added", [])),
                list(data.get("animated", [])))


def stage_from_dict(data: dict) -> Stage:
    def box(value):
        return None if value is None else Box(**value) if isinstance(value, dict) else Box(*value)
    return Stage(box(data["frame"]), box(data.get("title")), box(data.get("lecture")),
                 {k: tuple(v) for k, v in data.get("grid", {}).items()},
                 tuple(data["cell_size"]) if data.get("cell_size") else None)
