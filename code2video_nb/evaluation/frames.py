"""What an evaluating model sees of a video: frames as image parts, or the whole video.

Which frames: when the video belongs to a lecture workspace we know (its exported `<slug>.mp4`,
a `previews/<id>.mp4`, or the folder itself), the keyframes of its lecture-line blocks — the
last frame of each block, the moment that shows everything the block built up; otherwise, or
when those are missing, frames evenly spaced in time. At most `Settings.eval_frames` either way
(spread evenly over the keyframes when there are more). `send="video"` attaches the file itself
as a data URL, for endpoints that take video.
"""

from __future__ import annotations

import base64
import contextlib
import io
from dataclasses import dataclass
from pathlib import Path

import av

from ..errors import ConfigError, EndpointError, WorkspaceError
from ..language import Language, english, lecture_language
from ..video import _block_ends
from ..workspace import Workspace

SENDS = ("frames", "video")
SAMPLINGS = ("keyframes", "uniform")
MAX_VIDEO_MB = 20  # a data URL larger than this is refused by the endpoints that take video at all


@dataclass(frozen=True)
class Lecture:
    """A video and, when it has one, the workspace it came from (and which of its sections it shows)."""
    video: Path | None  # None: a lecture folder not exported yet (its keyframes can still be shown)
    workspace: Workspace | None = None
    sections: tuple[str, ...] = ()

    @property
    def topic(self) -> str | None:
        return self.workspace.lecture.topic if self.workspace else None

    @property
    def language(self) -> Language:
        """The lecture's language (English for a video without a lecture folder)."""
        return lecture_language(self.workspace.lecture) if self.workspace else english()

    @property
    def folder(self) -> Path:
        """The lecture folder (a Lecture without a video always has one)."""
        assert self.workspace is not None, f"{self.video} has no lecture folder"
        return self.workspace.dir

    @property
    def audience(self) -> str | None:
        outline = self.workspace.outline if self.workspace else None
        return outline.target_audience if outline else None

    def topic_or(self, topic: str | None) -> str:
        """`topic` if given, else the lecture folder's; ConfigError when there is neither."""
        chosen = topic or self.topic
        if chosen:
            return chosen
        raise ConfigError(f"{self.video} belongs to no lecture folder: name its topic with --topic")


@dataclass(frozen=True)
class Visual:
    """What goes into a request: the content parts and how they were chosen (for reports)."""
    parts: tuple[dict, ...]
    source: str  # "keyframes", "uniform" or "video"
    # Seconds into the video at which each frame is seen (the subtitles up to it go with it,
    # evidence.py); () for the whole video, or keyframes of sections with no render record.
    times: tuple[float, ...] = ()
    lines: int = 0  # keyframes: the lecture lines they were picked from (all of them when equal to `frames`)
    subtitled: bool = False  # each frame is followed by the subtitles up to it (evidence.py)

    @property
    def frames(self) -> int:
        return sum(part.get("type") == "image_url" for part in self.parts)


def locate(target: Path, workspace: Workspace | None = None) -> Lecture:
    """The lecture `target` belongs to: a lecture folder (its exported video), a lecture's
    `<slug>.mp4`, a `previews/<id>.mp4`, or any video file (no workspace)."""
    target = Path(target)
    if target.is_dir():
        ws = workspace or _workspace(target)
        if ws is None:
            raise WorkspaceError(f"{target} is not a lecture folder (no lecture.json)")
        video = ws.export_paths()[0]
        return Lecture(video if video.is_file() else None, ws, _section_ids(ws))
    if not target.is_file():
        raise WorkspaceError(f"no video at {target}")
    if workspace is not None:
        return Lecture(target, workspace, _sections_of(workspace, target))
    if target.parent.name in ("previews", "final") and (ws := _workspace(target.parent.parent)):
        return Lecture(target, ws, (target.stem,))
    if (ws := _workspace(target.parent)) and target.stem == ws.slug:
        return Lecture(target, ws, _section_ids(ws))
    return Lecture(target)


def _workspace(folder: Path) -> Workspace | None:
    return Workspace(folder) if (folder / "lecture.json").is_file() else None


def _section_ids(ws: Workspace) -> tuple[str, ...]:
    return tuple(s.id for s in ws.storyboard.sections) if ws.storyboard else ()


def _sections_of(ws: Workspace, video: Path) -> tuple[str, ...]:
    return (video.stem,) if video.parent.name in ("previews", "final") else _section_ids(ws)


