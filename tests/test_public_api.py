"""The package's face: importing it (or loading it into IPython) changes nothing in the caller's
process, and its public API (`__all__`) is complete, importable and documented."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import code2video_nb

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(code2video_nb.__file__).parent


def test_importing_the_package_and_loading_the_extension_leave_ast_parse_and_manim_alone():
    probe = ("import ast, sys; parse = ast.parse\n"
             "import code2video_nb\n"
             "from IPython.core.interactiveshell import InteractiveShell\n"
             "InteractiveShell.instance().run_line_magic('load_ext', 'code2video_nb')\n"
             "print(ast.parse is parse, 'manim' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-2:] == ["True", "False"], done.stdout


def test_every_parse_of_ours_goes_through_the_lock():
    """`parse.parse` serialises parsing (CPython < 3.13 fails parses in parallel threads); a direct
    `ast.parse` in the package would escape it."""
    direct = [f"{p.relative_to(PACKAGE)}:{n}" for p in PACKAGE.rglob("*.py") if p.name != "parse.py"
              for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
              if re.search(r"\bast\.parse\(", line.split("#")[0])]
    assert direct == []


def test_the_public_api_is_importable_and_each_name_documented():
    documented = (code2video_nb.__doc__ or "") + (ROOT / "README.md").read_text(encoding="utf-8")
    names = [n for n in code2video_nb.__all__ if n != "__version__"]
    assert len(names) == len(set(names)) and "generate" in names and "render_file" in names
    for name in names:
        exec(f"from code2video_nb import {name}", {})  # as a user writes it
        assert getattr(code2video_nb, name) is not None
        assert re.search(rf"\b{re.escape(name)}\b", documented), f"{name} is in __all__ but documented nowhere"
    assert set(dir(code2video_nb)) >= set(code2video_nb.__all__)
