"""`code2video`: the engine from the command line.

    code2video generate "Eigenvectors, eigenvalues, and eigenbasis" --out lectures/
    code2video generate --from notes.md --out lectures/   # a lecture that follows a teacher's notes
    code2video demo --out lectures/          # a bundled recorded lecture, no key needed
    code2video render lectures/<slug>        # re-render after editing sections/<id>.py
    code2video render scene.py               # a scene file written elsewhere: its own small lecture
    code2video import a.py b.py --into lectures/<slug>   # scene files as sections, kept as written
    code2video export lectures/<slug> --quality final
    code2video critique lectures/<slug>/sections/2.py --json   # layout findings with patches
    code2video eval aes lectures/<slug> --json                 # the paper's AES, TeachQuiz, efficiency
    code2video batch topics.txt --out course/ --executor dask   # many lectures, one job each
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

from . import picture_folder, scene_import, suggestions
from .batch.cli import add_parser as add_batch_parser
from .cassette import DEMO_LANGUAGES, DEMO_NOTES_RECORDING, DEMO_RECORDING, Cassette, demo_file, recorded_options
from .config import Settings
from .critic import critique, report
from .engine import Engine, LectureResult, generate
from .errors import Code2VideoError, ConfigError
from .evaluation import aes, efficiency, frames, quiz, section_quiz
from .evaluation import report as eval_report
from .evaluation.protocol import protocol_for
from .files import disk_error
from .language import language
from .model_client import ModelClient, build_client
from .plan import slugify
from .planner import check_topic
from .render.renderer import warm_up
from .sources import read_source
from .usage_record import recording_usage
from .video import probe
from .workspace import Workspace

DEMO_CASSETTES = {"en": DEMO_RECORDING, **DEMO_LANGUAGES}  # by language: `demo --language zh`


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except Code2VideoError as exc:
        print(f"code2video: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a disk failure outside the workspace layer: still one line naming the path
        print(f"code2video: error: {disk_error(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("code2video: interrupted; run the same command again to resume where it stopped", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="code2video", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    gen = sub.add_parser("generate", help="plan, code, fix and render a lecture from a topic or notes")
    gen.add_argument("topic", nargs="?", default="", help="the lecture's subject (with --from: its title)")
    gen.add_argument("--from", dest="source", type=Path, metavar="NOTES",
                     help="plan the lecture from a teacher's notes (.md, .txt, .ipynb, .html): their headings "
                          "become the sections, in order, and their formulas are kept verbatim")
    _plan_options(gen)
    _run_options(gen)
    _critic_options(gen)
    gen.add_argument("--record", type=Path, help="save every model reply to this cassette file")
    gen.add_argument("--replay", help="answer from a recorded cassette instead of a model: a file written by "
                                      "--record, or 'demo' for the bundled recording (its own plan options)")
    _cache_option(gen)
    gen.set_defaults(run=_generate)

    demo = sub.add_parser("demo", help="replay a bundled recorded lecture (no API key needed)")
    demo.add_argument("--from-notes", action="store_true",
                      help="the lecture planned from a bundled teacher's note (demo/notes/eigenvectors.md)")
    demo.add_argument("--language", help="the bundled lecture in another language: zh (Chinese); default English")
    _run_options(demo)
    _critic_options(demo)
    _quiz_option(demo)
    demo.set_defaults(run=_demo)

    render = sub.add_parser("render", help="re-render a lecture's sections after editing their code, or "
                                           "render a scene file")
    render.add_argument("lecture", type=Path, help="the lecture folder, e.g. lectures/<slug>; or a scene file "
                                                   "FILE.py, rendered as a lecture of its own")
    render.add_argument("--section", action="append", help="only this section id (repeatable)")
    render.add_argument("--out", type=Path, help="with FILE.py: where its lecture folder goes (default: "
                                                 "code2video/ beside the file), as <out>/<file name>")
    render.add_argument("--no-critic", action="store_true",
                        help="with FILE.py: skip the layout critic's suggestions")
    _run_options(render, out=False)
    render.set_defaults(run=_render)

    imp = sub.add_parser("import", help="make scene files sections of a lecture, each kept as written")
    imp.add_argument("files", nargs="+", type=Path, metavar="FILE.py", help="scene files, one section each")
    imp.add_argument("--into", type=Path, metavar="LECTURE",
                     help="the lecture folder to add them to (made if it is not there)")
    imp.add_argument("--topic", default="", help="a new lecture's topic (default: the first file's title)")
    imp.add_argument("--out", type=Path, default=Path("lectures"),
                     help="without --into: the workspace root of the new lecture (default ./lectures)")
    imp.set_defaults(run=_import)

    export = sub.add_parser("export", help="render every section and join them into one MP4 + SRT")
    export.add_argument("lecture", type=Path)
    _run_options(export, out=False)
    export.set_defaults(run=_export)

    critique = sub.add_parser("critique", help="find layout defects in a section's code (no model needed)")
    critique.add_argument("target", type=Path, help="a section file, or a lecture folder for all its sections")
    critique.add_argument("--section", action="append", help="with a lecture folder: only this section (repeatable)")
    critique.add_argument("--json", action="store_true", help="print one JSON object: findings and seconds")
    _sandbox_options(critique)
    critique.set_defaults(run=_critique)
    _eval_parser(sub)
    add_batch_parser(sub)
    return parser


def _eval_parser(sub):
    evaluate = sub.add_parser("eval", help="evaluate a lecture as the paper's MMMC does: aes, quiz, efficiency")
    kinds = evaluate.add_subparsers(required=True, metavar="MEASURE")
    aes_ = kinds.add_parser("aes", help="a VLM judge's aesthetics score: five dimensions, 0-20 each, total /100")
    quiz_ = kinds.add_parser("quiz", help="TeachQuiz: what a model told to unlearn the topic recovers from the video")
    for p in (aes_, quiz_):
        p.add_argument("video", type=Path, help="a video file, or a lecture folder (its exported video)")
        p.add_argument("--topic", help="the lecture's topic (default: the lecture folder's)")
        p.add_argument("--frames", type=int, help="frames shown to the model (default 8; keyframes of the "
                                                  "lecture-line blocks when the lecture folder is known; "
                                                  "evenly spaced in time under --protocol paper)")
        p.add_argument("--send", choices=["frames", "video"],
                       help="video: attach the whole file as a data URL, for endpoints that take video "
                            "(default: frames; video under --protocol paper)")
        _protocol_options(p)
        p.add_argument("--model", help="a model that reads images (default: $CODE2VIDEO_VLM_MODEL)")
        p.add_argument("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")
        p.add_argument("--json", action="store_true", help="print one JSON object")
        _cache_option(p)
    quiz_.add_argument("--questions", type=Path, help="questions in the MMMC bank's shape (default: the bank's)")
    quiz_.add_argument("--evidence", choices=["frames", "frames+subtitles"],
                       help="what the video pass is given: frames alone, or each frame followed by the subtitles "
                            "since the frame before (default: with subtitles when the video is narrated)")
    quiz_.add_argument("--per-section", action="store_true",
                       help="each section's own questions (planned with the lecture) on that section's frames: "
                            "the gain per section, and which section teaches worst")
    aes_.set_defaults(run=_eval_aes)
    quiz_.set_defaults(run=_eval_quiz)
    eff = kinds.add_parser("efficiency", help="time, model calls, tokens and cost of a lecture, from its folder")
    eff.add_argument("lecture", type=Path, help="the lecture folder, e.g. lectures/<slug>")
    eff.add_argument("--prompt-price", type=float, help="USD per 1M prompt tokens (default 2.0)")
    eff.add_argument("--completion-price", type=float, help="USD per 1M completion tokens (default 8.0)")
    eff.add_argument("--json", action="store_true", help="print one JSON object")
    eff.set_defaults(run=_eval_efficiency)


def _plan_options(p):
    p.add_argument("--sections", type=int, help="number of sections (default 4; with --from, one per part)")
    p.add_argument("--audience", default="university students", help="who the lecture is for")
    p.add_argument("--goals", default="", help="learning goals to steer the outline")
    p.add_argument("--language", help="the lecture's language, a BCP 47 tag: zh, es, ar, fr, de, hi, ja… "
                                      "(default: English, or with --from the notes' own)")
    p.add_argument("--model", help="model name (default: $CODE2VIDEO_MODEL or gpt-4.1)")
    p.add_argument("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)")
    p.add_argument("--no-render", action="store_true", help="stop after writing the code")
    _quiz_option(p)
    p.add_argument("--assets", type=Path, metavar="DIR",
                   help="your pictures (SVG, PNG, JPEG; described in DIR/assets.json), used before the icon set")


def _quiz_option(p):
    p.add_argument("--no-quiz", action="store_true",
                   help="plan no questions for the students (by default each section gets one to three)")


def _protocol_options(p):
    p.add_argument("--protocol", choices=["ours", "paper"], default="ours",
                   help="paper: the original's prompts, input and definitions, for numbers to set beside the "
                        "paper's (recommended for comparison); ours (default): our prompts and keyframes")
    p.add_argument("--paper-repo", type=Path,
                   help="a checkout of showlab/Code2Video whose evaluation prompts --protocol paper reads "
                        "(default: $CODE2VIDEO_PAPER_REPO; without one, our wording)")


def _cache_option(p):
    p.add_argument("--no-cache", action="store_true",
                   help="ask the model every time, not the reply cache (for a measurement; "
                        "also CODE2VIDEO_CACHE=0)")


def _critic_options(p):
    p.add_argument("--no-critic", action="store_true",
                   help="skip the layout critic (by default it patches each rendered section, keeping a "
                        "version only if it renders with fewer findings)")
    p.add_argument("--critic-rounds", type=int, help="kept critic versions per section (default 2)")
    p.add_argument("--vlm", action="store_true",
                   help="add the VLM review of the keyframes ($CODE2VIDEO_VLM_MODEL, a model that reads images)")


def _run_options(p, out=True):
    if out:
        p.add_argument("--out", type=Path, default=Path("lectures"), help="workspace root (default ./lectures)")
    p.add_argument("--quality", choices=["preview", "final"], default="preview",
                   help="preview = 480p15 (fast), final = 1080p60")
    _sandbox_options(p)
    _narration_options(p)
    p.add_argument("--quiz-in-video", action="store_true",
                   help="after each section, a card with its questions: a narrated pause, then the answer")
    p.add_argument("--quiet", action="store_true", help="print only the result")


def _narration_options(p):
    p.add_argument("--narrate", action=argparse.BooleanOptionalAction, default=None,
                   help="speak each lecture line (default: on where a voice is available: espeak-ng, "
                        "or $CODE2VIDEO_TTS_MODEL at an OpenAI-compatible /audio/speech endpoint)")
    p.add_argument("--voice", help="the voice's name, e.g. en-gb for espeak-ng (`espeak-ng --voices`), "
                                   "alloy for a remote endpoint (default: $CODE2VIDEO_VOICE or the voice's own)")
    p.add_argument("--speed", type=float, help="narration speed, 1.0 normal (e.g. 0.9 slower, 1.2 faster)")


def _sandbox_options(p):
    p.add_argument("--jobs", type=int, help="sections rendered at once (default: number of cores)")
    p.add_argument("--render-timeout", type=float, help="seconds before a section's render is killed")
    p.add_argument("--trust", action="store_true",
                   help="run code even if the static safety check flags it (the runtime sandbox stays on)")
    p.add_argument("--allow-import", action="append", default=[], metavar="MODULE",
                   help="allow generated code to import MODULE too (repeatable), e.g. --allow-import scipy")
    p.add_argument("--unconfined", action="store_true",
                   help="also lift the runtime sandbox (network, file writes, secrets, limits): "
                        "only for code you wrote")


def _settings(args) -> Settings:
    overrides = {"model": getattr(args, "model", None), "base_url": getattr(args, "base_url", None),
                 "workers": args.jobs, "render_timeout": args.render_timeout, "trust": args.trust or None,
                 "confine": False if args.unconfined else None,
                 "allow_imports": tuple(args.allow_import) or None,
                 "critic_rounds": 0 if getattr(args, "no_critic", False) else getattr(args, "critic_rounds", None),
                 "vlm": getattr(args, "vlm", False) or None,
                 "narrate": getattr(args, "narrate", None), "voice": getattr(args, "voice", None),
                 "speech_speed": getattr(args, "speed", None), "assets_dir": getattr(args, "assets", None),
                 "language": getattr(args, "language", None),
                 "cache": False if getattr(args, "no_cache", False) else None,
                 "quiz": False if getattr(args, "no_quiz", False) else None,
                 "quiz_in_video": getattr(args, "quiz_in_video", False) or None}
    if overrides["language"]:  # an unknown tag is one line before any key or request is needed
        overrides["language"] = language(overrides["language"]).tag
    if overrides["speech_speed"] is not None and not overrides["speech_speed"] > 0:
        raise ConfigError(f"--speed must be above 0 (1.0 is normal), not {overrides['speech_speed']}")
    if args.unconfined:
        print("code2video: warning: --unconfined renders generated code with your environment, network and "
              "file system; use it only for code you have read", file=sys.stderr)
    return Settings.from_env(**{k: v for k, v in overrides.items() if v is not None})


def _progress(args):
    if args.quiet:
        return None
    return lambda stage, message: print(f"[{stage}] {message}", file=sys.stderr, flush=True)


def _client(settings: Settings, log_path: Path, *, replay: str | Path | None = None,
            record: Cassette | None = None):
    return build_client(settings, log_path=log_path, replay=replay, recorder=record)


def _generate(args) -> int:
    source = read_source(args.source) if args.source else None
    topic = check_topic(args.topic or (source.title if source else ""))  # before a key is needed
    settings = _with_pictures(_settings(args), args.source)
    recorder = Cassette() if args.record else None
    client = _client(settings, args.out / slugify(topic) / "log.jsonl", replay=args.replay, record=recorder)
    recorded = recorded_options(args.replay)  # a recording answers the plan it was made with
    try:
        result = generate(topic, out=args.out, settings=settings, client=client,
                          audience=recorded.get("audience", args.audience),
                          sections=recorded.get("sections", args.sections), goals=args.goals, quality=args.quality,
                          render=not args.no_render, progress=_progress(args), source=source)
    finally:
        if recorder is not None:
            recorder.save(args.record)
    return _report(result, client)


def _demo(args) -> int:
    recording = _demo_cassette(args)  # the language asked for: one line if there is no such demo
    cassette = demo_file(DEMO_NOTES_RECORDING if args.from_notes else recording)
    meta = json.loads(cassette.read_text(encoding="utf-8"))["lecture"]
    notes = demo_file(meta["notes"]) if args.from_notes else None
    source = read_source(notes) if notes is not None else None
    topic = source.title if source else meta["topic"]
    settings = _with_pictures(_settings(args), notes)
    client = _client(settings, args.out / slugify(topic) / "log.jsonl", replay=cassette)
    result = generate(topic, out=args.out, settings=settings, client=client, audience=meta["audience"],
                      sections=meta.get("sections"), quality=args.quality, progress=_progress(args),
                      source=source)
    return _report(result, client)


def _demo_cassette(args) -> str:
    """The bundled recording in the language asked for (`--language`), English by default."""
    asked = language(args.language) if args.language else None
    if asked is None or asked.english:
        return DEMO_RECORDING
    if args.from_notes:
        raise ConfigError("the bundled notes (--from-notes) are in English: run it without --language, or "
                          "`code2video demo --language zh` for the lecture in Chinese")
    if asked.base not in DEMO_CASSETTES:
        bundled = ", ".join(f"{language(tag).name} ({tag})" for tag in DEMO_CASSETTES)
        raise ConfigError(f"no bundled demo in {asked.name}: the demos are in {bundled}; "
                          f"`code2video generate … --language {asked.tag}` makes one with a model")
    return DEMO_CASSETTES[asked.base]


def _with_pictures(settings: Settings, notes) -> Settings:
    """Without --assets, the teacher's pictures are the `assets/` folder beside their notes, if any."""
    beside = picture_folder.folder_beside(notes) if settings.assets_dir is None else None
    return replace(settings, assets_dir=beside) if beside else settings


