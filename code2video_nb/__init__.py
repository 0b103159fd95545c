"""code2video_nb: topic -> plan -> Manim code -> scope-guided auto-fix -> lecture video."""

__version__ = "0.1.0"

from . import ast_guard  # noqa: E402 - before any engine thread parses code

ast_guard.install()


def _jupyter_labextension_paths():
    """Where JupyterLab finds the front-end extension (built from labextension/ into the package)."""
    return [{"src": "labextension", "dest": "code2video-nb"}]


def load_ipython_extension(ipython):
    """`%load_ext code2video_nb`: register the magics and greet the JupyterLab extension.

    Imported lazily so the engine and the CLI never import IPython.
    """
    from .notebook.extension import load

    load(ipython)


def unload_ipython_extension(ipython):
    from .notebook.extension import unload

    unload(ipython)
