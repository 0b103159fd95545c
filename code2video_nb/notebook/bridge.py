"""Kernel side of the kernel ⇄ JupyterLab bridge: a comm with target `code2video`.

The kernel cannot wait for a front-end reply inside the running cell (replies are handled
after the cell ends), so nothing here blocks: `handshake()` at `%load_ext` sends `hello`
and the state is known from the next cell on; requests are fire-and-forget and their
answers arrive through `on_reply` callbacks, which update a status output in place.

Every request opens a FRESH comm whose open data is the request itself, and the comm is
closed once it is answered. A long-lived handshake comm would die silently on a page
reload (the new page has no front-end object for the old comm id, so messages on it are
dropped and no answer ever comes); a new comm_open reaches whichever page has the
extension's target registered now. The same holds after a kernel reconnect.

Other connections: every connection to the kernel sees our comm_open, and one without the
extension (a console attached to the same kernel, a second JupyterLab window without it) closes
the comm at once, often before the notebook tab's answer arrives; ipykernel then forgets the
comm and would drop that answer. Each message carries `client`, the session of the tab that ran
the cell, and a close is read by who sent it: from that tab, it means the tab has no extension
("absent", or a request's error); from any other session it is ignored, and the comm is
registered again with the kernel's comm manager so the tab's answer on it is still delivered.
The extension, for its part, answers only requests for its own tab and never closes the others.

Must stay importable on Colab (IPython 7.34, ipykernel 6.17, Python >= 3.10).
"""

from __future__ import annotations

import json
import logging
import os
import sys
import uuid
from collections.abc import Callable
from typing import Any, Literal, TypedDict

from IPython.display import display

TARGET = "code2video"
PROTOCOL = 1
LABEXTENSION = "code2video-nb"  # the folder JupyterLab loads the front-end extension from
log = logging.getLogger(__name__)

State = Literal["ready", "absent", "unknown"]
ReplyCallback = Callable[[dict], Any]


# --- message shapes (mirrored by the TypeScript extension) --------------------------------

class Hello(TypedDict):
    op: Literal["hello"]
    protocol: int
    client: str | None  # session of the tab that loaded the extension (a close from another is ignored)


class Ready(TypedDict):
    op: Literal["ready"]
    version: str


class CellSpec(TypedDict, total=False):
    source: str  # always present
    metadata: dict  # always present
    outputs: list[dict]  # nbformat outputs it shows at once (a section's preview, already rendered)


class InsertCells(TypedDict):
    op: Literal["insert_cells"]
    request_id: str
    client: str | None  # session of the tab that ran the cell: only that tab acts
    after_cell_id: str | None
    cells: list[CellSpec]


class ReplaceSource(TypedDict):
    op: Literal["replace_source"]
    request_id: str
    client: str | None
    lecture: str
    section: str
    source: str
    expected_source: str
    run: bool  # run the cell once it holds `source` (its outputs become the new code's preview)


class Reply(TypedDict, total=False):
    op: Literal["ok", "conflict", "error"]  # always present
    request_id: str  # always present
    cell_ids: list[str]  # `ok` to insert_cells: the new cells' ids, in order
    replaced: int  # `ok` to insert_cells: how many cells of an earlier run of the magic they replaced
    message: str  # `conflict` / `error`: why
    current_source: str  # `conflict` to replace_source: what the cell holds now (the user's edit)


REPLY_OPS = ("ok", "conflict", "error")


# --- where are we running? ---------------------------------------------------------------

def _parent(shell) -> dict:
    """The request being handled (execute_request, or comm_msg after a cell ended)."""
    kernel = getattr(shell, "kernel", None)
    if kernel is None:  # plain IPython: no messages at all
        return {}
    get_parent = getattr(kernel, "get_parent", None)  # ipykernel >= 6
    parent = get_parent() if get_parent else getattr(shell, "parent_header", None)
    return parent or {}


def current_cell_id(shell) -> str | None:
    metadata = _parent(shell).get("metadata") or {}
    colab = metadata.get("colab") or {}
    return metadata.get("cellId") or colab.get("cell_id") or None


def _client(shell) -> str | None:
    return (_parent(shell).get("header") or {}).get("session")


def detect_frontend(shell) -> str:
    if "google.colab" in sys.modules:
        return "colab"
    cell_id = current_cell_id(shell)
    if os.environ.get("VSCODE_PID") or (cell_id or "").startswith("vscode-notebook-cell:"):
        return "vscode"
    # JupyterLab and Notebook 7 send the cell id; classic Notebook and nbclient do not.
    return "lab" if cell_id else "unknown"


