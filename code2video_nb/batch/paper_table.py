"""The paper's published figures a batch is set beside (arXiv 2510.01174, Table 1): read by the
report's table and drawn as the figure's dashed lines, so both import them from here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PaperRow:
    """One method of the paper's Table 1, per topic on average."""
    method: str
    minutes: float | None
    ktokens: float | None
    aes: float
    teachquiz: float


PAPER = (
    PaperRow("Code2Video, GPT-4.1", 15.4, 30.8, 79.0, 82.0),
    PaperRow("Code2Video, Claude Opus 4.1", 13.8, 43.1, 87.9, 86.0),
    PaperRow("direct code generation, GPT-4.1", None, None, 34.2, 37.0),
)
