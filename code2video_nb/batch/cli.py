"""`code2video batch TOPICS --out DIR`: the CLI face of `batch` (parse, hand off, show progress).

    code2video batch topics.txt --out course/ --executor dask --replay demo
    code2video batch mmmc --limit 10 --out mmmc/ --eval aes,quiz --executor dask --address tcp://sched:8786
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..config import Settings
from ..errors import ConfigError
from ..plan import slugify
from . import executors
from .jobs import EVALS, BatchPlan, TopicResult, check_evals, load_topics, read_result, resolved, run_batch
from .report import write_report


def add_parser(sub) -> None:
    p = sub.add_parser("batch", help="generate many lectures, each an independent job (local, Dask or Ray)")
    p.add_argument("topics", help="a text file with one topic a line, or 'mmmc' for the paper's 117 topics")
    p.add_argument("--out", type=Path, required=True, help="folder for the lectures, results.csv and report.md")
    p.add_argument("--limit", type=int, help="only the first N topics")
    p.add_argument("--eval", default="", metavar="aes,quiz",
                   help="evaluate each finished lecture: aes (VLM judge), quiz (TeachQuiz); "
                        "needs $CODE2VIDEO_VLM_MODEL")
    p.add_argument("--vlm-model", help="the model that judges and takes the quiz (default: $CODE2VIDEO_VLM_MODEL)")
    p.add_argument("--protocol", choices=["ours", "paper"], default="ours",
                   help="how the evaluations measure: ours, or the paper's (for numbers beside its Table 1: "
                        "its prompts, the whole video, its token count, minutes without evaluation, a cold "
                        "cache, failed topics scored 0); see the README's comparison table")
    p.add_argument("--paper-repo", type=Path, metavar="PATH",
                   help="with --protocol paper: a checkout of showlab/Code2Video whose prompts to read "
                        "(default: $CODE2VIDEO_PAPER_REPO; without one, our wording)")
    p.add_argument("--send", choices=["frames", "video"],
                   help="what the judge and the quiz's video pass see (default: the protocol's: "
                        "ours frames, paper the whole video)")
    p.add_argument("--frames", type=int, help="frames shown, when frames are sent (default 8)")
    p.add_argument("--evidence", choices=["frames", "frames+subtitles"],
                   help="what the quiz's video pass is given besides the pictures: frames+subtitles adds what is "
                        "said (default: ours with subtitles when the lecture is narrated; paper frames alone)")
    p.add_argument("--questions", type=Path,
                   help="TeachQuiz questions in the MMMC bank's shape {topic: [...]} (default: the bundled bank)")
    p.add_argument("--executor", choices=executors.EXECUTORS, default="local",
                   help="local: processes here; dask / ray: a cluster (pip install 'code2video_nb[dask]' or [ray])")
    p.add_argument("--address", help="the cluster's scheduler (dask: tcp://host:8786, ray: host:6379); "
                                     "default: start one on this machine")
    p.add_argument("--parallel", type=int, help=f"lectures at once where we start the workers "
                                                f"(default {executors.default_parallel()} here)")
    p.add_argument("--replay", help="'demo' or a cassette: answer every lecture from a recording (no key needed)")
    p.add_argument("--sections", type=int, default=4, help="sections per lecture (default 4)")
    p.add_argument("--audience", default="university students")
    p.add_argument("--model", help="model name (default: $CODE2VIDEO_MODEL or gpt-4.1)")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")
    p.add_argument("--quality", choices=["preview", "final"], default="preview")
    p.add_argument("--no-critic", action="store_true", help="skip the layout critic in each lecture")
    p.add_argument("--no-cache", action="store_true",
                   help="ask the model every time, not the reply cache (also CODE2VIDEO_CACHE=0)")
    p.add_argument("--quiet", action="store_true", help="no progress bar; print only the summary")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..evaluation.protocol import protocol_for

    topics = load_topics(args.topics, args.limit)
    protocol = protocol_for(args.protocol, args.paper_repo)
    if args.frames is not None and args.frames < 1:
        raise ConfigError(f"--frames must be 1 or more, not {args.frames}")
    plan = BatchPlan(out=args.out, settings=_settings(args, protocol), replay=args.replay, quality=args.quality,
                     sections=args.sections, audience=args.audience, evals=_evals(args.eval),
                     questions=args.questions, protocol=protocol, send=args.send, frames=args.frames,
                     evidence=args.evidence)
    check_evals(topics, resolved(plan))  # before the bar: a missing model, question or recording is the only line
    finished = sum(1 for t in topics
                   if (r := read_result(args.out, slugify(t))) and r.finished(plan.evals, protocol.name))
    bar = _Bar(len(topics), finished, quiet=args.quiet)
    try:
        with executors.open_executor(args.executor, address=args.address, parallel=args.parallel) as executor:
            results = run_batch(topics, plan, executor, on_result=bar.update_with)
    finally:
        bar.close()
    how = f"Executor: {args.executor}" + (f" at {args.address}" if args.address else "") + \
          (f"; every lecture replayed from {args.replay!r}" if args.replay else "") + \
          ("; reply cache off" if not plan.settings.cache else "")
    files = write_report(args.out, results, how=how, protocol=protocol)
    failed = [r for r in results if not r.ok]
    print(f"{len(results) - len(failed)} of {len(results)} lecture(s) finished"
          + (f" ({finished} already before this run)" if finished else "")
          + f"\nresults: {files.csv}\nreport:  {files.markdown}\nfigure:  {files.figure}")
    for r in failed:
        print(f"code2video: {r.topic}: {r.error}", file=sys.stderr)
    if failed:
        print(f"code2video: {len(failed)} topic(s) failed; run the same command again to retry them", file=sys.stderr)
    return 1 if failed else 0


def _settings(args, protocol) -> Settings:
    """The flags over the environment; the paper protocol measures with a cold cache (every request
    asked and billed, as the original's were)."""
    cold = args.no_cache or not protocol.cache
    overrides = {"model": args.model, "vlm_model": args.vlm_model, "base_url": args.base_url,
                 "critic_rounds": 0 if args.no_critic else None, "cache": False if cold else None}
    return Settings.from_env(**{k: v for k, v in overrides.items() if v is not None})


def _evals(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(e.strip() for e in text.split(",") if e.strip()))
    unknown = [e for e in chosen if e not in EVALS]
    if unknown:
        raise ConfigError(f"--eval {','.join(unknown)}: unknown; pick from {','.join(EVALS)}")
    return chosen


class _Bar:
    """tqdm on stderr (manim brings it), one line per finished topic above the bar."""

    def __init__(self, total: int, done: int, quiet: bool):
        from tqdm import tqdm

        self._bar = tqdm(total=total, initial=done, unit="lecture", desc="lectures", file=sys.stderr,
                         disable=quiet, dynamic_ncols=True)
        self.quiet = quiet

    def update_with(self, result: TopicResult) -> None:
        if not self.quiet:
            state = "ok" if result.ok else f"FAILED: {result.error}"
            self._bar.write(f"  {result.topic}: {state} ({result.seconds:.0f} s)", file=sys.stderr)
        self._bar.update(1)

    def close(self) -> None:
        self._bar.close()