def labextension_installed() -> bool:
    """Whether the front-end extension is installed, and not disabled, where this environment's
    Jupyter looks.

    Greeting a JupyterLab without it would make the browser log an error for the unknown
    comm target, so the kernel greets only when the extension can be there. A JupyterLab
    served from another environment than the kernel's is not seen: it gets the fallback."""
    try:
        from jupyter_core.paths import jupyter_path
    except ImportError:
        return False
    installed = any(os.path.isdir(os.path.join(folder, LABEXTENSION)) for folder in jupyter_path("labextensions"))
    return installed and not _labextension_disabled()


def _labextension_disabled() -> bool:
    """`jupyter labextension disable code2video-nb` (or its plugin id): JupyterLab's page config
    (`labconfig/page_config.json` in the Jupyter config path; the first folder wins) says so."""
    from jupyter_core.paths import jupyter_config_path

    disabled: dict = {}
    for folder in reversed(jupyter_config_path()):
        try:
            with open(os.path.join(folder, "labconfig", "page_config.json"), encoding="utf-8") as file:
                listed = json.load(file).get("disabledExtensions") or {}
        except (OSError, ValueError, AttributeError):
            continue
        disabled.update(listed if isinstance(listed, dict) else {name: True for name in listed})
    return any(value and (name == LABEXTENSION or str(name).startswith(LABEXTENSION + ":"))
               for name, value in disabled.items())


def _open_comm(data: dict):
    """Open a comm on the running kernel (comm_open goes out immediately)."""
    try:
        from comm import create_comm
        opened = create_comm(target_name=TARGET, data=data)
        # ipykernel < 6.18 (Colab's 6.17) never hooks the comm package: it returns a DummyComm
        if type(opened).__name__ != "DummyComm":
            return opened
    except ImportError:
        pass
    from ipykernel.comm import Comm
    return Comm(target_name=TARGET, data=data)


def _sender(msg) -> str | None:
    """The session of the connection that sent `msg` (a comm_close: who closed the comm)."""
    header = msg.get("header") if isinstance(msg, dict) else None
    return header.get("session") if isinstance(header, dict) else None


def _closed_by_another(msg, client: str | None) -> bool:
    """Whether a close came from another connection than the tab a message is for."""
    sender = _sender(msg)
    return bool(client and sender and sender != client)


def _listen_again(shell, channel) -> bool:
    """Undo the close the kernel applied to `channel` (it marks the comm closed and forgets it), so
    that an answer still coming on it is delivered. False where the comm manager is not reachable."""
    manager = getattr(getattr(shell, "kernel", None), "comm_manager", None)
    if manager is None or not hasattr(manager, "register_comm"):
        return False
    channel._closed = False
    manager.register_comm(channel)
    return True


def _data(msg: dict) -> dict:
    data = (msg.get("content") or {}).get("data")
    return data if isinstance(data, dict) else {}


# --- the bridge --------------------------------------------------------------------------

