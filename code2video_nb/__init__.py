"""code2video_nb: topic -> plan -> Manim code -> scope-guided auto-fix -> lecture video.

The public API (`__all__`; each name is imported on first use, so `import code2video_nb`, which
`%load_ext code2video_nb` does, stays cheap and changes nothing in the caller's process):

    Settings                  the configuration (`Settings.from_env(model=…, workers=…)`)
    ModelClient, OpenAIBackend  the chat model client (usage per stage, reply cache, cassettes)
    generate(topic, *, out, settings, client, sections=4, …) -> LectureResult   one lecture, end to end
    Engine                    the same flow step by step (plan, write_and_build, render_all, export)
    Workspace                 a lecture's folder: lecture.json, sections/, previews/
    render_file(path, options | **keywords) -> RenderOutcome   one section file rendered out of
                              process, sandboxed, with a time limit (`RenderOptions`: its fields)
    RenderOptions, RenderOutcome  what a render is asked and what it reports
    critique_file(path, *, settings=None, …) -> Critique   the layout critic's findings for a file
    BatchPlan, load_topics, run_batch, write_report   many topics through any executor
    evaluation                the MMMC evaluation (aes, quiz, efficiency, significance; its own docstring)
"""

from __future__ import annotations

import importlib
from typing import Any

from .version import __version__

_HOMES = {  # public name -> the module that defines it
    "Settings": "config", "ModelClient": "model_client", "OpenAIBackend": "model_client",
    "generate": "engine", "Engine": "engine", "Workspace": "workspace",
    "render_file": "render.renderer", "RenderOptions": "render.renderer", "RenderOutcome": "render.renderer",
    "critique_file": "critic.critique",
    "BatchPlan": "batch", "load_topics": "batch", "run_batch": "batch", "write_report": "batch",
}
__all__ = [*_HOMES, "evaluation", "__version__"]


def __getattr__(name: str) -> Any:
    """The public names, imported when first asked for (PEP 562)."""
    if name == "evaluation":
        return importlib.import_module(f"{__name__}.evaluation")
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOMES[name]}"), name)
    globals()[name] = value  # asked once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
