"""A real JupyterLab 4 in headless Debian Chromium, driven by Playwright's sync API.

`running_lab(folder)` starts `jupyter lab` on a free loopback port with `folder` as its root,
a `python3` kernelspec that runs this interpreter, no user configuration and no network
features (news, update checks), and stops it afterwards. `LabPage` opens a notebook in
Chromium and runs its cells one at a time the way a user does, waiting on conditions
(the cell's execution count, the kernel idle), never on fixed sleeps.

Chromium is Debian's (/usr/bin/chromium, `scripts/install.sh`); Playwright's own browser
download is never used. Notes on the setup: ../shared/notes/jupyter-frontends.md §3 (beside the repository).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
    # no connections to Google's services: this machine's network is closed and they only add noise
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
    "--disable-quic",
]
# Variables the server and its kernels must not see: a developer's key, endpoint and model, and
# VS Code's marker (which would make the kernel think it runs in VS Code).
DROPPED_ENV = ("OPENAI_API_KEY", "OPENAI_BASE_URL", "CODE2VIDEO_MODEL", "CODE2VIDEO_VLM_MODEL", "VSCODE_PID")


def require(problem: str | None) -> None:
    """Skip a check that cannot run here, with the reason; under CI (`.ci/run` sets CI=true) fail
    instead, so a missing install step can never pass as a skip."""
    import pytest

    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"cannot run: {problem}", pytrace=False)
    pytest.skip(problem)


def lab_folders(base: Path) -> tuple[Path, Path]:
    """(the notebooks' root, the server's Jupyter home) under `base`, created."""
    root, home = base / "notebooks", base / "jupyter-home"
    root.mkdir()
    home.mkdir()
    return root, home


@contextlib.contextmanager
def lab_page(shots: Path, viewport: dict):
    """A `LabPage` in a fresh headless Chromium, watching the console; closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**chromium_launch_options())
        try:
            page = browser.new_page(viewport=viewport)
            page.set_default_timeout(30_000)
            lab = LabPage(page, shots)
            lab.watch_console()
            yield lab
        finally:
            browser.close()


def missing_requirements() -> str | None:
    """Why the browser check cannot run here, or None."""
    for module in ("jupyterlab", "playwright"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install -e '.[test,browser]')"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium, or run scripts/install.sh)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LabServer:
    root: Path
    url: str
    token: str
    process: subprocess.Popen
    log: Path

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def _write_config(home: Path, labextension: bool = False) -> dict[str, str]:
    """A private Jupyter home: kernelspec, page config and user settings. Returns the env vars.
    Without `labextension`, the code2video JupyterLab extension is disabled in the page config,
    even where this environment has it installed: JupyterLab then does not load it and the
    kernel (which reads the same page config) does not greet it."""
    data, config, settings = home / "data", home / "config", home / "user-settings"
    spec = data / "kernels" / "python3"  # JUPYTER_PATH comes first: shadows any python3 on the machine
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (code2video browser check)", "language": "python"}))
    # No "official Jupyter news?" toast over the screenshots, and no update check.
    (config / "labconfig").mkdir(parents=True)
    disabled = {"@jupyterlab/apputils-extension:announcements": True, "code2video-nb": not labextension}
    (config / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}))
    # Every cell in the DOM (no windowing), so any cell can be read and photographed.
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    return {"JUPYTER_PATH": str(data), "JUPYTER_DATA_DIR": str(data), "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"), "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"), "IPYTHONDIR": str(home / "ipython")}


def checkout_labextension() -> Path | None:
    """The JupyterLab extension as built in this checkout (code2video_nb/labextension, `jlpm build`), or
    None. The browser checks load it in front of the installed one, so a worktree tests its own build."""
    import code2video_nb

    built = Path(code2video_nb.__file__).parent / "labextension"
    if not ((built / "package.json").is_file() and (built / "static").is_dir()):
        return None
    sources = built.parent.parent / "labextension" / "src"
    changed = [p.name for p in sources.glob("*.ts") if p.stat().st_mtime > (built / "package.json").stat().st_mtime]
    if changed:
        raise RuntimeError(f"the JupyterLab extension's build in {built} is older than labextension/src "
                           f"({', '.join(sorted(changed))}): run `jlpm build` in labextension/ first")
    return built


def installed_labextension() -> Path | None:
    """Where this environment's Jupyter has the code2video JupyterLab extension (its folder), or None."""
    from jupyter_core.paths import jupyter_path

    found = [Path(folder) / "code2video-nb" for folder in jupyter_path("labextensions")]
    return next((folder for folder in found if (folder / "package.json").is_file()), None)


