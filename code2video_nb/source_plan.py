"""The planner's source path: a teacher's notes -> an outline that follows them.

The notes' parts are the candidate sections, in order; each outline section cites the
part(s) it covers, and the citation (heading, excerpt, the part's formulas verbatim) is
kept in the section's `source` field of lecture.json, then carried to the storyboard,
where the coder's request and the section cell's header read it.

Notes longer than the outline request's share of the context (`Settings.source_tokens`)
are summarised first, in chunks of at most `CHUNK_TOKENS` (one request each, in parallel,
stage `outline:digest-k`), each part to its share of the budget, so the outline request stays
within it whatever the notes' length. At most `MAX_CHUNKS` chunks: longer notes are
refused before any request, in one line.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from . import prompts
from .coder import in_background  # daemon threads: Ctrl-C never waits for a request in flight
from .errors import PlanError, SourceError
from .language import Language, english, plan_note, with_note
from .model_client import ModelClient, OnText
from .plan import MAX_LINE_WORDS, Outline, Storyboard
from .planner import MAX_SECTIONS
from .sources import CHARS_PER_TOKEN, Source, SourcePart, estimate_tokens, find_formulas

CHUNK_TOKENS = 8000  # of the notes per summarising request: fits any current chat model with room to answer
MAX_CHUNKS = 16  # notes up to about 128,000 tokens (~500 kB of text) make one lecture
MIN_SUMMARY_WORDS = 20  # of any part's summary, however short its share
WORDS_PER_BUDGET_TOKEN = 0.5  # English is ~1.5 estimated tokens a word; the rest is room for a long reply
SUMMARY_SLACK = 1.25  # a summary this much over its words is accepted; longer ones are asked again
PREAMBLE_CHARS = 1500  # of the text before the first heading, given as context


@dataclass(frozen=True)
class Fitted:
    """The notes as the outline request reads them, and how they were made to fit."""
    parts: tuple[SourcePart, ...]  # the notes' parts, their text summarised when the notes were too long
    chunks: int = 0  # summarising requests made (0: the notes went in as they are)
    tokens: int = 0  # the notes' estimated tokens before fitting
    budget: int = 0

    def note(self) -> str:
        if not self.chunks:
            return ""
        return (f"the notes are about {self.tokens:,} tokens, more than the {self.budget:,} the outline request "
                f"holds: summarised in {self.chunks} request(s) of at most {CHUNK_TOKENS:,} tokens first, "
                "formulas kept verbatim")


def default_sections(source: Source) -> int:
    """One section per part of the notes, within the planner's bound."""
    return max(1, min(len(source.parts), MAX_SECTIONS))


def check_length(source: Source) -> None:
    """Refuse, before any request, notes too long to summarise within MAX_CHUNKS requests."""
    limit = CHUNK_TOKENS * MAX_CHUNKS
    if source.tokens > limit or len(_chunks(source.parts)) > MAX_CHUNKS:
        raise SourceError(f"{source.name or 'the notes'} is about {source.tokens:,} tokens; one lecture reads at most "
                          f"{limit:,}: split the notes (e.g. one file per chapter) and make a lecture of each")


