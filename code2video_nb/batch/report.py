"""A batch's results as files: `results.csv` (one row a topic), `report.md` (the table, the
averages beside the paper's published figures, the failures with their errors) and
`figure.svg` (per-topic time, tokens and scores; `figure.py`).

Every report names the protocol it was measured under and whose prompts it used. The averages
follow the protocol: under the paper's, a failed topic is scored as the original scores a missing
video (AES 0; TeachQuiz with the video pass wrong), while minutes and tokens average the finished
topics only, as the original's do; under ours, only finished topics with a score are averaged."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..files import atomic_write_text
from .figure import figure_svg
from .jobs import TopicResult
from .paper_table import PAPER

if TYPE_CHECKING:
    from ..evaluation.protocol import Protocol

# The columns of results.csv, in order: (header, how to read it from a TopicResult).
COLUMNS = ("topic", "slug", "status", "error", "minutes", "tokens", "paper_tokens", "calls", "sections",
           "failed_sections", "fix_attempts", "video_seconds", "aes", "teachquiz", "quiz_plain", "quiz_unlearned",
           "quiz_video", "quiz_gain", "quiz_key", "eval_minutes", "eval_tokens", "eval_error", "protocol")
TIME_COLUMNS = ("minutes", "eval_minutes")  # differ from run to run, whatever ran the jobs


@dataclass(frozen=True)
class ReportFiles:
    csv: Path
    markdown: Path
    figure: Path


def write_report(out: Path, results: list[TopicResult], *, how: str = "",
                 protocol: Protocol | None = None) -> ReportFiles:
    """Write the three files into `out`; `how` says in a line what ran the batch (executor, replay)."""
    out = Path(out)
    files = ReportFiles(out / "results.csv", out / "report.md", out / "figure.svg")
    atomic_write_text(files.csv, results_csv(results))
    atomic_write_text(files.figure, figure_svg(results, paper=PAPER[0]))
    atomic_write_text(files.markdown, report_markdown(results, how=how, figure=files.figure.name,
                                                      protocol=protocol))
    return files


def row(result: TopicResult) -> dict[str, str]:
    """A result as the table shows it: numbers rounded, unmeasured scores empty."""
    evaluated = bool(result.evals or result.eval_errors or result.scored_missing)
    values = {
        "topic": result.topic, "slug": result.slug, "status": "ok" if result.ok else "failed",
        "error": result.error, "minutes": f"{result.seconds / 60:.2f}", "tokens": str(result.tokens),
        "paper_tokens": str(result.paper_tokens), "calls": str(result.calls), "sections": str(result.sections),
        "failed_sections": str(result.failed_sections), "fix_attempts": str(result.fix_attempts),
        "video_seconds": f"{result.video_seconds:.1f}", "aes": _score(result.aes),
        "teachquiz": _score(None if result.quiz_gain is None else 100 * result.quiz_gain),
        "eval_minutes": f"{result.eval_seconds / 60:.2f}" if evaluated else "",
        "eval_tokens": str(result.eval_tokens) if evaluated else "",
        "eval_error": "; ".join(f"{name}: {error}" for name, error in result.eval_errors.items()),
        "protocol": result.protocol if evaluated else "",
    }
    values["quiz_key"] = result.quiz_key
    for name in ("quiz_plain", "quiz_unlearned", "quiz_video", "quiz_gain"):
        values[name] = _score(getattr(result, name), digits=3)
    return values


def results_csv(results: list[TopicResult]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(row(r) for r in results)
    return buffer.getvalue()


def report_markdown(results: list[TopicResult], *, how: str = "", figure: str = "figure.svg",
                    protocol: Protocol | None = None) -> str:
    from ..evaluation.protocol import protocol_for

    protocol = protocol or protocol_for("ours")
    ok = [r for r in results if r.ok]
    parts = [f"# Batch report: {len(results)} topic(s), {len(ok)} finished, {len(results) - len(ok)} failed", "",
             f"Protocol: {protocol.describe()}.", ""]
    if how:
        parts += [how, ""]
    scored = _scored(results, protocol)
    parts += _averages(ok, scored, protocol) + _quiz_significance(scored) + _table(results) + _feedback(ok)
    parts += _failures(results, protocol) + [f"![Per-topic time, tokens and scores]({figure})", ""]
    return "\n".join(parts)


def _scored(results: list[TopicResult], protocol: Protocol) -> list[TopicResult]:
    """The topics whose scores are averaged: the finished ones, and under the paper protocol the
    failed ones too, scored as the original scores a missing video."""
    return [r for r in results if r.ok or (protocol.failed_scored and r.scored_missing)]


def _averages(ok: list[TopicResult], scored: list[TopicResult], protocol: Protocol) -> list[str]:
    """Our averages per topic beside the paper's Table 1: minutes and tokens over the finished
    topics, scores over the scored ones; the quiz's accuracies and the always-one-letter baseline
    beside the TeachQuiz gain."""
    paper_count = protocol.token_stages is not None
    lines = ["## Per topic on average, beside the paper (Table 1, arXiv 2510.01174)", "",
             "| | minutes | K tokens | AES (0-100) | TeachQuiz (gain × 100) | plain % | unlearned % | video % "
             "| always one letter % |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    gains = [r.quiz_gain for r in scored if r.quiz_gain is not None]
    if ok or scored:
        tokens = [(r.paper_tokens if paper_count else r.tokens) / 1000 for r in ok]
        percent = [_fmt(_percent([getattr(r, name) for r in scored]))
                   for name in ("quiz_plain", "quiz_unlearned", "quiz_video")] + [_baseline(scored)]
        lines.append(f"| this batch ({len(ok)} finished, {len(scored)} scored) | "
                     f"{_fmt(_mean([r.seconds / 60 for r in ok]))} | {_fmt(_mean(tokens))} | "
                     f"{_fmt(_mean([r.aes for r in scored]))} | "
                     f"{_fmt(protocol.teachquiz(gains) if gains else None)} | " + " | ".join(percent) + " |")
    for p in PAPER:
        lines.append(f"| paper: {p.method} | {_fmt(p.minutes)} | {_fmt(p.ktokens)} | {p.aes:.1f} | "
                     f"{p.teachquiz:.1f} | – | – | – | – |")
    counted = ("as the original counts them: outline, storyboard and code requests, re-asks and "
               "regenerations included" if paper_count else "ours: every request that made the lecture, "
               "fixes and critic included")
    both = (f" (the other count: {_fmt(_mean([r.tokens / 1000 for r in ok]))} K for every stage)" if paper_count
            else f" (the paper's count, outline, storyboard and code only: "
                 f"{_fmt(_mean([r.paper_tokens / 1000 for r in ok]))} K)")
    evaluated = [r.eval_seconds for r in scored if r.evals or r.eval_errors or r.scored_missing]
    lines += ["", "TeachQuiz is the paper's headline: the mean learning gain (video − unlearned accuracy) × 100 "
              "over the scored topics; the accuracies beside it are means in percent, beside the accuracy "
              "of always answering the letter most often right in these topics' questions (the answer key "
              "is skewed: read an accuracy against it). "
              f"Tokens are counted {counted}{both}. Minutes are each job's wall time making its lecture, "
              "with as many lectures at once as the executor ran; the evaluation's own time is not in them"
              + (f" (it took {_mean(evaluated):.0f} s a topic on average)" if evaluated else "") +
              ". A replayed batch (`--replay`) measures this machine and the recording, not a model.", ""]
    return lines


def _baseline(scored: list[TopicResult]) -> str:
    """"51.0 (B)": always answering the letter most often right over the batch's questions."""
    key = "".join(r.quiz_key for r in scored)
    if not key:
        return "–"
    from ..evaluation.quiz import baseline

    chance = baseline(key)
    return f"{100 * chance.accuracy:.1f} ({chance.letter})"


