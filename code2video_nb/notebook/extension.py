"""Loading the extension: magics plus the front-end handshake (it must happen here, in its own
cell: a running cell cannot receive the front end's answer), and one line saying so."""

from __future__ import annotations

from ..version import __version__
from .bridge import FrontendBridge, status_display
from .magics import Code2Video
from .session import NotebookSession

_loaded: dict = {}


def load(ipython) -> None:
    if "magics" in _loaded:  # %load_ext twice (or %reload_ext): greet again, keep one set of magics
        _greet(_loaded["magics"].session.bridge)
        return
    bridge = FrontendBridge(ipython)
    magics = Code2Video(ipython, lambda configure: NotebookSession(ipython, bridge, configure))
    ipython.register_magics(magics)
    _loaded["magics"] = magics
    _greet(bridge)


def _greet(bridge: FrontendBridge) -> None:
    """Handshake, and one line that names the front-end path; the front end's answer arrives after
    this cell ends and updates the line in place."""
    def message() -> str:
        return (f"code2video_nb {__version__} loaded: `%%code2video` plans a lecture from a topic, "
                f"`%c2v help` lists the commands. Front end: {bridge.describe()}.")

    shown: list = []  # the status line's display handle, once shown
    bridge.handshake(on_change=lambda: shown[0].update(message()))  # answers come after this cell
    shown.append(status_display(message()))


def unload(ipython) -> None:
    _loaded.clear()
