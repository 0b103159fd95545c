"""Grounds LaTeX errors: the first TeX error in the log (with where TeX stopped) and the
offending TeX string, from the .tex beside the log or the failing line's *Tex(...) call."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from ..language import latex_draws
from . import source

_LOG_PATH = re.compile(r"log file: (.+?\.log)")
# manim wraps each TeX string in dvisvgm markers; they are noise to the model
_MARKER = re.compile(r"\\special ?\{dvisvgm:raw [^}]*\}|\.\.\.[^\\]*?'>\}")
_TEX_PART = re.compile(r"\\special\{dvisvgm:raw <g id='[^']*'>\}(.*?)\\special\{dvisvgm:raw </g>\}",
                       re.S)


def extract_latex_error(log_text: str) -> str | None:
    """The first TeX error in a log, with where TeX stopped: '! Undefined ... l.8 ...'."""
    lines = log_text.splitlines()
    start = next((i for i, text in enumerate(lines) if text.startswith("!")), None)
    if start is None:
        return None
    message, stopped, where = lines[start].strip(), "", ""
    for text in lines[start + 1: start + 20]:
        if m := re.match(r"l\.(\d+) ?(.*)", text):
            where = f" l.{m[1]} {_MARKER.sub('', m[2]).strip()}".rstrip()
            break
        # <argument> shows the TeX expanded so far; it ends at the failing token
        if m := re.match(r"<(?:argument|recently read|\*)> (.*)", text):
            stopped = stopped or _MARKER.sub("", m[1]).strip()
    return message + where + (f" (TeX stopped after: {stopped})" if stopped else "")


def latex_facts(error: str, code: str, line: int | None, latex_log: str | None) -> list[str]:
    log_path = Path(m[1].strip()) if (m := _LOG_PATH.search(error)) else None
    if latex_log is None:
        latex_log = _read(log_path)
    # the .tex beside the log holds the exact strings, each between dvisvgm markers
    tex = " ".join(p.strip() for p in _TEX_PART.findall(_read(log_path and log_path.with_suffix(".tex"))))
    facts = []
    if latex_log and (found := extract_latex_error(latex_log)):
        facts.append(f"LaTeX error: {found}")
    if offending := tex or _tex_on_line(code, line):
        facts.append(f"offending TeX string: {offending}")
        if words := _undrawable(offending):
            facts.append(words)
    return facts


def _undrawable(tex: str) -> str | None:
    """Why LaTeX fails on words in another script: it cannot draw them, in `\\text{}` or not."""
    letters = "".join(dict.fromkeys(c for c in tex if not latex_draws(c)))
    if not letters:
        return None
    return (f"LaTeX here cannot draw {letters[:12]!r} (not even in \\text{{}}): keep only the mathematics in "
            "MathTex and put the words in a Text beside it, e.g. "
            "VGroup(MathTex(r\"A v = \\lambda v\"), Text(\"...\")).arrange(RIGHT)")


def _read(path: Path | None) -> str:
    return path.read_text(errors="replace") if path and path.is_file() else ""


def _tex_on_line(code: str, line: int | None) -> str | None:
    """The string arguments of a *Tex(...) call on the failing line, as written."""
    for call in source.calls(code, line):
        strings = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
        if source.call_name(call).endswith("Tex") and strings:
            return " ".join(strings)
    return None
