from __future__ import annotations

from pathlib import Path

import pytest

from code2video_nb.safety import Finding, check_code

DATA = Path(__file__).parent / "data"

TYPICAL = '''\
from manim import *
import numpy as np
import math, random, itertools, functools, colorsys
from typing import List
import os
from code2video_nb.teaching_scene import TeachingScene


class Section1Scene(TeachingScene):
    def construct(self):
        here = os.path.join(os.path.dirname(__file__), "assets")
        exists = os.path.exists(here) and os.listdir(here)
        colors = [colorsys.hsv_to_rgb(h / 6, 1, 1) for h in range(6)]
        pairs = list(itertools.combinations(range(4), 2))
        total = functools.reduce(lambda a, b: a + b, range(5))
        dots = VGroup(*[Dot(np.array([math.cos(t), math.sin(t), 0])) for t in range(6)])
        label = Text("socket, eval and open() explained", font_size=24)
        text = "a_b".replace("_", " ")
        self.play(Create(dots), Write(label), run_time=random.uniform(0.5, 1))
        with open(os.path.join(here, "data.txt")) as f:
            f.read()
        Path(here).mkdir(exist_ok=True)
'''


def rules(source: str) -> list[tuple[int, str]]:
    return [(f.line, f.rule) for f in check_code(source)]


def test_typical_scene_is_clean():
    assert check_code(TYPICAL) == []


def test_paper_style_section_is_clean():
    assert check_code((DATA / "paper_style_section.py").read_text()) == []


def test_syntax_error_is_not_a_finding():
    assert check_code("def broken(:\n    pass\n") == []


@pytest.mark.parametrize("module", [
    "subprocess", "socket", "multiprocessing", "ctypes", "urllib.request", "http.client",
    "requests", "shutil", "ftplib", "smtplib", "asyncio", "importlib",
])
def test_forbidden_imports(module):
    findings = check_code(f"from manim import *\nimport {module}\n")
    assert [(f.line, f.rule) for f in findings] == [(2, "import")]
    assert findings[0].message.startswith(f"imports {module} (")


def test_from_import_of_forbidden_module():
    assert rules("x = 1\nfrom subprocess import run\n") == [(2, "import")]


@pytest.mark.parametrize("call", [
    "os.system('ls')", "os.popen('ls')", "os.execv('/bin/sh', [])", "os.spawnl(0, 'x')",
    "os.fork()", "os.kill(1, 9)", "os.remove('f')", "os.unlink('f')", "os.rmdir('d')",
    "os.removedirs('d')", "os.rename('a', 'b')", "os.chmod('f', 0o777)",
])
def test_os_calls(call):
    assert rules(f"import os\n\n{call}\n") == [(3, "os")]


@pytest.mark.parametrize("call", ["eval('1')", "exec('x = 1')", "compile('1', 'f', 'eval')",
                                  "__import__('os')", "breakpoint()"])
def test_eval_family(call):
    findings = check_code(f"x = 1\n{call}\n")
    assert [(f.line, f.rule) for f in findings] == [(2, "eval")]
    assert findings[0].message.startswith("calls ")


def test_eval_passed_around_and_shadowed():
    assert rules("run = exec\n") == [(1, "eval")]
    # a user function named compile is not the builtin
    assert rules("def compile(x):\n    return x\n\ncompile(3)\n") == []
    assert rules("from re import compile\ncompile('x+')\n") == []
    assert rules("def open(path, mode):\n    return path\n\nopen('a', 'w')\n") == []


@pytest.mark.parametrize("call,flagged", [
    ("open('out.txt', 'w')", True), ("open('out.txt', mode='a')", True),
    ("open('out.txt', 'x')", True), ("open('out.txt', 'r+')", True),
    ("open('out.txt', mode)", True), ("open('out.txt')", False),
    ("open('out.txt', 'rb')", False), ("io.open('out.txt', 'wb')", True),
    ("Path('o').open('w')", True), ("Path('o').open()", False),
    ("Image.open('wave.png')", False),
])
def test_open_modes(call, flagged):
    assert rules(f"import io\n{call}\n") == ([(2, "file-write")] if flagged else [])


@pytest.mark.parametrize("method", ["write_text('x')", "write_bytes(b'x')", "unlink()",
                                    "rmdir()", "rename('b')", "touch()"])
def test_path_writes(method):
    assert rules(f"from pathlib import Path\np = Path('a')\np.{method}\n") == [(3, "file-write")]


def test_mkdir_is_allowed():
    assert rules("import os\nfrom pathlib import Path\nPath('d').mkdir()\nos.makedirs('e')\n") == []


@pytest.mark.parametrize("code", [
    "x = ().__class__.__bases__[0].__subclasses__()",
    "g = f.__globals__",
    "c = f.__code__",
    "b = __builtins__",
    "b = globals()['__builtins__']",
    "g = getattr(f, '__globals__')",
])
def test_dunder_escapes(code):
    assert rules(f"from manim import *\n{code}\n") == [(2, "dunder")]


def test_aliases():
    assert rules("import subprocess as sp\nsp.run(['ls'])\n") == [(1, "import")]
    assert rules("import os as o\n\no.system('ls')\n") == [(3, "os")]
    # the import itself and every call through the bare name
    assert rules("from os import system\nsystem('ls')\n") == [(1, "os"), (2, "os")]
    assert rules("from os import remove as rm\n\nrm('f')\n") == [(1, "os"), (3, "os")]
    assert rules("import os\nf = getattr(os, 'system')\n") == [(2, "os")]
    assert rules("from os import *\n") == [(1, "import")]


def test_findings_are_ordered_with_columns():
    findings = check_code("import os\nx = 1; os.remove('a'); eval('2')\n")
    assert [(f.line, f.col) for f in findings] == [(2, 7), (2, 23)]
    assert isinstance(findings[0], Finding)

