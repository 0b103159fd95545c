"""The magics: parse arguments, then hand off to `NotebookSession`.

    %%code2video [--sections N] [--audience A] [--model M] [--no-render] [--replay demo|PATH] [--from NOTES]
                 [--assets DIR]      (your pictures; default: assets/ beside the notes, else the notebook)
    %code2video --from NOTES [...]        (a lecture that follows a teacher's notes; no body needed)
    %%c2v_section <lecture>/<section>
    %c2v status | export [--quality final] | notebook PATH | open FILE.py… [--into LECTURE] | usage | config

Settings: flag > `%config Code2Video.<name> = …` > environment (OPENAI_API_KEY,
OPENAI_BASE_URL, CODE2VIDEO_MODEL).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, cell_magic, line_cell_magic, line_magic, magics_class
from IPython.core.magic_arguments import argument, magic_arguments, parse_argstring
from traitlets import Bool, Float, Int, List, Unicode

from .. import picture_folder
from ..config import Settings
from ..errors import Code2VideoError, NotRecorded
from ..planner import MAX_TOPIC_CHARS
from ..render.renderer import warm_up
from ..sources import is_notes
from . import commands
from .lecture_planning import LectureRequest
from .run_config import RunConfig


@magics_class
class Code2Video(Magics):
    """Named for `%config Code2Video.<name>`: Magics register themselves as configurables."""

    model = Unicode("", help="model for planning and code (default: $CODE2VIDEO_MODEL or gpt-4.1)").tag(config=True)
    base_url = Unicode("", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL)").tag(config=True)
    api_key_env = Unicode("OPENAI_API_KEY", help="environment variable holding the key").tag(config=True)
    root = Unicode("code2video", help="folder for lecture workspaces, beside the notebook").tag(config=True)
    sections = Int(4, help="sections per lecture").tag(config=True)
    audience = Unicode("university students", help="who the lecture is for").tag(config=True)
    replay = Unicode("", help="answer from a recorded cassette ('demo' or a path) instead of a model").tag(config=True)
    render_timeout = Float(240.0, help="seconds before a section's render is stopped").tag(config=True)
    embed_limit_mb = Float(8.0, help="previews larger than this are linked, not embedded (Colab: ~10 MB)").tag(
        config=True)
    link_previews = Bool(True, help="in JupyterLab with the code2video extension, play previews from the lecture "
                                    "folder beside the notebook instead of embedding them (~0.5 MB each)").tag(
        config=True)
    allow_imports = List(Unicode(), help="modules generated code may import beyond the lecture allowlist, "
                                           "e.g. ['scipy']").tag(config=True)
    unconfined = Bool(False, help="render without the runtime sandbox (network, writes, secrets, limits): "
                                  "only for code you wrote").tag(config=True)
    critic = Bool(True, help="check each rendered section's layout and show suggestions as cards under its "
                             "preview").tag(config=True)
    narrate = Bool(True, help="speak each lecture line where a voice is available: espeak-ng offline, or "
                              "$CODE2VIDEO_TTS_MODEL at an OpenAI-compatible /audio/speech endpoint").tag(config=True)
    voice = Unicode("", help="the narrator's voice, e.g. 'en-gb' (espeak-ng --voices) or 'alloy' (remote); "
                             "empty: the voice's default").tag(config=True)
    speech_speed = Float(1.0, help="narration speed, 1.0 normal").tag(config=True)
    language = Unicode("", help="a new lecture's language, a BCP 47 tag such as 'zh', 'es', 'ar'; empty: English, "
                                "or the notes' own").tag(config=True)
    quiz = Bool(True, help="plan one to three questions per section for the students (a quiz under each "
                           "preview)").tag(config=True)
    quiz_in_video = Bool(False, help="%c2v export: a card with each section's questions after it").tag(config=True)
    vlm_model = Unicode("", help="a model that reads images, for %c2v eval (default: $CODE2VIDEO_VLM_MODEL)").tag(
        config=True)
    eval_frames = Int(8, help="frames %c2v eval shows the judge and the quiz (keyframes of the lecture lines)").tag(
        config=True)
    prompt_price = Float(2.0, help="USD per million prompt tokens, for %c2v usage").tag(config=True)
    completion_price = Float(8.0, help="USD per million completion tokens, for %c2v usage").tag(config=True)

    def __init__(self, shell, session_factory):
        super().__init__(shell)
        self.session = session_factory(self.run_config)

    def run_config(self, **flags) -> RunConfig:
        overrides: dict[str, Any] = {"model": flags.get("model") or self.model or None,
                     "base_url": self.base_url or None, "api_key_env": self.api_key_env,
                     "render_timeout": self.render_timeout, "allow_imports": tuple(self.allow_imports),
                     "confine": not self.unconfined,
                     # on: narrate where a voice is available ($CODE2VIDEO_NARRATE may still say 0)
                     "narrate": None if self.narrate else False, "voice": self.voice or None,
                     "speech_speed": self.speech_speed, "language": self.language or None,
                     "assets_dir": _assets_folder(flags.get("assets"), flags.get("notes")),
                     "vlm_model": self.vlm_model or None, "eval_frames": self.eval_frames,
                     "quiz": self.quiz, "quiz_in_video": self.quiz_in_video}
        settings = Settings.from_env(**{k: v for k, v in overrides.items() if v is not None})
        return RunConfig(settings, Path(self.root), flags.get("replay") or self.replay,
                         int(self.embed_limit_mb * 1_000_000), critic=self.critic, link_previews=self.link_previews)

    @magic_arguments()
    @argument("--sections", "-n", type=int, help="number of sections")
    @argument("--audience", "-a", nargs="+", help="who the lecture is for")
    @argument("--model", "-m", help="model name")
    @argument("--no-render", action="store_true", help="plan and write code; render when each cell runs")
    @argument("--replay", help="'demo' or a cassette path: answer from a recording, no key needed")
    @argument("--from", dest="notes", help="a teacher's notes (.md, .txt, .ipynb, .html) the lecture follows")
    @argument("--assets", help="a folder of your pictures (default: assets/ beside the notebook, if there)")
    @argument("--critic", dest="critic", action="store_true", default=None,
              help="layout suggestions as cards under each section's preview (the default)")
    @argument("--no-critic", dest="critic", action="store_false", default=None,
              help="no layout critic for this lecture's cells")
    @line_cell_magic
    def code2video(self, line, cell=None):
        """Plan a lecture from the topic in the cell body (first line; further lines: learning goals),
        or from notes: `%code2video --from notes.md` (a body: learning goals), or the body itself when
        it has headings or is longer than a topic."""
        args = parse_argstring(self.code2video, line)
        body = self.shell.var_expand(cell or "").strip()
        cell_notes = body if not args.notes and is_notes(body, MAX_TOPIC_CHARS) else ""
        if args.notes or cell_notes:  # the notes' title is the topic; a body beside --from: learning goals
            topic, goals = "", body if args.notes else ""
        else:
            topic, _, goals = body.partition("\n")
        # IPython's argument splitter keeps quotes: --audience "first-year undergraduates".
        audience = " ".join(args.audience).strip("\"'") if args.audience else self.audience
        request = LectureRequest(topic.strip(), goals.strip(), args.sections, audience, not args.no_render,
                                 default_sections=self.sections, critic=args.critic,
                                 notes=(args.notes or "").strip("\"'"), cell_notes=cell_notes)
        with _one_line_errors(self.api_key_env):
            if request.render:  # manim loads in the render server while the model plans
                warm_up(self.api_key_env)
            self.session.plan_lecture(request, self.run_config(model=args.model, replay=args.replay,
                                                               assets=args.assets, notes=args.notes))

    @cell_magic
    def c2v_section(self, line, cell):
        """Render one section cell: `%%c2v_section <lecture>/<section>` then its code."""
        with _one_line_errors(self.api_key_env):
            try:
                self.session.run_section(line, cell)
            except ValueError as exc:  # a malformed target line
                raise UsageError(str(exc)) from None

    @line_magic
    def c2v(self, line):
        """`%c2v status|export [--quality final]|notebook PATH|open FILE.py…|usage|config|eval [aes|quiz] [LECTURE]`"""
        # `%c2v eval` asks a live model that reads images: a recording holds no judge, so never offer one
        live_only = line.split()[:1] == ["eval"]
        with _one_line_errors(self.api_key_env, offer_replay=not live_only):
            return commands.run(self, line)


def _assets_folder(flag: str | None, notes: str | None = None) -> Path | None:
    """The teacher's pictures: the flag's folder (quotes as IPython keeps them), else `assets/`
    beside their notes, else beside the notebook, when there is one."""
    if flag:
        return Path(flag.strip("\"'")).expanduser()
    beside = picture_folder.folder_beside(notes.strip("\"'")) if notes else None
    here = Path(picture_folder.FOLDER)
    return beside or (here if here.is_dir() else None)


class _one_line_errors:
    """Engine errors become one red line (UsageError shows no traceback), saying what to do."""

    def __init__(self, key_env: str, offer_replay: bool = True):
        self.key_env = key_env
        self.offer_replay = offer_replay  # False where a recording cannot answer (`%c2v eval`)

    def __enter__(self):
        return self

    def __exit__(self, kind, exc, tb):
        if isinstance(exc, KeyboardInterrupt):  # renders in flight were already killed
            raise UsageError("Interrupted: the render was stopped and nothing half-done was saved; "
                             "run the cell again to continue.") from None
        if exc is None or not isinstance(exc, Code2VideoError):
            return False
        message = str(exc)
        if isinstance(exc, NotRecorded):  # a recording only covers the lecture it was made for
            message = (f"The recording (--replay) only covers the lecture it was made for, and this run asked "
                       f"something new ({exc.stage}). Set a key to use a live model: %env {self.key_env}=<your key>.")
        elif f"{self.key_env} is not set" in message:
            message = (f"{self.key_env} is not set. Use %env {self.key_env}=<your key> (or "
                       f"%config Code2Video.api_key_env)" + (", or try `--replay demo`, which needs no key."
                                                             if self.offer_replay else
                                                             ": the evaluation asks a live model that reads "
                                                             "images (a recording holds no judge)."))
        raise UsageError(message) from None
