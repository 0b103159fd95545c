"""A failing block's fix, asked while the rest of the section's code is still being written (issue 24).

The check pass over a section's code so far (`stream_draw.py`) runs each complete lecture-line
block as soon as the next one starts. When it fails inside a block, the complete code will fail
there the same way (the scene runs top to bottom and that block is already whole), and its build
will ask auto-fix's first request (`autofix`: that block, stage `fix:<id>`) after the code has
ended, been checked again and been through the static pass. So that request is asked now, with the
code so far as its context, and the build finds the reply there, or on its way, when it needs it
(a pass that ends after the code did still counts, until the build asks itself: `EarlyFixes.claim`).
Nothing is said meanwhile: the failure is reported by the build once the code is complete, as it
always was. The static pass run first on the code so far also imports manim in this process, which
the build's own static pass then finds done (seconds off the build's way on a loaded machine).

Tokens: the early reply is the build's first fix request, not one more. The build takes it only
when the complete code fails with the same error, on the same line, in the same block with the
same text (`EarlyFix.take`); otherwise it is dropped and the build asks as before. Nothing is asked
early when the static pass (`static_fix.py`) would change the code so far: the build repairs that
without a model. The worst case (the complete code passes, or fails elsewhere: a helper defined
after the scene's class, a name the rest of `construct` binds) is one fix request more for that
section, once per run; the build says so when it drops one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from .model_client import ModelReply, Stopped
from .render.renderer import RenderOutcome
from .replies import code_in_reply
from .scopes import Scope, cut, looks_like_program, scope_for_line

# Failures that say nothing about the code's own block: a run stopped, out of time or memory, refused.
_NOT_THE_CODES = {"Stopped", "RenderTimeout", "ResourceLimit", "UnsafeCode", "RenderError", "CriticError"}
_LOOK = 0.1  # seconds between looks at the interrupt while waiting for the reply


@dataclass(frozen=True)
class Asked:
    """What the early request was about: the code so far, its failure and the failing block."""
    code: str
    outcome: RenderOutcome
    scope: Scope


def worth_asking(code: str, outcome: RenderOutcome) -> Asked | None:
    """The failing block of a prefix's failed check, if the build would ask to fix just that block."""
    if outcome.ok or outcome.error_type in _NOT_THE_CODES or outcome.line is None:
        return None
    scope = scope_for_line(code, outcome.line)
    return Asked(code, outcome, scope) if scope.kind == "block" else None


class EarlyFix:
    """One section's early request, on a thread of its own: `unchanged(code)` (the static pass
    would leave the code so far as it is) first, then `ask(asked)`."""

    def __init__(self, asked: Asked, ask: Callable[[Asked], ModelReply], unchanged: Callable[[str], bool],
                 cancelled: threading.Event):
        self.asked, self.cancelled = asked, cancelled
        self.reply: ModelReply | None = None  # None: not asked (the static pass repairs it), or it failed
        self.used: bool | None = None  # after `take`: whether the build used the reply
        self._thread = threading.Thread(target=self._run, args=(ask, unchanged), name="c2v-early-fix", daemon=True)
        self._thread.start()

    def _run(self, ask, unchanged) -> None:
        try:
            if unchanged(self.asked.code) and not self.cancelled.is_set():
                self.reply = ask(self.asked)
        except Stopped:  # interrupted: the build asks nothing either
            pass
        except Exception:  # noqa: BLE001 - a failed early request is only not there: the build asks as today
            pass

    def take(self, code: str, outcome: RenderOutcome, scope: Scope) -> ModelReply | None:
        """The reply, waiting for it if it is on its way, when the complete `code` fails as the code
        so far did (`outcome`, in `scope`: the build's first fix request would be this very one);
        else None, and the build asks as before. Interrupted while waiting: KeyboardInterrupt."""
        asked = self.asked
        fits = (outcome.error == asked.outcome.error and outcome.line == asked.outcome.line
                and scope == asked.scope and cut(code, scope) == cut(asked.code, asked.scope))
        if fits:
            while self._thread.is_alive():
                if self.cancelled.is_set():
                    raise KeyboardInterrupt
                self._thread.join(_LOOK)
        reply = self.reply if fits else None
        if reply is not None and _whole_program(reply):  # a program written from the code so far lacks its rest
            reply = None
        self.used = reply is not None
        return reply

    @property
    def spent(self) -> int:
        """Tokens the early request cost (0 while on its way, or when it was not asked)."""
        return self.reply.tokens if self.reply is not None else 0


def _whole_program(reply: ModelReply) -> bool:
    try:
        return looks_like_program(code_in_reply(reply.text))
    except ValueError:  # no code: the build's attempt says so, as for any reply without code
        return False


class EarlyFixes:
    """A builder's early requests, one per section at most; the build takes its section's (`claim`),
    after which none starts for it."""

    def __init__(self) -> None:
        self._fixes: dict[str, EarlyFix | None] = {}  # None: claimed by the build, nothing asked
        self._lock = threading.Lock()

    def offer(self, section_id: str, asked: Asked, start: Callable[[Asked], EarlyFix]) -> EarlyFix | None:
        """Start one for the section unless it has one or its build has claimed it."""
        with self._lock:
            if section_id in self._fixes:
                return None
            fix = self._fixes[section_id] = start(asked)
            return fix

    def claim(self, section_id: str) -> EarlyFix | None:
        """The section's early fix, if one was asked; none starts for the section after this."""
        with self._lock:
            fix = self._fixes.get(section_id)
            self._fixes[section_id] = None
            return fix
