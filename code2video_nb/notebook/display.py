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
import functools
import html
import io
import re
from pathlib import Path

# The code editors' look (a `c2v-code` class on the panel's and the cards' text areas), one
# stylesheet shown once above each.
CODE_STYLE = "<style>.c2v-code textarea { font-family: monospace; font-size: 12px; white-space: pre; }</style>"
_MIME = {".mp4": "video/mp4", ".webm": "video/webm", ".mov": "video/quicktime", ".png": "image/png"}


class View:
    """Something displayable: HTML for front ends, text for logs and text-only readers."""

    def __init__(self, html_: str, text: str, kind: str = ""):
        self.html, self.text = html_, text
        self.kind = kind  # what it shows, for a caller that places one kind elsewhere ("keyframes")

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


def _relative(path: Path) -> str:
    """A path as a link and as the user would type it: relative to the working directory
    (the notebook's folder) when the file is inside it; otherwise the absolute path."""
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
        return View(
            f'<video controls loop style="max-width: 100%"{_poster(poster)} src="data:{mime};base64,{data}"></video>',
            f"video: {path} ({_size(st.st_size)}, embedded)",
        )
    # A linked file keeps its name across re-renders: the query makes the browser refetch.
    href = f"{_relative(path)}?v={st.st_mtime_ns:x}-{st.st_size:x}"
    if max_embed_bytes <= 0 and not Path(_relative(path)).is_absolute():
        # Played from the notebook's folder, which JupyterLab serves (it resolves a relative src to
        # the file and adds its own cache-buster): the notebook carries ~0.3 kB instead of the video.
        return View(
            f'<video controls loop style="max-width: 100%"{_poster(poster)} src="{_esc(href)}"></video>',
            f"video: {path} ({_size(st.st_size)}, played from the lecture folder, not embedded)",
        )
    note = (f"{_size(st.st_size)} — too large to embed (limit {_size(max_embed_bytes)})"
            if st.st_size > max_embed_bytes else _size(st.st_size))
    return View(
        f'<div><a href="{_esc(href)}" target="_blank">{_esc(path.name)}</a> '
        f'<span style="opacity: 0.7">({_esc(note)}; on Colab, download it from the Files pane: '
        f'{_esc(path)})</span></div>',
        f"video: {path} ({note}, not embedded)",
    )


def _poster(poster: Path | None, width: int = 854) -> str:
    """A poster attribute (an image shown before playing, instead of the black first frame), embedded."""
    if poster is None or not Path(poster).is_file():
        return ""
    image_mime, image = _thumbnail(Path(poster), width)
    return f' poster="data:{image_mime};base64,{image}"'


def _thumbnail(path: Path, width: int) -> tuple[str, str]:
    """(mime, base64) of the image at most `width` pixels wide, as a 256-colour PNG: a manim
    frame (flat colours, anti-aliased text) looks the same and takes a quarter of the bytes.
    Remembered per file version: an unchanged cell shows the same frames again and again."""
    try:
        st = path.stat()
    except OSError:
        return _encode(path, width)
    return _encoded(str(path), st.st_mtime_ns, st.st_size, width)


@functools.lru_cache(maxsize=128)
def _encoded(path: str, _mtime_ns: int, _size: int, width: int) -> tuple[str, str]:
    return _encode(Path(path), width)


def _encode(path: Path, width: int) -> tuple[str, str]:
    try:
        from PIL import Image

        with Image.open(path) as im:
            im = im.convert("RGBA" if "A" in im.getbands() else "RGB")
            im.thumbnail((width, width * 4), Image.Resampling.LANCZOS)
            buf = io.BytesIO()
            # Not optimize=True: 3% smaller, but three times slower, and the cell waits for it.
            im.quantize(256, method=Image.Quantize.FASTOCTREE).save(buf, format="PNG")
            data = buf.getvalue()
    except (ImportError, OSError, ValueError):
        data = path.read_bytes()  # the browser scales it via the width attribute instead
    return _MIME.get(path.suffix.lower(), "image/png"), base64.b64encode(data).decode("ascii")


