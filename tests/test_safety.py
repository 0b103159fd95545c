from __future__ import annotations

from pathlib import Path

import pytest

from code2video_nb.sandbox.safety import Finding, check_code

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
                                  "__import__('os')", "breakpoint()", "getattr(Text, 'x')", "vars(Text)",
                                  "globals()", "locals()", "setattr(Text, 'x', 1)"])
def test_builtins_that_reach_around_name_lookup(call):
    findings = check_code(f"x = 1\n{call}\n")
    assert [(f.line, f.rule) for f in findings] == [(2, "builtin")]
    assert findings[0].message.startswith("uses ")


def test_rebinding_builtins_and_imported_names():
    assert rules("run = exec\n") == [(1, "builtin")]
    assert rules("exec = exec\n") == [(1, "rebind"), (1, "builtin")]
    assert rules("open = open\n") == [(1, "rebind")]
    assert rules("def compile(x):\n    return x\n") == [(1, "rebind")]
    assert rules("import numpy as np\nnp = 3\n") == [(2, "rebind")]
    assert rules("from math import pi\nfor pi in range(3):\n    pass\n") == [(2, "rebind")]
    assert rules("def f(self, type=None):\n    return 1\n") == [(1, "rebind")]


def test_modules_only_as_the_left_of_an_attribute():
    assert rules("import os\nx = os\n") == [(2, "module-value")]
    assert rules("import numpy as np\nprint(np)\n") == [(2, "module-value")]
    assert rules("import numpy as np\nx = np.array([1])\n") == []


@pytest.mark.parametrize("call,flagged", [
    ("open('out.txt', 'w')", True), ("open('out.txt', mode='a')", True),
    ("open('out.txt', 'x')", True), ("open('out.txt', 'r+')", True),
    ("open('out.txt', mode)", True), ("open('out.txt')", False),
    ("open('out.txt', 'rb')", False),
    ("Path('o').open('w')", True), ("Path('o').open()", False),
    ("Image.open('wave.png')", False),
])
def test_open_modes(call, flagged):
    assert rules(f"from pathlib import Path\n{call}\n") == ([(2, "file-write")] if flagged else [])


@pytest.mark.parametrize("method", ["write_text('x')", "write_bytes(b'x')", "unlink()",
                                    "rmdir()", "rename('b')", "touch()"])
def test_path_writes(method):
    assert rules(f"from pathlib import Path\np = Path('a')\np.{method}\n") == [(3, "attribute")]


@pytest.mark.parametrize("code", ["np.save('a', x)", "x.tofile('a')", "img.save('a.png')",
                                  "surface.write_to_png('a.png')", "capture(['ls'])", "open_file('a')",
                                  "utils.commands.run(['ls'])", "np.lib.format.open_memmap('a')"])
def test_manim_and_numpy_writers_and_runners(code):
    findings = check_code(f"from manim import *\n{code}\n")
    assert findings and {f.line for f in findings} == {2}


def test_mkdir_is_allowed_but_only_os_path_helpers():
    assert rules("import os\nfrom pathlib import Path\nPath('d').mkdir()\n"
                 "p = os.path.join(os.path.dirname(__file__), 'assets')\n") == []
    assert rules("import os\nos.makedirs('e')\n") == [(2, "os")]
    assert rules("import os\nos.path.os.system('ls')\n") == [(2, "attribute"), (2, "os")]


@pytest.mark.parametrize("code", [
    "x = ().__class__.__bases__[0].__subclasses__()",
    "g = f.__globals__",
    "c = f.__code__",
    "b = __builtins__",
    "s = '{0.__init__.__globals__}'.format(f)",
    "d = Text.__dict__",
])
def test_dunder_escapes(code):
    found = rules(f"from manim import *\n{code}\n")
    assert found and {rule for _, rule in found} <= {"dunder", "builtin"} and {line for line, _ in found} == {2}


def test_private_attributes_only_of_the_files_own_objects():
    assert rules("class A:\n    def f(self):\n        return self._x + super()._y\n") == []
    assert rules("from manim import *\nx = Text._font_list\n") == [(2, "private")]


def test_aliases():
    assert rules("import subprocess as sp\nsp.run(['ls'])\n") == [(1, "import")]
    assert rules("import os as o\n\no.system('ls')\n") == [(3, "os")]
    assert rules("from os import system\nsystem('ls')\n") == [(1, "import")]
    assert rules("from os import remove as rm\n\nrm('f')\n") == [(1, "import")]
    assert rules("from os import *\n") == [(1, "import")]
    assert rules("from os import path\np = path.join('a', 'b')\n") == []


def test_allowing_a_module_explicitly():
    assert rules("import scipy.special\n") == [(1, "import")]
    assert check_code("import scipy.special\nx = scipy.special.comb(5, 2)\n", allow=("scipy",)) == []
    assert "--allow-import scipy" in check_code("import scipy\n")[0].message


def test_findings_are_ordered_with_columns():
    findings = check_code("import os\nx = 1; os.remove('a'); eval('2')\n")
    assert [(f.line, f.col) for f in findings] == [(2, 7), (2, 23)]
    assert isinstance(findings[0], Finding)
