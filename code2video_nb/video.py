"""Join per-section Manim videos into one lecture MP4, put a narration track in, and write SRT.

`concat_videos` joins the picture only (audio streams in the parts are dropped): a narrated
lecture's sound is laid out once for the whole joined video (`narration.write_track`), encoded
(`encode_aac`) and muxed in by `mux_audio`, so there are no encoder gaps or drift at the joins. Everything goes through
PyAV, because an ffmpeg binary is not guaranteed to be installed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av

from .files import atomic_path


@dataclass(frozen=True)
class VideoInfo:
    duration: float
    width: int
    height: int
    fps: float
    frames: int
    has_video: bool
    has_audio: bool


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str


def probe(path) -> VideoInfo:
    with av.open(str(path)) as c:
        has_audio = bool(c.streams.audio)
        if not c.streams.video:
            dur = (c.duration or 0) / av.time_base
            return VideoInfo(dur, 0, 0, 0.0, 0, False, has_audio)
        s = c.streams.video[0]
        # The container duration honours MP4 edit lists (B-frame delay), so prefer it.
        dur = c.duration / av.time_base if c.duration else float((s.duration or 0) * s.time_base)
        frames = s.frames or sum(1 for p in c.demux(s) if p.size)
        rate = s.average_rate or s.guessed_rate or 0
        return VideoInfo(dur, s.width, s.height, float(rate), frames, True, has_audio)


def _atomic(out: Path):
    """A temp path beside `out`, moved over it only if the body succeeds, with the user's
    usual file mode (mkstemp's 0600 made exported lectures unreadable to anyone else)."""
    return atomic_path(out, suffix=out.suffix)


def _signature(path: Path) -> tuple:
    """Everything that must match for packets of two files to live in one stream."""
    with av.open(str(path)) as c:
        if not c.streams.video:
            raise ValueError(f"video part has no video stream: {path}")
        s = c.streams.video[0]
        cc = s.codec_context
        # The nominal frame rate: the average is computed from each file's length, so it differs
        # in the last digits between two parts from the same encoder, which is no reason to re-encode.
        return (cc.name, s.width, s.height, cc.format and cc.format.name,
                s.base_rate or s.guessed_rate, s.time_base, bytes(cc.extradata or b""))


def concat_videos(parts: list[Path], out: Path) -> Path:
    """Join `parts` in order into `out` (video only; audio is dropped).

    Same-format parts (the normal Manim case) are remuxed without re-encoding;
    otherwise every part is re-encoded to the first part's size and frame rate.
    """
    parts, out = [Path(p) for p in parts], Path(out)
    if not parts:
        raise ValueError("concat_videos needs at least one section video, got an empty list")
    for p in parts:
        if not p.is_file():
            raise ValueError(f"section video not found: {p}")
    same = len({_signature(p) for p in parts}) == 1
    with _atomic(out) as tmp:
        (_remux if same else _reencode)(parts, tmp)
    return out


def _remux(parts: list[Path], tmp: Path) -> None:
    with av.open(str(tmp), "w", format="mp4") as dst:
        ostream, offset = None, 0  # offset in ticks of the shared stream time base
        for part in parts:
            with av.open(str(part)) as src:
                s = src.streams.video[0]
                if ostream is None:
                    ostream = dst.add_stream_from_template(s)
                packets = [p for p in src.demux(s) if p.dts is not None]
                start = min(p.pts for p in packets)
                end = max(p.pts + (p.duration or 0) for p in packets)
                for p in packets:
                    p.pts, p.dts = p.pts - start + offset, p.dts - start + offset
                    p.stream = ostream
                    dst.mux(p)
                offset += end - start


def stream_seconds(path: Path) -> float:
    """How long the video stream plays, from its packets: what `_remux` advances by per part, so
    the parts' offsets in the joined video are sums of these, exactly."""
    with av.open(str(path)) as src:
        s = src.streams.video[0]
        packets = [p for p in src.demux(s) if p.dts is not None]
        if not packets:
            return 0.0
        start = min(p.pts for p in packets)
        end = max(p.pts + (p.duration or 0) for p in packets)
        return float((end - start) * s.time_base)


def mux_audio(video: Path, audio: Path, out: Path) -> Path:
    """`video`'s picture and `audio`'s sound (an AAC file from `encode_aac`, as long as the
    picture), both copied as packets, nothing re-encoded. `out` may be `video` itself."""
    video, out = Path(video), Path(out)
    with _atomic(out) as tmp, av.open(str(video)) as src, av.open(str(audio)) as sound:
        with av.open(str(tmp), "w", format="mp4") as dst:
            copies = [(src, src.streams.video[0]), (sound, sound.streams.audio[0])]
            outputs = [dst.add_stream_from_template(stream) for _, stream in copies]
            for (container, stream), output in zip(copies, outputs):
                for packet in container.demux(stream):
                    if packet.dts is not None:
                        packet.stream = output
                        dst.mux(packet)
    return out


def encode_aac(wav: Path, out: Path) -> Path:
    """A WAV encoded as AAC (mono, its own rate) in an .m4a file, written atomically."""
    out = Path(out)
    with _atomic(out) as tmp, av.open(str(wav)) as sound:
        rate = sound.streams.audio[0].rate
        with av.open(str(tmp), "w", format="mp4") as dst:
            aout = dst.add_stream("aac", rate=rate, layout="mono")
            resampler = av.AudioResampler(format="fltp", layout="mono", rate=rate)
            for frame in sound.decode(audio=0):
                for f in resampler.resample(frame):
                    dst.mux(aout.encode(f))
            for f in resampler.resample(None):
                dst.mux(aout.encode(f))
            dst.mux(aout.encode(None))
    return out


def _reencode(parts: list[Path], tmp: Path) -> None:
    first = probe(parts[0])
    rate = Fraction(first.fps).limit_denominator(1001)
    with av.open(str(tmp), "w", format="mp4") as dst:
        ostream = dst.add_stream("libx264", rate=rate)
        ostream.width, ostream.height, ostream.pix_fmt = first.width, first.height, "yuv420p"
        n = 0
        for part in parts:
            count = round(probe(part).duration * rate)
            with av.open(str(part)) as src:
                for frame in _resampled(src.decode(video=0), count, rate):
                    frame = frame.reformat(width=first.width, height=first.height, format="yuv420p")
                    frame.pts, frame.time_base = n, 1 / rate
                    dst.mux(ostream.encode(frame))
                    n += 1
        dst.mux(ostream.encode(None))


def _resampled(frames, count: int, rate: Fraction):
    """Yield exactly `count` frames at `rate`, repeating or skipping source frames,
    so a part keeps its duration even when its own frame rate differs."""
    n, prev, t0 = 0, None, None
    for f in frames:
        t = f.time or 0.0
        t0 = t if t0 is None else t0
        while prev is not None and n < count and n / rate < t - t0 - 1e-3:
            yield prev
            n += 1
        prev = f
    while prev is not None and n < count:
        yield prev
        n += 1


def format_timestamp(seconds: float) -> str:
    ms = max(0, round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{ms:03d}"


def write_srt(cues, out: Path) -> Path:
    out = Path(out)
    blocks = []
    for i, c in enumerate(cues, 1):
        # A blank line inside a cue would end it early in every SRT reader.
        text = "\n".join(line for line in c.text.splitlines() if line.strip())
        blocks.append(f"{i}\n{format_timestamp(c.start)} --> {format_timestamp(c.end)}\n{text}\n\n")
    with _atomic(out) as tmp:
        tmp.write_text("".join(blocks), encoding="utf-8")
    return out


def lecture_cues(sections) -> list[Cue]:
    """One cue per lecture line across all sections of the joined video.

    `sections` holds (duration, texts, block_starts) or (duration, texts, block_starts, lengths)
    per section; block starts are section-relative and fall back to an even split when missing.
    A cue lasts until the next block starts, or `lengths[k]` (a narrated line: while it is spoken).
    """
    cues, offset = [], 0.0
    for duration, lines, starts, *rest in sections:
        lengths = rest[0] if rest and rest[0] is not None and len(rest[0]) == len(lines) else None
        if lines:
            if starts is None or len(starts) != len(lines):
                starts = [duration * k / len(lines) for k in range(len(lines))]
            # Clamp so a stray timestamp cannot make cues overlap or run past the section.
            clamped, last = [], 0.0
            for s in starts:
                last = min(max(float(s), last), duration)
                clamped.append(last)
            ends = clamped[1:] + [duration]
            if lengths is not None:
                ends = [min(end, start + length) for start, end, length in zip(clamped, ends, lengths)]
            for text, a, b in zip(lines, clamped, ends):
                if b > a:  # a zero-length cue would never be shown
                    cues.append(Cue(offset + a, offset + b, text))
        offset += duration
    return cues


_SENTENCE_END = re.compile(r"(?<=[。！？；!?])")


def cut_at_sentences(cues: list[Cue]) -> list[Cue]:
    """Each cue in a script written without spaces (Chinese, Japanese) that holds several
    sentences becomes one cue per sentence, timed by its share of the characters: players wrap
    subtitles at spaces, so a long one would run off the screen. Other cues are kept as they are."""
    from .language import is_spaceless_letter

    out: list[Cue] = []
    for cue in cues:
        sentences = [s.strip() for s in _SENTENCE_END.split(cue.text) if s.strip()]
        if len(sentences) < 2 or not any(is_spaceless_letter(c) for c in cue.text):
            out.append(cue)
            continue
        total, at = sum(len(s) for s in sentences), cue.start
        for sentence in sentences:
            end = at + (cue.end - cue.start) * len(sentence) / total
            out.append(Cue(at, end, sentence))
            at = end
    return out


def _block_ends(block_starts, duration: float, n_blocks: int) -> list[float]:
    """Where each block ends: the next block's start; the last block runs to the end."""
    if block_starts is None or len(block_starts) != n_blocks:
        block_starts = [duration * k / n_blocks for k in range(n_blocks)]
    # Clamp to monotone, as lecture_cues does, so a stray timestamp cannot reorder blocks.
    starts, last = [], 0.0
    for s in block_starts:
        last = max(float(s), last)
        starts.append(last)
    return starts[1:] + [float("inf")]


def keyframes(video: Path, block_starts: list[float] | None, duration: float, n_blocks: int,
              out_dir: Path) -> list[Path]:
    """Save the last frame of each lecture-line block as `out_dir/<k>.png` (k = 1..n_blocks).

    The last frame of a block is the one shown just before the next block starts (the
    video's last frame for the final block): it shows everything the block built up.
    One decoding pass is enough for a preview, so no seeking is needed.
    """
    video, out_dir = Path(video), Path(out_dir)
    if n_blocks <= 0:
        return []
    if duration <= 0 and block_starts is None:
        duration = probe(video).duration
    ends = _block_ends(block_starts, duration, n_blocks)
    picked: list[av.VideoFrame] = []
    prev, t0 = None, None
    with av.open(str(video)) as c:
        if not c.streams.video:
            raise ValueError(f"video has no video stream: {video}")
        c.streams.video[0].thread_type = "AUTO"
        for f in c.decode(video=0):
            t = f.time or 0.0
            t0 = t if t0 is None else t0
            # A frame at (or within 1 ms of) a block's end already belongs to the next block.
            while len(picked) < n_blocks - 1 and t - t0 >= ends[len(picked)] - 1e-3:
                picked.append(f if prev is None else prev)  # an empty first block gets the first frame
            prev = f
    if prev is None:
        raise ValueError(f"video has no frames: {video}")
    picked += [prev] * (n_blocks - len(picked))
    paths = [out_dir / f"{k}.png" for k in range(1, n_blocks + 1)]
    for frame, path in zip(picked, paths):
        with _atomic(path) as tmp:
            frame.to_image().save(tmp, format="PNG")
    _drop_stale_keyframes(out_dir, n_blocks)
    return paths


def _drop_stale_keyframes(out_dir: Path, n_blocks: int) -> None:
    """Remove `<k>.png` for k > n_blocks, left from an earlier version with more blocks,
    so nothing shows a keyframe of code that no longer exists."""
    for p in out_dir.glob("*.png"):
        if p.stem.isdigit() and int(p.stem) > n_blocks:
            p.unlink(missing_ok=True)