def make_outline(client: ModelClient, source: Source, *, audience: str, sections: int, goals: str = "",
                 budget: int = 6000, progress: Callable[[str, str], None] = lambda stage, message: None,
                 language: Language | None = None, on_text: OnText | None = None) -> Outline:
    """An outline following the notes, each section citing its part(s) (`source` field).
    `on_text`: the outline reply so far as it streams."""
    check_length(source)
    if not 1 <= sections <= MAX_SECTIONS:
        raise PlanError(f"sections must be between 1 and {MAX_SECTIONS}, not {sections}")
    fitted = fit(client, source, budget, progress)
    request = prompts.messages(
        "outline_from_source", title=source.title, audience=audience, sections=sections,
        goals=f"Learning goals: {goals.strip()}\n" if goals.strip() else "",
        preamble=f"Introduction of the notes: {source.preamble[:PREAMBLE_CHARS]}\n" if source.preamble else "",
        parts="\n\n".join(f"Part {k}: {p.heading}\n{p.text}" for k, p in enumerate(fitted.parts, 1)),
    )
    with_note(request, plan_note(language or english(), MAX_LINE_WORDS))

    def validate(data):
        outline = Outline.from_dict(data)
        if len(outline.sections) != sections:
            raise PlanError(f"the outline has {len(outline.sections)} sections; exactly {sections} were asked for")
        return cite(outline, source)

    outline = client.ask_json(request, stage="outline", validate=validate, on_text=on_text)
    outline.topic = outline.topic or source.title
    outline.target_audience = outline.target_audience or audience
    outline.extra["source"] = {**source.record(), **({"note": fitted.note()} if fitted.chunks else {})}
    return outline


def notes_name(outline: Outline | None) -> str:
    """The name of the notes the outline was planned from ("" for a topic alone, or no outline)."""
    record = outline.extra.get("source") if outline is not None else None
    return str(record.get("name") or "") if isinstance(record, dict) else ""


def cite(outline: Outline, source: Source) -> Outline:
    """Each section's "parts" checked (known, in the notes' order) and turned into its citation."""
    last = 1
    for section in outline.sections:
        numbers = _part_numbers(section.extra.pop("parts", None), section.id, len(source.parts))
        if numbers[0] < last:
            raise PlanError(f"section {section.id} covers part {numbers[0]} after an earlier section covered part "
                            f"{last}; keep the notes' order")
        last = numbers[-1]
        cited = [source.parts[n - 1] for n in numbers]
        # The introduction's formulas (a matrix used throughout) go with the section that opens the notes.
        opening = find_formulas(source.preamble) if numbers[0] == 1 else ()
        section.extra["source"] = {
            "part": " + ".join(p.heading for p in cited), "parts": numbers, "excerpt": cited[0].excerpt(),
            "formulas": list(dict.fromkeys([*opening, *(f for p in cited for f in p.formulas)])),
        }
    return outline


def carry_citations(storyboard: Storyboard, outline: Outline) -> Storyboard:
    """The outline's citations onto the storyboard sections (same ids): the coder and the cells read them."""
    cited = {s.id: s.extra["source"] for s in outline.sections if "source" in s.extra}
    for section in storyboard.sections:
        if section.id in cited:
            section.extra["source"] = cited[section.id]
    return storyboard


def _part_numbers(raw, section_id: str, count: int) -> list[int]:
    problem = (f"section {section_id} needs \"parts\": the numbers (1 to {count}) of the notes' parts it covers, "
               "e.g. [2]")
    values = raw if isinstance(raw, list) else [raw] if raw is not None else []
    try:
        numbers = sorted({int(v) for v in values})
    except (TypeError, ValueError):
        raise PlanError(problem) from None
    if not numbers or numbers[0] < 1 or numbers[-1] > count:
        raise PlanError(problem)
    return numbers


# fitting long notes --------------------------------------------------------------------
Piece = tuple[int, str, str]  # (part number, heading, text): one part's paragraphs within one chunk


