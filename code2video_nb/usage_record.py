"""What the model was paid for lands in lecture.json's `usage`, even when the run stops half-way
(an error, a failed render, Ctrl-C): `%c2v usage` and `eval efficiency` read it from there.

One context manager for every run that may make a client (the CLI's commands, the engine's
`generate`, the notebook's magics): `with recording_usage(ws, lambda: engine.used_client): ...`.
The client is asked for at the end, since an engine makes its client only when a step needs one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from .workspace import Workspace


class Billed(Protocol):
    """A model client's usage so far (`ModelClient.usage_by_stage`)."""

    def usage_by_stage(self) -> dict[str, dict]: ...


@contextmanager
def recording_usage(ws: Workspace | None, client: Callable[[], Billed | None]) -> Iterator[None]:
    """On the way out, however it goes: `client()`'s usage (None: no client was made) added to
    `ws`'s (None: no lecture to record it in)."""
    try:
        yield
    finally:
        used = client()
        if ws is not None and used is not None:
            ws.add_usage(used.usage_by_stage())
