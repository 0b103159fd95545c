"""What a section cell shows: preview video, keyframes, status, code diff, errors.

Pure functions returning `View`s.  A View is a plain object with `_repr_html_` and
`__repr__`, the oldest display protocol IPython has, so it works the same on
IPython 7.34 (Colab) and 8, and outputs captured by nbclient stay readable as text.
Media are embedded as data URIs: Colab cannot serve files from the kernel's disk,
and an embedded preview can never be a stale file the browser cached.
"""

from __future__ import annotations

import base64
import difflib
import html
import io
from pathlib import Path

_MIME = {".mp4": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime", ".png": "image/png"}


class View:
    """Something displayable: HTML for front ends, text for logs and text-only readers."""

    def __init__(self, html_: str, text: str):
        self.html, self.text = html_, text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def _esc(s) -> str:
    return html.escape(str(s), quote=True)


def _size(n: int) -> str:
    # Decimal units, matching how the embed cap (8_000_000) is written.
    if n < 1000:
        return f"{n} B"
    return f"{n / 1e3:.1f} kB" if n < 1_000_000 else f"{n / 1e6:.1f} MB"


def _href(path: Path) -> str:
    """A link the notebook server can resolve: relative to the working directory (the
    notebook's folder) when the file is inside it; otherwise the absolute path."""
    try:
        rel = path.resolve().relative_to(Path.cwd().resolve())
        return rel.as_posix()
    except ValueError:
        return path.resolve().as_posix()


def video_view(path, *, embed: bool | None = None, max_embed_bytes: int = 8_000_000,
               poster: Path | None = None) -> View:
    """The preview video.  `embed=None` embeds when the file is at most `max_embed_bytes`
    (Colab drops outputs of about 10 MB); True always embeds; False always links.
    `poster` (an image, e.g. the last keyframe) replaces the black first frame before playing."""
    path = Path(path)
    if not path.is_file():
        return error_view(f"Preview video not found: {path}. Render the section again.", "")
    st = path.stat()
    if embed is None:
        embed = st.st_size <= max_embed_bytes
    if embed:
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        mime = _MIME.get(path.suffix.lower(), "video/mp4")
        poster_attr = ""
        if poster is not None and Path(poster).is_file():
            image_mime, image = _thumbnail(Path(poster), 854)
            poster_attr = f' poster="data:{image_mime};base64,{image}"'
        return View(
            f'<video controls loop style="max-width: 100%"{poster_attr} src="data:{mime};base64,{data}"></video>',
            f"video: {path} ({_size(st.st_size)}, embedded)",
        )
    # A linked file keeps its name across re-renders: the query makes the browser refetch.
    href = f"{_href(path)}?v={st.st_mtime_ns:x}-{st.st_size:x}"
    note = (f"{_size(st.st_size)} — too large to embed (limit {_size(max_embed_bytes)})"
            if st.st_size > max_embed_bytes else _size(st.st_size))
    return View(
        f'<div><a href="{_esc(href)}" target="_blank">{_esc(path.name)}</a> '
        f'<span style="opacity: 0.7">({_esc(note)}; on Colab, download it from the Files pane: '
        f'{_esc(path)})</span></div>',
        f"video: {path} ({note}, not embedded)",
    )


def _thumbnail(path: Path, width: int) -> tuple[str, str]:
    """(mime, base64) of a small version of the image, so a strip stays a few kB per frame."""
    try:
        from PIL import Image

        with Image.open(path) as im:
            im.thumbnail((width, width * 4))
            buf = io.BytesIO()
            im.save(buf, format="PNG", optimize=True)
            data = buf.getvalue()
    except (ImportError, OSError):
        data = path.read_bytes()  # the browser scales it via the width attribute instead
    return _MIME.get(path.suffix.lower(), "image/png"), base64.b64encode(data).decode("ascii")


def keyframe_strip(paths, *, width: int = 160) -> View:
    """A row of small thumbnails, one per lecture-line block, labelled by block number."""
    cells, names = [], []
    for i, p in enumerate(Path(p) for p in paths):
        if not p.is_file():
            continue
        label = p.stem if p.stem.isdigit() else str(i + 1)
        mime, data = _thumbnail(p, width)
        cells.append(
            f'<figure style="margin: 0; text-align: center">'
            f'<img src="data:{mime};base64,{data}" width="{width}" alt="block {_esc(label)}" '
            f'title="end of block {_esc(label)}">'
            f'<figcaption style="font-size: 0.8em; opacity: 0.7">{_esc(label)}</figcaption></figure>'
        )
        names.append(label)
    if not cells:
        return View('<div style="opacity: 0.7">no keyframes</div>', "keyframes: none")
    return View(
        f'<div style="display: flex; flex-wrap: wrap; gap: 6px">{"".join(cells)}</div>',
        f"keyframes: blocks {', '.join(names)}",
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def status_line(seconds: float, fix_attempts: int = 0, tokens: int | None = None,
                cached: bool = False) -> View:
    """One short line about the render, e.g. "rendered in 4.2 s · 1 fix attempt · 1,450 tokens"."""
    if cached:
        text = "unchanged — cached preview"
    else:
        parts = [f"rendered in {seconds:.1f} s"]
        if fix_attempts:
            parts.append(_plural(fix_attempts, "fix attempt"))
        if tokens:
            parts.append(f"{tokens:,} tokens")
        text = " · ".join(parts)
    return View(f'<div style="font-size: 0.9em; opacity: 0.75">{_esc(text)}</div>', text)


_DIFF_STYLE = {
    "+": "background: rgba(46, 160, 67, 0.2)",
    "-": "background: rgba(248, 81, 73, 0.2)",
    "@": "color: #6f42c1",
}


def diff_view(old: str, new: str, title: str) -> View:
    """A coloured unified diff, shown when auto-fix changed the user's code."""
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(),
                                      "before", "after", lineterm="", n=2))
    if not lines:
        return View(f"<div><b>{_esc(title)}</b>: no changes</div>", f"{title}: no changes")
    body = []
    for line in lines[2:]:  # the ---/+++ header says nothing the title does not
        style = _DIFF_STYLE.get(line[:1], "")
        body.append(f'<span style="display: block; {style}">{_esc(line) or " "}</span>')
    return View(
        f'<div><b>{_esc(title)}</b><pre style="margin: 4px 0; padding: 4px; overflow-x: auto">'
        f'{"".join(body)}</pre></div>',
        f"{title}\n" + "\n".join(lines),
    )


def error_view(message: str, log: str = "") -> View:
    """One red line saying what failed and what to do; the full log behind a click."""
    summary = " ".join(str(message).split()) or "Failed."  # one line, whatever came in
    details = ""
    if log.strip():
        details = (f'<details><summary style="cursor: pointer; opacity: 0.8">full log '
                   f'({_plural(len(log.splitlines()), "line")})</summary>'
                   f'<pre style="max-height: 30em; overflow: auto">{_esc(log)}</pre></details>')
    tail = [ln for ln in log.splitlines() if ln.strip()][-1:]
    text = f"error: {summary}" + (f"\n  last log line: {tail[0].strip()}" if tail else "")
    return View(f'<div><div style="color: #d32f2f; font-weight: 600">{_esc(summary)}</div>'
                f"{details}</div>", text)


__all__ = ["View", "video_view", "keyframe_strip", "status_line", "diff_view", "error_view"]