class FrontendBridge:
    def __init__(self, shell):
        self.shell = shell
        self.state: State = "unknown"
        self.version: str | None = None
        self.frontend = "unknown"
        self._hello: Any = None  # the handshake's Comm: later callbacks from an older one are ignored
        self._on_change: Callable[[], Any] | None = None

    @property
    def real_cells(self) -> bool:
        return self.state == "ready"

    def handshake(self, on_change: Callable[[], Any] | None = None) -> None:
        """Greet the front end; `on_change` is called when its answer settles the state."""
        self.frontend = detect_frontend(self.shell)
        self.state, self.version, self._on_change = "unknown", None, on_change
        # Colab, VS Code, classic, or a JupyterLab without the extension installed: nothing can answer.
        if self.frontend != "lab" or not labextension_installed():
            self.state = "absent"
            return
        hello: Hello = {"op": "hello", "protocol": PROTOCOL, "client": _client(self.shell)}
        channel = self._hello = _open_comm(dict(hello))
        channel.on_msg(lambda msg: self._on_hello_reply(channel, msg))
        channel.on_close(lambda msg: self._on_hello_closed(channel, msg, hello["client"]))

    def describe(self) -> str:
        """Which front-end path is in use, in a user's words."""
        if self.state == "ready":
            return (f"JupyterLab with the code2video extension {self.version or ''}: "
                    "section cells are inserted below the magic").replace("  ", " ")
        if self.state == "unknown":
            return "JupyterLab: waiting for the code2video extension to answer…"
        where = {"colab": "Colab", "vscode": "VS Code", "lab": "JupyterLab without the code2video extension",
                 "unknown": "this front end"}[self.frontend]
        return f"{where}: sections go to a panel, and each section cell offers the next"

    def _settled(self) -> None:
        if self._on_change is None:
            return
        try:  # runs after the cell ended: an exception would only reach the kernel log
            self._on_change()
        except Exception:
            log.exception("code2video: reporting the front end's answer failed")

    def _on_hello_reply(self, channel, msg: dict) -> None:
        data = _data(msg)
        if channel is self._hello and data.get("op") == "ready":
            self.state, self.version = "ready", data.get("version")
            channel.close()  # done: each request opens its own comm
            self._settled()

    def _on_hello_closed(self, channel, msg: dict, client: str | None) -> None:
        # Another connection (a console on this kernel) closing it says nothing about the tab.
        if _closed_by_another(msg, client) and _listen_again(self.shell, channel):
            return
        # JupyterLab closes a comm opened to a target nobody registered: no extension.
        if channel is self._hello and self.state == "unknown":
            self.state = "absent"
            self._settled()

    def insert_cells(self, cells: list[dict], *, after_cell_id: str | None = None,
                     on_reply: ReplyCallback | None = None) -> str:
        request: InsertCells = {
            "op": "insert_cells", "request_id": uuid.uuid4().hex, "client": _client(self.shell),
            "after_cell_id": after_cell_id or current_cell_id(self.shell),
            "cells": [{"source": c["source"], "metadata": c.get("metadata", {}), "outputs": c.get("outputs", [])}
                      for c in cells],
        }
        return self._request(dict(request), on_reply)

    def replace_source(self, lecture: str, section: str, source: str, expected_source: str, *,
                       run: bool = False, on_reply: ReplyCallback | None = None) -> str:
        request: ReplaceSource = {
            "op": "replace_source", "request_id": uuid.uuid4().hex, "client": _client(self.shell),
            "lecture": lecture, "section": section, "source": source, "expected_source": expected_source,
            "run": run,
        }
        return self._request(dict(request), on_reply)

    def _request(self, request: dict, on_reply: ReplyCallback | None) -> str:
        """Send on a fresh comm; never waits. Allowed while "unknown" (the caller decides)."""
        if self.state == "absent":
            raise RuntimeError(f"no code2video front-end extension here ({self.frontend}); "
                               "use the fallback (widget panel / set_next_input / %c2v notebook)")
        request_id = request["request_id"]
        channel = _open_comm(request)
        answered: list[dict | None] = []

        def on_msg(msg: dict) -> None:
            data = _data(msg)
            if data.get("op") not in REPLY_OPS or data.get("request_id") != request_id or answered:
                return
            answered.append(data)
            self.state = "ready"  # an answer proves the extension is there
            channel.close()
            _call(on_reply, data)

        def on_close(msg: dict) -> None:
            if answered:
                return
            if _closed_by_another(msg, request.get("client")) and _listen_again(self.shell, channel):
                return  # another connection without the extension: the tab's answer may still come
            answered.append(None)
            if self.state == "unknown":
                self.state = "absent"
            _call(on_reply, {"op": "error", "request_id": request_id,
                             "message": "the front end closed the request without answering"})

        channel.on_msg(on_msg)
        channel.on_close(on_close)
        return request_id


def _call(on_reply: ReplyCallback | None, reply: dict) -> None:
    # Runs after the cell ended: an exception would only reach the kernel log, so say so there.
    if on_reply is None:
        return
    try:
        on_reply(reply)
    except Exception:
        log.exception("code2video: on_reply failed for %s", reply.get("request_id"))


# --- status output updated in place ------------------------------------------------------

class StatusHandle:
    """A text/markdown output that later callbacks (even after the cell ended) replace."""

    def __init__(self, text: str):
        self._handle = display(self._bundle(text), raw=True, display_id=True)

    @staticmethod
    def _bundle(text: str) -> dict:
        return {"text/markdown": text, "text/plain": text}

    def update(self, text: str) -> None:
        if self._handle is not None:
            self._handle.update(self._bundle(text), raw=True)


def status_display(text: str) -> StatusHandle:
    return StatusHandle(text)