def visual(lecture: Lecture, *, count: int, send: str = "frames", sampling: str = "keyframes") -> Visual:
    """The content parts showing `lecture`: `count` frames, or the video itself."""
    if send not in SENDS:
        raise ConfigError(f"--send must be one of {', '.join(SENDS)}, not {send!r}")
    if sampling not in SAMPLINGS:
        raise ConfigError(f"eval_sampling must be one of {', '.join(SAMPLINGS)}, not {sampling!r}")
    if count < 1:
        raise ConfigError(f"the number of frames must be at least 1, not {count}")
    keys = block_keyframes(lecture) if sampling == "keyframes" and send == "frames" else []
    if keys:
        times = keyframe_times(lecture)
        return Visual(tuple(image_part(p.read_bytes()) for p in spread(keys, count)), "keyframes",
                      tuple(spread(times, count)) if times else (), len(keys))
    if lecture.video is None:
        folder = lecture.folder
        raise WorkspaceError(f"{folder} has no exported video ({folder.name}.mp4) and not every section has its "
                             f"keyframes: run `code2video export {folder}` (in a notebook: %c2v export) first")
    if send == "video":
        return Visual((video_part(lecture.video),), "video")
    shots = uniform_frames(lecture.video, count)
    return Visual(tuple(image_part(png) for _, png in shots), "uniform", tuple(at for at, _ in shots))


def block_keyframes(lecture: Lecture) -> list[Path]:
    """Every lecture-line block's keyframe of the lecture's sections, in order; [] if any is missing
    (frames of another render would show the model something the video does not)."""
    ws = lecture.workspace
    if ws is None or ws.storyboard is None:
        return []
    paths = []
    for section in ws.storyboard.sections:
        if section.id not in lecture.sections:
            continue
        paths += [ws.keyframes_dir(section.id) / f"{k}.png" for k in range(1, len(section.lecture_lines) + 1)]
    return paths if paths and all(p.is_file() for p in paths) else []


def keyframe_times(lecture: Lecture) -> list[float] | None:
    """When each of `block_keyframes` is seen in the lecture's video: the end of its block (where
    the next starts), after the sections before it in that video. None when a section has no
    render record to time it by."""
    ws, times, offset = lecture.workspace, [], 0.0
    if ws is None or ws.storyboard is None:
        return None
    for section in ws.storyboard.sections:
        if section.id not in lecture.sections:
            continue
        state = ws.section_state(section.id)
        record = state.render("preview") or state.render("final")
        if record is None or record.duration <= 0:
            return None
        ends = _block_ends(record.block_starts, record.duration, len(section.lecture_lines))
        times += [offset + min(end, record.duration) for end in ends]
        offset += record.duration
    return times


def spread(items: list, count: int) -> list:
    """At most `count` of `items`, evenly spread, keeping the first and the last."""
    if len(items) <= count:
        return list(items)
    if count == 1:
        return [items[-1]]
    return [items[round(i * (len(items) - 1) / (count - 1))] for i in range(count)]


def uniform_frames(video: Path, count: int) -> list[tuple[float, bytes]]:
    """`count` frames as (seconds, PNG), at the middles of `count` equal spans of the video (one
    decoding pass)."""
    with av.open(str(video)) as container:
        if not container.streams.video:
            raise WorkspaceError(f"{video} has no video stream")
        stream = container.streams.video[0]
        duration = container.duration / av.time_base if container.duration else float(
            (stream.duration or 0) * stream.time_base)
        targets = [duration * (i + 0.5) / count for i in range(count)]
        picked: list[tuple[float, bytes]] = []
        last = None
        for frame in container.decode(video=0):
            last = frame
            while len(picked) < count and (frame.time or 0.0) >= targets[len(picked)]:
                picked.append((frame.time or 0.0, _png(frame)))
    if last is None:
        raise WorkspaceError(f"{video} has no frames")
    return picked + [(last.time or 0.0, _png(last))] * (count - len(picked))


def _png(frame) -> bytes:
    out = io.BytesIO()
    frame.to_image().save(out, format="PNG", optimize=True)
    return out.getvalue()


def image_part(png: bytes) -> dict:
    return {"type": "image_url", "image_url": {"url": "data:image/png;base64," + base64.b64encode(png).decode()}}


def video_part(video: Path) -> dict:
    """The whole file as a data URL, in the `video_url` part that video-reading endpoints
    (vLLM, Qwen-VL, Gemini's OpenAI-compatible API) accept."""
    size = Path(video).stat().st_size
    if size > MAX_VIDEO_MB * 1024 * 1024:
        raise ConfigError(f"{video} is {size / 1e6:.0f} MB, too large to send inline (at most {MAX_VIDEO_MB} MB); "
                          "use --send frames")
    data = base64.b64encode(Path(video).read_bytes()).decode()
    return {"type": "video_url", "video_url": {"url": "data:video/mp4;base64," + data}}


@contextlib.contextmanager
def sending(shown: Visual):
    """Requests showing `shown`: when it is the whole video and the endpoint refuses the request
    (HTTP 400, as endpoints that read images only do), the error says how to send frames instead."""
    try:
        yield
    except EndpointError as exc:
        import openai  # here: the client imports it when it asks; a kernel's %load_ext need not (~1 s)

        if shown.source != "video" or not isinstance(exc.__cause__, openai.BadRequestError):
            raise
        raise EndpointError(f"{exc}; if this endpoint does not take video, pass --send frames") from exc
