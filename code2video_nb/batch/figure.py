"""The batch's figure: one row a topic, one panel a measure (minutes, K tokens, and AES and
TeachQuiz when they were measured), horizontal bars with the paper's figure as a dashed line.

Plain SVG written by hand: a few rectangles and labels need no plotting library, and the
file opens in any browser and in a Markdown viewer beside report.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from .jobs import TopicResult
from .paper_table import PaperRow

LABEL_WIDTH, PANEL_WIDTH, GAP = 300, 170, 24
ROW, TOP, BOTTOM = 18, 46, 16
BAR = "#4c72b0"
FAILED = "#c44e52"


@dataclass(frozen=True)
class Panel:
    title: str
    value: Callable[[TopicResult], float | None]
    paper: float | None = None  # the paper's per-topic average (GPT-4.1), drawn as a dashed line
    top: float | None = None  # fixed end of the axis (scores); None: the largest value
    score: bool = False  # a score: drawn for a failed topic too when it was scored (the paper protocol's 0)


def panels(results: list[TopicResult], paper: PaperRow | None = None) -> list[Panel]:
    """Time and tokens always; a score only if some topic has it."""
    chosen = [Panel("minutes", lambda r: r.seconds / 60, paper.minutes if paper else None),
              Panel("K tokens", lambda r: r.tokens / 1000, paper.ktokens if paper else None)]
    if any(r.aes is not None for r in results):
        chosen.append(Panel("AES (0-100)", lambda r: r.aes, paper.aes if paper else None, 100, score=True))
    if any(r.quiz_gain is not None for r in results):
        chosen.append(Panel("TeachQuiz gain", lambda r: r.quiz_gain, None, 1, score=True))
    return chosen


def figure_svg(results: list[TopicResult], *, paper: PaperRow | None = None) -> str:
    shown = panels(results, paper)
    width = LABEL_WIDTH + len(shown) * (PANEL_WIDTH + GAP)
    height = TOP + ROW * len(results) + BOTTOM
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'font-family="sans-serif" font-size="11">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             '<text x="8" y="16" font-size="13" font-weight="bold">Per topic '
             f'(dashed: the paper\'s average, {escape(paper.method) if paper else "none"})</text>']
    for k, result in enumerate(results):
        y = TOP + k * ROW
        label = result.topic if len(result.topic) <= 46 else result.topic[:45] + "…"
        colour = "black" if result.ok else FAILED
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + 12}" text-anchor="end" fill="{colour}">'
                     f'{escape(label)}</text>')
    for n, panel in enumerate(shown):
        parts += _panel(panel, results, LABEL_WIDTH + n * (PANEL_WIDTH + GAP))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _panel(panel: Panel, results: list[TopicResult], x: float) -> list[str]:
    values = [panel.value(r) if r.ok or (panel.score and r.scored_missing) else None for r in results]
    known = [v for v in values if v is not None]
    # The paper's line only where it fits beside our bars: a replayed batch's seconds drawn on
    # the paper's quarter-hour scale would leave no bar to see (the title gives the figure).
    paper = panel.paper if panel.paper and (panel.top or panel.paper <= 3 * max(known + [0])) else None
    top = panel.top or max(known + ([paper] if paper else []) + [1e-9])
    scale = (PANEL_WIDTH - 40) / top  # room for the value after the longest bar
    bottom = TOP + ROW * len(results)
    title = panel.title + (f" (paper {_number(panel.paper)})" if panel.paper else "")
    parts = [f'<text x="{x}" y="{TOP - 10}" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{x}" y1="{TOP - 4}" x2="{x}" y2="{bottom}" stroke="#888"/>']
    for k, (result, value) in enumerate(zip(results, values)):
        y = TOP + k * ROW
        if value is None and not result.ok:
            parts.append(f'<text x="{x + 4}" y="{y + 12}" fill="{FAILED}">failed</text>')
        elif value is None:
            parts.append(f'<text x="{x + 4}" y="{y + 12}" fill="#888">–</text>')
        else:
            bar = max(0.0, value) * scale
            parts.append(f'<rect x="{x}" y="{y + 3}" width="{bar:.1f}" height="{ROW - 6}" fill="{BAR}"/>')
            parts.append(f'<text x="{x + bar + 3:.1f}" y="{y + 12}">{_number(value)}</text>')
    if paper:
        px = x + paper * scale
        parts.append(f'<line x1="{px:.1f}" y1="{TOP - 4}" x2="{px:.1f}" y2="{bottom}" stroke="{FAILED}" '
                     f'stroke-dasharray="4 3"><title>paper: {paper}</title></line>')
    return parts


def _number(value: float) -> str:
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.1f}"
