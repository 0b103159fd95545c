"""No offered patch breaks its scene (issue 20, part 4): real sandboxed critiques, no frames drawn.

Every scene of every critic corpus (tests/data/*corpus*/, the fix corpus aside: its files fail
on purpose) is critiqued as a user would get it, and EVERY patch it offers is applied and the
patched file critiqued again: it runs, that finding is gone, no other appeared, and the picture
is otherwise the same — what a fade removes does not come back and did not move after the fade,
every other object stands where it stood (unless moved whole with the moved one, or placed by
code that runs after the move), and what stood against the moved object (a label's arrow, the
rest of its number) is still beside it.

The patch corpus (tests/data/patch_corpus) holds scenes where a naive patch breaks the picture,
declared in each header and built with the critic's own patch helpers:
    # naive: fade circle before 30            fade_out_patch(code, 30, ["circle"])
    # naive: move label to F6 at 21           move_patch(code, 21, "label", "F6")
    # safe: fade note before 61               a patch that must still be offered
Each naive one must be withheld with a note naming what it would break.
"""

from __future__ import annotations

import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from code2video_nb.critic.critique import critique_file, critique_versions
from code2video_nb.findings import Finding, Placed, Shot
from code2video_nb.critic.patch_check import checked
from code2video_nb.critic.patches import fade_out_patch, move_patch
from code2video_nb.config import Settings
from code2video_nb.suggestions import patch_code

DATA = Path(__file__).parent / "data"
FOLDERS = sorted(p for p in DATA.glob("*corpus*") if p.is_dir() and p.name != "fix_corpus")
FILES = sorted(f for folder in FOLDERS for f in folder.glob("*.py"))
PATCH_CORPUS = DATA / "patch_corpus"
DECLARED = re.compile(r"^# (naive|safe): (?:fade (\S+) before (\d+)|move (\S+) to (\w+) at (\d+))\s*$", re.M)
MOVED = 0.01  # scene units
NEAR = 0.3  # a gap this small: the two stand together (next_to's gap is 0.25)

pytestmark = pytest.mark.render


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    """One manim media folder for the module: formulas are typeset once, whichever file uses them."""
    return tmp_path_factory.mktemp("patch-check-media")


@pytest.fixture(scope="module")
def critique(corpus_critique):
    """A corpus file's critique, run once per run (conftest.corpus_critique: test_critic_corpus
    critiques the critic corpus the same way)."""
    done = {}

    def run(path: Path, check: bool = True):
        if (path, check) not in done:
            done[path, check] = corpus_critique(path, check)
        return done[path, check]
    return run


def test_the_corpora_are_found_and_the_patch_corpus_covers_both_conventions():
    assert {"critic_corpus", "patch_corpus"} <= {f.name for f in FOLDERS}
    texts = [p.read_text() for p in PATCH_CORPUS.glob("*.py")]
    assert sum("from code2video_nb.teaching_scene import TeachingScene" in t for t in texts) >= 3
    assert sum("class TeachingScene(Scene):" in t for t in texts) >= 3
    kinds = [d[0] + (" fade" if d[1] else " move") for t in texts for d in DECLARED.findall(t)]
    assert kinds.count("naive fade") >= 4 and kinds.count("naive move") >= 3 and "safe fade" in kinds


@pytest.mark.parametrize("path", FILES, ids=[f"{p.parent.name}/{p.stem}" for p in FILES])
def test_no_offered_patch_breaks_its_scene(path, critique, media, tmp_path):
    before = critique(path)
    assert before.ok, before.error and before.error.message
    code = path.read_text(encoding="utf-8")
    for n, finding in enumerate(before.findings):
        if finding.patch is None:
            continue
        assert not finding.patch_note
        patched = patch_code(code, finding.patch)
        target = tmp_path / f"{n}_{path.name}"
        target.write_text(patched, encoding="utf-8")
        after = critique_file(target, media_dir=media, check_patches=False)
        assert after.ok, after.error and after.error.message
        now = sorted(_key(f) for f in after.findings)
        others = [_key(f) for f in before.findings if f is not finding]
        assert _key(finding) not in now, f"{finding.message}: still there after\n{finding.patch.new}"
        assert all(now.count(k) <= others.count(k) for k in now), f"new findings after {finding.patch.new}: {now}"
        assert _picture_kept(before.shots, after.shots, finding) == "", finding.patch.new


