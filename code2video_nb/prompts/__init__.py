"""Prompt templates: one text file per request, `$name` placeholders (string.Template).

`$` keeps JSON examples with braces readable in the files; a missing value raises,
so a template and its caller can never drift apart silently.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from string import Template


@cache
def _template(name: str) -> Template:
    return Template(resources.files(__name__).joinpath(f"{name}.txt").read_text(encoding="utf-8"))


def render(name: str, **values) -> str:
    return _template(name).substitute({k: str(v) for k, v in values.items()})


def messages(name: str, **values) -> list[dict]:
    """A chat request: the shared system prompt, then the rendered template."""
    return [
        {"role": "system", "content": render("system").strip()},
        {"role": "user", "content": render(name, **values).strip()},
    ]
