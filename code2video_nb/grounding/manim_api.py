"""What the installed manim declares: the lazy import, names resolved to objects, signatures
as a user would write them, the **kwargs chain along the MRO, colour constants, docstring first lines.

Shared by every family of facts, and by static_fix.py.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import re
from typing import Any

_VAR = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def manim():
    import manim  # imported late: it is slow and only needed once an error arrives

    return manim


def resolve(qualname: str) -> tuple[object, str] | None:
    """'Circle' -> Circle, 'Mobject.__init__' -> Mobject, 'VMobject.set_fill' -> the method."""
    from .. import teaching_scene  # generated code may import its TeachingScene from here

    parts = qualname.removesuffix(".__init__").split(".")
    for obj in (manim(), teaching_scene):
        for part in parts:
            obj = None if part.startswith("<") else getattr(obj, part, None)
        if callable(obj):
            return obj, ".".join(parts)
    return None


def kwargs_chain(obj) -> list[tuple[str, list[str]]]:
    """(class, parameters) along the MRO for as long as each passes **kwargs up."""
    if inspect.isclass(obj):
        cls, method = obj, "__init__"
    else:
        owner = resolve(obj.__qualname__.rsplit(".", 1)[0]) if "." in obj.__qualname__ else None
        if not owner or not inspect.isclass(owner[0]):
            return [(obj.__name__, [p.name for p in visible(obj) or [] if p.kind not in _VAR])]
        cls, method = owner[0], obj.__name__
    chain = []
    for klass in cls.__mro__[:-1]:  # up to, not including, object
        if (func := klass.__dict__.get(method)) is not None:
            params = visible(func) or []
            chain.append((klass.__name__, [p.name for p in params if p.kind not in _VAR]))
            if not any(p.kind is p.VAR_KEYWORD for p in params):
                break
    return chain


def visible(obj) -> list[inspect.Parameter] | None:
    """Parameters a caller passes (no self, no _private), or None if unreadable."""
    with contextlib.suppress(TypeError, ValueError):
        return [p for n, p in inspect.signature(obj).parameters.items()
                if n != "self" and not n.startswith("_")]
    return None


def signature(obj, label: str) -> str | None:
    """'Circle(radius=None, color=RED, **kwargs)': no annotations, readable defaults."""
    if (params := visible(obj)) is None:
        return None
    return label + str(inspect.Signature([p.replace(
        annotation=p.empty, default=p.empty if p.default is p.empty else _Shown(_show(p.default)))
        for p in params]))


class _Shown(str):
    """A default value whose repr is how a user would write it (RED, UP, smooth)."""

    __repr__ = str.__str__


def _show(value) -> str:
    lib = manim()
    if isinstance(value, lib.ManimColor):
        return _color_names().get(value.to_hex(), repr(value.to_hex()))
    if getattr(value, "shape", None) == (3,):
        for name in ("ORIGIN", "UP", "DOWN", "LEFT", "RIGHT", "IN", "OUT", "UL", "UR", "DL", "DR"):
            if (getattr(lib, name) == value).all():
                return name
    if callable(value) and hasattr(value, "__name__"):
        return value.__name__
    text = repr(value.tolist() if hasattr(value, "tolist") else value)
    return text if len(text) <= 30 else text[:27] + "..."


@functools.cache
def _color_names() -> dict[str, str]:
    """'#FC6255' -> 'RED' (the shortest of RED, RED_C)."""
    lib, names = manim(), {}
    for name in sorted(dir(lib), key=len, reverse=True):
        if name.isupper() and isinstance(value := getattr(lib, name), lib.ManimColor):
            names[value.to_hex()] = name
    return names


@functools.cache
def colours() -> dict[str, Any]:
    """manim's colour constants, name -> ManimColor (RED, BLUE_E, DARK_BLUE...)."""
    lib = manim()
    return {n: v for n in dir(lib) if n.isupper() and isinstance(v := getattr(lib, n), lib.ManimColor)}


def returns(func) -> str | None:
    with contextlib.suppress(TypeError, ValueError):
        return str(inspect.signature(func).return_annotation)
    return None


def first_line(obj) -> str:
    doc = inspect.getdoc(obj) if callable(obj) or isinstance(obj, property) else None
    return plain(doc.strip().splitlines()[0].rstrip(".")) if doc and doc.strip() else ""


def plain(rst: str) -> str:
    """Docstring markup as text: `Pango <https://...>`_ -> Pango, :class:`~.Brace` -> Brace."""
    rst = re.sub(r"`([^`<]*?)\s*<[^>]*>`_", r"\1", rst)
    return re.sub(r":\w+:`~?\.?([^`]*)`", r"\1", rst).replace("``", "").replace("`", "")
