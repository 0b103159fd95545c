"""Many lectures at once: one independent job per topic, run through any executor.

    topics = load_topics("topics.txt")                       # or "mmmc", the paper's 117
    plan = BatchPlan(out=Path("course"), settings=Settings.from_env(), replay="demo")
    with open_executor("dask") as pool:
        results = run_batch(topics, plan, pool)

A job (`run_lecture`) generates one topic into `out/<slug>/` exactly as `code2video generate`
does (resuming what the folder holds), optionally evaluates it, and returns a `TopicResult`;
it never raises, so one failed topic never stops the others. The caller's process writes each
result to `out/<slug>/result.json` (atomically) as it arrives: a rerun skips the topics whose
result says they finished, which makes an interrupted batch resumable.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..cassette import DEMO, existing_recording, recorded_options
from ..config import Settings
from ..errors import Code2VideoError, ConfigError
from ..files import atomic_write_text, disk_errors
from ..plan import slugify
from ..usage_record import record_usage

if TYPE_CHECKING:
    from ..evaluation.protocol import Protocol

MMMC = "mmmc"
EVALS = ("aes", "quiz")
RESULT_FILE = "result.json"


@dataclass(frozen=True)
class BatchPlan:
    """What every lecture of a batch shares. Sent to each job, so it holds no secret: a job reads
    its key from its own environment (`settings.api_key_env`)."""
    out: Path
    settings: Settings
    replay: str | None = None  # "demo" or a cassette path: answer every lecture from the recording
    quality: str = "preview"
    sections: int = 4
    audience: str = "university students"
    evals: tuple[str, ...] = ()
    questions: Path | None = None  # TeachQuiz questions in the MMMC bank's shape; None: the bundled bank
    # How the evaluations measure (evaluation/protocol.py): its prompts (the original's are read once,
    # here, and travel with the plan), what is counted and how a failed topic is scored. None: ours.
    protocol: Protocol | None = None
    send: str | None = None  # what the judge and the video pass see: "frames" | "video"; None: the protocol's
    frames: int | None = None  # how many frames; None: settings.eval_frames
    evidence: str | None = None  # the quiz's video pass: "frames" | "frames+subtitles"; None: the protocol's

    @property
    def measured(self) -> Protocol:
        from ..evaluation.protocol import protocol_for

        return self.protocol or protocol_for("ours")


@dataclass(frozen=True)
class LectureJob:
    topic: str
    plan: BatchPlan
    # A finished lecture measured before (other evaluations, another protocol): only evaluated
    # again, its making's figures kept; a resumed `generate` would time the resume instead.
    made: TopicResult | None = None

    @property
    def slug(self) -> str:
        return slugify(self.topic)


@dataclass
class TopicResult:
    """One row of the batch's table. Scores are None when not measured (no --eval, or it failed)."""
    topic: str
    slug: str
    ok: bool
    error: str = ""  # one line: why the lecture failed
    seconds: float = 0.0  # wall time making the lecture (its evaluation apart: `eval_seconds`)
    sections: int = 0
    failed_sections: int = 0
    fix_attempts: int = 0
    video_seconds: float = 0.0
    calls: int = 0  # model requests the lecture cost, over all runs (lecture.json's usage)
    tokens: int = 0  # ours: every stage of making it (plan, code, fixes, critic), the evaluation apart
    paper_tokens: int = 0  # as the original counts: outline, storyboard and code, re-asks included
    evals: tuple[str, ...] = ()  # the evaluations that gave a score
    eval_errors: dict = field(default_factory=dict)  # evaluation -> one line: why it gave none
    eval_tokens: int = 0  # what they cost (the judge's and the quiz's requests)
    eval_seconds: float = 0.0  # wall time of the evaluation
    aes: float | None = None  # 0-100
    quiz_plain: float | None = None  # accuracies, 0-1
    quiz_unlearned: float | None = None
    quiz_video: float | None = None
    quiz_gain: float | None = None
    quiz_key: str = ""  # the right letters of the topic's questions, in order (for the one-letter baseline)
    scored_missing: bool = False  # a failed lecture scored as the original scores a missing video
    protocol: str = "ours"  # the evaluation protocol the scores were measured under
    feedback: dict = field(default_factory=dict)  # the judge's feedback per dimension

    def to_dict(self) -> dict:
        data = asdict(self)
        data["evals"] = list(self.evals)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> TopicResult:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["evals"] = tuple(values.get("evals") or ())
        return cls(**values)

    def finished(self, evals: tuple[str, ...], protocol: str = "ours") -> bool:
        """Nothing left to do for a batch asking for `evals` under `protocol`."""
        return self.ok and set(evals) <= set(self.evals) and (not evals or self.protocol == protocol)


