"""Grounds Scene.play given a method (c.shift, UP) or a mobject (square.shift(UP), circle) instead
of an animation, and a Transform whose target is not a mobject (Transform(c, 'x'))."""

from __future__ import annotations

import ast
import contextlib
import functools
import inspect
import warnings

from ..parse import parse
from . import manim_api, source

# --- Scene.play given a method or a mobject -----------------------------------------------------

def play_facts(code: str, line: int | None) -> list[str]:
    facts = []
    for call in source.calls(code, line):
        if isinstance(call.func, ast.Attribute) and call.func.attr == "play":
            facts += _method_to_animate(call) or _mobject_to_animation(call, code)
    return facts[:3]


def _method_to_animate(call: ast.Call) -> list[str]:
    """self.play(c.shift, UP) -> self.play(c.animate.shift(UP)): manim's error says only 'use .animate'."""
    mobject = manim_api.manim().Mobject
    for i, arg in enumerate(call.args):
        if isinstance(arg, ast.Attribute) and callable(getattr(mobject, arg.attr, None)):
            rest = ", ".join(ast.unparse(a) for a in call.args[i + 1:])
            animated = _call(f"{ast.unparse(arg.value)}.animate.{arg.attr}({rest})")
            new = ast.Call(call.func, [animated], call.keywords)
            return [f"passing the method {ast.unparse(arg)} and its arguments is the old form; write "
                    f"{ast.unparse(new)} (Mobject.animate: {manim_api.first_line(mobject.animate)})"]
    return []


def _mobject_to_animation(call: ast.Call, code: str) -> list[str]:
    mobjects = [a for a in call.args if _is_mobject(a, code)]
    if not mobjects:
        return []
    arg = mobjects[0]
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Attribute):
        # play(square.shift(UP)): the method ran at once and returned the mobject (annotated Self)
        animated = _call(f"{ast.unparse(arg.func.value)}.animate.{arg.func.attr}()")
        animated.args, animated.keywords = arg.args, arg.keywords
        new = ast.Call(call.func, [animated if a is arg else a for a in call.args], call.keywords)
        return [f"{ast.unparse(arg)} changes the mobject at once and returns it (manim annotates "
                f"{arg.func.attr} as returning Self), not an animation; write {ast.unparse(new)}"]
    m = ast.unparse(arg)
    return [f"Scene.play takes animations, not the mobject {m}: change it with {m}.animate.<method>(...), "
            f"or show it with an introducer animation: " + ", ".join(f"{name}({m})" for name in _introducers())]


def _call(text: str) -> ast.Call:
    """The call written in `text` (one we composed: `x.animate.method(…)`)."""
    node = parse(text, mode="eval").body
    assert isinstance(node, ast.Call), text
    return node


def _is_mobject(node: ast.expr, code: str) -> bool:
    cls = source.receiver_class(node, code)
    return bool(cls) and issubclass(cls, manim_api.manim().Mobject)


@functools.cache
def _introducers() -> list[str]:
    """Animations that bring a mobject onto the scene, as X(mobject).

    Asked of manim itself: each Animation class is built on a Square and answers is_introducer()
    (the flag the Scene uses to add the mobject). Reading `introducer=True` in the source missed
    Write (it inherits it) and took Unwrite (a Write with reverse=True, a remover). Building an
    animation draws nothing; all of them take 0.02 s."""
    manim, found = manim_api.manim(), []
    for name in dir(manim):
        cls = getattr(manim, name)
        if isinstance(cls, type) and issubclass(cls, manim.Animation):  # isinstance: mypy keeps cls callable
            with warnings.catch_warnings(), contextlib.suppress(Exception):
                warnings.simplefilter("ignore")
                animation = cls(manim.Square())
                if animation.is_introducer() and not animation.is_remover():
                    found.append(name)
    return sorted(found, key=len)[:6]


def _param(func, name: str) -> inspect.Parameter | None:
    return next((p for p in manim_api.visible(func) or [] if p.name == name), None)


# --- Transform to something that is not a mobject ----------------------------------------------

def transform_facts(type_name: str, code: str, line: int | None) -> list[str]:
    """Transform(c, 'x') fails only in play(), as "'str' object has no attribute 'copy'"."""
    manim = manim_api.manim()
    calls = source.calls(code, line) + [c for c in source.calls(code, None) if c not in source.calls(code, line)]
    for call in calls:
        cls = getattr(manim, source.call_name(call), None)
        if inspect.isclass(cls) and issubclass(cls, manim.Transform):
            target = call.args[1] if len(call.args) > 1 else next(
                (k.value for k in call.keywords if k.arg == "target_mobject"), None)
            param = _param(cls, "target_mobject")
            if target is None or param is None or _is_mobject(target, code):
                continue
            return [manim_api.signature(cls, cls.__name__) or cls.__name__,  # readable: `param` was read
                    f"target_mobject must be a {str(param.annotation).removesuffix(' | None')}; "
                    f"here it is a {type_name}: "
                    f"{ast.unparse(target)} (a string becomes a mobject as Text(...)/MathTex(...), "
                    f"a list as VGroup(*...))"]
    return []