def _open(args) -> tuple[Workspace, Engine]:
    ws = Workspace(args.lecture)
    if ws.storyboard is None:
        raise Code2VideoError(f"{args.lecture} holds no planned lecture (no storyboard in lecture.json)")
    settings = _settings(args)
    # The model is needed only if a section fails: an unchanged or passing lecture needs no key.
    return ws, Engine(settings, lambda: _client(settings, ws.log_path), _progress(args))


def _render(args) -> int:
    if args.quiz_in_video:  # accepted like the other run options, but render joins no video to put cards in
        print("code2video: note: render joins no video, so --quiz-in-video adds nothing here; "
              "`code2video export LECTURE --quiz-in-video` puts the cards in the joined video", file=sys.stderr)
    if args.lecture.suffix == ".py" or args.lecture.is_file():
        home = scene_import.section_of(args.lecture)
        if home is None:
            return _render_file(args)
        args.lecture, args.section = home[0], [home[1]]  # lectures/<slug>/sections/2.py: that section
    if args.out is not None:
        raise Code2VideoError("--out goes with a scene file (FILE.py); a lecture folder renders in place")
    ws, engine = _open(args)
    known = [s.id for s in ws.planned().sections]
    unknown = sorted(set(args.section or []) - set(known))
    if unknown:
        raise Code2VideoError(f"no section {', '.join(unknown)} in {args.lecture} (sections: {', '.join(known)})")
    with recording_usage(ws, lambda: engine.used_client):
        result = LectureResult(ws, engine.render_all(ws, args.quality, only=args.section))
    return _report(result, engine.used_client)


