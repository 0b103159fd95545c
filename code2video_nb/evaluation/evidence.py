"""What the quiz's video pass is given: the frames alone, or the frames with what is said.

Our lectures speak; a model shown stills does not hear them. With "frames+subtitles" each frame
sent is followed by the lecture's subtitles (the SRT beside the video, as `export` writes it)
said since the frame before: a cue goes with the first frame at or after its middle, and the cues
after the last frame go with the last. Not "the cue at the frame's instant": a keyframe is the
last frame of its block, when the block's narration has usually ended. The whole video is
followed by all of its subtitles.

The default (`evidence=None`) is "frames+subtitles" when the video is narrated (it has a sound
track) and its subtitles are there, else "frames"; the paper protocol passes "frames" (the
original's lectures are silent). Asked for explicitly, subtitles that are missing are an error
saying what to do, not a silent fallback.
"""

from __future__ import annotations

import re
from pathlib import Path

import av

from .. import prompts
from ..errors import ConfigError
from ..video import Cue
from .frames import Lecture, Visual

EVIDENCES = ("frames", "frames+subtitles")
SUBTITLED = "frames+subtitles"
_TIMING = re.compile(r"(\d+):(\d{2}):(\d{2})[,.](\d{3})\s*-->\s*(\d+):(\d{2}):(\d{2})[,.](\d{3})")


def choose(evidence: str | None, lecture: Lecture) -> str:
    """`evidence` checked, or the default for `lecture` when None (see the module's docstring)."""
    if evidence is None:
        return SUBTITLED if narrated(lecture) and subtitles_file(lecture) else "frames"
    if evidence not in EVIDENCES:
        raise ConfigError(f"--evidence must be one of {', '.join(EVIDENCES)}, not {evidence!r}")
    return evidence


def narrated(lecture: Lecture) -> bool:
    """Whether the lecture's video has a sound track (an export only carries one when it is narrated)."""
    if lecture.video is None:
        return False
    try:
        with av.open(str(lecture.video)) as container:
            return bool(container.streams.audio)
    except (OSError, av.error.FFmpegError):  # unreadable: its frames will say so where they are cut
        return False


def subtitles_file(lecture: Lecture) -> Path | None:
    """The SRT beside the video with its name (`<slug>.srt` beside `<slug>.mp4`), if there is one."""
    if lecture.video is None:
        return None
    srt = lecture.video.with_suffix(".srt")
    return srt if srt.is_file() else None


def read_srt(path: Path) -> list[Cue]:
    """The cues of an SRT file, in order; a block without a timing line is skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the subtitles {path}: {exc}; pass --evidence frames to go without") from None
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = block.strip().splitlines()
        timed = next(((i, found) for i, line in enumerate(lines) if (found := _TIMING.search(line))), None)
        if timed is None:
            continue
        timing, match = timed
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
        said = " ".join(line.strip() for line in lines[timing + 1:] if line.strip())
        cues.append(Cue(h1 * 3600 + m1 * 60 + s1 + ms1 / 1000, h2 * 3600 + m2 * 60 + s2 + ms2 / 1000, said))
    return cues


def attach(shown: Visual, lecture: Lecture, evidence: str) -> Visual:
    """`shown`, with each frame followed by the subtitles said since the frame before (or the
    whole video by all of them) when `evidence` is "frames+subtitles"; as it is otherwise."""
    if evidence != SUBTITLED:
        return shown
    srt = subtitles_file(lecture)
    if srt is None:
        where = lecture.video or lecture.folder
        raise ConfigError(f"{where} has no subtitles beside it (a .srt of the same name): export the lecture "
                          "and evaluate its video, or pass --evidence frames")
    cues = read_srt(srt)
    if shown.source == "video":
        text = prompts.render("quiz_subtitles_video", said=_said(cues)).strip()
        return Visual(shown.parts + ({"type": "text", "text": text},), shown.source, shown.times, shown.lines, True)
    if len(shown.times) != shown.frames:
        raise ConfigError(f"cannot tell when the keyframes of {lecture.folder} are seen (a section has no "
                          "render record): render the lecture again, or pass --evidence frames")
    parts = []
    for image, said in zip(shown.parts, assign(cues, shown.times)):
        text = prompts.render("quiz_subtitles_frame", said=_said(said)).strip()
        parts += [image, {"type": "text", "text": text}]
    return Visual(tuple(parts), shown.source, shown.times, shown.lines, True)


def assign(cues: list[Cue], times: tuple[float, ...]) -> list[list[Cue]]:
    """The cues going with each frame seen at `times`: each cue with the first frame at or after
    its middle, the ones after the last frame with the last."""
    out: list[list[Cue]] = [[] for _ in times]
    for cue in cues:
        middle = (cue.start + cue.end) / 2
        at = next((i for i, t in enumerate(times) if t >= middle), len(times) - 1)
        if out:
            out[at].append(cue)
    return out


def _said(cues: list[Cue]) -> str:
    if not cues:
        return "(none since the frame before)"
    return " ".join(f"[{_clock(c.start)}–{_clock(c.end)}] {c.text}" for c in cues)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(seconds, 60)
    return f"{int(minutes)}:{secs:04.1f}"