def _keyframe(path: Path, number: str, line: str, width: int, full_width: int) -> str:
    """One frame of the grid: a thumbnail with its caption, which opens to the frame at full
    size. Pure HTML (<details>, inline styles): JupyterLab's sanitiser keeps it, and Colab
    and VS Code show it as is."""
    caption = f"{number}. {line}" if line else f"block {number}"
    mime, thumb = _thumbnail(path, width)
    _, full = _thumbnail(path, full_width)
    return (
        '<div style="display: inline-block; vertical-align: top; max-width: 100%; margin: 0 10px 10px 0">'
        '<details><summary style="display: block; cursor: pointer" title="click to enlarge">'
        f'<img class="c2v-keyframe" src="data:{mime};base64,{thumb}" width="{width}" alt="{_esc(caption)}" '
        'style="display: block; max-width: 100%; height: auto; border: 1px solid rgba(128, 128, 128, 0.4)">'
        f'<div style="width: {width}px; max-width: 100%; font-size: 0.85em; margin-top: 2px">{_esc(caption)}</div>'
        '</summary>'
        f'<img src="data:{mime};base64,{full}" alt="{_esc(caption)}, full size" '
        'style="display: block; max-width: 100%; height: auto; margin-top: 4px"></details></div>'
    )


def thumbnail_row(paths, width: int = 96) -> str:
    """Small keyframes side by side, captioned by block number (a progress row's pictures so far)."""
    cells = []
    for p in (Path(p) for p in paths):
        if p.is_file():
            mime, thumb = _thumbnail(p, width)
            cells.append(f'<img src="data:{mime};base64,{thumb}" width="{width}" alt="block {_esc(p.stem)}" '
                         f'title="block {_esc(p.stem)}" style="margin: 2px 4px 2px 0; '
                         'border: 1px solid rgba(128, 128, 128, 0.4)">')
    return f'<div class="c2v-drawn">{"".join(cells)}</div>' if cells else ""


def keyframe_strip(paths, lines=(), *, width: int = 320, full_width: int = 1280, note: str = "") -> View:
    """A wrapping grid of thumbnails, one per lecture-line block (keyframe k.png is the last
    frame of block k), captioned "k. <lecture line>"; a click shows the frame at full size.
    `note` follows the title (e.g. that the video is still rendering)."""
    lines = list(lines)
    cells, names = [], []
    for i, p in enumerate(Path(p) for p in paths):
        if not p.is_file():
            continue
        number = p.stem if p.stem.isdigit() else str(i + 1)
        k = int(number)
        line = " ".join(str(lines[k - 1]).split()) if 0 < k <= len(lines) else ""
        cells.append(_keyframe(p, number, line, width, full_width))
        names.append(f"  {number}. {line}" if line else f"  block {number}")
    if not cells:
        return View('<div style="opacity: 0.7">no keyframes</div>', "keyframes: none")
    title = "Keyframes: the end of each lecture line (click one to enlarge)" + (f" — {note}" if note else "")
    return View(
        f'<div style="margin: 6px 0"><div style="font-size: 0.85em; opacity: 0.75; margin-bottom: 4px">'
        f'{_esc(title)}</div>{"".join(cells)}</div>',
        "keyframes: the end of each lecture line" + (f" — {note}" if note else "") + "\n" + "\n".join(names),
        kind="keyframes",
    )


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _length(seconds: float) -> str:
    if seconds < 59.95:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def status_line(seconds: float, fix_attempts: int = 0, tokens: int | None = None,
                cached: bool = False, *, duration: float | None = None) -> View:
    """One short line about the render, each number named: "video 8.2 s · rendered in 4.2 s ·
    1 fix attempt · 1,450 tokens", or "unchanged — cached preview · video 8.2 s"."""
    video = [f"video {_length(duration)}"] if duration else []
    if cached:
        parts = ["unchanged — cached preview", *video]
    else:
        parts = [*video, f"rendered in {seconds:.1f} s"]
        if fix_attempts:
            parts.append(_plural(fix_attempts, "fix attempt"))
        if tokens:
            parts.append(f"{tokens:,} tokens")
    text = " · ".join(parts)
    return View(f'<div style="font-size: 0.9em; opacity: 0.75">{_esc(text)}</div>', text)