def _changes_since_import(ws: Workspace, section_id: str) -> list[str]:
    """The history's reasons after the file came in ('picture copied in', 'static fix'...), once each."""
    reasons = [version.reason for version in ws.section_state(section_id).history]
    imported = max((i for i, r in enumerate(reasons) if r.startswith(scene_import.REASON)), default=-1)
    return list(dict.fromkeys(reasons[imported + 1:])) or ["an edit"]


def _render_file(args) -> int:
    """A scene file through a section's whole path, in a small lecture of its own (scene_import)."""
    if args.section:
        raise Code2VideoError("--section needs a lecture folder, not a file")
    settings = _settings(args)
    imported = scene_import.import_files([args.lecture], scene_import.own_lecture(args.lecture, args.out),
                                         only_own=True)
    ws, section_id = imported.workspace, imported.ids[0]
    engine = Engine(settings, lambda: _client(settings, ws.log_path), _progress(args))
    with recording_usage(ws, lambda: engine.used_client):
        result = engine.render_all(ws, args.quality, only=[section_id])[0]
    # Line numbers are the rendered code's: the file's own unless the build changed it (a picture
    # copied in, a static fix), then the lecture's copy is the file they are true of.
    changed = ws.read_code(section_id) != scene_import.read_scene(args.lecture).code
    shown = ws.code_path(section_id) if changed else args.lecture
    if not result.ok:
        at = f" line {result.line}" if result.line else ""
        blocked = f" (auto-fix could not run: {result.fix_blocked})" if result.fix_blocked and not \
            result.needs_model else ""  # without a model the error itself is what to act on
        print(f"code2video: error: {shown}{at}: {result.error}{blocked}; edit {args.lecture.name} and run the "
              f"same command again (the record is in {ws.state_path})", file=sys.stderr)
        return 1
    state = "unchanged, cached" if result.cached else f"rendered in {result.seconds:.1f} s"
    fixes = f", {result.fix_attempts} fix attempt(s)" if result.fix_attempts else ""
    print(f"  section {section_id}: {state}{fixes}")
    if changed:
        print(f"  rendered as the build changed it ({', '.join(_changes_since_import(ws, section_id))}): "
              f"{shown}; {args.lecture.name} is left as written")
    if not args.no_critic:
        print(_review(ws, section_id, str(shown), settings))
    print(f"preview: {result.video} ({result.duration:.1f} s)\nlecture workspace: {ws.dir}")
    return 0