def fit(client: ModelClient, source: Source, budget: int,
        progress: Callable[[str, str], None] = lambda stage, message: None) -> Fitted:
    """The parts as they are if they fit in `budget` tokens; otherwise summarised chunk by chunk
    (the requests in parallel, like the coder's), each part's summary its share of the budget by length."""
    if source.tokens <= budget:
        return Fitted(source.parts, tokens=source.tokens, budget=budget)
    chunks = _chunks(source.parts)
    fitted = Fitted((), chunks=len(chunks), tokens=source.tokens, budget=budget)
    progress("plan", fitted.note())
    words = budget * WORDS_PER_BUDGET_TOKEN

    def digest(k: int) -> dict[int, str]:
        allowed = {n: max(MIN_SUMMARY_WORDS, int(words * estimate_tokens(text) / source.tokens))
                   for n, _h, text in chunks[k - 1]}
        return _digest(client, source, chunks[k - 1], allowed, stage=f"outline:digest-{k}")

    futures = in_background(digest, list(range(1, len(chunks) + 1)))
    try:
        digests = [future.result() for future in futures]  # in the notes' order
    except BaseException:  # a failed request or Ctrl-C: those not started never start
        for future in futures:
            future.cancel()
        raise
    summaries: dict[int, list[str]] = {}
    for number, text in (item for done in digests for item in done.items()):
        summaries.setdefault(number, []).append(text)
    parts = tuple(replace(p, text=_with_formulas(" ".join(summaries.get(n, [])), p.formulas))
                  for n, p in enumerate(source.parts, 1))
    return replace(fitted, parts=parts)


def _chunks(parts: tuple[SourcePart, ...]) -> list[list[Piece]]:
    """The notes' paragraphs in order, packed into chunks of at most CHUNK_TOKENS (a part may
    run on into the next chunk), each chunk's paragraphs of one part joined into one piece."""
    chunks: list[list[Piece]] = [[]]
    size = 0
    for n, part in enumerate(parts, 1):
        for paragraph in _paragraphs(part.text or part.heading):
            tokens = estimate_tokens(paragraph)
            if size and size + tokens > CHUNK_TOKENS:
                chunks.append([])
                size = 0
            chunk = chunks[-1]
            if chunk and chunk[-1][0] == n:
                chunk[-1] = (n, part.heading, f"{chunk[-1][2]}\n\n{paragraph}")
            else:
                chunk.append((n, part.heading, paragraph))
            size += tokens
    return [c for c in chunks if c]


def _paragraphs(text: str) -> list[str]:
    """Paragraphs, an enormous one cut to chunk size (a pasted table, a text without blank lines)."""
    cut = CHUNK_TOKENS * CHARS_PER_TOKEN
    return [p[i:i + cut] for p in text.split("\n\n") if p.strip() for i in range(0, len(p), cut)]


def _digest(client: ModelClient, source: Source, chunk: list[Piece], allowed: dict[int, int],
            stage: str) -> dict[int, str]:
    request = prompts.messages(
        "digest_source", title=source.title, tokens=sum(estimate_tokens(t) for _n, _h, t in chunk),
        parts="\n\n".join(f"Part {n}: {heading} (summary: at most {allowed[n]} words)\n{text}"
                           for n, heading, text in chunk),
        keys=", ".join(f'"{n}": "<summary of part {n}>"' for n in allowed),
    )

    def validate(data) -> dict[int, str]:
        if not isinstance(data, dict):
            raise PlanError("answer with one JSON object mapping each part number to its summary")
        got = {str(k).strip(): v for k, v in data.items()}
        missing = [n for n in allowed if not isinstance(got.get(str(n)), str) or not got[str(n)].strip()]
        if missing:
            raise PlanError(f"give a summary for part(s) {', '.join(map(str, missing))}")
        long = [f"part {n} has {len(got[str(n)].split())} words, at most {w} were asked for"
                for n, w in allowed.items() if len(got[str(n)].split()) > SUMMARY_SLACK * w]
        if long:
            raise PlanError(f"summaries too long ({'; '.join(long)}); shorten them")
        return {n: got[str(n)].strip() for n in allowed}

    return client.ask_json(request, stage=stage, validate=validate)


def _with_formulas(summary: str, formulas: tuple[str, ...]) -> str:
    """A summary that dropped or retyped a formula gets it back verbatim: the notes' TeX is what the lecture shows."""
    missing = [f for f in formulas if f not in summary]
    return summary + ("\nFormulas: " + "; ".join(f"${f}$" for f in missing) if missing else "")