def test_one_digit_over_a_box_moves_with_its_whole_number(critique):
    [finding] = critique(PATCH_CORPUS / "q04_digit_of_number.py").findings
    assert finding.objects[0] == "number[2]" and "move number whole to" in finding.message
    assert "self.place_at_grid(number, " in finding.patch.new or "self.place_in_area(number, " in finding.patch.new


@pytest.mark.parametrize("path", sorted(PATCH_CORPUS.glob("*.py")), ids=lambda p: p.stem)
def test_naive_patches_are_withheld_with_the_reason_and_safe_ones_offered(path, critique, media):
    code = path.read_text(encoding="utf-8")
    run = critique(path, check=False)
    assert run.ok, run.error and run.error.message
    declared = DECLARED.findall(code)
    assert declared, f"{path.name} declares no patch"
    for verdict, faded, before, moved, cell, at in declared:
        if faded:
            patch, name, line = fade_out_patch(code, int(before), [faded]), faded, int(before)
            shot = next(s for s in run.shots if s.line == line)
            kind = "stale_overlap"
        else:
            patch, name, line = move_patch(code, int(at), moved, cell), moved, int(at)
            shot = next(s for s in run.shots if any(o.name == moved for o in s.objects))
            kind = "overlap"
        assert patch is not None, f"{path.name}: no patch for {name} at line {line}"
        if verdict == "naive":
            finding = Finding(kind, [name], line, shot.block, round(shot.time, 2), "declared", patch)
            [result] = checked([finding], code, run.shots, None)
            assert result.patch is None, f"{path.name}: the naive patch for {name} was offered"
            assert result.patch_note.startswith("no change offered: ") and name in result.patch_note
        else:  # the critic's own finding with this patch, checked among the others (their patches aside)
            findings = [Finding(**{**vars(f), "patch": f.patch if f.patch == patch else None}) for f in run.findings]
            [result] = [f for f in findings if f.patch is not None]
            rerun = (lambda codes: critique_versions(path, codes, settings=Settings.from_env(), media_dir=media))
            checked(findings, code, run.shots, rerun)
            assert result.patch == patch and not result.patch_note, result.patch_note


def test_a_withheld_patch_is_a_note_in_the_json_shape(critique):
    result = critique(PATCH_CORPUS / "q06_label_put_into_old_box.py")
    [note] = [f for f in result.findings if f.patch_note]
    data = note.to_dict()
    assert data["patch"] is None and "caption is placed by self.frame_box" in data["patch_note"]
    assert set(data) == {"kind", "objects", "line", "block", "time", "message", "patch", "patch_note"}
    assert Finding.from_dict(note.to_dict(full=True)).patch_note == note.patch_note
    assert all("patch_note" not in f.to_dict() for f in result.findings if not f.patch_note)


# --- the picture, before and after a patch (read from the shots, not from patch_check) ---------

def _key(f: Finding) -> tuple:
    return f.kind, tuple(f.objects)


def _picture_kept(before: list[Shot], after: list[Shot], finding: Finding) -> str:
    """'' when the patched run shows the same picture but for what the patch meant to change."""
    fade_at = finding.patch.start if "FadeOut(" in finding.patch.new and not finding.patch.old else None
    if fade_at is not None:  # the fade is one shot more: line up the rest
        at = next(i for i, s in enumerate(after) if s.line == fade_at)
        faded = {o.uid for o in after[at - 1].objects} - {o.uid for o in after[at].objects}
        for shot in after[at + 1:]:
            if back := [o.name for o in shot.objects if o.uid in faded]:
                return f"{back} came back at line {shot.line}"
        for i in range(at, len(before)):
            was, now = _by_uid(before[i - 1]), _by_uid(before[i])
            if moving := [now[u].name for u in faded & was.keys() & now.keys() if _shift(was[u], now[u])]:
                return f"{moving} moved after the fade, at line {before[i].line}"
        after = after[:at] + after[at + 1:]
    else:
        faded = set()
    if len(before) != len(after):
        return f"{len(before)} shots before, {len(after)} after"
    named = {o.uid: o for s in before for o in s.objects}
    mine = {u for u, o in named.items() if o.name in finding.objects[:1]}
    mine |= {u for u, o in named.items() if o.parent in mine}
    for old, new in zip(before, after):
        was, now = _by_uid(old), _by_uid(new)
        carriers = [(was[m], now[m]) for m in mine & was.keys() & now.keys()]
        for uid in (was.keys() & now.keys()) - mine - faded:
            follows = (was[uid].placed_line or was[uid].line or 0) >= finding.patch.start  # placed after the move
            if _shift(was[uid], now[uid]) and not follows and not any(
                    _carried(a, b, was[uid], now[uid]) for a, b in carriers):
                return f"{named[uid].name or named[uid].cls} changed though the patch is about {finding.objects[0]}"
    return _left_behind(before, after, mine, finding)