# topics ---------------------------------------------------------------------------------
def load_topics(source: str | Path, limit: int | None = None) -> list[str]:
    """The topics of `source`: "mmmc" (the paper's 117) or a text file, one topic a line
    (blank lines and lines starting with # are skipped). Two topics with one folder name are an error."""
    topics = _mmmc_topics() if str(source) == MMMC else _file_topics(Path(source))
    if limit is not None:
        topics = topics[:max(0, limit)]
    seen: dict[str, str] = {}
    for topic in topics:
        slug = slugify(topic)
        if slug in seen and seen[slug] != topic:
            raise ConfigError(f"topics {seen[slug]!r} and {topic!r} share the folder name {slug!r}; reword one")
        seen[slug] = topic
    if not seen:
        raise ConfigError(f"{source}: no topics (one a line)")
    return list(dict.fromkeys(topics))  # a topic listed twice runs once


def _file_topics(path: Path) -> list[str]:
    if not path.is_file():
        raise ConfigError(f"{path}: no such topics file; give a text file with one topic a line, or 'mmmc'")
    with disk_errors(path):
        lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _mmmc_topics() -> list[str]:
    from ..evaluation import quiz  # the bundled MMMC data (code2video_nb/data/mmmc, with its licence)

    return quiz.topics()


# resuming -------------------------------------------------------------------------------
def result_path(out: Path, slug: str) -> Path:
    return Path(out) / slug / RESULT_FILE


def read_result(out: Path, slug: str) -> TopicResult | None:
    path = result_path(out, slug)
    try:
        return TopicResult.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (ValueError, TypeError):  # a damaged file: the topic runs again and overwrites it
        return None


def write_result(out: Path, result: TopicResult) -> None:
    atomic_write_text(result_path(out, result.slug), json.dumps(result.to_dict(), indent=1, ensure_ascii=False))


# running --------------------------------------------------------------------------------
def run_batch(topics: list[str], plan: BatchPlan, executor: Executor,
              on_result: Callable[[TopicResult], None] = lambda result: None) -> list[TopicResult]:
    """Every topic's result, in the order of `topics`: finished ones read back, the others run
    through `executor` (each written to its result file as it arrives, then passed to `on_result`).
    Ctrl-C cancels the jobs not yet started and leaves the finished results in place."""
    plan = resolved(plan)
    check_evals(topics, plan)
    before = {t: r for t in topics if (r := read_result(plan.out, slugify(t)))}
    done = {t: r for t, r in before.items() if r.finished(plan.evals, plan.measured.name)}
    futures: dict[Future, str] = {executor.submit(run_lecture, _job(t, plan, before.get(t))): t
                                  for t in topics if t not in done}
    try:
        pending = set(futures)
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                result = _outcome(future, futures[future])
                write_result(plan.out, result)
                done[result.topic] = result
                on_result(result)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
    return [done[t] for t in topics]


def _job(topic: str, plan: BatchPlan, before: TopicResult | None) -> LectureJob:
    made = None
    if before is not None and before.ok:
        made = replace(before, evals=(), eval_errors={}, eval_tokens=0, eval_seconds=0.0, aes=None,
                       quiz_plain=None, quiz_unlearned=None, quiz_video=None, quiz_gain=None, quiz_key="",
                       feedback={}, protocol=plan.measured.name)
    return LectureJob(topic, plan, made)


