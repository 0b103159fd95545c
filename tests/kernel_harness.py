"""A real ipykernel driven like JupyterLab would drive it, for kernel-side tests.

`ScriptedFrontend` sends execute requests carrying `metadata.cellId`, reads iopub, and
answers the kernel's comms on the shell channel. `running_kernel()` starts a kernel
that runs this interpreter, whatever `python` is on PATH.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import time

from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

TIMEOUT = 15


class ScriptedFrontend:
    """Drives the kernel like JupyterLab would and keeps every iopub message it saw."""

    def __init__(self, kc, km=None, timeout: float = TIMEOUT):
        self.kc, self.km, self.timeout = kc, km, timeout
        self.last_reply: dict = {}  # the shell reply of the last execute request (status, payload)

    def send(self, msg_type: str, content: dict, metadata: dict | None = None) -> dict:
        msg = self.kc.session.msg(msg_type, content, metadata=metadata or {})
        self.kc.shell_channel.send(msg)
        return msg

    def collect(self, msg: dict, *, check: bool = True) -> list[dict]:
        """This request's iopub messages up to its `idle`; for executes, also its shell reply."""
        seen, deadline = [], time.monotonic() + self.timeout
        while True:
            reply = self.kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
            seen.append(reply)
            if (reply["parent_header"].get("msg_id") == msg["header"]["msg_id"]
                    and reply["msg_type"] == "status" and reply["content"]["execution_state"] == "idle"):
                break
        if msg["header"]["msg_type"] == "execute_request":
            while (shell := self.kc.get_shell_msg(timeout=self.timeout))["parent_header"]["msg_id"] != msg["header"]["msg_id"]:
                pass
            self.last_reply = shell["content"]
            errors = [m["content"] for m in seen if m["msg_type"] == "error"]
            if check:
                assert shell["content"]["status"] == "ok", errors or shell["content"]
        return seen

    def _send(self, msg_type: str, content: dict, metadata: dict | None = None) -> list[dict]:
        return self.collect(self.send(msg_type, content, metadata))

    def start(self, code: str, cell_id: str | None = "lab-cell") -> dict:
        metadata = {"cellId": cell_id} if cell_id else {}
        return self.send("execute_request", {"code": code, "silent": False, "store_history": True,
                                             "user_expressions": {}, "allow_stdin": False,
                                             "stop_on_error": True}, metadata)

    def run(self, code: str, cell_id: str | None = "lab-cell", *, check: bool = True) -> list[dict]:
        return self.collect(self.start(code, cell_id), check=check)

    def payloads(self, source: str = "set_next_input") -> list[dict]:
        return [p for p in self.last_reply.get("payload", []) if p.get("source") == source]

    def value(self, expr: str, cell_id: str | None = "lab-cell"):
        """The JSON value of `expr` evaluated in the kernel, via a printed line."""
        out = self.run(f"import json as _j; print(_j.dumps({expr}))", cell_id)
        return json.loads("".join(m["content"]["text"] for m in out if m["msg_type"] == "stream"))

    def comm_msg(self, comm_id: str, data: dict) -> list[dict]:
        return self._send("comm_msg", {"comm_id": comm_id, "data": data})

    def comm_close(self, comm_id: str) -> list[dict]:
        return self._send("comm_close", {"comm_id": comm_id, "data": {}})


@contextlib.contextmanager
def second_connection(front: ScriptedFrontend):
    """Another connection to `front`'s kernel with its own session (a console attached to the same
    kernel): it sees the kernel's comm_opens too, and may close them."""
    from jupyter_client import BlockingKernelClient

    kc = BlockingKernelClient()
    kc.load_connection_info(front.km.get_connection_info())  # the key, not the session: a new session id
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=30)
        assert kc.session.session != front.kc.session.session
        yield ScriptedFrontend(kc, None, timeout=front.timeout)
    finally:
        kc.stop_channels()


def of_type(messages: list[dict], msg_type: str) -> list[dict]:
    return [m for m in messages if m["msg_type"] == msg_type]


def opened(messages: list[dict]) -> dict:
    """The single code2video comm_open among `messages`."""
    opens = [m["content"] for m in of_type(messages, "comm_open") if m["content"]["target_name"] == "code2video"]
    assert len(opens) == 1, opens
    return opens[0]



def installed_labextension(tmp_dir) -> dict:
    """The environment of a kernel whose Jupyter has the code2video front-end extension installed
    (its folder under JUPYTER_PATH), so `%load_ext` greets the front end."""
    folder = tmp_dir / "jupyter-path" / "labextensions" / "code2video-nb"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text(json.dumps({"name": "code2video-nb"}))
    return {"JUPYTER_PATH": str(folder.parent.parent)}


def disabled_labextension(tmp_dir) -> dict:
    """The environment of a kernel whose Jupyter has the front-end extension disabled in JupyterLab's
    page config (as `jupyter labextension disable code2video-nb` does): whether or not this
    environment has it installed, the kernel must then not greet."""
    config = tmp_dir / "jupyter-config"
    (config / "labconfig").mkdir(parents=True, exist_ok=True)
    (config / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": {"code2video-nb": True}}))
    return {"JUPYTER_CONFIG_DIR": str(config)}


@contextlib.contextmanager
def running_kernel(tmp_dir, *, cwd=None, env: dict | None = None, timeout: float = TIMEOUT,
                   labextension: bool = True):
    """Yield a ScriptedFrontend over a fresh kernel; shut it down afterwards. `labextension`:
    whether the kernel's Jupyter has the front-end extension installed (JupyterLab then gets a hello),
    or has it disabled (installed in this environment or not)."""
    spec_dir = tmp_dir / "kernels" / "c2v-test"
    spec_dir.mkdir(parents=True, exist_ok=True)
    (spec_dir / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "c2v test", "language": "python"}))
    km = KernelManager(kernel_name="c2v-test", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec_dir.parent)]))
    base = {k: v for k, v in os.environ.items() if k != "VSCODE_PID"}  # the test may run inside VS Code
    base.pop("JUPYTER_PATH", None)
    base.update(installed_labextension(tmp_dir) if labextension else disabled_labextension(tmp_dir))
    km.start_kernel(env={**base, **(env or {})}, cwd=str(cwd or tmp_dir))
    kc = km.blocking_client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=30)
        yield ScriptedFrontend(kc, km, timeout=timeout)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