def _review(ws: Workspace, section_id: str, where: str, settings: Settings) -> str:
    """The critic's findings for the rendered code, kept as the section's suggestions (a notebook
    shows them as cards); once per version of the code."""
    code, version = ws.read_code(section_id) or "", suggestions.critic_version()  # rendered just now
    cached = suggestions.cached_findings(ws, section_id, code, version)
    if cached is not None:
        return report.text(where, critique.Critique(cached))
    found = critique.critique_file(ws.code_path(section_id), settings=settings, media_dir=ws.media_dir(section_id))
    if found.error is not None:
        return f"  the critic could not check the layout: {found.error.error}"
    suggestions.record_findings(ws, section_id, code, found.findings, seconds=found.seconds, version=version)
    return report.text(where, found)


def _import(args) -> int:
    imported = scene_import.import_files(args.files, args.into, topic=args.topic, root=args.out)
    ws = imported.workspace
    for path, section in zip(args.files, imported.sections):
        lines = len(section.lecture_lines)
        print(f"  section {section.id}: {section.title} ({lines} lecture line{'s' if lines != 1 else ''}) "
              f"<- {path}")
    made = "new lecture" if imported.created else "lecture"
    print(f"{made}: {ws.dir}\nrender it: code2video render {ws.dir}")
    return 0


