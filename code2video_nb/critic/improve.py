"""The critic's headless loop (`code2video generate`): critique a rendered section, apply every
patch it proposes, and keep the new version only if it has fewer findings and still renders.

The candidate is critiqued before it is rendered (the layout critique costs a fraction of a
render), so a round that would not help costs no render. With a VLM, its findings count too:
they need the rendered keyframes, so they are asked of the kept version only. What the last
round still finds becomes the section's pending suggestions, as in the notebook.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable

from .. import suggestions
from ..errors import Code2VideoError, StalePatch
from ..plan import StoryboardSection
from ..section_build import SectionBuilder
from ..suggestions import patch_code
from ..workspace import Workspace
from .critique import Critique, critique_file
from .findings import Finding, Patch
from .vlm import reviewer

REASON = "critic: round"  # the history's reason for a kept version


@dataclass
class Improvement:
    """What the loop did to one section."""
    section_id: str
    rounds: int = 0  # versions kept
    before: int = 0  # findings in the rendered code it started from
    after: int = 0  # findings left
    notes: list[str] = field(default_factory=list)  # why it stopped, in one line each


def improve_section(builder: SectionBuilder, ws: Workspace, section: StoryboardSection, *, rounds: int,
                    quality: str = "preview", vlm: Callable[[Critique], list[Finding]] | None = None) -> Improvement:
    """Up to `rounds` kept versions of a section whose render succeeded. `vlm`, given the
    current critique (its shots), returns the VLM's findings for the rendered code."""
    settings = builder.settings
    code = ws.read_code(section.id)
    current = critique_file(ws.code_path(section.id), settings=settings, media_dir=ws.media_dir(section.id))
    layout_count = len(current.findings)  # candidates are judged on these before they are rendered
    current = _with_vlm(current, vlm)
    done = Improvement(section.id, before=len(current.findings))
    if not current.ok:
        done.notes.append(f"the critic could not run the code: {current.error.error}")
        return done
    for _ in range(rounds):
        if not current.findings:
            break
        candidate = apply_all(code, [f.patch for f in current.findings if f.patch])
        if candidate == code:
            done.notes.append("nothing left that a patch can change")
            break
        checked = _critique_candidate(ws, section.id, candidate, settings)
        if not checked.ok or len(checked.findings) >= layout_count:
            done.notes.append("the patched code would not have fewer findings; kept the code as it was")
            break
        ws.write_code(section.id, candidate, f"{REASON} {done.rounds + 1}")
        if not builder.build(ws, section, quality).ok:  # keep only what renders
            ws.write_code(section.id, code, "critic: went back (the patched code did not render)")
            builder.build(ws, section, quality)  # the earlier render, from the archive
            done.notes.append("the patched code did not render; kept the code as it was")
            break
        code, layout_count, done.rounds = candidate, len(checked.findings), done.rounds + 1
        current = _with_vlm(checked, vlm)
    suggestions.record_findings(ws, section.id, code, current.findings, seconds=current.seconds,
                                version=suggestions.critic_version())  # the notebook shows them as cards
    done.after = len(current.findings)
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


def _critique_candidate(ws: Workspace, section_id: str, candidate: str, settings) -> Critique:
    """The layout critique of code not yet written as the section's (beside it, then removed)."""
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

    def one(section_id: str) -> Improvement:
        vlm = reviewer(ws, section_id, vlm_client, settings.vlm_model) if vlm_client is not None else None
        return improve_section(builder, ws, ws.storyboard.section(section_id), rounds=settings.critic_rounds,
                               quality=quality, vlm=vlm)

    with ThreadPoolExecutor(max_workers=max(1, min(settings.workers, len(section_ids))),
                            thread_name_prefix="c2v-critic") as pool:
        return list(pool.map(one, section_ids))