@contextlib.contextmanager
def running_lab(root: Path, home: Path, *, startup_timeout: float = 60.0, labextension: bool = False,
                env: dict[str, str] | None = None):
    """`jupyter lab` serving `root`, with its private Jupyter home in `home`; stopped on exit.
    `labextension`: load the code2video JupyterLab extension installed in this environment (else it is
    disabled: the fallback path). `env`: more variables for the server and its kernels (e.g. a model
    endpoint), set after the developer's own are dropped."""
    root.mkdir(parents=True, exist_ok=True)
    extension = installed_labextension() if labextension else None
    if labextension and extension is None:
        raise RuntimeError("the code2video JupyterLab extension is not installed here (scripts/install.sh)")
    # Silent, as every test's renders are (conftest.isolate), unless `env` asks for a voice: no browser
    # check listens, a narrated section renders as long as its voice speaks, and the run's silent demo
    # render (`demo_lecture`) is then the kernel's cached preview too.
    env = {**{k: v for k, v in os.environ.items() if k not in DROPPED_ENV and not k.startswith("JUPYTER")},
           **_write_config(home, labextension), "CODE2VIDEO_NARRATE": "0", **(env or {})}
    if extension is not None:  # e.g. a user-level install: the private home hides ~/.local/share/jupyter
        env["JUPYTER_PATH"] += os.pathsep + str(extension.parent.parent)
    built = checkout_labextension() if labextension else None
    if built is not None and built.resolve() != extension.resolve():
        # This checkout's build in front of the installed one (JupyterLab takes an extension's name, and
        # serves its files, from the first folder that has it): a worktree tests its own build.
        ahead = home / "checkout" / "labextensions"
        ahead.mkdir(parents=True)
        (ahead / "code2video-nb").symlink_to(built, target_is_directory=True)
        data, _, rest = env["JUPYTER_PATH"].partition(os.pathsep)
        env["JUPYTER_PATH"] = os.pathsep.join([data, str(ahead.parent), rest])
    env["CODE2VIDEO_CACHE_DIR"] = str(home / "reply-cache")  # never the developer's cache
    env["XDG_CACHE_HOME"] = str(home / "xdg-cache")
    port, token = _free_port(), secrets.token_hex(16)
    log = home / "jupyter-lab.log"
    argv = [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
            "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
            "--LabApp.expose_app_in_browser=True", "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly"]  # no PyPI look-ups from the extension manager

    with open(log, "wb") as out:
        process = subprocess.Popen(argv, cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = LabServer(root, f"http://127.0.0.1:{port}", token, process, log)
    try:
        _wait_until_up(server, startup_timeout)
        yield server
    finally:
        _stop(process)


def _wait_until_up(server: LabServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/api/status?token={server.token}", timeout=2) as reply:
                if reply.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"jupyter lab did not answer within {timeout:.0f} s:\n{server.log_tail()}")
        time.sleep(0.2)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the server's process group (its kernels too), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# --- the page --------------------------------------------------------------------------------

@dataclass
class ConsoleEntry:
    kind: str  # console message type ("error", "warning", ...) or "pageerror"
    text: str
    step: str  # the scenario step running when it was logged


@dataclass
class LabPage:
    """One notebook open in JupyterLab. `step` names what runs now, for console entries."""

    page: object  # playwright.sync_api.Page
    shots: Path
    console: list[ConsoleEntry] = field(default_factory=list)
    step: str = "open"

    def watch_console(self) -> None:
        self.page.on("console", lambda m: self.console.append(ConsoleEntry(m.type, m.text, self.step)))
        self.page.on("pageerror", lambda e: self.console.append(ConsoleEntry("pageerror", str(e), self.step)))

    def open(self, server: LabServer, notebook: str, timeout_ms: int = 60_000) -> None:
        self.page.goto(f"{server.url}/lab/tree/{notebook}?token={server.token}", timeout=timeout_ms)
        self.page.wait_for_function(
            "() => { const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
            " return !!(w && w.content && w.content.widgets && w.content.widgets.length"
            " && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel"
            " && w.sessionContext.session.kernel.connectionStatus === 'connected'"
            " && w.sessionContext.session.kernel.status === 'idle'); }", timeout=timeout_ms)

    # the notebook model (through window.jupyterapp; cells in DOM order, no windowing)
    def sources(self) -> list[str]:
        return self.page.evaluate(
            "() => window.jupyterapp.shell.currentWidget.content.model.sharedModel.cells.map(c => c.getSource())")

    def set_source(self, index: int, source: str) -> None:
        self.page.evaluate("([i, s]) => window.jupyterapp.shell.currentWidget.content.model.sharedModel"
                           ".getCell(i).setSource(s)", [index, source])

    def insert_cell(self, index: int, source: str) -> None:
        self.page.evaluate("([i, s]) => window.jupyterapp.shell.currentWidget.content.model.sharedModel"
                           ".insertCell(i, {cell_type: 'code', source: s})", [index, source])

    def cell(self, index: int):
        return self.page.locator(".jp-Notebook .jp-Cell").nth(index)

    def run_cell(self, index: int, timeout_ms: int = 180_000) -> float:
        """Select cell `index`, run it (notebook:run-cell, as Ctrl+Enter) and wait until it is done:
        its prompt shows its execution count and the kernel is idle. Returns the seconds it took."""
        started = time.monotonic()
        self.page.evaluate(
            "(i) => { const nb = window.jupyterapp.shell.currentWidget.content;"
            " nb.activeCellIndex = i; nb.deselectAll(); nb.mode = 'command';"
            " return window.jupyterapp.commands.execute('notebook:run-cell'); }", index)
        self.page.wait_for_function(
            "(i) => { const w = window.jupyterapp.shell.currentWidget;"
            " const cell = w.content.widgets[i];"
            " const prompt = cell.node.querySelector('.jp-InputArea-prompt');"
            " return /^\\[\\d+\\]:$/.test((prompt.textContent || '').trim())"
            " && w.sessionContext.session.kernel.status === 'idle'; }", arg=index, timeout=timeout_ms)
        self.wait_for_outputs(index)
        return time.monotonic() - started

    def wait_for_outputs(self, index: int, quiet_ms: int = 300, timeout_ms: int = 10_000) -> bool:
        """Outputs are rendered after the kernel is idle (Markdown and widget views render
        asynchronously): wait until cell `index` shows one non-empty node per output of its model
        and its DOM has not changed for `quiet_ms`. False (not an error) if that never happens
        within `timeout_ms`, e.g. for an output that is empty on purpose."""
        return self.page.evaluate("""([i, quiet, timeout]) => new Promise(resolve => {
            const cell = window.jupyterapp.shell.currentWidget.content.widgets[i];
            const expected = () => (cell.model.outputs ? cell.model.outputs.length : 0);
            const shown = () => [...cell.node.querySelectorAll(
                ':scope .jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output')]
                .filter(n => n.childElementCount > 0 || n.textContent.trim()).length;
            let timer = null;
            const observer = new MutationObserver(() => arm());
            const finish = ok => { observer.disconnect(); clearTimeout(timer); clearTimeout(hard); resolve(ok); };
            const arm = () => { clearTimeout(timer);
                timer = setTimeout(() => shown() >= expected() ? finish(true) : arm(), quiet); };
            const hard = setTimeout(() => finish(false), timeout);
            observer.observe(cell.node, {childList: true, subtree: true, characterData: true});
            arm();
        })""", [index, quiet_ms, timeout_ms])

    def output_texts(self, index: int) -> list[str]:
        """What the user reads in each output of cell `index`, one string per output of the cell itself
        (a widget's own outputs are part of the widget's text; closed <details> show their summary only)."""
        return self.cell(index).locator(
            ".jp-Cell-outputArea > .jp-OutputArea-child > .jp-OutputArea-output").all_inner_texts()

    def screenshot_cell(self, index: int, name: str) -> Path:
        """The whole cell, input and outputs. The notebook scrolls inside the page, so a cell taller
        than the window would be cut off: the window grows to fit it for the shot."""
        path = self.shots / f"{name}.png"
        cell = self.cell(index)
        size = self.page.viewport_size
        height = (cell.bounding_box() or {}).get("height", 0)
        if height + 200 > size["height"]:
            self.page.set_viewport_size({"width": size["width"], "height": min(int(height) + 300, 12_000)})
            # JupyterLab lays out again on resize: wait until the notebook's panel has the new height
            self.page.wait_for_function(
                "(h) => window.jupyterapp.shell.currentWidget.node.getBoundingClientRect().height > h",
                arg=size["height"])
        try:
            cell.scroll_into_view_if_needed()
            cell.screenshot(path=str(path))
        finally:
            if self.page.viewport_size != size:
                self.page.set_viewport_size(size)
        return path

    def screenshot_page(self, name: str) -> Path:
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path))
        return path


SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"


def screenshots_of(module: str) -> Path:
    """A browser module's own screenshot folder, emptied: each module clears only its own, as the
    modules run at once in separate workers (one clearing a shared folder took the others' shots)."""
    folder = SCREENSHOTS / module
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


def chromium_launch_options() -> dict:
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