def _export(args) -> int:
    ws, engine = _open(args)
    with recording_usage(ws, lambda: engine.used_client):
        result = LectureResult(ws, engine.render_all(ws, args.quality))
        if not result.failed:
            result.video, result.subtitles = engine.export(ws, result.sections, args.quality)
    return _report(result, engine.used_client)


def _critique(args) -> int:
    """One file, or a lecture's sections; exit 1 when one of them did not run (its line on stderr)."""
    settings = _settings(args)
    if args.target.is_dir():
        files = _section_files(args.target, args.section)
    elif args.section:
        raise Code2VideoError("--section needs a lecture folder, not a file")
    else:
        files = {"": args.target}
    warm_up(settings.api_key_env, wait=True)  # the render server's start (importing manim) is not the analysis
    started = time.monotonic()
    results = critique.critique_sections(files, settings=settings)
    names = {sid: str(path) for sid, path in files.items()}
    for sid, result in results.items():
        if result.error is not None:
            print(f"code2video: error: {report.error_line(names[sid], result.error, _text_of(files[sid]))}",
                  file=sys.stderr)
    if args.json and args.target.is_dir():
        print(json.dumps(report.lecture_json(results, time.monotonic() - started)))
    elif args.json:
        if results[""].ok:
            print(json.dumps(results[""].to_dict()))
    elif texts := [report.text(names[sid], r) for sid, r in results.items() if r.ok]:
        print("\n".join(texts))
    return 0 if all(r.ok for r in results.values()) else 1


