"""Shared fixtures: an isolated environment and the scripted OpenAI-compatible server.

Tests never mock the openai client: they point the real one at `ScriptedServer` on loopback.

What is expensive and the same for every test is made once per run, not once per pytest-xdist
worker: `made_once` (the FileLock pattern of xdist's docs) keeps it in a folder all workers of the
run share, keyed by name. The demo lecture's render is one; the TeX/text cache is another (every
render of the run reads and fills one, as a user's renders do; tests/test_tex_cache.py, which tests
the cache itself, gives each test its own).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import pytest
from filelock import FileLock

from code2video_nb.config import Settings
from code2video_nb.model_client import ModelClient, OpenAIBackend
from code2video_nb.scripted_server import ScriptedServer

DATA = Path(__file__).parent / "data"


def run_folder(tmp_path_factory) -> Path:
    """A folder every worker of this run shares (the parent of the workers' own temp roots under
    xdist, the temp root itself in one process); a new run gets a new one."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def made_once(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """`<run folder>/<name>`, made by `make(folder)` in the first worker that asks for it while the
    others wait on its lock, then only read. A `make` that fails leaves nothing behind, so the next
    worker that asks tries again and reports its own failure."""
    folder = run_folder(tmp_path_factory) / name
    done = folder.parent / f"{folder.name}.done"
    with FileLock(str(folder.parent / f"{folder.name}.lock")):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            make(folder)
            done.touch()
    return folder


@pytest.fixture(scope="session", autouse=True)
def shared_tex_cache(tmp_path_factory):
    """One TeX/text cache (render/tex_cache.py) for every render of the run, in every worker and
    every kernel or JupyterLab a test starts (they inherit the variable): a formula is compiled
    once per run rather than once per test. It is this run's, never the developer's."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CODE2VIDEO_TEX_CACHE_DIR", str(run_folder(tmp_path_factory) / "tex-cache"))
        yield


@pytest.fixture(autouse=True)
def ctrl_c_as_a_terminal_sends_it():
    """Every test starts with Python's own Ctrl-C handler, as the CLI has in a terminal, and leaves
    it so. A test in the same worker that leaves another handler behind (an event loop's, which
    only cancels its task) would otherwise swallow the real SIGINT a later interrupt test sends."""
    signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(autouse=True)
def isolated_env(tmp_path, monkeypatch):
    """No test sees the developer's keys, endpoint or reply cache."""
    isolate(monkeypatch, tmp_path)


def isolate(monkeypatch, folder: Path) -> None:
    """The isolated environment, for a fixture of a wider scope too (it runs before `isolated_env`)."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CODE2VIDEO_MODEL", "CODE2VIDEO_VLM_MODEL", "CODE2VIDEO_TTS_MODEL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("CODE2VIDEO_CACHE_DIR", str(folder / "reply-cache"))
    # Silent unless a test asks for narration (tests/test_narration.py): a narrated section renders
    # as long as its voice speaks, which would slow every other rendering test for nothing.
    monkeypatch.setenv("CODE2VIDEO_NARRATE", "0")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder / "xdg-cache"))


@contextlib.contextmanager
def loaded_shell():
    """The in-process IPython shell with the extension loaded. The shell is one instance for the
    whole run, so what a test sets with %config is dropped afterwards: a later test must not plan
    into another root, or judge with another model, because of it."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "code2video_nb")
    try:
        yield shell
    finally:
        shell.run_line_magic("unload_ext", "code2video_nb")
        shell.config.pop("Code2Video", None)


@pytest.fixture
def ip(tmp_path, monkeypatch):
    """The shell with the extension loaded, in a fresh folder (the notebook's)."""
    monkeypatch.chdir(tmp_path)
    with loaded_shell() as shell:
        yield shell


@pytest.fixture
def server():
    with ScriptedServer() as srv:
        yield srv


