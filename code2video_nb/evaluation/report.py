"""`code2video eval` output without --json: a few aligned lines a person reads."""

from __future__ import annotations

from .aes import DIMENSIONS, MAX_SCORE, AesResult
from .efficiency import Efficiency
from .quiz import PASSES, QuizResult


def aes_text(result: AesResult) -> str:
    width = max(map(len, DIMENSIONS))
    lines = [f"{name:<{width}}  {result.dimensions[name]:>4g}/{MAX_SCORE:g}  "
             f"{result.feedback[name] or '(no feedback given)'}" for name in DIMENSIONS]
    lines.append(f"{'total':<{width}}  {result.total:>4g}/100  ({result.tokens:,} tokens)")
    return "\n".join(lines + [_under(result.protocol, f"the judge saw {result.shown}")])


def _under(protocol, seen: str) -> str:
    """The line every report ends with: the protocol, whose prompts, and what the model saw."""
    return f"{protocol.describe()}; {seen}"


def quiz_text(result: QuizResult) -> str:
    lines = [f"{which:<9}  {result.accuracy(which):.0%}" for which in PASSES]
    lines[-1] += f"  (shown {result.evidence})"
    chance = result.baseline
    lines.append(f"always {chance.letter:<3} {chance.accuracy:.0%}  (the most common right answer: "
                 "chance with the answer key's bias)")
    lines.append(f"gain       {result.gain:+.0%}  (video − unlearned, {result.questions} questions, "
                 f"{result.tokens:,} tokens)")
    lines.append(f"teachquiz  {result.teachquiz:+.1f}  (the paper's TeachQuiz: gain × 100)")
    lines += [f"unusable answer to {a.question!r}: {problem}" for a in result.answers
              for problem in a.problems.values()]
    return "\n".join(lines + [_under(result.protocol, f"the video pass saw {result.shown}")])


def efficiency_text(e: Efficiency) -> str:
    lines = [f"lecture {e.lecture}"]
    if e.wall:
        lines.append("wall time (last generate run): " + ", ".join(f"{k} {v:.1f} s" for k, v in e.wall.items()))
    lines += [f"section {s.id}: built in {s.build_seconds:.1f} s, video {s.video_seconds:.1f} s, "
              f"{s.fix_attempts} fix attempt(s)" for s in e.sections]
    lines += [f"{s.stage:<10} {s.calls:>3} call(s) ({s.cached} cached)  {s.tokens:>8,} tokens  "
              f"{s.seconds:.1f} s waiting" for s in e.stages]
    lines.append(f"tokens as the paper counts them (outline, storyboard, code): {e.paper_tokens:,}")
    lines.append(f"total: {e.calls} call(s), {e.tokens:,} tokens, render {e.render_seconds:.1f} s, "
                 f"{e.fix_attempts} fix attempt(s), about ${e.cost:.4f} at ${e.prompt_price:g}/"
                 f"${e.completion_price:g} per 1M prompt/completion tokens")
    return "\n".join(lines)
