"""The paper's visual-anchor review, optional: a model that reads images looks at the last frame of
each lecture-line block with the anchor grid (A1–F6, or the scene's own: a paper-style base class
may lay out another) drawn over it, next to a table of where the code puts each object then, and
answers in JSON. Each issue it names becomes a `Finding` (source "vlm") whose patch is made by
layout.py's helpers in the anchor-grid language; an issue no patch can express (an unknown object,
one with no placing line, a free remark) becomes a "note" with the model's words. Nothing it says
is dropped.

One call is one round (`review_section`); the engine loops, applying patches and rendering again
between rounds, and `reviewer` bounds the VLM's share of that loop (`MAX_ROUNDS`). The images
travel inline, as base64 PNG data URIs in the user message's content list, over the same
`ModelClient` as every other stage (stage `critic:<section id>`, tokens counted there; its log
elides the images).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from .. import prompts
from ..errors import ConfigError, WorkspaceError
from ..findings import KINDS, Box, Finding, Patch, Placed, Shot, Stage
from ..language import Language, english, lecture_language, review_note
from ..teaching_scene import FRAME_HEIGHT, FRAME_WIDTH
from . import layout, room
from .grid_overlay import default_grid
from .patch_check import checked

OFF = ("VLM review off: set CODE2VIDEO_VLM_MODEL to a model that reads images "
       "(e.g. export CODE2VIDEO_VLM_MODEL=gpt-4.1) to turn it on")
MAX_ROUNDS = 1  # a second round only after the first one's patches were applied and rendered
ACTIONS = ("move", "scale", "fade_out", "none")
FRAME = Box(-FRAME_WIDTH / 2, -FRAME_HEIGHT / 2, FRAME_WIDTH / 2, FRAME_HEIGHT / 2)
GRID_RGBA = (255, 60, 255, 160)  # magenta: rare in lectures (manim draws planes in blue, text in white)
LABEL_RGBA = (255, 90, 255, 235)


def off_reason(settings) -> str | None:
    """None when the VLM review can run; else the one line saying how to turn it on."""
    return None if settings.vlm_model else OFF


@dataclass
class Keyframe:
    """One lecture-line block as the model sees it."""
    block: int  # 1-based
    lecture_line: str
    png: bytes  # the keyframe with the grid drawn over it
    shot: Shot | None  # what is on screen at its end
    rows: list[dict]  # the placement table: name, class, cells, created, placed


# -- entry points ------------------------------------------------------------------------------

def review_section(ws, section_id: str, shots: list[Shot], stage: Stage | None, client, model: str | None,
                   *, previous: Sequence[Finding] = ()) -> list[Finding]:
    """One round of the VLM review of a rendered section (its preview keyframes must exist).
    `previous`: the findings applied since the last round, so the model checks them rather than
    proposing them again. Raises ConfigError without a model, WorkspaceError without keyframes,
    ReplyFormatError when the answer stayed malformed after the re-asks."""
    if not model:
        raise ConfigError(OFF)
    section = ws.storyboard.section(section_id)
    frames = keyframe_paths(ws.keyframes_dir(section_id), len(section.lecture_lines))
    code = ws.code_path(section_id).read_text(encoding="utf-8")
    keys = [make_keyframe(k, path, line, shots, stage)
            for k, (path, line) in enumerate(zip(frames, section.lecture_lines), 1)]
    found = review(keys, section.title, code, client, model, stage_name=f"critic:{section_id}",
                   stage=stage, shots=shots, previous=previous, language=lecture_language(ws.lecture))
    return checked(found, code, shots, None)  # what the code and shots say; its findings are not the layout rules'


def reviewer(ws, section_id: str, client, model: str | None, max_rounds: int = MAX_ROUNDS) -> Callable:
    """What the engine's critic loop calls with each kept version's critique (its shots and stage):
    a VLM round while rounds are left, told which of its earlier patches the code now holds. Once
    they are spent, its earlier findings that still apply are handed back, so none is lost."""
    rounds, last = 0, list[Finding]()

    def review_round(critique) -> list[Finding]:
        nonlocal rounds, last
        code = ws.read_code(section_id) or ""
        if rounds >= max_rounds:
            return [f for f in last if _still_open(f, code)]
        applied = [f for f in last if f.patch and f.patch.new.strip() and f.patch.new.strip() in code]
        rounds, last = rounds + 1, review_section(ws, section_id, critique.shots, critique.stage, client, model,
                                                  previous=applied)
        return last

    return review_round


def _still_open(finding: Finding, code: str) -> bool:
    """A note, or a patch not in the code yet whose place still holds what it replaces."""
    patch = finding.patch
    if patch is None:
        return True
    if patch.new.strip() and patch.new.strip() in code:
        return False
    held = "\n".join(code.splitlines()[patch.start - 1:patch.end])
    return not patch.old or held.rstrip() == patch.old.rstrip()


def review(keys: list[Keyframe], title: str, code: str, client, model: str, *, stage_name: str,
           stage: Stage | None, shots: list[Shot], previous: Sequence[Finding] = (),
           language: Language | None = None) -> list[Finding]:
    """Ask `model` about these keyframes and turn its answer into findings against `code`."""
    messages = build_messages(keys, title, previous, grid_of(stage), language)
    answer = client.ask_json(messages, stage=stage_name, model=model, validate=check_answer)
    return [to_finding(issue, keys, code, stage, shots) for issue in answer["issues"]]


def keyframe_paths(folder: Path, n_blocks: int) -> list[Path]:
    paths = [Path(folder) / f"{k}.png" for k in range(1, n_blocks + 1)]
    missing = [p.name for p in paths if not p.is_file()]
    if missing:
        raise WorkspaceError(f"no keyframes {', '.join(missing)} in {folder}: render the section's "
                             "preview first (`code2video render`), then run the VLM review")
    return paths


# -- what the model sees -----------------------------------------------------------------------

def make_keyframe(block: int, png: Path | bytes, lecture_line: str, shots: list[Shot],
                  stage: Stage | None) -> Keyframe:
    shot = block_shot(shots, block)
    cells = grid_cells(stage)
    frame = stage.frame if stage and stage.frame else FRAME
    rows = placement_rows(shot, cells, stage) if shot else []
    return Keyframe(block, lecture_line, draw_grid(png, cells, frame), shot, rows)


def block_shot(shots: list[Shot], block: int) -> Shot | None:
    """The last shot of `block` (what its keyframe shows), else the last one before it."""
    earlier = [s for s in shots if s.block is not None and s.block <= block]
    return earlier[-1] if earlier else None


def grid_of(stage: Stage | None) -> room.Grid:
    """The anchor grid where the scene has it (a paper-style base class may differ), else ours."""
    grid = room.grid_of(stage) if stage and stage.grid else None
    return grid if grid is not None else default_grid()


def grid_cells(stage: Stage | None) -> dict[str, Box]:
    """Each cell's box in scene units."""
    grid = grid_of(stage)
    return {name: grid.bounds(name, name) for name in grid.centers}


