"""Scope-guided auto-fix (the paper's ScopeRefine).

On an error, ask the model to repair only the scope around the failing line (its
lecture-line block, else its function), grounded with facts read from the installed
manim; escalate to the whole section, then to regenerating it, each level bounded.
Every candidate is validated by parsing, the safety check and a dry run — never by
rendering frames — so a fix costs seconds, not a render.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from . import coder, prompts
from .errors import ModelError, ReplyFormatError
from .grounding import facts_for_error
from .language import Language
from .model_client import ModelClient, ModelReply
from .plan import StoryboardSection
from .render.renderer import RenderOutcome
from .replies import code_in_reply
from .scopes import Scope, apply_fix, cut, scope_for_line, section_scope, widen
from .section_state import MODEL_LEVELS, FixAttempt, FixLevel, FixRecord


@dataclass
class FixReport:
    code: str
    ok: bool
    outcome: RenderOutcome
    attempts: list[FixAttempt] = field(default_factory=list)
    model_error: ModelError | None = None  # why the model could not be asked (no reply recorded, endpoint down)

    def record(self) -> FixRecord:
        """What lecture.json keeps of it (the section builder adds the code around a success)."""
        return FixRecord(self.ok, list(self.attempts), str(self.model_error or ""))


# (the code, its failure, the scope the first request is about) -> the reply to that very request if
# it was asked before (`early_fix.py`: while the code was still being written), else None.
Early = Callable[[str, RenderOutcome, Scope], ModelReply | None]


def refine(code: str, failure: RenderOutcome, *, section: StoryboardSection, topic: str,
           client: ModelClient, check: Callable[[str], RenderOutcome],
           limits: tuple[int, int, int] = (2, 1, 1), cancelled: threading.Event | None = None,
           language: Language | None = None, early: Early | None = None) -> FixReport:
    """Repair `code` until `check` passes, every level's budget is spent, or the model cannot
    be asked (then `model_error` says why and the attempts so far are kept). `language`: the
    lecture's, which a regenerated section is written in. `early`: the first request's reply,
    if it was asked already, which is then not asked again."""
    report = FixReport(code, False, failure)
    try:
        return _refine(report, section, (topic, language), client, check, limits, cancelled, early)
    except ModelError as exc:
        report.model_error = exc
        return report


def _refine(report, section, lecture, client, check, limits, cancelled, early) -> FixReport:
    for level, budget in zip(MODEL_LEVELS, limits):
        for attempt in range(budget):
            if cancelled is not None and cancelled.is_set():  # interrupted: ask the model for nothing more
                raise KeyboardInterrupt
            scope = _scope_for(level, report.code, report.outcome, attempt)
            if scope is None:
                break  # no narrower scope is known: escalate
            started = time.monotonic()
            first = early if level == "scope" and attempt == 0 else None
            reply, tokens = _ask(level, scope, report, section, lecture, client, first)
            candidate = reply if isinstance(reply, str) else None
            outcome = check(reply) if isinstance(reply, str) else reply
            seconds = time.monotonic() - started  # the request and the validation
            report.attempts.append(FixAttempt(level, scope.name, scope.start, scope.end, report.outcome.error,
                                              report.outcome.line, "ok" if outcome.ok else outcome.error,
                                              tokens, round(seconds, 3)))
            if outcome.ok:
                report.code, report.outcome, report.ok = candidate, outcome, True
                return report
            if candidate is not None and _made_progress(report.outcome, outcome):
                report.code, report.outcome = candidate, outcome
    return report


def _scope_for(level: FixLevel, code: str, outcome: RenderOutcome, attempt: int) -> Scope | None:
    """The scope level starts at the failing line's block; a second try takes its function."""
    if level == "scope":
        scope = scope_for_line(code, outcome.line)
        if attempt > 0:
            scope = widen(code, scope)
        return None if scope.kind == "section" else scope
    return section_scope(code)


def _made_progress(before: RenderOutcome, after: RenderOutcome) -> bool:
    """Keep a candidate unless it broke the syntax of code that used to parse."""
    return not (after.error_type == "SyntaxError" and before.error_type != "SyntaxError")


def _ask(level, scope, report, section, lecture, client, early) -> tuple[str | RenderOutcome, int]:
    """(candidate, tokens); or (the outcome saying why, tokens) when the reply held no code: a
    failed attempt that spends no check pass and never becomes the section's code."""
    stage = f"{'code' if level == 'regenerate' else 'fix'}:{section.id}"
    if level == "regenerate":  # re-asks a reply without code itself, bounded
        subject, language = lecture  # (topic, language), as refine() passes them
        before = _tokens(client, stage)
        try:
            return coder.write_section_code(client, section, subject, regenerate_error=report.outcome.error,
                                            fresh=True, language=language), _tokens(client, stage) - before
        except (ValueError, ReplyFormatError) as exc:
            return _no_code(exc), _tokens(client, stage) - before
    reply = early(report.code, report.outcome, scope) if early is not None else None
    if reply is None:
        reply = ask_fix(client, report.code, scope, report.outcome, section.id)
    try:
        return apply_fix(report.code, scope, code_in_reply(reply.text)), reply.tokens
    except ValueError as exc:
        client.discard(reply)
        return _no_code(exc), reply.tokens


def _no_code(exc: Exception) -> RenderOutcome:
    return RenderOutcome(False, 0.0, error_type="NoCode", message=str(exc))


def ask_fix(client: ModelClient, code: str, scope: Scope, outcome: RenderOutcome, section_id: str) -> ModelReply:
    """The request for the fixed `scope` of `code` that fails with `outcome` (stage `fix:<id>`).
    Fresh: a cached reply to this very request is a candidate that already failed."""
    return client.request(fix_request(code, scope, outcome, section_id), stage=f"fix:{section_id}", fresh=True)


def fix_request(code: str, scope: Scope, outcome: RenderOutcome, section_id: str) -> list[dict]:
    facts = facts_for_error(outcome.error, code, outcome.line)
    facts_text = "Facts from the installed manim:\n" + "\n".join(f"- {f}" for f in facts) + "\n" if facts else ""
    return prompts.messages(
        "fix", section_id=section_id, line=outcome.line or "unknown", error=outcome.error, facts=facts_text,
        scope_name=scope.name, start=scope.start, end=scope.end, scope_code=cut(code, scope).rstrip("\n"),
        section_code=code.rstrip("\n"),
    )


def _tokens(client: ModelClient, stage: str) -> int:
    usage = client.usage.get(stage)
    return usage.tokens if usage else 0
