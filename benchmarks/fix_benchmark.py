"""Benchmark: how well the fix loop finds, frames and mends the bugs of the auto-fix corpus.

    python benchmarks/fix_benchmark.py [--only kw_] [--json out.json]

For every file in tests/data/fix_corpus (its header gives the bug's lines and block, the reference
fix and a word a relevant fact must mention; see the folder's README), runs the real check pass
(`render_file(..., dry_run_only=True)`, sandboxed as in use) and prints one row per file:

  line    the error's line (`RenderOutcome.line`, from the traceback frames) lies inside the bug
  scope   the scope auto-fix asks the model about (`scopes.scope_for_line`; the section when it
          finds neither block nor function) holds every line of the bug; its size in lines
  fact    the fix prompt's grounding (`grounding.facts_for_error`) is non-empty and mentions the
          file's `# fact:` word (case-insensitive)
  repair  first-try repair: a scripted model (ScriptedServer on loopback, the real openai client
          through model_client) answers the first fix request with the reference fix cut to the
          scope that request named (the scope unchanged if it misses the bug: a model cannot mend
          lines it was not shown); `autofix.refine` allowed that one attempt must pass its check

then the totals: line inside bug, scope contains bug, mean scope size, fact present %, first-try
repair %. Figures, not a test; nothing is cached between files (a fresh reply cache each).
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the corpus reader lives beside the test that checks it

from fix_corpus import Case, cases  # noqa: E402

from code2video_nb.autofix import refine  # noqa: E402
from code2video_nb.config import Settings  # noqa: E402
from code2video_nb.grounding import facts_for_error  # noqa: E402
from code2video_nb.model_client import ModelClient, OpenAIBackend  # noqa: E402
from code2video_nb.plan import StoryboardSection  # noqa: E402
from code2video_nb.render.renderer import RenderOutcome, render_file, sandbox_for  # noqa: E402
from code2video_nb.scopes import Scope, scope_for_line, section_scope  # noqa: E402
from code2video_nb.scripted_server import ScriptedServer  # noqa: E402

SECTION = StoryboardSection("1", "Fix corpus", ["First idea", "Second idea", "Third idea"], [])
ASKED = re.compile(r"\(lines (\d+)-(\d+) of the section\)")


@dataclass
class Row:
    name: str
    kind: str
    error: str
    line: int | None
    line_inside: bool
    scope: str
    scope_lines: int
    scope_holds_bug: bool
    facts: list[str]
    fact_present: bool
    repaired: bool
    repair_note: str
    seconds: float


def checker(work: Path, settings: Settings):
    """The check pass auto-fix validates each candidate with (as section_build does: no frames)."""
    def check(code: str) -> RenderOutcome:
        path = work / "candidate.py"
        path.write_text(code)
        return render_file(path, media_dir=work / "media", timeout=settings.render_timeout, dry_run_only=True,
                           sandbox=sandbox_for(settings))
    return check


def chosen_scope(code: str, outcome: RenderOutcome) -> Scope:
    """autofix's first scope: the failing line's block or function, else the section level."""
    scope = scope_for_line(code, outcome.line)
    return scope if scope.kind != "section" else section_scope(code)


def client_for(server: ScriptedServer, work: Path) -> ModelClient:
    config = Settings.from_env(base_url=server.base_url, request_timeout=10.0, max_retries=0, cache_dir=work / "cache")
    return ModelClient(OpenAIBackend(config, api_key="sk-benchmark"), model=config.model, cache_dir=config.cache_dir,
                       log_path=work / "log.jsonl", json_reasks=config.json_reasks)


def first_try(case: Case, failure: RenderOutcome, scope: Scope, check, work: Path) -> tuple[bool, str]:
    """One fix request answered with the reference fix for the scope it names; did it pass?"""
    limits = (1, 0, 0) if scope.kind != "section" else (0, 1, 0)
    with ScriptedServer() as server:
        server.script(f"fix:{SECTION.id}", f"```python\n{case.reference_reply(scope)}```")
        report = refine(case.code, failure, section=SECTION, topic="Fix corpus", client=client_for(server, work),
                        check=check, limits=limits)
        asked = [ASKED.search(r.messages[-1]["content"]) for r in server.requests]
    if asked and asked[0] and (int(asked[0][1]), int(asked[0][2])) != (scope.start, scope.end):
        return False, f"asked about lines {asked[0][1]}-{asked[0][2]}, not {scope.start}-{scope.end}"
    if report.model_error:
        return False, str(report.model_error)
    return report.ok and len(report.attempts) == 1, "" if report.ok else report.attempts[-1].result[:80]


def measure(case: Case, settings: Settings) -> Row:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="c2v-fixbench-") as tmp:
        work, code = Path(tmp), case.code
        check = checker(work, settings)
        failure = check(code)
        if failure.ok:
            raise SystemExit(f"{case.name}: expected to fail, but its check pass passed")
        scope = chosen_scope(code, failure)
        facts = facts_for_error(failure.error, code, failure.line)
        repaired, note = first_try(case, failure, scope, check, work)
    return Row(case.name, case.kind, failure.error[:70], failure.line, case.inside(failure.line),
               scope.name, scope.end - scope.start + 1, case.covered_by(scope), facts,
               any(case.fact.lower() in f.lower() for f in facts), repaired, note,
               round(time.perf_counter() - started, 2))


def totals(rows: list[Row]) -> dict:
    n = len(rows)
    pct = lambda flag: round(100 * sum(getattr(r, flag) for r in rows) / n, 1)  # noqa: E731
    return {"files": n, "line_inside_bug_pct": pct("line_inside"), "scope_contains_bug_pct": pct("scope_holds_bug"),
            "mean_scope_lines": round(statistics.mean(r.scope_lines for r in rows), 1),
            "fact_present_pct": pct("fact_present"), "first_try_repair_pct": pct("repaired"),
            "seconds": round(sum(r.seconds for r in rows), 1)}


def yes(flag: bool) -> str:
    return "yes" if flag else "no"


def print_table(rows: list[Row]) -> None:
    print(f"{'file':34} {'line':>4} {'in':>3} {'scope':24} {'size':>4} {'holds':>5} {'fact':>4} {'repair':>6}  error")
    for r in rows:
        print(f"{r.name:34} {r.line or '-':>4} {yes(r.line_inside):>3} {r.scope[:24]:24} {r.scope_lines:>4} "
              f"{yes(r.scope_holds_bug):>5} {yes(r.fact_present):>4} {yes(r.repaired):>6}  {r.error}")
    t = totals(rows)
    print(f"\n{t['files']} files, {t['seconds']} s")
    print(f"failing line inside the bug   {t['line_inside_bug_pct']:5.1f} %")
    print(f"scope contains the bug        {t['scope_contains_bug_pct']:5.1f} %")
    print(f"mean scope size               {t['mean_scope_lines']:5.1f} lines")
    print(f"relevant fact in fix prompt   {t['fact_present_pct']:5.1f} %")
    print(f"first-try repair              {t['first_try_repair_pct']:5.1f} %")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="", help="only files whose name contains this")
    parser.add_argument("--json", type=Path, help="also write every row and the totals here")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    rows = [measure(case, settings) for case in cases() if args.only in case.name]
    if not rows:
        raise SystemExit(f"no corpus file matches {args.only!r}")
    print_table(rows)
    if args.json:
        args.json.write_text(json.dumps({"rows": [asdict(r) for r in rows], "totals": totals(rows)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
