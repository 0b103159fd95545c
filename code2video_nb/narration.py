"""Narration: what the voice says for each lecture line, synthesized before the section renders.

Audio first: a section's lines are spoken (each cached by content, `voices.CachedVoice`), and
each lecture-line block is then rendered at least as long as its line plus a short pause
(`pacing`, padded in the render child by `block_pacing.py`), so the voice never runs ahead of
the picture or gets cut. After the render each clip is placed at its block's real start
(`write_track`) and muxed into the video (`mux_narration`, `video.mux_audio`); the subtitles are
timed from the same clips.

The spoken text of a line is the `say:` line of the section file's header (the user edits it in
the section cell), else the storyboard's `narration`, else the lecture line itself. An edit of
the text is written back to the storyboard in lecture.json.

    audio/lines/<sha256>.wav   every line ever spoken in this lecture, keyed by voice, speed and text
    audio/<id>/<k>.wav         the current line k of section <id> (a link to the above)
    sections.<id>.narration    {voice, key, seconds: [...]} in lecture.json (`NarrationRecord`)
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import av
import numpy as np

from .coder import header_narration
from .config import Settings
from .errors import ConfigError
from .files import atomic_path
from .language import language as language_of
from .plan import StoryboardSection
from .video import encode_aac, mux_audio, stream_seconds
from .voices import CachedVoice, voice_from_settings
from .workspace import Workspace, safe_id

PAUSE = 0.4  # seconds of quiet after a line before the next block may begin
AUDIO_RATE = 24000  # Hz, mono: what the tracks are mixed at (speech needs no more)
RECORD = "narration"  # the section's record in lecture.json


@dataclass(frozen=True)
class Clip:
    """One spoken lecture line: its text, its WAV in the workspace, how long it plays."""
    text: str
    path: Path
    seconds: float


@dataclass(frozen=True)
class SectionNarration:
    clips: tuple[Clip, ...]
    key: str  # what the render's cache key holds (voice, speed, texts): known before any synthesis
    voice: str  # e.g. "espeak-ng en-us" (`Narrator.label`)
    synthesized: int = 0  # lines that were not in the cache
    seconds: float = 0.0  # wall time spent synthesizing them

    def pacing(self) -> tuple[float, ...]:
        """Each block's minimum length: its line, then a pause."""
        return tuple(round(c.seconds + PAUSE, 3) for c in self.clips)

    def placed(self, starts: list[float] | None, duration: float) -> list[tuple[float, Clip]]:
        """Each clip at its block's start (an even split when the scene reported no blocks)."""
        n = len(self.clips)
        if not starts or len(starts) != n:
            starts = [duration * k / n for k in range(n)]
        return list(zip(starts, self.clips))


@dataclass(frozen=True)
class NarrationRecord:
    voice: str
    key: str
    seconds: tuple[float, ...]

    @classmethod
    def from_dict(cls, data) -> NarrationRecord | None:
        if not isinstance(data, dict) or not isinstance(data.get("key"), str):
            return None
        seconds = given if isinstance(given := data.get("seconds"), list) else []
        return cls(str(data.get("voice", "")), data["key"],
                   tuple(float(s) for s in seconds if isinstance(s, (int, float))))

    def to_dict(self) -> dict:
        return {"voice": self.voice, "key": self.key, "seconds": list(self.seconds)}


def spoken_lines(section: StoryboardSection, code: str | None) -> list[str]:
    """What the voice says for each lecture line: the header's `say:` lines when there is one per
    line, else the storyboard's narration, else the lines themselves."""
    said = header_narration(code or "")
    return said if len(said) == len(section.lecture_lines) else section.spoken()


class Narrator:
    """A voice (an uncached backend from voices.py) at a voice name and speed, speaking sections
    into a workspace."""

    def __init__(self, voice, *, voice_name: str | None = None, speed: float = 1.0, language: str | None = None):
        self.voice, self.voice_name, self.speed = voice, voice.voice_name(voice_name), float(speed)
        self.asked = voice_name  # --voice / $CODE2VIDEO_VOICE: kept whatever the lecture's language
        self.language = language  # BCP 47; None: English, the voice's own

    def in_language(self, tag: str) -> tuple[Narrator | None, str]:
        """This narrator for a lecture in `tag`: the voice asked for, else the backend's voice for
        the language (espeak-ng's `cmn` for zh); None, and the line saying so, when it has none."""
        lang = language_of(tag)
        if lang.english and self.language is None:
            return self, ""
        name = self.asked or self.voice.voice_for(lang.tag)
        if name is None:
            return None, (f"{self.voice.name} has no voice for {lang.described()}, so the lecture is silent; "
                          f"pick one with --voice (`espeak-ng --voices` lists them) or set CODE2VIDEO_TTS_MODEL "
                          "for a remote voice")
        return Narrator(self.voice, voice_name=name, speed=self.speed, language=lang.tag), ""

    @property
    def label(self) -> str:
        """How status tables name it: "espeak-ng en-us", "remote:tts-1 nova at 1.25x"."""
        speed = f" at {self.speed:g}x" if self.speed != 1 else ""
        return f"{self.voice.name} {self.voice_name}{speed}"

    def key(self, texts: list[str]) -> str:
        blob = json.dumps([self.voice.name, self.voice_name, round(self.speed, 4), texts], ensure_ascii=False)
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:16]

    def key_for(self, section: StoryboardSection, code: str | None) -> str:
        return self.key(spoken_lines(section, code))

    def narrate(self, ws: Workspace, section: StoryboardSection, code: str | None) -> SectionNarration:
        """Speak the section's lines (cached ones are not synthesized again) and record them."""
        texts = spoken_lines(section, code)
        _keep_edited_text(ws, section, texts)
        cache = CachedVoice(self.voice, ws.dir / "audio" / "lines")
        folder = ws.dir / "audio" / safe_id(section.id)
        folder.mkdir(parents=True, exist_ok=True)
        clips, new, started = [], 0, time.monotonic()
        for k, text in enumerate(texts, 1):
            new += not cache.path_for(text, voice=self.voice_name, speed=self.speed).is_file()
            speech = cache.synthesize(text, voice=self.voice_name, speed=self.speed, language=self.language)
            clips.append(Clip(text, _linked(speech.path, folder / f"{k}.wav"), speech.seconds))
        for old in folder.glob("*.wav"):  # a line removed since: its file would speak for nothing
            if old.stem.isdigit() and int(old.stem) > len(texts):
                old.unlink(missing_ok=True)
        narration = SectionNarration(tuple(clips), self.key(texts), self.label, new, time.monotonic() - started)
        record = NarrationRecord(narration.voice, narration.key, tuple(round(c.seconds, 3) for c in clips))

        def put(section_record: dict) -> None:
            section_record[RECORD] = record.to_dict()

        ws.update_section(section.id, put)
        return narration