@pytest.fixture
def live_env(server, monkeypatch):
    """The environment a user sets for a real endpoint, pointed at the scripted server."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    return server


def make_client(server, tmp_path, **settings) -> ModelClient:
    defaults = {"base_url": server.base_url, "request_timeout": 5.0, "max_retries": 2,
                "cache_dir": tmp_path / "cache"}
    config = Settings.from_env(**{**defaults, **settings})
    return ModelClient(OpenAIBackend(config, api_key="sk-test"), model=config.model, cache_dir=config.cache_dir,
                       log_path=tmp_path / "log.jsonl", json_reasks=config.json_reasks)


def demo_cassette(name: str = "eigenvectors.json") -> dict:
    source = resources.files("code2video_nb").joinpath("demo", name)
    return json.loads(source.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class DemoRun:
    lecture: Path  # the lecture's folder
    said: str  # what `code2video demo --quiet` printed


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory, shared_tex_cache) -> DemoRun:
    """The demo lecture, rendered for real once per run (`code2video demo`, ~30 s) by whichever
    worker asks first (`made_once`); each worker then gets its own copy, so no two workers ever
    read or write one folder."""
    from code2video_nb import cli

    def render(out: Path) -> None:
        with pytest.MonkeyPatch.context() as mp:
            isolate(mp, out)
            said = io.StringIO()
            with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
                code = cli.main(["demo", "--out", str(out / "lectures"), "--quiet"])
            assert code == 0, f"code2video demo failed:\n{said.getvalue()}"
            (out / "said.txt").write_text(said.getvalue())

    made = made_once(tmp_path_factory, "demo", render)
    out = Path(shutil.copytree(made, tmp_path_factory.mktemp("demo") / "run"))
    (lecture,) = [p for p in (out / "lectures").iterdir() if (p / "lecture.json").is_file()]
    return DemoRun(lecture, (out / "said.txt").read_text())


@pytest.fixture(scope="session")
def demo_lecture(demo_run) -> Path:
    """The demo lecture's folder (`demo_run`). Tests that write to it (usage, logs) copy it first
    (`copy_lecture`)."""
    return demo_run.lecture


@pytest.fixture(scope="session")
def corpus_critique(tmp_path_factory):
    """`critique_file(path, check_patches=check)` of a corpus file, run once per run whichever
    worker asks first (tests/test_critic_corpus.py and tests/test_patch_check.py critique the same
    56 files the same way), then read back (a `Critique` pickles whole: findings, shots, stage)."""
    import hashlib
    import pickle

    from code2video_nb.critic.critique import critique_file

    media = tmp_path_factory.mktemp("critique-media")  # this worker's: formulas typeset once per worker
    (run_folder(tmp_path_factory) / "critiques").mkdir(exist_ok=True)

    def run(path: Path, check: bool = True):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]

        def make(folder: Path) -> None:
            result = critique_file(path, media_dir=media, check_patches=check)
            (folder / "critique.pickle").write_bytes(pickle.dumps(result))

        done = made_once(tmp_path_factory, f"critiques/{path.stem}-{digest}-{int(check)}", make)
        return pickle.loads((done / "critique.pickle").read_bytes())
    return run


def copy_lecture(lecture: Path, into: Path) -> Path:
    import shutil

    return Path(shutil.copytree(lecture, into / lecture.name, ignore=shutil.ignore_patterns(".media", ".renders")))


@pytest.fixture
def video(tmp_path) -> Path:
    """A real 3 s MP4 (160x90, 10 fps) whose colour changes each second; no lecture folder around it."""
    from fractions import Fraction

    import av
    import numpy as np

    path = tmp_path / "clip.mp4"
    with av.open(str(path), "w") as out:
        stream = out.add_stream("libx264", rate=10)
        stream.width, stream.height, stream.pix_fmt = 160, 90, "yuv420p"
        for i in range(30):
            frame = np.full((90, 160, 3), (80 * (i // 10), 40, 200 - 60 * (i // 10)), dtype=np.uint8)
            picture = av.VideoFrame.from_ndarray(frame, format="rgb24")
            picture.pts, picture.time_base = i, Fraction(1, 10)
            out.mux(stream.encode(picture))
        out.mux(stream.encode())
    return path


def installed(module: str, extra: str):
    """`module`, imported; where it is missing, the test is skipped on a developer's machine and
    fails under CI (`lab_harness.require`), so an install step that lost an extra cannot pass."""
    import importlib

    from lab_harness import require

    require(None if importlib.util.find_spec(module) else
            f"{module} is not installed: the [{extra}] extra, which scripts/install.sh installs")
    return importlib.import_module(module)


def three_part_lecture(tmp_path: Path):
    """A planned lecture of three one-line sections whose code only waits (`Part1`…`Part3`): for
    tests of the engine's orchestration with a renderer of their own."""
    from code2video_nb.plan import Storyboard
    from code2video_nb.workspace import Workspace

    ws = Workspace.create(tmp_path, "clips", "Clips")
    ws.set_storyboard(Storyboard.from_dict({"sections": [
        {"id": i, "title": f"Part {i}", "lecture_lines": [f"Line {i}"], "animations": ["a"]} for i in "123"]}))
    for i in "123":
        ws.write_code(i, f"from manim import *\n\nclass Part{i}(Scene):\n    def construct(self):\n"
                         "        self.wait(1)\n", "generated")
    return ws


# --- the demo lecture, as a notebook's magic leaves it ---------------------------------------------
# Used by tests/test_notebook_kernel.py, test_keyframes_first.py and test_cards_kernel.py: kernel tests whose point is
# the cells, the panel or a later edit, not the magic's first render of the demo.

def rendered_demo_into(demo_lecture: Path, notebook_folder: Path) -> Path:
    """`demo_lecture` (rendered once per run) copied into `notebook_folder/code2video/`, where
    `%%code2video --replay demo` plans the same lecture: its sections are then unchanged, so the
    magic shows their cached previews as it does on a rerun, instead of rendering the demo again.
    Unlike `copy_lecture`, it keeps the render archive (`.renders`: going back to earlier code is
    instant) and manim's media (`.media`: an edit re-renders only what changed), as a folder the
    magic rendered in has them."""
    return Path(shutil.copytree(demo_lecture, notebook_folder / "code2video" / demo_lecture.name))


# --- The isolated environment before any module's fixture (tests/test_cards_kernel.py,
# test_panel_sync_kernel.py, test_failure_notebook.py, and every module fixture that starts a
# kernel, a notebook or a render) ----------------------------------------------------------------

@pytest.fixture(scope="session", autouse=True)
def isolated_session_env(tmp_path_factory):
    """`isolate` for the whole run, so a module's fixture (made before the per-test `isolated_env`)
    sees what every test sees: no developer's key, endpoint or reply cache, and narration off
    unless it asks for it (test_example_notebooks' quickstart, test_narration). Without it the
    kernels and notebooks such fixtures start narrated every render, each section then rendering
    as long as its voice speaks (about twice as long for the demo), for tests that never listen."""
    with pytest.MonkeyPatch.context() as mp:
        isolate(mp, tmp_path_factory.mktemp("session-env"))
        yield
