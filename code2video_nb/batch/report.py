"""A batch's results as files: `results.csv` (one row a topic), `report.md` (the table, the
averages beside the paper's published figures, the failures with their errors) and
`figure.svg` (per-topic time, tokens and scores; `figure.py`)."""

from __future__ import annotations

import csv
import io
import statistics
from dataclasses import dataclass
from pathlib import Path

from ..files import atomic_write_text
from .figure import figure_svg
from .jobs import TopicResult

# The columns of results.csv, in order: (header, how to read it from a TopicResult).
COLUMNS = ("topic", "slug", "status", "error", "minutes", "tokens", "calls", "sections", "failed_sections",
           "fix_attempts", "video_seconds", "aes", "quiz_plain", "quiz_unlearned", "quiz_video", "quiz_gain",
           "eval_tokens")
TIME_COLUMNS = ("minutes",)  # differ from run to run, whatever ran the jobs


@dataclass(frozen=True)
class PaperRow:
    """One method of the paper's Table 1 (arXiv 2510.01174), per topic on average."""
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


@dataclass(frozen=True)
class ReportFiles:
    csv: Path
    markdown: Path
    figure: Path


def write_report(out: Path, results: list[TopicResult], *, how: str = "") -> ReportFiles:
    """Write the three files into `out`; `how` says in a line what ran the batch (executor, replay)."""
    out = Path(out)
    files = ReportFiles(out / "results.csv", out / "report.md", out / "figure.svg")
    atomic_write_text(files.csv, results_csv(results))
    atomic_write_text(files.figure, figure_svg(results, paper=PAPER[0]))
    atomic_write_text(files.markdown, report_markdown(results, how=how, figure=files.figure.name))
    return files


def row(result: TopicResult) -> dict[str, str]:
    """A result as the table shows it: numbers rounded, unmeasured scores empty."""
    values = {
        "topic": result.topic, "slug": result.slug, "status": "ok" if result.ok else "failed",
        "error": result.error, "minutes": f"{result.seconds / 60:.2f}", "tokens": str(result.tokens),
        "calls": str(result.calls), "sections": str(result.sections),
        "failed_sections": str(result.failed_sections), "fix_attempts": str(result.fix_attempts),
        "video_seconds": f"{result.video_seconds:.1f}", "aes": _score(result.aes),
        "eval_tokens": str(result.eval_tokens) if result.evals else "",
    }
    for name in ("quiz_plain", "quiz_unlearned", "quiz_video", "quiz_gain"):
        values[name] = _score(getattr(result, name), digits=3)
    return values


def results_csv(results: list[TopicResult]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(row(r) for r in results)
    return buffer.getvalue()


def report_markdown(results: list[TopicResult], *, how: str = "", figure: str = "figure.svg") -> str:
    ok = [r for r in results if r.ok]
    parts = [f"# Batch report: {len(results)} topic(s), {len(ok)} finished, {len(results) - len(ok)} failed", ""]
    if how:
        parts += [how, ""]
    parts += _averages(ok) + _quiz_significance(ok) + _table(results) + _feedback(ok) + _failures(results)
    parts += [f"![Per-topic time, tokens and scores]({figure})", ""]
    return "\n".join(parts)


def _averages(ok: list[TopicResult]) -> list[str]:
    """Our averages per finished topic beside the paper's Table 1."""
    lines = ["## Per topic on average, beside the paper (Table 1, arXiv 2510.01174)", "",
             "| | minutes | K tokens | AES (0-100) | TeachQuiz |", "|---|---:|---:|---:|---:|"]
    if ok:
        aes = _mean([r.aes for r in ok])
        quiz = _mean([r.quiz_video for r in ok])
        lines.append(f"| this batch ({len(ok)} topic(s)) | {_mean([r.seconds / 60 for r in ok]):.1f} | "
                     f"{_mean([r.tokens / 1000 for r in ok]):.1f} | {_fmt(aes)} | "
                     f"{_fmt(None if quiz is None else 100 * quiz)} |")
    for p in PAPER:
        lines.append(f"| paper: {p.method} | {_fmt(p.minutes)} | {_fmt(p.ktokens)} | {p.aes:.1f} | {p.teachquiz:.1f} |")
    lines += ["", "Our TeachQuiz column is the accuracy after watching the video, in percent; the gain over "
              "the unlearned pass is in the table below. Minutes are each job's wall time on the "
              "machine that ran it, with as many lectures at once as the executor ran. A replayed batch "
              "(`--replay`) measures this machine and the recording, not a model.", ""]
    return lines


def _quiz_significance(ok: list[TopicResult]) -> list[str]:
    gains = [r.quiz_gain for r in ok if r.quiz_gain is not None]
    if not gains:
        return []
    from ..evaluation.significance import gain_summary

    return ["## TeachQuiz gain across topics", "",
            f"Video minus unlearned accuracy per topic: {gain_summary(gains).text()} "
            "(Student's t over topics; p: one-sided, the video helps).", ""]


def _table(results: list[TopicResult]) -> list[str]:
    shown = ("topic", "status", "minutes", "tokens", "sections", "fix_attempts", "aes", "quiz_unlearned",
             "quiz_video", "quiz_gain")
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


def _failures(results: list[TopicResult]) -> list[str]:
    failed = [r for r in results if not r.ok]
    if not failed:
        return []
    lines = ["## Failed topics", "", "Run the same command again to retry them; finished topics are skipped.", ""]
    lines += [f"- **{r.topic}** (`{r.slug}/`): {r.error}" for r in failed]
    return lines + [""]


def _mean(values) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.fmean(values) if values else None


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _score(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"
