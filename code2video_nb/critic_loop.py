"""The critic's headless loop (`code2video generate`): critique a section, apply every patch it
proposes, and keep the new version only if it has fewer findings.

Without a VLM the rounds run before the section's one real render (`BeforeRender`, called by the
builder): the first critique is the section's check pass (an instrumented dry run: an error in it
goes to auto-fix like any check's), a patched candidate is judged by a dry run only, and the
render happens once, on the final version. With a VLM the rounds run after the render
(`improve_section`): its findings need the rendered keyframes, so a kept version is rendered
before the next round. What the last round still finds becomes the section's pending
suggestions, as in the notebook.

The loop itself (`improve_code`) takes the critique of a candidate as a function (`judge`), so a
caller may judge candidates any way it likes.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from . import suggestions
from .critic.critique import Critique, critique_file
from .errors import Code2VideoError, StalePatch
from .findings import Finding, Patch
from .plan import StoryboardSection
from .render.renderer import RenderOutcome
from .section_build import SectionBuilder
from .suggestions import patch_code
from .workspace import Workspace

REASON = "critic: round"  # the history's reason for a kept version


@dataclass
class Improvement:
    """What the loop did to one section."""
    section_id: str
    rounds: int = 0  # versions kept
    before: int = 0  # findings in the code it started from
    after: int = 0  # findings left
    notes: list[str] = field(default_factory=list)  # why it stopped, in one line each
    seconds: float = 0.0  # critiques and rules, candidates included


Judge = Callable[[str], Critique]  # the layout critique of a candidate's code
Keep = Callable[[str, int], bool]  # (candidate, round): write it as the section's; False: it was not kept


def improve_code(code: str, current: Critique, *, rounds: int, judge: Judge, keep: Keep,
                 vlm: Callable[[Critique], list[Finding]] | None = None,
                 done: Improvement) -> tuple[str, Critique]:
    """Up to `rounds` kept versions of `code`, whose critique is `current` (ok). A candidate is every
    patch applied (`apply_all`), judged by `judge`, kept by `keep` if it has fewer layout findings.
    Returns the final code and its critique (the VLM's findings included)."""
    layout_count = len(current.findings)  # candidates are judged on these
    current = _with_vlm(current, vlm)
    done.before = len(current.findings)
    for _ in range(rounds):
        if not current.findings:
            break
        candidate = apply_all(code, [f.patch for f in current.findings if f.patch])
        if candidate == code:
            done.notes.append("nothing left that a patch can change")
            break
        checked = judge(candidate)
        done.seconds += checked.seconds
        if not checked.ok or len(checked.findings) >= layout_count:
            done.notes.append("the patched code would not have fewer findings; kept the code as it was")
            break
        if not keep(candidate, done.rounds + 1):
            done.notes.append("the patched code did not render; kept the code as it was")
            break
        code, layout_count, done.rounds = candidate, len(checked.findings), done.rounds + 1
        current = _with_vlm(checked, vlm)
    done.after = len(current.findings)
    return code, current


class BeforeRender:
    """`generate`'s critic without a VLM, run by `SectionBuilder.build` before the real render:
    (code) -> (the code to render, the check's failure or None). Each section's `Improvement` is
    kept in `done`, by section id."""

    def __init__(self, settings, rounds: int):
        self.settings, self.rounds = settings, rounds
        self.done: dict[str, Improvement] = {}
        self._lock = threading.Lock()

    def __call__(self, ws: Workspace, section: StoryboardSection, code: str) -> tuple[str, RenderOutcome | None]:
        done, media = Improvement(section.id), ws.media_dir(section.id)
        first = critique_file(ws.code_path(section.id), settings=self.settings, media_dir=media)
        done.seconds = first.seconds
        if first.error is None:
            def keep(candidate: str, n: int) -> bool:
                ws.write_code(section.id, candidate, f"{REASON} {n}")
                return True

            code, last = improve_code(code, first, rounds=self.rounds, done=done, keep=keep,
                                      judge=lambda c: critique_candidate(ws, section.id, c, self.settings))
            suggestions.record_findings(ws, section.id, code, last.findings, seconds=last.seconds,
                                        version=suggestions.critic_version())  # the notebook shows them as cards
        else:
            done.notes.append(f"the code did not run: {first.error.error}")
        with self._lock:
            self.done[section.id] = done
        return code, first.error  # an error is the check's: auto-fix repairs it, the render follows


def improve_section(builder: SectionBuilder, ws: Workspace, section: StoryboardSection, *, rounds: int,
                    quality: str = "preview", vlm: Callable[[Critique], list[Finding]] | None = None) -> Improvement:
    """Up to `rounds` kept versions of a section whose render succeeded, each rendered before the
    next round (a VLM sees its keyframes). `vlm`, given the current critique (its shots), returns
    the VLM's findings for the rendered code."""
    settings, media = builder.settings, ws.media_dir(section.id)
    current = critique_file(ws.code_path(section.id), settings=settings, media_dir=media)
    done = Improvement(section.id, seconds=current.seconds)
    if current.error is not None:
        done.notes.append(f"the critic could not run the code: {current.error.error}")
        return done
    code = ws.read_code(section.id) or ""  # the critic just ran the file

    kept = [code]  # the last version that rendered

    def keep(candidate: str, n: int) -> bool:
        ws.write_code(section.id, candidate, f"{REASON} {n}")
        if builder.build(ws, section, quality).ok:  # keep only what renders
            kept[0] = candidate
            return True
        ws.write_code(section.id, kept[0], "critic: went back (the patched code did not render)")
        builder.build(ws, section, quality)  # the earlier render, from the archive
        return False

    def judge(candidate: str) -> Critique:
        return critique_candidate(ws, section.id, candidate, settings)

    code, last = improve_code(code, current, rounds=rounds, judge=judge, keep=keep, vlm=vlm, done=done)
    suggestions.record_findings(ws, section.id, code, last.findings, seconds=last.seconds,
                                version=suggestions.critic_version())  # the notebook shows them as cards
    return done


def apply_all(code: str, patches: list[Patch]) -> str:
    """Every patch that still applies and touches lines no other one does, from the bottom up so
    earlier line numbers stay true."""
    taken: list[tuple[int, int]] = []
    for patch in sorted(patches, key=lambda p: (p.start, p.end), reverse=True):
        span = (patch.start, max(patch.end, patch.start))
        if any(span[0] <= end and start <= span[1] for start, end in taken):
            continue  # two patches for the same lines: the next round sees what is left
        try:
            code = patch_code(code, patch)
        except StalePatch:
            continue
        taken.append(span)
    return code


def critique_candidate(ws: Workspace, section_id: str, candidate: str, settings) -> Critique:
    """The layout critique of code not yet written as the section's (beside it, then removed): a
    dry run, never a render; the very code the first critique's patch check ran costs no run
    (`critique.py` keeps the last records by code)."""
    path = ws.code_path(section_id).with_suffix(".critic.py")
    path.write_text(candidate, encoding="utf-8")
    try:
        return critique_file(path, settings=settings, media_dir=ws.media_dir(section_id))
    finally:
        path.unlink(missing_ok=True)


def _with_vlm(critique: Critique, vlm) -> Critique:
    if vlm is None or not critique.ok:
        return critique
    try:
        critique.findings = critique.findings + list(vlm(critique))
    except Code2VideoError as exc:  # no VLM model, no keyframes, a failing model: the layout critic's still count
        critique.findings.append(Finding("note", [], None, None, 0.0, f"the VLM review failed: {exc}",
                                         source="vlm"))
    return critique


def improve_lecture(builder: SectionBuilder, ws: Workspace, section_ids: list[str], *, quality: str = "preview",
                    vlm_client=None) -> list[Improvement]:
    """`improve_section` for each of these (rendered) sections, as many at once as render workers.
    `vlm_client`: ask the VLM too (`settings.vlm_model`) through this client."""
    settings = builder.settings
    if vlm_client is not None:
        from .critic.vlm import reviewer  # imports manim (teaching_scene's frame): only a VLM review pays for it

    def one(section_id: str) -> Improvement:
        vlm = reviewer(ws, section_id, vlm_client, settings.vlm_model) if vlm_client is not None else None
        return improve_section(builder, ws, ws.planned().section(section_id), rounds=settings.critic_rounds,
                               quality=quality, vlm=vlm)

    with ThreadPoolExecutor(max_workers=max(1, min(settings.workers, len(section_ids))),
                            thread_name_prefix="c2v-critic") as pool:
        return list(pool.map(one, section_ids))
