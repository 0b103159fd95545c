"""The package's layers, read from its source: no import cycle, and no import from a lower layer
to a higher one (docs/architecture.md draws them).

The unit is the module: each `.py` file of `code2video_nb`, a package being its `__init__.py`. Every
`import` / `from … import` of ours counts wherever it stands — at module level, inside a function
(a lazy import), under `if TYPE_CHECKING:` — because a lazy import that dodges a cycle is still the
cycle. `from P import n` is an import of the module `P.n` when that is a module, else of `P`. The
parent packages Python imports on the way to a module are not counted as its imports; instead the
packages the render child passes through must import nothing at all (it would load them too).
"""

from __future__ import annotations

import ast
import pickle
import re
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import code2video_nb
from code2video_nb.parse import parse

PACKAGE = Path(code2video_nb.__file__).parent
ROOT = "code2video_nb"

# Lowest first. A module's layer is that of the longest prefix naming it; a module may import its
# own layer and those below, never one above.
LAYERS = {
    # data, files, parsing and the teaching scene (generated code imports it): no model asked, nothing rendered
    "core": ["config", "errors", "parse", "files", "plan", "section_state", "lecture_state", "findings", "progress_events",
             "scopes", "code_prefix", "replies", "prompts", "sources", "icons", "picture_folder", "assets", "cassette",
             "video", "workspace", "usage_record", "suggestions", "teaching_scene", "data", "version", "language", "fonts", "line_wrap",
             "quiz_questions", "lecture_quiz"],
    # the security boundary: the static check (parent) and the confinement the child applies
    "sandbox": ["sandbox"],
    # everything that runs inside the sandboxed render process
    "render.child": ["render.child"],
    # the parent's side of a render: the forkserver, the job, the result read as untrusted data
    "render": ["render"],
    # reads code and render records, asks no model: the critic's rules, grounding, imports of files
    "analysis": ["critic", "grounding", "scene_import", "picture_paths"],
    # a lecture made with the model: plan, code, fix, build, narrate, critic rounds, evaluate, batches
    "engine": ["model_client", "voices", "coder", "planner", "source_plan", "autofix", "static_fix", "narration",
               "section_build", "stream_draw", "early_fix", "plan_stream", "pipeline", "critic_loop", "engine", "evaluation", "batch",
               "quiz_card"],
    # the faces: the CLI, the notebook, the public API, the test server
    "faces": ["cli", "launch", "notebook", "batch.cli", "scripted_server", ""],
}
RANK = {layer: rank for rank, layer in enumerate(LAYERS)}
# The packages the render child imports on its way to its modules (and the root, checked apart).
CHILD_PATH = ["render", "render.child", "sandbox"]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}
TREES = {module: parse(path.read_text(encoding="utf-8"), str(path)) for module, path in MODULES.items()}


def layer_of(module: str) -> str | None:
    """The layer of the longest prefix naming the module (`""` names the root package alone)."""
    named = [prefix for prefixes in LAYERS.values() for prefix in prefixes
             if module == prefix or (prefix and module.startswith(prefix + "."))]
    if not named:
        return None
    best = max(named, key=len)
    return next(layer for layer, prefixes in LAYERS.items() if best in prefixes)


def _ours(dotted: str) -> str | None:
    """`code2video_nb.x.y` → `x.y` (the root → ``); None for another package's module."""
    if dotted == ROOT or dotted.startswith(ROOT + "."):
        return dotted.removeprefix(ROOT).lstrip(".")
    return None


