"""What the model was paid for lands in lecture.json's `usage`, even when the run stops half-way
(an error, a failed render, Ctrl-C): `%c2v usage` and `eval efficiency` read it from there.

One context manager for every run that may make a client (the CLI's commands, the notebook's
magics): `with recording_usage(ws, lambda: engine.used_client): ...`; `record_usage` where a
`finally:` does more (`engine.generate`, a batch topic's evaluations).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

from .workspace import Workspace


class Billed(Protocol):
    """A model client's usage so far (`ModelClient.usage_by_stage`)."""

    def usage_by_stage(self) -> dict[str, dict]: ...


def record_usage(ws: Workspace | None, client: Billed | None) -> None:
    """`client`'s usage (None: no client was made) added to `ws`'s (None: no lecture to record it
    in); for a `finally:` that does more than this (`engine.generate` also keeps the timings)."""
    if ws is not None and client is not None:
        ws.add_usage(client.usage_by_stage())


@contextmanager
def recording_usage(ws: Workspace | None, client: Callable[[], Billed | None]) -> Iterator[None]:
    """On the way out, however it goes: `record_usage` of `client()`, asked for then (an engine
    makes its client only when a step needs one)."""
    try:
        yield
    finally:
        record_usage(ws, client())