def location_line(video: Path, folder: Path) -> View:
    """Where the files are: "video: code2video/<slug>/previews/2.mp4 · lecture folder: code2video/<slug>/"."""
    video_at, folder_at = _relative(video), _relative(folder).rstrip("/") + "/"
    text = f"video: {video_at} · lecture folder: {folder_at}"
    return View(f'<div style="font-size: 0.85em; opacity: 0.7">video: <code>{_esc(video_at)}</code> · '
                f'lecture folder: <code>{_esc(folder_at)}</code></div>', text)


_DIFF_STYLE = {
    "+": "background: rgba(46, 160, 67, 0.2)",
    "-": "background: rgba(248, 81, 73, 0.2)",
    "@": "color: #6f42c1",
}


_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _diff(old: str, new: str) -> tuple[str, list[str]]:
    """A coloured unified diff as (HTML <pre>, text lines); '' and [] when nothing changed.
    Hunk headers read "lines 26–32" (of `new`) instead of "@@ -25,7 +25,7 @@"."""
    lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), "before", "after", lineterm="", n=2))[2:]
    body = []
    for i, line in enumerate(lines):  # the ---/+++ header (dropped above) says nothing a title does not
        hunk = _HUNK.match(line)
        if hunk:
            first, count = int(hunk.group(1)), int(hunk.group(2) or 1)
            line = lines[i] = f"@@ lines {first}–{first + max(count, 1) - 1}" if count != 1 else f"@@ line {first}"
        style = _DIFF_STYLE.get(line[:1], "")
        body.append(f'<span style="display: block; {style}">{_esc(line) or " "}</span>')
    if not lines:
        return "", []
    return f'<pre style="margin: 4px 0; padding: 4px; overflow-x: auto">{"".join(body)}</pre>', lines


def diff_view(old: str, new: str, title: str) -> View:
    """A coloured unified diff, shown when auto-fix changed the user's code."""
    pre, lines = _diff(old, new)
    if not lines:
        return View(f"<div><b>{_esc(title)}</b>: no changes</div>", f"{title}: no changes")
    return View(f"<div><b>{_esc(title)}</b>{pre}</div>", f"{title}\n" + "\n".join(lines))


def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join(str(text).strip().splitlines()[0].split()) if str(text).strip() else ""
    return line if len(line) <= limit else line[:limit - 1] + "…"


def fix_note(fixed, before: str, after: str) -> View:
    """What auto-fix did, in one line that stays under the preview, with the change behind a click:
    "Auto-fix: fixed line 28: TypeError: …". `fixed` is (line, error) pairs; `before`/`after` are
    the cell's source (magic line included), so every line number is the cell's."""
    parts = [f"line {line}: {_one_line(error)}" if line else _one_line(error) for line, error in fixed if error]
    summary = "Auto-fix: fixed " + "; ".join(parts) if parts else "Auto-fix changed this code"
    pre, lines = _diff(before, after)
    if not lines:
        return View(f'<div style="font-size: 0.9em">{_esc(summary)}</div>', summary)
    return View(
        f'<details style="font-size: 0.9em; margin: 4px 0"><summary style="cursor: pointer">{_esc(summary)} '
        f'<span style="opacity: 0.7">— show the change</span></summary>{pre}</details>',
        f"{summary}\n" + "\n".join(lines),
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


__all__ = ["View", "video_view", "keyframe_strip", "status_line", "location_line", "diff_view", "fix_note",
           "error_view"]
