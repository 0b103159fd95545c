"""Coder: one storyboard section -> one Manim scene file (one request per section)."""

from __future__ import annotations

import ast
import json
import re
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, as_completed
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from . import assets, prompts, quiz_questions
from .language import Language, code_note, english, with_note
from .model_client import ModelClient, OnText
from .parse import parse
from .plan import StoryboardSection
from .replies import code_in_reply

MAX_PARALLEL_REQUESTS = 8
# (section, its code reply so far): called on the request's thread as the reply streams; it starts
# over when a reply is asked again (see `model_client.OnText`).
OnReply = Callable[[StoryboardSection, str], None]
TEACHING_SCENE_SOURCE = Path(__file__).with_name("teaching_scene.py")


def scene_class_name(section_id: str) -> str:
    return "Section" + re.sub(r"\W", "_", str(section_id)).title().replace("_", "") + "Scene"


SAY = "#      say: "  # a header line with what the narrator says for the lecture line above it


def section_header(section: StoryboardSection) -> str:
    """A comment header with the storyboard, so the code (and its notebook cell) says what it shows
    and, on `say:` lines the user may edit, what the narrator says (`header_narration`)."""
    lines = [f"# Section {section.id}: {section.title}"]
    said = section.narration if len(section.narration) == len(section.lecture_lines) else []
    cited = cited_part(section)
    if cited.get("part"):  # which part of the teacher's notes it covers
        part, excerpt = _one_line(cited["part"], 60), _one_line(cited.get("excerpt", ""), 90)
        lines.append(f'#   from the notes: {part} — "{excerpt}"')
    for k, (line, animation) in enumerate(zip(section.lecture_lines, section.animations), 1):
        lines += [f"#   {k}. {line}", f"#      -> {animation}"]
        if said:
            lines.append(SAY + " ".join(said[k - 1].split()))
    lines += quiz_questions.header_lines(section.quiz)  # edited like `say:` lines (lecture_quiz.py)
    return "\n".join(lines) + "\n\n"


def header_narration(code: str) -> list[str]:
    """The `say:` lines of a section file's leading comment header, in order ([] without any)."""
    said = []
    for line in code.splitlines():
        if not line.startswith("#"):
            break  # the header is the file's first comment block
        if line.startswith(SAY.rstrip()):
            said.append(line[len(SAY.rstrip()):].strip())
    return said


def cited_part(section: StoryboardSection) -> dict:
    """The part of the teacher's notes a section covers (`source_plan.cite`), or {} for a topic's lecture."""
    cited = section.extra.get("source")
    return cited if isinstance(cited, dict) else {}


def _one_line(text: str, limit: int) -> str:
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[:limit].rstrip() + "…"


def with_header(section: StoryboardSection, code: str) -> str:
    header = section_header(section)
    return code if code.startswith(header) else header + code


def code_request(section: StoryboardSection, topic: str, *, regenerate_error: str = "",
                 language: Language | None = None) -> list[dict]:
    steps = "\n".join(f"{k}. {line}\n   Animation: {anim}"
                      for k, (line, anim) in enumerate(zip(section.lecture_lines, section.animations), 1))
    request = prompts.messages(
        "code", topic=topic, section_id=section.id, title=section.title, steps=steps,
        assets=assets.prompt_note(section), class_name=scene_class_name(section.id),
        title_literal=json.dumps(section.title, ensure_ascii=False),
        manim_version=manim_version(), scene_api=scene_api(),
    )
    formulas = cited_part(section).get("formulas")
    if formulas:  # the teacher's own TeX, to reach MathTex unchanged
        request[-1]["content"] += "\n\n" + prompts.render(
            "code_source", formulas="\n".join(f"- {f}" for f in formulas)).strip()
    with_note(request, code_note(language or english()))  # words in Text, mathematics in MathTex
    if regenerate_error:
        request[-1]["content"] += "\n\n" + prompts.render("regenerate", error=regenerate_error).strip()
    return request


@lru_cache(maxsize=1)
def manim_version() -> str:
    """The installed manim's version: the one the render runs, so names the model remembers from
    another release show up as the errors they will be."""
    return metadata.version("manim")


@lru_cache(maxsize=1)
def scene_api() -> str:
    """TeachingScene's public methods, one a line: `name(parameters) -> return  # docstring headline`.
    Read from the source with ast, not inspect: importing teaching_scene imports manim (about a
    second), which the engine's process never does for a request; and the prompt then states the
    signatures the render will accept, whatever the class grows."""
    tree = parse(TEACHING_SCENE_SOURCE.read_text(encoding="utf-8"))
    scene = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "TeachingScene")
    return "\n".join(f"- {_method_line(f)}" for f in scene.body
                     if isinstance(f, ast.FunctionDef) and not f.name.startswith("_"))