def _imported(module: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The modules of ours one import statement names (relative to the package root)."""
    if isinstance(node, ast.Import):
        return [m for a in node.names if (m := _ours(a.name)) is not None]
    if node.level:
        package = ".".join([ROOT, *filter(None, module.split("."))])
        if MODULES[module].name != "__init__.py":
            package = package.rsplit(".", 1)[0]
        base = package.split(".")[: len(package.split(".")) - node.level + 1]
        target = _ours(".".join([*base, node.module] if node.module else base))
    else:
        target = _ours(node.module or "")
    if target is None:
        return []
    subs = [f"{target}.{a.name}".lstrip(".") for a in node.names]
    named = [s for s in subs if s in MODULES]
    return named + ([target] if len(named) < len(subs) else [])


def imports_of(module: str) -> set[str]:
    return {t for node in ast.walk(TREES[module]) if isinstance(node, ast.Import | ast.ImportFrom)
            for t in _imported(module, node) if t != module}


GRAPH = {module: imports_of(module) for module in MODULES}


def cycle_in(graph: dict[str, set[str]]) -> list[str]:
    """One import cycle of the graph (its modules, the first repeated at the end), or []."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as exc:
        return list(exc.args[1])
    return []


def top_unit(module: str) -> str:
    """A module's top-level unit: `critic.layout` → `critic`, `engine` → `engine`, the root → ``."""
    return module.split(".")[0]


def test_the_graph_is_read_from_the_source():
    """The reader sees the imports we know of, lazy ones included (so the checks below can fail)."""
    assert "render.child.render_job" in GRAPH["render.renderer"]  # module level, relative
    assert "render.child.render_worker" in GRAPH["render.renderer"]  # inside a function
    assert "sandbox.confine" in GRAPH["render.child.render_worker"]  # `from ...sandbox.confine import`
    assert "sandbox.audit_hook" in GRAPH["render.child.render_worker"]  # `from ...sandbox import audit_hook`
    assert "notebook.extension" in GRAPH[""]  # the root's lazy `load_ipython_extension`
    assert len(MODULES) > 100


def test_every_module_has_a_layer():
    """A new module is placed on purpose: add it to LAYERS (docs/architecture.md says which layer)."""
    assert sorted(m for m in MODULES if layer_of(m) is None) == []


def test_no_import_cycle_between_modules_or_between_top_level_units():
    assert cycle_in(GRAPH) == []
    units: dict[str, set[str]] = {}
    for module, targets in GRAPH.items():
        unit = top_unit(module)
        units.setdefault(unit, set()).update(top_unit(t) for t in targets if top_unit(t) != unit)
    assert cycle_in(units) == []


def test_no_module_imports_a_layer_above_its_own():
    rank = {m: RANK.get(layer_of(m) or "", -1) for m in MODULES}  # an unplaced module: the test above
    upward = sorted(f"{m} ({layer_of(m)}) imports {t} ({layer_of(t)})"
                    for m, targets in GRAPH.items() for t in targets if rank[t] > rank[m] >= 0)
    assert upward == []


def test_the_packages_the_render_child_passes_through_import_nothing():
    """Importing `render.child.render_worker` runs `render/__init__.py` first: were the parent's
    side imported there, the sandboxed child would load it too. The root imports its public API
    lazily; at module level, only the core."""
    assert {package: GRAPH[package] for package in CHILD_PATH} == {package: set() for package in CHILD_PATH}
    eager = {m for n in TREES[""].body if isinstance(n, ast.Import | ast.ImportFrom) for m in _imported("", n)}
    assert eager and {layer_of(m) for m in eager} == {"core"}


def test_the_modules_named_in_strings_exist():
    """Modules other processes import by name: the render server's preload (a wrong name is
    ignored by multiprocessing, and renders are then cold: tests/test_mp_internals.py checks they
    are warm), the static check's allowed `code2video_nb.teaching_scene`, the bundled data."""
    named = {node.value.removeprefix(ROOT + ".") for tree in TREES.values() for node in ast.walk(tree)
             if isinstance(node, ast.Constant) and isinstance(node.value, str)
             and re.fullmatch(rf"{ROOT}(\.\w+)+", node.value)}
    assert {"render.child.render_worker", "teaching_scene"} <= named
    assert sorted(named - set(MODULES)) == []


def test_a_batch_job_travels_to_its_worker_by_its_defining_module():
    """Workers (spawned processes, Dask, Ray) unpickle the job function by module and name:
    `code2video_nb.batch.jobs.run_lecture`, as the batch package documents."""
    from code2video_nb.batch import run_lecture

    data = pickle.dumps(run_lecture)
    assert b"code2video_nb.batch.jobs" in data and b"run_lecture" in data
    assert pickle.loads(data) is run_lecture
