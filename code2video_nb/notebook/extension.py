"""Loading the extension: magics plus the front-end handshake (it must happen here, in its own
cell: a running cell cannot receive the front end's answer)."""

from __future__ import annotations

from .bridge import FrontendBridge
from .magics import Code2Video
from .session import NotebookSession

_loaded: dict = {}


def load(ipython) -> None:
    if "magics" in _loaded:  # %load_ext twice (or %reload_ext): greet again, keep one set of magics
        _loaded["magics"].session.bridge.handshake()
        return
    bridge = FrontendBridge(ipython)
    magics = Code2Video(ipython, lambda configure: NotebookSession(ipython, bridge, configure))
    ipython.register_magics(magics)
    bridge.handshake()
    _loaded["magics"] = magics


def unload(ipython) -> None:
    _loaded.clear()