def narration_record(ws: Workspace, section_id: str) -> NarrationRecord | None:
    return NarrationRecord.from_dict(ws.section_state(section_id).other.get(RECORD))


def narrator_for(settings: Settings) -> tuple[Narrator | None, str]:
    """The narrator the settings ask for, or None and why. `narrate` None (the default) narrates
    where a voice is available; True insists (a missing voice is the ConfigError saying what to
    install); False never narrates."""
    if settings.narrate is False:
        return None, "narration is off"
    try:
        voice = voice_from_settings(settings)  # the remote voice if one is set, else espeak-ng
    except ConfigError as exc:
        if settings.narrate:
            raise
        return None, str(exc)
    return Narrator(voice, voice_name=settings.voice, speed=settings.speech_speed), ""


def mux_narration(video: Path, placed: list[tuple[float, Clip]], cache_dir: Path) -> Path:
    """`video` (in place) with a sound track of `placed` clips, exactly as long as its picture.

    The track, encoded, is kept in `cache_dir` under a key of its clips, their times and its
    length: an edit that leaves the timing as it was (most edits) copies it in instead of
    encoding it again, which is most of the cost (about 0.2 s for a 15 s section)."""
    seconds = stream_seconds(video)
    encoded = Path(cache_dir) / f"track-{_track_key(placed, seconds)}.m4a"
    if not encoded.is_file():
        encoded.parent.mkdir(parents=True, exist_ok=True)
        for old in encoded.parent.glob("track-*.m4a"):  # one track per folder: the last one made
            old.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="c2v-sound-") as tmp:
            encode_aac(write_track(placed, seconds, Path(tmp) / "track.wav"), encoded)
    return mux_audio(video, encoded, video)


def _track_key(placed: list[tuple[float, Clip]], seconds: float) -> str:
    # A clip's file name is its content key (voices.speech_key), so the names stand for the sound.
    parts = [f"{round(seconds * AUDIO_RATE)}"]
    parts += [f"{round(at * AUDIO_RATE)}:{c.path.resolve().name}" for at, c in placed]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def write_track(placed: list[tuple[float, Clip]], seconds: float, out: Path) -> Path:
    """A mono WAV exactly `seconds` long with each clip starting at its time (cut at the end)."""
    track = np.zeros(max(0, round(seconds * AUDIO_RATE)), dtype=np.int16)
    for at, clip in placed:
        samples = _samples(clip.path)
        start = max(0, round(at * AUDIO_RATE))
        room = max(0, len(track) - start)
        track[start:start + min(room, len(samples))] = samples[:room]
    with atomic_path(Path(out), suffix=".wav") as tmp, wave.open(str(tmp), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(AUDIO_RATE)
        wav.writeframes(track.tobytes())
    return Path(out)


def _samples(path: Path) -> np.ndarray:
    """A WAV's samples as mono 16-bit at AUDIO_RATE (voices differ in rate and channels)."""
    resampler = av.AudioResampler(format="s16", layout="mono", rate=AUDIO_RATE)
    chunks = []
    with av.open(str(path)) as source:
        for frame in source.decode(audio=0):
            chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(frame)]
    chunks += [f.to_ndarray().reshape(-1) for f in resampler.resample(None)]
    return np.concatenate(chunks).astype(np.int16) if chunks else np.zeros(0, dtype=np.int16)


def _linked(source: Path, dest: Path) -> Path:
    """`dest` as a hard link to `source` (a copy where links are not possible), replaced atomically."""
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        os.link(source, tmp)
    except OSError:
        tmp.write_bytes(source.read_bytes())
    os.replace(tmp, dest)
    return dest


def _keep_edited_text(ws: Workspace, section: StoryboardSection, texts: list[str]) -> None:
    """Narration edited in the section cell's header goes back into the storyboard, so lecture.json,
    a re-generated header and an exported notebook say the same."""
    if texts == section.spoken() or texts == list(section.narration):
        return
    ws.edit_section_plan(section, narration=list(texts))