def _method_line(func: ast.FunctionDef) -> str:
    returns = ast.unparse(func.returns) if func.returns else "None"
    line = f"{func.name}({', '.join(_parameters(func.args)[1:])})"  # [1:]: self
    line += "" if returns == "None" else f" -> {returns}"
    doc = (ast.get_docstring(func) or "").split("\n")[0]
    # The headline before the colon is the docstring's own summary ("Debug overlay: ..."): enough
    # to tell the model what a method is for, at a few tokens.
    return line + (f"  # {doc.split(':')[0].rstrip('.')}" if doc else "")


def _parameters(args: ast.arguments) -> list[str]:
    """Each parameter as inspect.signature prints it (`name: type = default`), with its `/`, `*`."""
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    shown = [_parameter(a, d) for a, d in zip(positional, defaults)]
    if args.posonlyargs:
        shown.insert(len(args.posonlyargs), "/")
    if args.vararg:
        shown.append("*" + _parameter(args.vararg, None))
    elif args.kwonlyargs:
        shown.append("*")
    shown += [_parameter(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    if args.kwarg:
        shown.append("**" + _parameter(args.kwarg, None))
    return shown


def _parameter(arg: ast.arg, default: ast.expr | None) -> str:
    text = arg.arg + (f": {ast.unparse(arg.annotation)}" if arg.annotation else "")
    if default is not None:
        text += f" = {ast.unparse(default)}" if arg.annotation else f"={ast.unparse(default)}"
    return text


def write_section_code(client: ModelClient, section: StoryboardSection, topic: str, *,
                       regenerate_error: str = "", fresh: bool = False, language: Language | None = None,
                       on_text: OnText | None = None) -> str:
    """The section's scene code. A reply without any (prose, an error blob, a cut-off file) is
    re-asked with the problem, bounded, then raises ReplyFormatError: it never becomes the section.
    `on_text`: the reply so far as it streams (`model_client.OnText`)."""
    code = client.ask_until(code_request(section, topic, regenerate_error=regenerate_error, language=language),
                            stage=f"code:{section.id}", use=lambda text: code_in_reply(text, scene=True),
                            reask="reask_code", fresh=fresh, whole=True, on_text=on_text)
    return with_header(section, code)


def write_all(client: ModelClient, sections: list[StoryboardSection], topic: str,
              on_done=lambda section, code: None, language: Language | None = None,
              started: Callable[[StoryboardSection], Future | None] = lambda section: None,
              on_reply: OnReply | None = None) -> dict[str, str]:
    """Sections in parallel: requests are I/O-bound, so a thread each (bounded). Each section's
    code goes to `on_done` as it arrives, so a failure or Ctrl-C loses nothing already paid for.
    `started(section)`: its request if one is already under way (`plan_stream.CodeAhead.take`).
    `on_reply(section, reply so far)` as each reply streams."""
    early = [started(s) for s in sections]
    rest = [s for s, future in zip(sections, early) if future is None]

    def write(section: StoryboardSection) -> str:
        streamed = (lambda text: on_reply(section, text)) if on_reply else None
        return write_section_code(client, section, topic, language=language, on_text=streamed)

    asked = iter(in_background(write, rest) if rest else [])
    futures = [future if future is not None else next(asked) for future in early]
    section_of = {future: section for section, future in zip(sections, futures)}
    results, errors = {}, {}
    try:
        for future in as_completed(futures):
            section = section_of[future]
            try:
                results[section.id] = future.result()
            except Exception as exc:  # noqa: BLE001 - keep what the others produce (it is paid for), then report
                errors[section.id] = exc
                continue
            on_done(section, results[section.id])
    except BaseException as exc:  # Ctrl-C (or on_done failed): requests not started never start, and
        # those in flight are not waited for
        for future in futures:
            future.cancel()
        if isinstance(exc, KeyboardInterrupt):  # hang up the replies streaming now; the rerun asks again
            client.stop_streams()
        raise
    if errors:
        raise next(errors[s.id] for s in sections if s.id in errors)
    return results


def in_background(task: Callable, items: list, workers: int = MAX_PARALLEL_REQUESTS) -> list[Future]:
    """`task` over `items` on at most `workers` daemon threads. Not a ThreadPoolExecutor: its threads
    are joined when the process exits, so an interrupted CLI would still wait for every request in
    flight (`ModelClient.stop_streams` hangs those up; only whole replies reach the reply cache)."""
    futures: list[Future] = [Future() for _ in items]
    queue = deque(zip(items, futures))

    def work():
        while queue:
            try:
                item, future = queue.popleft()
            except IndexError:  # another thread took the last one
                return
            if not future.set_running_or_notify_cancel():  # cancelled before it started
                continue
            try:
                future.set_result(task(item))
            except BaseException as exc:  # noqa: BLE001 - the future hands whatever it was to its caller
                future.set_exception(exc)

    for k in range(max(1, min(workers, len(items)))):
        threading.Thread(target=work, name=f"c2v-code-{k}", daemon=True).start()
    return futures