def resolved(plan: BatchPlan) -> BatchPlan:
    """The plan with absolute paths, the same from a worker's own working folder; a recording
    that is not there is said once, before any job."""
    cassette = existing_recording(plan.replay)
    # "demo" stays a name: each worker finds the recording in its own installed package.
    replay = plan.replay if cassette is None or plan.replay == DEMO else str(cassette.resolve())
    return replace(plan, out=Path(plan.out).resolve(), replay=replay,
                   questions=Path(plan.questions).resolve() if plan.questions else None)


def check_evals(topics: list[str], plan: BatchPlan) -> None:
    """What the evaluations need, checked before any lecture is made: a model that reads images,
    a key, and TeachQuiz questions for every topic."""
    if not plan.evals:
        return
    from ..evaluation import aes, quiz

    settings = plan.settings
    if not settings.vlm_model:
        raise ConfigError(aes.NO_MODEL.replace("the judge needs", "--eval needs") + ", or pass --vlm-model")
    if not settings.api_key():
        raise ConfigError(f"--eval asks the model at {settings.base_url or 'the OpenAI API'}: "
                          f"{settings.api_key_env} is not set (a replay answers the lectures only)")
    if "quiz" in plan.evals:
        for topic in topics:
            quiz.questions_for(topic, plan.questions)  # a ConfigError naming the topic and the fix


def _outcome(future: Future, topic: str) -> TopicResult:
    """The job's result; a job the executor lost (a worker killed, a cluster gone) is a failed topic."""
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - whatever the engine raised, it is this topic's row
        return TopicResult(topic, slugify(topic), ok=False, error=f"the executor lost this job: {one_line(exc)}")


def run_lecture(job: LectureJob) -> TopicResult:
    """One topic, start to end, in whatever process the executor chose. Never raises.
    Making the lecture and evaluating it are timed apart: the paper's minutes are the first only."""
    from . import executors

    executors.allow_children()
    result = job.made or _made(job)
    if job.plan.evals and (result.ok or job.plan.measured.failed_scored):
        started = time.monotonic()
        try:
            _evaluate(job, result)
        finally:
            result.eval_seconds = round(time.monotonic() - started, 2)
    # Paths in the batch's folder as the report there reads them: relative (the same on any worker).
    result.error = result.error.replace(f"{job.plan.out}{os.sep}", "")
    result.eval_errors = {k: v.replace(f"{job.plan.out}{os.sep}", "") for k, v in result.eval_errors.items()}
    return result


def _made(job: LectureJob) -> TopicResult:
    """The topic's lecture, made (or resumed) and timed."""
    result = TopicResult(job.topic, job.slug, ok=False, protocol=job.plan.measured.name)
    started = time.monotonic()
    try:
        _generate(job, result)
    except Exception as exc:  # noqa: BLE001 - one topic's failure of any kind is its row, not the batch's end
        result.ok, result.error = False, one_line(exc)
    finally:
        result.seconds = round(time.monotonic() - started, 2)
    return result


def _generate(job: LectureJob, result: TopicResult) -> None:
    from ..engine import generate
    from ..evaluation.efficiency import lecture_tokens
    from ..model_client import build_client

    plan = job.plan
    recorded = recorded_options(plan.replay)
    client = build_client(plan.settings, log_path=plan.out / job.slug / "log.jsonl", replay=plan.replay)
    try:
        lecture = generate(job.topic, out=plan.out, settings=plan.settings, client=client,
                           audience=recorded.get("audience", plan.audience),
                           sections=recorded.get("sections", plan.sections), quality=plan.quality)
    finally:  # what a failed lecture paid for counts too (lecture.json's usage may be unreadable)
        counted = lecture_tokens(_usage(job, client))
        result.calls, result.tokens, result.paper_tokens = counted.calls, counted.ours, counted.paper
    result.sections = len(lecture.sections)
    result.failed_sections = len(lecture.failed)
    result.fix_attempts = sum(s.fix_attempts for s in lecture.sections)
    result.video_seconds = round(sum(s.duration for s in lecture.sections), 2)
    if lecture.failed:
        first = lecture.failed[0]
        line = f" (line {first.line})" if first.line else ""
        result.error = f"section {first.id} failed{line}: {one_line(first.error)}"
    elif lecture.video is None:
        result.error = "no lecture video was made"
    result.ok = not result.error


