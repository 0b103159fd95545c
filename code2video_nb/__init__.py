"""code2video_nb: topic -> plan -> Manim code -> scope-guided auto-fix -> lecture video."""

__version__ = "0.1.0"


def load_ipython_extension(ipython):
    """`%load_ext code2video_nb`: register the magics and greet the JupyterLab extension.

    Imported lazily so the engine and the CLI never import IPython.
    """
    from .notebook.extension import load

    load(ipython)


def unload_ipython_extension(ipython):
    from .notebook.extension import unload

    unload(ipython)