def _carried(mover_was: Placed, mover_now: Placed, was: Placed, now: Placed) -> bool:
    """`now` is where `was` ends up if it moved (and scaled) with the mover: drawn on it, or placed against it."""
    scale = mover_now.box.width / mover_was.box.width if mover_was.box.width > 1e-6 else 1.0
    def at(x, y):
        return (mover_now.box.left + (x - mover_was.box.left) * scale,
                mover_now.box.bottom + (y - mover_was.box.bottom) * scale)
    (l, b), (r, t) = at(was.box.left, was.box.bottom), at(was.box.right, was.box.top)
    return max(abs(l - now.box.left), abs(b - now.box.bottom), abs(r - now.box.right), abs(t - now.box.top)) < 0.05


def _left_behind(before: list[Shot], after: list[Shot], mine: set[int], finding: Finding) -> str:
    """What stood against the moved object (not the one it covered) must still stand beside it."""
    for old, new in zip(before, after):
        was, now = _by_uid(old), _by_uid(new)
        for u in mine & was.keys() & now.keys():
            holders = _ancestors(was, u)
            for other in was.values():
                if (other.uid in mine or other.uid in holders or other.role != "content"
                        or other.name in finding.objects[1:] or other.uid not in now):
                    continue
                if _gap(was[u], other) <= NEAR and _gap(now[u], now[other.uid]) > 2 * NEAR:
                    return f"{finding.objects[0]} left {other.name or other.cls} behind (line {old.line})"
    return ""


def _ancestors(objects: dict[int, Placed], uid: int) -> set[int]:
    found, o = set(), objects[uid]
    while o.parent is not None and o.parent in objects and o.parent not in found:
        found.add(o.parent)
        o = objects[o.parent]
    return found


def _by_uid(shot: Shot) -> dict[int, Placed]:
    return {o.uid: o for o in shot.objects}


def _shift(a: Placed, b: Placed) -> bool:
    return max(abs(x - y) for x, y in zip(_edges(a), _edges(b))) > MOVED


def _edges(o: Placed) -> tuple:
    return o.box.left, o.box.bottom, o.box.right, o.box.top


def _gap(a: Placed, b: Placed) -> float:
    dx = max(b.box.left - a.box.right, a.box.left - b.box.right, 0.0)
    dy = max(b.box.bottom - a.box.top, a.box.bottom - b.box.top, 0.0)
    return max(dx, dy)


# --- where the candidates run -------------------------------------------------------------------

PICTURE_SCENE = '''from manim import *


class DotScene(Scene):
    def construct(self):
        dot = SVGMobject("assets/dot.svg").scale(0.5)
        self.play(FadeIn(dot), run_time=0.2)
'''
DOT_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>'


def test_candidates_run_outside_the_users_folder_with_the_lectures_pictures(tmp_path, media):
    """A patched candidate is critiqued from a folder of its own: nothing appears beside the
    user's file while it runs (a notebook or a test collecting that folder would see it), and
    its `assets/` picture is still the lecture's."""
    sections = tmp_path / "lecture" / "sections"
    sections.mkdir(parents=True)
    (tmp_path / "lecture" / "assets").mkdir()
    (tmp_path / "lecture" / "assets" / "dot.svg").write_text(DOT_SVG)
    path = sections / "1.py"
    path.write_text(PICTURE_SCENE)
    seen: set[str] = set()
    with ThreadPoolExecutor(1) as pool:
        running = pool.submit(critique_versions, path, [PICTURE_SCENE.replace("0.5", "0.4")],
                              settings=Settings.from_env(), media_dir=media)
        while not running.done():
            seen.update(p.name for p in sections.iterdir())
            time.sleep(0.005)
    [candidate] = running.result()
    assert candidate.ok, candidate.error and candidate.error.message
    assert any(o.cls == "SVGMobject" for shot in candidate.shots for o in shot.objects)
    assert seen == {"1.py"}
