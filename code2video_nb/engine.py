"""The engine: plan -> code -> build each section -> export, over one lecture workspace.

The CLI and the notebook magics are thin layers over `Engine`. Every step reads
what the workspace already holds and skips it, so an interrupted run resumes
without repeating paid requests or finished renders. Building one section (check,
auto-fix, render, record) is `section_build.SectionBuilder`'s; starting each build as
soon as its code arrives is `pipeline.BuildPipeline`'s.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import assets, coder, picture_folder, planner, quiz_card, source_plan
from .config import Settings
from .critic_loop import BeforeRender, improve_lecture
from .errors import ConfigError, RenderError
from .language import Language, choose, lecture_language
from .lecture_state import PlanOptions
from .model_client import ModelClient
from .narration import SectionNarration, mux_narration
from .pipeline import BuildPipeline, Pipelined, SectionTimes
from .plan import Storyboard, StoryboardSection, slugify
from .plan_stream import CodeAhead, section_titles
from .progress_events import SectionEvent, report
from .render.renderer import Renderer, render_file
from .render.renderer import warm_up as _warm_render_server
from .section_build import (  # noqa: F401 - SectionResult, content_hash: callers import them from here
    KeyframesListener,
    LazyModel,
    Progress,
    SectionBuilder,
    SectionResult,
    content_hash,
)
from .sources import Source
from .stream_draw import EarlyDrawing
from .usage_record import record_usage
from .video import concat_videos, cut_at_sentences, lecture_cues, stream_seconds, write_srt
from .workspace import Workspace


@dataclass
class LectureResult:
    workspace: Workspace
    sections: list[SectionResult] = field(default_factory=list)
    video: Path | None = None
    subtitles: Path | None = None
    # Seconds per stage. Code and builds overlap (`pipeline`), so "code" (until the last code
    # arrived) and "render" (first build's start to last build's end) are wall spans that may
    # overlap; "wall" is the whole run, less than the sum of the stages by what overlapping saved.
    timings: dict[str, float] = field(default_factory=dict)
    schedule: list[SectionTimes] = field(default_factory=list)  # per section: code arrived, build start/end
    critic: list = field(default_factory=list)  # critic_loop.Improvement per rendered section

    @property
    def failed(self) -> list[SectionResult]:
        return [s for s in self.sections if not s.ok]


class Engine:
    def __init__(self, settings: Settings, client: ModelClient | Callable[[], ModelClient] | None,
                 progress: Progress | None = None, renderer: Renderer | None = None,
                 on_keyframes: KeyframesListener | None = None):
        """`client` may be a factory: it is called on first use, so a cached or passing render
        never needs a model (or a key). If it raises ConfigError, sections render without auto-fix.
        `renderer`: what renders a section file (default `renderer.render_file`, manim out of process).
        `on_keyframes(section id, paths)`: a preview's keyframes, as soon as they are drawn."""
        self.settings = settings
        self.model = LazyModel(client)
        self.progress = progress or (lambda stage, message: None)
        self.cancelled = threading.Event()
        self.sections = SectionBuilder(settings, self.model, self.progress, self.cancelled, renderer, on_keyframes)

    def warm_up(self) -> None:
        """Start the render server now, so manim loads while the model plans and writes code.
        Only for runs that will render: a status or usage command must not start a process."""
        if self.sections.renderer is render_file:  # another renderer has no server to start
            _warm_render_server(self.settings.api_key_env)

    @property
    def client(self) -> ModelClient | None:
        return self.model.get()

    def model_client(self) -> ModelClient:
        """The client, for the steps that cannot go on without one (planning, writing code)."""
        client = self.client
        if client is None:
            raise ConfigError(self.model.no_model_reason)
        return client

    @property
    def used_client(self) -> ModelClient | None:
        """The client if one was made (whose usage is to be recorded)."""
        return self.model.made

    def build_section(self, ws: Workspace, section: StoryboardSection, quality: str = "preview") -> SectionResult:
        return self.sections.build(ws, section, quality)

    def cached(self, ws: Workspace, section_id: str, code: str, quality: str) -> SectionResult | None:
        return self.sections.cached(ws, section_id, code, quality)

    # planning and code -------------------------------------------------
    def plan(self, ws: Workspace, *, audience: str, sections: int | None, goals: str = "",
             source: Source | None = None, ahead: CodeAhead | None = None) -> Storyboard:
        """`source`: a teacher's notes the plan follows (`source_plan`); `sections` None: one per part.
        `ahead`: starts each section's code request as soon as its storyboard entry is written."""
        if sections is None:
            sections = source_plan.default_sections(source) if source else 4
        # edited notes keep the plan too, and the run says so
        wanted = PlanOptions(audience, sections, goals, source.fingerprint if source is not None else "")
        planned = ws.lecture.plan_options
        if ws.outline is not None and planned and planned != wanted:  # resuming: the plan is kept, say so
            changed = ", ".join(planned.changed(wanted))
            self.progress("plan", f"kept the existing plan (made with {changed}); to plan again with the new "
                                  f"options, delete {ws.dir}")
        language = self._language(ws, source)
        if ws.outline is None:
            self.progress("plan", "writing the outline" + (f" from {source.name or 'the notes'}" if source else ""))
            ws.set_outline(self._outline(ws, audience=audience, sections=sections, goals=goals, source=source,
                                                 language=language))
            ws.set_lecture(plan_options=wanted)
        if ws.storyboard is None:
            self.progress("plan", "writing the storyboard")
            outline = ws.outline
            assert outline is not None  # written just above if it was missing
            notes: list[str] = []
            try:
                storyboard = planner.make_storyboard(self.model_client(), outline,
                                                     pictures=picture_folder.folder_note(self.settings.assets_dir),
                                                     language=language, quiz=self.settings.quiz, notes=notes,
                                                     on_text=ahead.reader(outline, language) if ahead else None)
            except BaseException:  # an interrupt, a storyboard that never passed: hang up its code requests
                if ahead:
                    ahead.stop()
                raise
            for note in notes:  # questions still unusable after their re-ask
                self.progress("plan", note)
            ws.set_storyboard(source_plan.carry_citations(storyboard, outline))
        self.place_assets(ws)
        if ahead:
            ahead.settle(ws.planned())
        return ws.planned()

    def _language(self, ws: Workspace, source: Source | None) -> Language:
        """The lecture's language (`language.choose`), recorded in lecture.json before any request."""
        recorded = ws.lecture.language or ("en" if ws.outline is not None else None)  # planned before languages
        language, note = choose(self.settings.language, recorded, source.text if source else None)
        if note:
            self.progress("plan", note)
        if recorded != language.tag:
            ws.set_lecture(language=language.tag)
        return language

    def _outline(self, ws: Workspace, *, audience: str, sections: int, goals: str, source: Source | None,
                 language: Language):
        titles = section_titles(self.progress)  # each title shown as soon as the model has written it
        if source is None:
            return planner.make_outline(self.model_client(), ws.lecture.topic, audience=audience, sections=sections,
                                        goals=goals, language=language, on_text=titles)
        return source_plan.make_outline(self.model_client(), source, audience=audience, sections=sections, goals=goals,
                                        budget=self.settings.source_tokens, progress=self.progress, language=language,
                                        on_text=titles)

    def place_assets(self, ws: Workspace) -> None:
        """The pictures the storyboard asks for, found offline and copied in (`assets.py`), before
        any code is asked for: the coder's request names the files."""
        for done in assets.place_all(ws, ws.planned(), self.settings.assets_dir):
            what = f"{done.file} ({done.source})" if done.file else done.note
            self.progress("plan", f"picture {done.request.name}: {what}")

    def write_code(self, ws: Workspace, on_written: Callable[[StoryboardSection], None] = lambda section: None,
                   ahead: CodeAhead | None = None, drawing: EarlyDrawing | None = None) -> None:
        """Every section missing code, in parallel; `on_written(section)` as each one's is written.
        `ahead`: the requests `plan` already started (taken rather than asked again). `drawing`: each
        section drawn block by block while its code streams in (`early_drawing`)."""
        missing = [s for s in ws.planned().sections if ws.read_code(s.id) is None]
        if not missing:
            return
        self.progress("code", f"writing code for {len(missing)} section(s) in parallel")
        for section in missing:
            report(self.progress, "code", "", SectionEvent(section.id, "writing"))

        def done(section, code):
            if drawing is not None:  # the code is complete: from now on its build shows the pictures
                drawing.close(section.id)
            ws.write_code(section.id, code, "generated")
            report(self.progress, "code", f"section {section.id} written", SectionEvent(section.id, "waiting"))
            on_written(section)

        coder.write_all(self.model_client(), missing, ws.lecture.topic, on_done=done,
                        language=lecture_language(ws.lecture), started=ahead.take if ahead else lambda section: None,
                        on_reply=drawing.feed if drawing else None)

    # rendering ---------------------------------------------------------
    def render_all(self, ws: Workspace, quality: str = "preview", only: list[str] | None = None) -> list[SectionResult]:
        """Sections in parallel (renders up to `settings.workers` at once); `only` picks some by id."""
        sections = [s for s in ws.planned().sections if not only or s.id in only]
        return self._pipeline(ws, quality).run(sections).results

    def write_and_build(self, ws: Workspace, quality: str = "preview", ahead: CodeAhead | None = None,
                        drawing: EarlyDrawing | None = None) -> Pipelined:
        """Write the missing code and build every section, each as soon as its code is there; a
        preview's sections are drawn block by block while their code is written (`drawing`, made
        here unless the caller made it to draw the requests `ahead` started)."""
        sections = ws.planned().sections
        missing = [s for s in sections if ws.read_code(s.id) is None]
        drawing = drawing or self.early_drawing(ws, quality)
        try:
            return self._pipeline(ws, quality).run(sections, missing,
                                                   lambda on_code: self.write_code(ws, on_code, ahead, drawing))
        finally:
            if drawing is not None:
                drawing.close_all()

    def early_drawing(self, ws: Workspace, quality: str = "preview") -> EarlyDrawing | None:
        """Sections drawn while their code streams in (`stream_draw.py`); keyframes are a preview's."""
        return self.sections.early_drawing(ws) if quality == "preview" else None

    def _pipeline(self, ws: Workspace, quality: str) -> BuildPipeline:
        return BuildPipeline(lambda s: self.build_section(ws, s, quality), self.cancelled)

    def improve_layout(self, ws: Workspace, results: list[SectionResult], quality: str = "preview") -> list:
        """The critic's rounds on every rendered section (`critic_loop.py`); the VLM's too with `settings.vlm`."""
        self.progress("critic", f"checking the layout of {len(results)} section(s)")
        vlm_client = None
        if self.settings.vlm:
            from .critic.vlm import off_reason  # imports manim (teaching_scene's frame): only with the VLM

            if why := off_reason(self.settings):
                self.progress("critic", f"no VLM review: {why}")
            else:
                vlm_client = self.client
        done = improve_lecture(self.sections, ws, [r.id for r in results if r.ok], quality=quality,
                               vlm_client=vlm_client)
        self.report_critic(done)
        return done

    def critic_before_render(self):
        """The critic's rounds inside each build, before its one render (`critic_loop.BeforeRender`);
        None when the VLM reviews too (it needs rendered keyframes: `improve_layout` after the builds)."""
        if self.settings.vlm:
            return None
        self.sections.before_render = BeforeRender(self.settings, self.settings.critic_rounds)
        return self.sections.before_render

    def report_critic(self, done: list) -> None:
        for d in done:
            self.progress("critic", f"section {d.section_id}: {d.before} finding(s) → {d.after} in {d.rounds} round(s)")

    # export --------------------------------------------------------------
    def export(self, ws: Workspace, results: list[SectionResult], quality: str = "preview") -> tuple[Path, Path]:
        """Join the sections' videos in storyboard order, with subtitles timed to the blocks."""
        self.progress("export", f"joining {len(results)} section(s)")
        video_path, srt_path = ws.export_paths()
        videos = [r.video for r in results if r.video is not None]
        if len(videos) < len(results):
            raise RenderError(f"could not join the sections: {', '.join(r.id for r in results if r.video is None)} "
                              "rendered no video; render them first")
        storyboard = ws.planned()
        cards = quiz_card.section_cards(ws, storyboard, videos, quality, self.sections.narrator,
                                        self.progress) if self.settings.quiz_in_video else {}
        parts = [part for section, video in zip(storyboard.sections, videos)
                 for part in ([video, cards[section.id].path] if section.id in cards else [video])]
        try:
            concat_videos(parts, video_path)
        except ValueError as exc:  # a preview deleted by hand, an unreadable part
            raise RenderError(f"could not join the sections: {exc}; delete a damaged preview, "
                              "then render again") from exc
        cue_input: list[tuple] = []
        spoken, offset = [], 0.0
        for section, result, video in zip(storyboard.sections, results, videos):
            record = ws.section_state(section.id).render(quality)
            starts = record.block_starts if record is not None else None
            narration = self._narration_of(ws, section, record)
            if narration is None:
                cue_input.append((result.duration, section.lecture_lines, starts))
            else:  # subtitles say what is spoken, while it is spoken
                cue_input.append((result.duration, [c.text for c in narration.clips], starts,
                                  [c.seconds for c in narration.clips]))
                spoken += [(offset + at, clip) for at, clip in narration.placed(starts, result.duration)]
            offset += stream_seconds(video)  # where the next part starts in the joined video
            if (card := cards.get(section.id)) is not None:  # its questions: picture, voice and cues agree
                cue_input.append(card.cue_input())
                spoken += [(offset + at, clip) for at, clip in card.clips]
                offset += stream_seconds(card.path)
        if spoken:  # one track for the whole lecture: no gap or drift at the joins
            mux_narration(video_path, spoken, ws.dir / "audio" / f"lecture-{quality}")
        write_srt(cut_at_sentences(lecture_cues(cue_input)), srt_path)  # Chinese: a cue a sentence
        assets.write_credits(storyboard, video_path.with_suffix(".credits.txt"))  # CC BY icons need credit
        return video_path, srt_path

    def _narration_of(self, ws: Workspace, section: StoryboardSection, record) -> SectionNarration | None:
        """The narration a section's render was paced to (from the cache: nothing is spoken again)."""
        if record is None or not record.narration:
            return None
        narrator, silent = self.sections.narrator_of(ws)
        if narrator is None:
            self.progress("export", f"section {section.id} is exported without its narration: {silent}")
            return None
        narration = narrator.narrate(ws, section, ws.read_code(section.id))
        return narration if narration.key == record.narration else None