def _usage(job: LectureJob, client) -> dict:
    """The lecture's usage over all its runs (lecture.json, where `generate` adds each run's), or this
    run's alone when the folder cannot be read (a damaged lecture.json)."""
    from ..workspace import Workspace

    try:
        return dict(Workspace(job.plan.out / job.slug).lecture.usage) or client.usage_by_stage()
    except Code2VideoError:
        return client.usage_by_stage()


def _evaluate(job: LectureJob, result: TopicResult) -> None:
    """The evaluations asked for, each on its own: one that fails (a judge whose replies stay
    unusable) leaves the others' scores, under either protocol. The paper protocol scores what the
    original would: a failed judge or a missing video AES 0, and the quiz's video pass wrong.
    Requests go to the live VLM endpoint (a replayed batch replays only the lecture); what they cost
    is added to the lecture's usage, as `code2video eval` does, and kept apart in `eval_tokens`."""
    from ..model_client import build_client

    plan = job.plan
    client = build_client(plan.settings, log_path=plan.out / job.slug / "log.jsonl")
    workspace = _workspace(job) if result.ok else None
    result.scored_missing = not result.ok
    done = []
    try:
        for name in plan.evals:
            try:
                EVALUATORS[name](job, result, client, workspace)
                done.append(name)
            except Exception as exc:  # noqa: BLE001 - this evaluation's failure, not the topic's
                result.eval_errors[name] = one_line(exc)
                if name == "aes" and plan.measured.failed_scored:  # the original's judge error scores 0
                    result.aes, result.feedback = 0.0, {}
    finally:
        record_usage(workspace, client)
        result.eval_tokens = client.total().tokens
    result.evals = tuple(done)


def _workspace(job: LectureJob):
    from ..workspace import Workspace

    return Workspace(job.plan.out / job.slug)


def _judge(job: LectureJob, result: TopicResult, client, workspace) -> None:
    from ..evaluation import aes

    if workspace is None:  # no video: the original's judge fails before asking, and scores it 0
        result.aes = 0.0
        return
    plan = job.plan
    judged = aes.judge(workspace.dir, job.topic, settings=plan.settings, client=client, workspace=workspace,
                       frames=plan.frames, **_shown(plan))
    result.aes, result.feedback = judged.total, dict(judged.feedback)


def _quiz(job: LectureJob, result: TopicResult, client, workspace) -> None:
    from ..evaluation import quiz

    plan = job.plan
    questions = quiz.questions_for(job.topic, plan.questions)
    result.quiz_key = "".join(q.answer for q in questions)
    taught = quiz.teach_quiz(workspace.dir if workspace else None, job.topic, settings=plan.settings,
                             client=client, questions=questions, workspace=workspace, frames=plan.frames,
                             **_shown(plan, quiz=True))
    result.quiz_plain, result.quiz_unlearned, result.quiz_video = (
        round(taught.accuracy(p), 4) for p in ("plain", "unlearned", "video"))
    result.quiz_gain = round(taught.gain, 4)


def _shown(plan: BatchPlan, quiz: bool = False) -> dict:
    """What the evaluation sees and how it asks: as the plan says, the protocol's defaults otherwise."""
    shown = {"send": plan.send, "protocol": plan.measured}
    if quiz and plan.evidence:
        shown["evidence"] = plan.evidence
    return shown


EVALUATORS = {"aes": _judge, "quiz": _quiz}


def one_line(error) -> str:
    """An error as one line: a Code2VideoError's own message, anything else with its type."""
    text = str(error) if isinstance(error, (Code2VideoError, str)) else f"{type(error).__name__}: {error}"
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__