def _quiz_significance(scored: list[TopicResult]) -> list[str]:
    gains = [r.quiz_gain for r in scored if r.quiz_gain is not None]
    if not gains:
        return []
    from ..evaluation.significance import gain_summary

    return ["## TeachQuiz gain across topics", "",
            f"Video minus unlearned accuracy per topic: {gain_summary(gains).text()} "
            "(Student's t over topics; p: one-sided, the video helps).", ""]


def _table(results: list[TopicResult]) -> list[str]:
    shown = ("topic", "status", "minutes", "tokens", "paper_tokens", "sections", "fix_attempts", "aes",
             "teachquiz", "quiz_unlearned", "quiz_video", "quiz_gain", "eval_minutes")
    lines = ["## Per topic", "", "| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    for r in results:
        values = row(r)
        lines.append("| " + " | ".join(values[c].replace("|", "\\|") or "–" for c in shown) + " |")
    return lines + [""]


def _feedback(ok: list[TopicResult]) -> list[str]:
    judged = [r for r in ok if r.feedback]
    if not judged:
        return []
    lines = ["## The judge's feedback", ""]
    for r in judged:
        lines.append(f"- **{r.topic}** (AES {_fmt(r.aes)}): " +
                     "; ".join(f"{name.replace('_', ' ')}: {text}" for name, text in r.feedback.items()))
    return lines + [""]


def _failures(results: list[TopicResult], protocol: Protocol) -> list[str]:
    failed = [r for r in results if not r.ok or r.eval_errors]
    if not failed:
        return []
    lines = ["## Failed topics and evaluations", "",
             "Run the same command again to retry them; finished topics are skipped."
             + (" Under the paper protocol they are scored as the original scores them: a missing video "
                "or a judge error AES 0, a missing video's quiz answers wrong." if protocol.failed_scored else ""),
             ""]
    for r in failed:
        said = ([r.error] if not r.ok else []) + [f"{name}: {error}" for name, error in r.eval_errors.items()]
        lines.append(f"- **{r.topic}** (`{r.slug}/`): " + "; ".join(said))
    return lines + [""]


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def _percent(values) -> float | None:
    mean = _mean(values)
    return None if mean is None else 100 * mean


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _score(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"