def generate(topic: str, *, out: Path, settings: Settings, client: ModelClient, audience: str = "university students",
             sections: int | None = 4, goals: str = "", quality: str = "preview", render: bool = True,
             progress: Progress | None = None, source: Source | None = None) -> LectureResult:
    """The whole flow for one topic, or for a teacher's notes (`source`; its title is the topic
    unless `topic` is given); rerunning it resumes from the workspace."""
    topic = topic or (source.title if source else "")
    planner.check_topic(topic)
    if source is not None:
        source_plan.check_length(source)  # too long is one line before the workspace or any request
    ws = Workspace.create(out, slugify(topic), topic)
    engine = Engine(settings, client, progress)
    if render:
        engine.warm_up()
    result, started = LectureResult(ws), time.monotonic()
    clock = started
    drawing = engine.early_drawing(ws, quality) if render else None  # each section drawn as its code streams
    ahead = CodeAhead(engine.model_client, ws.lecture.topic, engine.progress,  # code asked as the storyboard streams
                      on_reply=drawing.feed if drawing else None)
    try:
        engine.plan(ws, audience=audience, sections=sections, goals=goals, source=source, ahead=ahead)
        result.timings["plan"] = time.monotonic() - clock
        clock = time.monotonic()
        if not render:
            engine.write_code(ws, ahead=ahead)
            result.timings["code"] = time.monotonic() - clock
        else:
            early = engine.critic_before_render() if settings.critic_rounds > 0 else None
            built = engine.write_and_build(ws, quality, ahead, drawing)
            result.sections, result.schedule = built.results, built.times
            result.timings.update(code=built.code_span, render=built.build_span)
            if early is not None:  # the rounds ran inside each build, before its one render
                result.critic = [early.done[r.id] for r in result.sections if r.id in early.done]
                engine.report_critic(result.critic)
                result.timings["critic"] = sum(d.seconds for d in result.critic)  # CPU, within "render"
            elif settings.critic_rounds > 0:  # with the VLM: rounds after the render (it needs keyframes)
                clock = time.monotonic()
                result.critic = engine.improve_layout(ws, result.sections, quality)
                changed = [d.section_id for d in result.critic if d.rounds]
                if changed:  # the kept versions' results (already rendered: from the cache)
                    again = {r.id: r for r in engine.render_all(ws, quality, only=changed)}
                    result.sections = [again.get(r.id, r) for r in result.sections]
                result.timings["critic"] = time.monotonic() - clock
            if not result.failed:
                clock = time.monotonic()
                result.video, result.subtitles = engine.export(ws, result.sections, quality)
                result.timings["export"] = time.monotonic() - clock
        result.timings["wall"] = time.monotonic() - started
    finally:  # what was paid for is recorded, even when the run stops half-way
        if drawing is not None:  # a plan that failed or was interrupted: no pass keeps running
            drawing.close_all()
        record_usage(ws, client)
        # the last run's, for eval efficiency
        ws.set_lecture(timings={k: round(v, 3) for k, v in result.timings.items()})
    return result