def _text_of(path: Path) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _section_files(lecture: Path, only: list[str] | None) -> dict[str, Path]:
    ws = Workspace(lecture)
    known = [s.id for s in ws.storyboard.sections] if ws.storyboard else sorted(
        p.stem for p in (lecture / "sections").glob("*.py"))
    unknown = sorted(set(only or []) - set(known))
    if unknown or not known:
        raise Code2VideoError(f"no section {', '.join(unknown)} in {lecture} (sections: {', '.join(known)})"
                              if unknown else f"{lecture} holds no section code (sections/<id>.py)")
    files = {sid: ws.code_path(sid) for sid in known if not only or sid in only}
    missing = [sid for sid, path in files.items() if not path.exists()]
    if missing:
        raise Code2VideoError(f"section {', '.join(missing)} of {lecture} has no code yet: "
                              f"run `code2video render {lecture}` first")
    return files


def _eval_aes(args) -> int:
    result = _evaluating(args, lambda lecture, settings, client, protocol: aes.judge(
        args.video, args.topic, settings=settings, client=client, workspace=lecture.workspace, send=args.send,
        protocol=protocol))
    print(json.dumps(result.to_json()) if args.json else eval_report.aes_text(result))
    return 0


def _eval_quiz(args) -> int:
    if args.per_section:
        return _eval_quiz_per_section(args)

    def run(lecture, settings, client, protocol):
        topic = lecture.topic_or(args.topic)
        return quiz.teach_quiz(args.video, topic, settings=settings, client=client, send=args.send,
                               questions=quiz.questions_for(topic, args.questions), workspace=lecture.workspace,
                               protocol=protocol, evidence=args.evidence)

    result = _evaluating(args, run)
    print(json.dumps(result.to_json()) if args.json else eval_report.quiz_text(result))
    return 0


