"""Significance where the paper reports it: the mean TeachQuiz gain across topics, with a
confidence interval (Student's t over topics) and a one-sided test that the video helps (gain > 0).
A batch of lectures passes each topic's gain (video − unlearned accuracy, 0–1).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class GainSummary:
    n: int  # topics
    mean: float
    low: float | None  # the confidence interval; None with fewer than two topics
    high: float | None
    confidence: float
    p_value: float | None  # one-sided t-test of mean gain > 0; None when it cannot be computed

    def to_json(self) -> dict:
        return asdict(self)

    def text(self) -> str:
        """"mean gain 0.42 (95% CI 0.30–0.54, n = 12, p = 0.0001)"."""
        if self.low is None:
            return f"mean gain {self.mean:.2f} (n = {self.n}: too few topics for an interval)"
        p = f", p = {self.p_value:.2g}" if self.p_value is not None else ""
        return (f"mean gain {self.mean:.2f} ({self.confidence:.0%} CI {self.low:.2f}–{self.high:.2f}, "
                f"n = {self.n}{p})")


def gain_summary(gains: list[float], confidence: float = 0.95) -> GainSummary:
    """Mean of `gains` with its t-interval. Identical gains give a zero-width interval."""
    from scipy import stats  # only batches and reports need it

    values = [float(g) for g in gains if g is not None and not math.isnan(float(g))]
    if not values:
        raise ValueError("no TeachQuiz gains to summarise")
    n, mean = len(values), sum(values) / len(values)
    if n < 2:
        return GainSummary(n, mean, None, None, confidence, None)
    sem = stats.sem(values)
    if sem == 0:
        return GainSummary(n, mean, mean, mean, confidence, 0.0 if mean > 0 else 1.0)
    low, high = stats.t.interval(confidence, n - 1, loc=mean, scale=sem)
    p_value = float(stats.ttest_1samp(values, 0.0, alternative="greater").pvalue)
    return GainSummary(n, mean, float(low), float(high), confidence, p_value)
