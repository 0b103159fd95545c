"""`%c2v <command>`: status, export, notebook, open, usage, config, eval — one small function each."""

from __future__ import annotations

import argparse
import html
import os
import platform
import shlex
from dataclasses import replace
from pathlib import Path

from IPython.core.error import UsageError
from IPython.display import HTML, FileLink, display

from .. import scene_import, source_plan, suggestions
from ..engine import Engine, content_hash
from ..evaluation import aes, quiz, section_quiz
from ..evaluation.protocol import protocol_for
from ..files import disk_errors
from ..lecture_quiz import lecture_questions
from ..model_client import build_client
from ..narration import narration_record
from ..section_state import SectionState
from ..usage_record import recording_usage
from ..workspace import lecture_dir
from . import cells, quiz_widget
from .display import View, error_view, video_view
from .failures import cell_line, failure_message, in_cell_terms
from .lecture_client import replayed
from .progress import ProgressView


def run(magics, line: str):
    parts = shlex.split(line)
    name, rest = (parts[0], parts[1:]) if parts else ("help", [])
    if name not in COMMANDS:
        raise UsageError(f"unknown command '%c2v {name}'; use one of: {', '.join(COMMANDS)}")
    with disk_errors():  # an unwritable export or notebook path: one line, like every engine error
        return COMMANDS[name](magics, rest)


def _args(argv: list[str], *spec) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="%c2v", add_help=False, exit_on_error=False)
    for names, options in spec:
        parser.add_argument(*names, **options)
    parser.add_argument("lecture", nargs="?", help="lecture slug (default: the last one used)")
    try:  # intermixed: `eval quiz --protocol paper LECTURE` has options between its positionals
        return parser.parse_intermixed_args(argv)
    except (argparse.ArgumentError, SystemExit) as exc:
        raise UsageError(f"%c2v: {exc}") from None


def status(magics, argv):
    ws = magics.session.workspace(_args(argv).lecture)
    rows = [_status_row(ws, s) for s in ws.storyboard.sections]
    display(_table(["section", "title", "preview", "narration", "error", "auto-fix", "pending suggestions", "tokens"],
                   rows,
                   f"Lecture {ws.slug} — folder {_shown_path(ws.dir)}"))


def _status_row(ws, section) -> list:
    """What lecture.json says of one section, checked against the code in its file now."""
    state = ws.section_state(section.id)
    code = ws.read_code(section.id)
    render, error = state.render("preview"), state.error
    current = content_hash(code, "preview", render.narration if render else "") if code is not None else None
    if render and render.hash == current:
        preview = f"✓ video {render.duration:.1f} s"
    elif render:
        preview = f"outdated: the code changed since its {render.duration:.1f} s video"
    else:
        preview = "not rendered"
    problem = ""
    if error:
        line = f"line {cell_line(error.line)} of the cell: " if error.line else ""
        stale = error.hash not in (None, content_hash(code or "", "preview"))
        earlier = " (earlier code; run the cell again)" if stale else ""
        problem = f"{line}{in_cell_terms(error.message)}{earlier}"
    waiting = len(suggestions.pending(ws, section.id, code)) if code is not None else 0  # for the code now
    return [section.id, section.title, preview, _narration_summary(ws, section.id, render), problem,
            _fix_summary(state), waiting,
            f"{ws.section_tokens(section.id):,}"]


def _narration_summary(ws, section_id, render) -> str:
    """Whether the preview speaks, in which voice, and how long its lines are."""
    spoken = narration_record(ws, section_id)
    if render is None or not render.narration:
        return "silent"
    if spoken is None or spoken.key != render.narration:
        return "narrated"
    return f"{spoken.voice}: {len(spoken.seconds)} line(s), {sum(spoken.seconds):.1f} s"


def _fix_summary(state: SectionState) -> str:
    if state.error is not None and state.error.needs_model:
        return "needs a model (no key set)"
    fix = state.fix
    attempts = fix.model_attempts if fix is not None else 0
    static = len(fix.attempts) - attempts if fix is not None else 0  # static_fix.py's: no model asked
    if fix is None or not attempts:
        return f"fixed without a model ({static} static fix{'es' if static != 1 else ''})" if static else "—"
    tries = f"{attempts} attempt{'s' if attempts != 1 else ''}"
    if fix.ok:
        return f"fixed ({tries})"
    if fix.model_error:
        return f"stopped after {tries}: the model could not be asked"
    return f"gave up ({tries})"


