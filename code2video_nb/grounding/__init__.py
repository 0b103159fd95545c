"""Facts read from the installed manim, to ground a fix prompt.

A model fixing `Circle(colour=RED)` guesses less when the prompt states the
real signature and the nearest real names. Every fact here is read from the
installed manim (or the LaTeX log); an error we cannot ground gives no facts.

`facts_for_error` matches the error's text to a family and asks that family's module:

    latex.py      LaTeX errors: the TeX log's first error and the offending TeX string
    calls.py      unexpected keywords and signatures (with the **kwargs chain), where positional
                  arguments land, errors deep inside manim (the call as declared), a method used as a value
    names.py      unknown names: misspelt colours, names and methods from older manim, missing attributes
    points.py     points of the wrong shape (2-D where manim wants 3-D)
    play.py       Scene.play given a method or a mobject; Transform targets that are not mobjects
    grid.py       anchor-grid cells outside A1-F6

and the shared pieces they use:

    manim_api.py  the lazy manim import, resolving names, signatures, the **kwargs chain, colours, docstrings
    source.py     ast helpers over the failing code: its calls, their names, the class an expression has
    spelling.py   close spellings ("did you mean ...?")
"""

from __future__ import annotations

import re
import sys

from .calls import call_facts, kwarg_facts, landing_facts, signature_and_chain, uncalled_facts
from .grid import grid_facts
from .latex import extract_latex_error, latex_facts
from .names import attr_facts, getter_facts, name_facts
from .play import play_facts, transform_facts
from .points import shape_facts
from .spelling import suggest

__all__ = ["extract_latex_error", "facts_for_error"]

_MAX_FACTS = 6
_MAX_CHARS = 240  # one fact, so a long signature cannot eat the prompt budget

_KWARG = re.compile(r"([\w.<>]+)\(\) got an unexpected keyword argument '(\w+)'")
_ARGS = re.compile(r"([\w.<>]+)\(\) (?:missing \d+ required|takes .* positional argument"
                   r"|got multiple values for argument)")
_NAME = re.compile(r"NameError: name '(\w+)' is not defined")
_ATTR = re.compile(r"'?(\w+)'? object has no attribute '(\w+)'"
                   r"|type object '(\w+)' has no attribute '(\w+)'")
_MODULE_ATTR = re.compile(r"module '([\w.]+)' has no attribute '(\w+)'")
_IMPORT = re.compile(r"cannot import name '(\w+)' from '([\w.]+)'")
_LATEX = re.compile(r"error converting to (?:dvi|xdv|pdf)")
_SHAPES = re.compile(r"operands could not be broadcast together with shapes (.+?)\s*$"
                     r"|could not broadcast input array from shape (\S+) into shape (\S+)", re.M)
_PLAY_METHOD = re.compile(r"Passing Mobject methods to Scene\.play")
_PLAY_OTHER = re.compile(r"Unexpected argument (\w+) passed to Scene\.play")
# Mobject.__getattr__ answers get_x()/set_x() for any x, so an old method name fails late
_GETTER = re.compile(r"__getattr__\.<locals>\.(?:getter|setter)\(\)")
_GRID_CELL = re.compile(r"invalid grid cell '(\w+)'|KeyError: '([A-Za-z]\d+)'")
_METHOD_VALUE = re.compile(r"'method'")  # tracker.get_value used as a number: "... 'method' and 'float'"
_DEEP = re.compile(r"^(?:TypeError|ValueError|IndexError)\b")
_NOT_MOBJECT = re.compile(r"'(str|list|tuple|dict|int|float|NoneType|numpy\.ndarray)' object has no attribute")


def facts_for_error(error: str, code: str, line: int | None = None, *,
                    latex_log: str | None = None) -> list[str]:
    """Short facts about `error` (a traceback's tail) in `code`, or [] if none are known."""
    if _LATEX.search(error):
        facts = latex_facts(error, code, line, latex_log)
    elif m := _KWARG.search(error):
        facts = kwarg_facts(m[1], m[2], code, line)
    elif _GETTER.search(error):
        facts = getter_facts(code, line)
    elif m := _ARGS.search(error):
        facts = [sig] if (sig := signature_and_chain(m[1], code)[0]) else []
        facts += landing_facts(code, line, always=True)
    elif m := _SHAPES.search(error):
        facts = shape_facts(m, code, line)
    elif _PLAY_METHOD.search(error) or _PLAY_OTHER.search(error):
        facts = play_facts(code, line)
    elif m := _NAME.search(error):
        facts = name_facts(m[1], code)
    elif (m := _NOT_MOBJECT.search(error)) and (found := transform_facts(m[1], code, line)):
        facts = found
    elif m := _MODULE_ATTR.search(error) or _IMPORT.search(error):
        name, module = (m[2], m[1]) if m.re is _MODULE_ATTR else (m[1], m[2])
        mod = sys.modules.get(module)
        facts = suggest(name, dir(mod), f"{module} has no '{name}'") if mod else []
    elif m := _ATTR.search(error):
        cls_name, attr = (m[1], m[2]) if m[1] else (m[3], m[4])
        facts = attr_facts(cls_name, attr, code, line)
    else:
        facts = []
    if not facts:  # Text('hi', RED), Circle(BLUE): the error is numpy's, far from the call
        facts = landing_facts(code, line, always=False)
    if not facts and _METHOD_VALUE.search(error):
        facts = uncalled_facts(code, line)
    if not facts and (m := _GRID_CELL.search(error)):
        facts = grid_facts(m[1] or m[2], code, line)
    if not facts and _DEEP.search(error):  # raised deep in manim or numpy: the call as manim declares it
        facts = call_facts(code, line)
    return [f if len(f) <= _MAX_CHARS else f[: _MAX_CHARS - 3] + "..." for f in facts][:_MAX_FACTS]