def draw_grid(png: Path | bytes, cells: dict[str, Box], frame: Box = FRAME) -> bytes:
    """The keyframe with each cell outlined and labelled where the scene's grid really is."""
    raw = png if isinstance(png, bytes) else Path(png).read_bytes()
    image = Image.open(io.BytesIO(raw)).convert("RGBA")
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = ImageFont.load_default(size=max(9, image.height // 45))
    for name, box in cells.items():
        x0, y0 = to_pixels(box.left, box.top, image.size, frame)
        x1, y1 = to_pixels(box.right, box.bottom, image.size, frame)
        draw.rectangle([round(x0), round(y0), round(x1), round(y1)], outline=GRID_RGBA, width=1)
        draw.text((round(x0) + 3, round(y0) + 2), name, fill=LABEL_RGBA, font=font)
    out = io.BytesIO()
    Image.alpha_composite(image, layer).convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()


def to_pixels(x: float, y: float, size: tuple[int, int], frame: Box = FRAME) -> tuple[float, float]:
    """Scene units (y up, origin at the centre) to pixels of a frame of `size` (y down)."""
    width, height = size
    return (x - frame.left) / frame.width * width, (frame.top - y) / frame.height * height


def placement_rows(shot: Shot, cells: dict[str, Box], stage: Stage | None) -> list[dict]:
    """Where the code has put each of the section's own objects at this shot."""
    rows = []
    for obj in shot.objects:
        if obj.role != "content" or obj.opacity <= 0 or (obj.parent is not None and obj.name is None):
            continue
        rows.append({"name": layout.label(obj), "class": obj.cls, "cells": covered(obj.box, cells, stage),
                     "created": obj.line, "placed": obj.placed_line})
    return rows


def covered(box: Box, cells: dict[str, Box], stage: Stage | None) -> str:
    """The grid cells a box covers, as "C4" or "B2:D5", and what it reaches outside the grid."""
    hit = [name for name, cell in cells.items()
           if (part := cell.intersection(box)) and min(part.width, part.height) > 0.02]  # not a hairline
    where = _span(hit) if hit else "outside the grid"
    beyond = []
    if stage and stage.lecture and stage.lecture.intersection(box):
        beyond.append("over the lecture lines")
    if stage and stage.title and stage.title.intersection(box):
        beyond.append("over the title")
    if not ((stage.frame if stage and stage.frame else FRAME).contains(box, 0.01)):
        beyond.append("partly off the frame")
    return ", ".join([where] + beyond)


def _span(names: list[str]) -> str:
    rows = sorted({n[0] for n in names})
    cols = sorted({int(n[1:]) for n in names})
    first, last = f"{rows[0]}{cols[0]}", f"{rows[-1]}{cols[-1]}"
    return first if first == last else f"{first}:{last}"


def table_text(rows: list[dict]) -> str:
    if not rows:
        return "(no objects of the section's own on screen)"
    lines = ["| object | class | grid cells | created at line | placed at line |", "|---|---|---|---|---|"]
    lines += [f"| {r['name']} | {r['class']} | {r['cells']} | {r['created'] or '—'} | {r['placed'] or '—'} |"
              for r in rows]
    return "\n".join(lines)


def build_messages(keys: list[Keyframe], title: str, previous: Sequence[Finding] = (),
                   grid: room.Grid | None = None, language: Language | None = None) -> list[dict]:
    """System prompt, then one user message: the instructions, and per block its table and image.
    `grid`: the scene's own (a paper-style base class may lay out another), else ours; `language`:
    the lecture's, which the model is told when it is not English."""
    changes = "\n".join(f"- keyframe {f.block}: {f.message}"
                        + (f" (now: {' '.join(f.patch.new.split())})" if f.patch else "") for f in previous)
    intro = prompts.render("critic_vlm", title=title, grid=grid_words(grid or grid_of(None)),
                           previous=prompts.render("critic_vlm_previous", changes=changes) if previous else "")
    if note := review_note(language or english()):
        intro = intro.strip() + "\n\n" + note
    content = [{"type": "text", "text": intro.strip()}]
    for key in keys:
        text = prompts.render("critic_vlm_block", block=key.block, count=len(keys),
                              lecture_line=key.lecture_line, table=table_text(key.rows))
        content += [{"type": "text", "text": text.strip()}, image_part(key.png)]
    return [{"role": "system", "content": prompts.render("system").strip()},
            {"role": "user", "content": content}]


def grid_words(grid: room.Grid) -> str:
    """'6×6 visual-anchor grid: cells A1–F6, rows A–F from top to bottom, columns 1–6 from left to right'."""
    rows, cols = grid.rows, grid.columns
    return (f"{len(cols)}×{len(rows)} visual-anchor grid: cells {rows[0]}{cols[0]}–{rows[-1]}{cols[-1]}, rows "
            f"{rows[0]}–{rows[-1]} from top to bottom, columns {cols[0]}–{cols[-1]} from left to right")


def image_part(png: bytes) -> dict:
    return {"type": "image_url", "image_url": {"url": "data:image/png;base64," + base64.b64encode(png).decode()}}


# -- what it answers -----------------------------------------------------------------------------

def check_answer(value) -> dict:
    """Only the answer's shape is re-asked (each re-ask sends every image again); what an issue
    says that we cannot act on becomes a note instead."""
    if not isinstance(value, dict) or not isinstance(value.get("issues"), list):
        raise ValueError('the answer must be one JSON object {"issues": [...]}, with a list of issues')
    for i, issue in enumerate(value["issues"]):
        if not isinstance(issue, dict):
            raise ValueError(f'issues[{i}] must be an object like {{"block": 1, "objects": [...], '
                             f'"problem": "...", "action": "move", "cell": "B3"}}, not {issue!r:.60}')
    return value


def to_finding(issue: dict, keys: list[Keyframe], code: str, stage: Stage | None, shots: list[Shot]) -> Finding:
    """One issue as a finding: a patch when its action and object allow one, else a note."""
    block = _int(issue.get("block"))
    key = next((k for k in keys if k.block == block), None)
    names = [str(n) for n in issue.get("objects") or [] if n] if isinstance(issue.get("objects"), list) else []
    shot = key.shot if key else None
    found = [_find(n, shot, shots) for n in names]
    target = found[0] if found else None
    problem = " ".join(str(issue.get("problem") or "").split()) or "(the model gave no description)"
    kind = str(issue.get("kind")) if issue.get("kind") in KINDS + ("other",) else "other"
    finding = Finding(kind, names, layout.place_line(target) if target else None, block if key else None,
                      shot.time if shot else 0.0, problem, source="vlm", boxes=[o.box for o in found if o])
    patch, why_not = _patch(issue, target, names, code, stage, shots, block)
    if patch is None:
        finding.kind, finding.message = "note", f"{problem} ({why_not})"
    finding.patch = patch
    return finding


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _find(name: str, shot: Shot | None, shots: list[Shot]) -> Placed | None:
    """The object the model named: on screen in its keyframe first, else anywhere in the section."""
    for group in ([shot] if shot else []) + list(reversed(shots)):
        for obj in group.objects:
            names = (layout.label(obj), f"self.{obj.name}", (obj.name or "").removeprefix("self."))
            if obj.role == "content" and name in names:
                return obj
    return None


def _patch(issue, target, names, code, stage, shots, block) -> tuple[Patch | None, str]:
    """(patch, ""), or (None, why there is none, in words for the note)."""
    action = issue.get("action")
    if action in (None, "none"):
        return None, "a remark: no change proposed"
    if action not in ACTIONS:
        return None, f"unknown action {action!r}"
    if not names:
        return None, "it names no object"
    if target is None:
        return None, f"no object named {names[0]!r} in the code's table"
    if not target.name:
        return None, f"{layout.label(target)} has no variable name a patch could use"
    if layout.place_line(target) is None:
        return None, f"no code line creates or places {target.name}"
    try:
        patch = _make_patch(action, issue, target, code, stage, shots, block)
    except ValueError as exc:  # a cell off the grid, a factor out of range, no moment to fade at
        return None, str(exc)
    if patch is None:
        return None, f"line {layout.place_line(target)} is not a statement a patch can follow"
    return patch, ""


def _make_patch(action, issue, target, code, stage, shots, block) -> Patch | None:
    """The edit in the anchor-grid language, written by layout.py's helpers."""
    line = layout.place_line(target)
    if line is None:  # _patch said so already
        raise ValueError(f"no code line creates or places {target.name}")
    if action == "move":
        return layout.move_patch(code, line, target.name, _where(issue, grid_of(stage)))
    if action == "scale":
        factor = _float(issue.get("factor"))
        if factor is None or not 0.2 <= factor <= 3:
            raise ValueError(f"scale factor {issue.get('factor')!r} is not a number between 0.2 and 3")
        return layout.scale_patch(code, line, target.name, factor)
    return layout.fade_out_patch(code, _fade_line(target, shots, block), [target.name])


def _where(issue: dict, grid: room.Grid) -> str | tuple[str, str]:
    where = issue.get("area") or issue.get("cell")
    cells = [where] if isinstance(where, str) else where if isinstance(where, list) and len(where) == 2 else None
    if not cells:
        raise ValueError(f"no cell or area [top-left, bottom-right] to move to (got {where!r})")
    cells = [str(c).strip().upper() for c in cells]
    unknown = [c for c in cells if c not in grid.centers]
    if unknown:
        span = f"{grid.rows[0]}{grid.columns[0]}–{grid.rows[-1]}{grid.columns[-1]}"
        raise ValueError(f"{', '.join(unknown)} is not a cell of the grid ({span})")
    return cells[0] if len(cells) == 1 else (cells[0], cells[1])


def _float(value) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _fade_line(target: Placed, shots: list[Shot], block: int | None) -> int:
    """Where a stale object goes: before the first play of the block where the model saw it stale,
    if it was on screen before then; else before the next block's first play."""
    if block is None:
        raise ValueError("no keyframe given to fade it out at")
    first = next((i for i, s in enumerate(shots) if any(o.uid == target.uid for o in s.objects)), None)
    starts = [(i, s.block, s.line) for i, s in enumerate(shots) if s.block is not None and s.block >= block and s.line]
    if first is not None and starts and first < starts[0][0] and starts[0][1] == block:
        return starts[0][2]
    later = [line for _, b, line in starts if b > block]
    if not later:
        raise ValueError(f"{target.name} comes in during the last lecture line: nothing later to fade it out for")
    return later[0]