def _shown_path(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return str(path)


def export(magics, argv):
    args = _args(argv, (("--quality",), {"choices": ["preview", "final"], "default": "preview"}))
    session = magics.session
    ws = session.workspace(args.lecture)
    config = session.configure()
    engine = Engine(config.settings, lambda: session.client(config, ws),
                    ProgressView(f"Exporting {ws.slug} ({args.quality})"))
    with recording_usage(ws, lambda: engine.used_client):
        results = engine.render_all(ws, args.quality)
    failed = [r for r in results if not r.ok]
    if failed:
        first = failed[0]
        display(error_view(f"{len(failed)} section(s) failed, so nothing was joined. "
                           + failure_message(first, key_env=config.settings.api_key_env,
                                             replayed=replayed(config, ws))
                           + " Then export again.", first.log))
        return
    video, srt = engine.export(ws, results, args.quality)
    display(video_view(video, max_embed_bytes=config.embed_limit_bytes))
    display(FileLink(os.path.relpath(video)), FileLink(os.path.relpath(srt)))


def notebook(magics, argv):
    # Here, not at import: nbformat's schema checker (jsonschema and its URI grammars) costs ~3 s of
    # CPU to import, which every %load_ext paid for a command few runs.
    import nbformat

    args = _args(argv, (("path",), {}))
    ws = magics.session.workspace(args.lecture)
    nb = nbformat.v4.new_notebook()
    # A kernel to open it with (no "Select Kernel" dialog) and its language (highlighting).
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    nb.metadata["language_info"] = {"name": "python", "version": platform.python_version()}
    notes = source_plan.notes_name(ws.outline)
    planned = f" from the notes `{notes}`" if notes else ""
    nb.cells.append(nbformat.v4.new_markdown_cell(f"# {ws.lecture.topic}\n\nLecture `{ws.slug}`{planned}, made with "
                                                  "code2video_nb. Run the first cell, then any section cell."))
    nb.cells.append(nbformat.v4.new_code_cell("%load_ext code2video_nb"))
    if lecture_questions(ws):  # the quizzes' widget, defined once: it needs ipywidgets, not code2video_nb
        nb.cells.append(nbformat.v4.new_code_cell(quiz_widget.helper_source()))
    for s in ws.storyboard.sections:
        lines = "\n".join(f"{k}. {line}" for k, line in enumerate(s.lecture_lines, 1))
        nb.cells.append(nbformat.v4.new_markdown_cell(f"## {s.id}. {s.title}\n\n{lines}" + cells.cited_markdown(s)
                                                      + cells.pictures_markdown(s)))
        code = ws.read_code(s.id)
        shown = magics.session.runner.rendered(ws, s.id, code, travels=True)  # its preview, embedded
        nb.cells.append(nbformat.v4.new_code_cell(cells.cell_source(ws.slug, s.id, code),
                                                  metadata=cells.cell_metadata(ws.slug, s.id), outputs=[
                                                      nbformat.v4.new_output("display_data", data={
                                                          "text/html": v.html, "text/plain": v.text})
                                                      for v in shown]))
        nb.cells.extend(quiz_widget.export_cells(ws, s))
    path = Path(args.path)
    nbformat.write(nb, str(path))
    message = f"Wrote {len(ws.storyboard.sections)} section cells to {path}"
    display(View(html.escape(message), message), FileLink(os.path.relpath(path)))


def open_files(magics, argv):
    """`%c2v open FILE.py… [--into LECTURE] [--topic T]`: each file a section (scene_import.py), kept as
    written, delivered as section cells the way a planned lecture's are. One file without --into
    gets a lecture of its own, named after the file, as `code2video render FILE.py` does."""
    parser = argparse.ArgumentParser(prog="%c2v open", add_help=False, exit_on_error=False)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--into", help="a lecture (its slug) to add the sections to; made if not there")
    parser.add_argument("--topic", default="", help="a new lecture's topic (default: the first file's title)")
    try:
        args = parser.parse_args(argv)
    except (argparse.ArgumentError, SystemExit) as exc:
        raise UsageError(f"%c2v open FILE.py… [--into LECTURE]: {exc}") from None
    session = magics.session
    root = Path(session.configure().root)
    if args.into:
        into = lecture_dir(root, args.into)
    elif len(args.files) == 1:
        into = scene_import.own_lecture(args.files[0], root)
    else:
        into = None
    imported = scene_import.import_files(args.files, into, topic=args.topic, root=root)
    ws = session.workspace(imported.workspace.slug)
    names = ", ".join(f"{p.name} as section {sid}" for p, sid in zip(args.files, imported.ids))
    message = f"Opened {names} of lecture {ws.slug} ({_shown_path(ws.dir)}/)"
    display(View(html.escape(message), message))
    session.deliver_cells(ws, only=imported.ids)


def usage(magics, argv):
    ws = magics.session.workspace(_args(argv).lecture)
    rows, total_cost = [], 0.0
    for stage, u in sorted(ws.lecture.usage.items()):
        cost = (u.get("prompt_tokens", 0) * magics.prompt_price + u.get("completion_tokens", 0) *
                magics.completion_price) / 1e6
        total_cost += cost
        rows.append([stage, u.get("calls", 0), u.get("cached", 0), f"{u.get('prompt_tokens', 0):,}",
                     f"{u.get('completion_tokens', 0):,}", f"${cost:.4f}"])
    rows.append(["total", "", "", "", "", f"${total_cost:.4f}"])
    display(_table(["stage", "calls", "cached", "prompt tokens", "completion tokens", "cost"], rows,
                   f"Usage of {ws.slug} (prices: %config Code2Video.prompt_price / completion_price, USD per 1M)"))


def config(magics, argv):
    run_config = magics.run_config()
    s = run_config.settings
    rows = [["model", s.model], ["endpoint", s.base_url or "OpenAI default"],
            [f"key ({s.api_key_env})", "set" if s.api_key() else "not set"],
            ["replay", run_config.replay or "off"], ["workspace root", str(run_config.root)],
            ["render time limit", f"{s.render_timeout:.0f} s"], ["front end", magics.session.bridge.state]]
    display(_table(["setting", "value"], rows, "code2video settings"))


def help(magics, argv):  # the command's name, though it shadows the builtin
    display(HTML("<pre>" + html.escape(
        "%%code2video [--sections N] [--audience A] [--model M] [--no-render] [--replay demo] [--no-critic]\n"
        "<topic>\n<optional learning goals>\n\n"
        "%c2v status [LECTURE]                 sections: rendered, errors, fixes, suggestions, tokens\n"
        "%c2v export [--quality final]         all sections -> one MP4 + SRT\n"
        "%c2v notebook PATH                    the lecture as a standalone .ipynb\n"
        "%c2v open FILE.py… [--into LECTURE]   scene files written elsewhere as section cells\n"
        "%c2v usage                            tokens and cost per stage\n"
        "%c2v eval [aes|quiz] [--protocol paper [--paper-repo PATH]] [--send frames|video]\n"
        "          [--evidence frames|frames+subtitles] [--per-section]\n"
        "                                      the VLM judge's scores and feedback, TeachQuiz\n"
        "%c2v config                           effective settings (%config Code2Video.<name> = ...)") + "</pre>"))


def evaluate(magics, argv):
    """`%c2v eval [aes|quiz] [--protocol ours|paper] [--paper-repo PATH] [--send frames|video]
    [--evidence frames|frames+subtitles] [LECTURE]`: the judge's scores with its feedback, and/or
    TeachQuiz, as tables captioned with the protocol (and what the quiz's video pass saw)."""
    args = _args(argv, (("measure",), {"nargs": "?", "choices": ["aes", "quiz", "both"], "default": "both"}),
                 (("--protocol",), {"choices": ["ours", "paper"], "default": "ours"}), (("--paper-repo",), {}),
                 (("--send",), {"choices": ["frames", "video"]}),
                 (("--evidence",), {"choices": ["frames", "frames+subtitles"]}),
                 (("--per-section",), {"action": "store_true"}))
    protocol = protocol_for(args.protocol, args.paper_repo)
    ws = magics.session.workspace(args.lecture)
    settings = magics.run_config().settings
    settings = settings if protocol.cache else replace(settings, cache=False)  # the paper's: a cold cache
    client = build_client(settings, log_path=ws.log_path)  # live: a recording holds no judge
    with recording_usage(ws, lambda: client):  # what the judge and the quiz cost shows in %c2v usage
        if args.per_section:  # which section teaches worst: its own questions on its own frames
            _show_per_section(ws, section_quiz.per_section(ws, settings=settings, client=client, protocol=protocol))
            return
        if args.measure in ("aes", "both"):
            display(_aes_table(ws, aes.judge(ws.dir, settings=settings, client=client, workspace=ws,
                                             send=args.send, protocol=protocol)))
        if args.measure in ("quiz", "both"):
            display(_quiz_table(ws, quiz.teach_quiz(ws.dir, settings=settings, client=client, workspace=ws,
                                                    send=args.send, protocol=protocol, evidence=args.evidence)))


def _aes_table(ws, result):
    rows = [[name.replace("_", " "), f"{result.dimensions[name]:g} / 20", result.feedback[name]]
            for name in aes.DIMENSIONS]
    rows.append(["total", f"{result.total:g} / 100", f"{result.tokens:,} tokens"])
    return _table(["dimension", "score", "the judge's feedback"], rows,
                  f"AES of {ws.slug}, judged on {result.shown}; {result.protocol.describe()}")


def _show_per_section(ws, report) -> None:
    worst = report.worst
    rows = [[s.section_id, s.title, s.result.questions, f"{s.result.accuracy('unlearned'):.0%}",
             f"{s.result.accuracy('video'):.0%}", f"{s.gain:+.0%}",
             "teaches worst" if s is worst else "weak" if s.weak else ""] for s in report.sections]
    display(_table(["section", "title", "questions", "unlearned", "from its frames", "gain", ""], rows,
                   f"Each section's questions on its own frames, {ws.slug}: {report.tokens:,} tokens"))
    for score in report.sections:
        if score.weak:  # a card per weak section: the questions it failed, the lines to work on
            lines = section_quiz.card_lines(score)
            body = f"<b>{html.escape(lines[0])}</b>" + "".join(f"<div>{html.escape(line)}</div>" for line in lines[1:])
            display(View(f'<div style="border-left: 3px solid #c62828; padding: 2px 8px; margin: 4px 0">{body}</div>',
                         "\n".join(lines)))
    for note in report.skipped:
        display(View(html.escape(f"skipped {note}"), f"skipped {note}"))


def _quiz_table(ws, result):
    rows = [[which, f"{result.accuracy(which):.0%}"] for which in quiz.PASSES]
    chance = result.baseline
    rows.append([f"always {chance.letter} (chance with the answer key's bias)", f"{chance.accuracy:.0%}"])
    rows.append(["gain (video − unlearned)", f"{result.gain:+.0%}"])
    rows.append(["TeachQuiz (gain × 100, the paper's)", f"{result.teachquiz:+.1f}"])
    return _table(["pass", "accuracy"], rows,
                  f"TeachQuiz of {ws.slug}: {result.questions} questions, {result.tokens:,} tokens; "
                  f"{result.protocol.describe()}, the video pass saw {result.shown}")


COMMANDS = {"status": status, "export": export, "notebook": notebook, "usage": usage, "config": config,
            "eval": evaluate, "open": open_files, "help": help}


def _table(header: list[str], rows: list[list], caption: str) -> HTML:
    head = "".join(f"<th style='text-align:left'>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td style='text-align:left'>{html.escape(str(c))}</td>" for c in row) + "</tr>"
                   for row in rows)
    text = "\n".join([caption, " | ".join(header)] + [" | ".join(str(c) for c in row) for row in rows])
    return _Table(f"<table><caption>{html.escape(caption)}</caption><tr>{head}</tr>{body}</table>", text)


class _Table(HTML):
    """HTML in the notebook, a readable text table in consoles and captured outputs."""

    def __init__(self, data: str, text: str):
        super().__init__(data)
        self.text = text

    def __repr__(self) -> str:
        return self.text