def _eval_quiz_per_section(args) -> int:
    def run(lecture, settings, client, protocol):
        if lecture.workspace is None:
            raise Code2VideoError(f"--per-section needs a lecture folder (lectures/<slug>), not {args.video}")
        return section_quiz.per_section(lecture.workspace, settings=settings, client=client, protocol=protocol,
                                        frames=args.frames)

    result = _evaluating(args, run)
    print(json.dumps(result.to_json()) if args.json else section_quiz.report_text(result))
    return 0


def _evaluating(args, run):
    """Run one evaluation with a client logging to the lecture's folder when the video has one;
    what it paid for is added to that lecture's usage (so `eval efficiency` counts it). The paper
    protocol asks the model every time (a cold reply cache), as the original did."""
    protocol = protocol_for(args.protocol, args.paper_repo)
    cold = args.no_cache or not protocol.cache
    settings = Settings.from_env(**{k: v for k, v in {"vlm_model": args.model, "base_url": args.base_url,
                                                       "eval_frames": args.frames,
                                                       "cache": False if cold else None}.items()
                                    if v is not None})
    if not settings.vlm_model:  # said before the key is asked for: it is the first thing to set
        raise Code2VideoError(aes.NO_MODEL.replace("the judge needs", "evaluation needs") + ", or pass --model")
    lecture = frames.locate(args.video)
    client = build_client(settings, log_path=lecture.workspace.log_path if lecture.workspace else None)
    with recording_usage(lecture.workspace, lambda: client):
        return run(lecture, settings, client, protocol)


def _eval_efficiency(args) -> int:
    prices = {"prompt_price": args.prompt_price, "completion_price": args.completion_price}
    settings = Settings.from_env(**{k: v for k, v in prices.items() if v is not None})
    result = efficiency.measure(args.lecture, prompt_price=settings.prompt_price,
                                completion_price=settings.completion_price)
    print(json.dumps(result.to_json()) if args.json else eval_report.efficiency_text(result))
    return 0


def _report(result: LectureResult, client: ModelClient | None) -> int:
    for s in result.sections:
        state = "cached" if s.cached else f"{s.seconds:.1f} s" if s.ok else "FAILED"
        fixes = f", {s.fix_attempts} fix attempt(s)" if s.fix_attempts else ""
        blocked = f"; auto-fix could not run: {s.fix_blocked}" if s.fix_blocked else ""
        print(f"  section {s.id}: {state}{fixes}" + (f" — {s.error} (line {s.line}){blocked}" if not s.ok else ""))
    for done in result.critic:
        print(f"  critic, section {done.section_id}: {done.before} finding(s) → {done.after}, "
              f"{done.rounds} version(s) kept" + (f" ({done.notes[-1]})" if done.notes else ""))
    if client is not None:
        total = client.total()
        print(f"  model: {total.calls} call(s), {total.tokens} tokens")
    if result.failed:
        print(f"code2video: {len(result.failed)} section(s) failed; the full logs are in "
              f"{result.workspace.dir / 'lecture.json'}. Edit sections/<id>.py and run "
              f"`code2video render {result.workspace.dir}`", file=sys.stderr)
        return 1
    if result.video:
        spoken = "with narration" if probe(result.video).has_audio else "silent"
        print(f"lecture video: {result.video} ({spoken})\nsubtitles:     {result.subtitles}")
    else:
        print(f"lecture workspace: {result.workspace.dir}")
    return 0
