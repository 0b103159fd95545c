"""Voices for narration: text in, a WAV file and its real length out.

One small interface, `Voice.synthesize(text, voice=, speed=) -> Speech`, with these voices:

- `EspeakVoice`: the offline default, Debian's `espeak-ng` run as a program (its binary is called,
  never linked: espeak-ng is GPL-3.0). `scripts/install.sh` installs it.
- `RemoteVoice`: any OpenAI-compatible `/audio/speech` endpoint through the `openai` client,
  model from `CODE2VIDEO_TTS_MODEL`, every request tagged with the stage header `narration`.
- `SilentVoice`: silence as long as the text would take to say; for tests, no audio software needed.

`CachedVoice` wraps any of them and keys each line by its content (voice, voice name, speed, text),
so an unchanged line is never synthesized twice. `voice_from_settings` picks the default.
Not wired into rendering yet: nothing else in the engine imports this module.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import re
import shutil
import subprocess
import tempfile
import wave
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from .config import Settings
from .errors import ConfigError, EndpointError, NarrationError
from .files import atomic_path, disk_errors

NARRATION_STAGE = "narration"
ESPEAK = "espeak-ng"
ESPEAK_WPM = 175  # espeak-ng's own default rate: speed 1.0
ESPEAK_WPM_RANGE = (80, 800)  # what espeak-ng accepts and still speaks intelligibly
INSTALL_ESPEAK = (f"{ESPEAK} is not installed: run `sudo apt-get install {ESPEAK}` (or scripts/install.sh), "
                  "or set CODE2VIDEO_TTS_MODEL to use an OpenAI-compatible /audio/speech endpoint")


@dataclass(frozen=True)
class Speech:
    """A synthesized line: the WAV file and how long it plays, read from the file itself."""
    path: Path
    seconds: float


class Voice(Protocol):
    name: str  # the backend, as the cache keys it (e.g. "espeak-ng", "remote:tts-1")

    def synthesize(self, text: str, *, voice: str | None = None, speed: float = 1.0,
                   language: str | None = None) -> Speech:
        """`text` spoken by `voice` (None: the backend's default) at `speed` (1.0: normal), in
        `language` (a BCP 47 tag; None: the voice's own)."""


def wav_seconds(path: Path) -> float:
    """How long a WAV plays. Frames are counted as read, not taken from the header: a streamed
    WAV (as some endpoints send) declares an unknown, huge length. Raises wave.Error / EOFError
    when the file is not a WAV."""
    with wave.open(str(path), "rb") as wav:
        rate, frame_bytes = wav.getframerate(), wav.getnchannels() * wav.getsampwidth()
        frames = 0
        while chunk := wav.readframes(1 << 16):
            frames += len(chunk) // frame_bytes
    return frames / rate if rate else 0.0


def write_silence(path: Path, seconds: float, rate: int = 16000) -> None:
    """A mono 16-bit WAV of `seconds` of silence."""
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\0\0" * round(seconds * rate))


def speech_key(backend: str, voice: str, speed: float, text: str) -> str:
    """The cache key of one line: sha256 over the backend, the voice name, the speed and the text."""
    blob = json.dumps([backend, voice, round(float(speed), 4), text], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


class _FileVoice:
    """A backend: `write` puts the WAV at a given path; `synthesize` writes it (atomically) into
    `out_dir` (default: a fresh temporary folder) under its content key."""

    name = "voice"
    default_voice = ""

    def __init__(self, out_dir: Path | None = None):
        self._out_dir = Path(out_dir) if out_dir else None

    def write(self, text: str, dest: Path, *, voice: str, speed: float, language: str | None = None) -> None:
        raise NotImplementedError

    def voice_name(self, voice: str | None) -> str:
        return voice or self.default_voice

    def voice_for(self, language: str) -> str | None:
        """This backend's voice for a language (a BCP 47 tag), None if it has none."""
        return self.default_voice

    def synthesize(self, text: str, *, voice: str | None = None, speed: float = 1.0,
                   language: str | None = None) -> Speech:
        speed = _checked_speed(speed)
        voice = self.voice_name(voice)
        if self._out_dir is None:
            self._out_dir = Path(tempfile.mkdtemp(prefix="code2video-voice-"))
        path = self._out_dir / f"{speech_key(self.name, voice, speed, text)}.wav"
        with atomic_path(path) as tmp:
            self.write(text, tmp, voice=voice, speed=speed, **_told(language))
        return Speech(path, wav_seconds(path))


def _told(language: str | None) -> dict:
    """`language=` for a backend's write, only when there is one: voices written before languages
    (a subclass's `write(text, dest, *, voice, speed)`) keep working for English lectures."""
    return {"language": language} if language else {}


def _checked_speed(speed: float) -> float:
    speed = float(speed)
    if not speed > 0:
        raise ValueError(f"speed must be above 0, got {speed}")
    return speed


class EspeakVoice(_FileVoice):
    """Debian's espeak-ng, run as a program: the text goes in on stdin (never as an argument),
    the WAV comes out at `dest`; `speed` 1.0 is 175 words per minute."""

    name = ESPEAK
    default_voice = "en-us"

    def __init__(self, out_dir: Path | None = None, *, timeout: float = 60.0):
        super().__init__(out_dir)
        self.timeout = timeout
        if not shutil.which(ESPEAK):
            raise ConfigError(INSTALL_ESPEAK)

    @staticmethod
    def words_per_minute(speed: float) -> int:
        low, high = ESPEAK_WPM_RANGE
        return max(low, min(high, round(ESPEAK_WPM * speed)))

    def voice_for(self, language: str) -> str | None:
        """espeak-ng's voice for a BCP 47 tag: the tag itself ("pt-br"), else its language ("pt"),
        as `espeak-ng --voices` names them or lists them among a voice's other languages
        ("zh" is Mandarin's, `cmn`); None when it has none."""
        known = espeak_languages()
        tag = language.lower()
        return known.get(tag) or known.get(tag.split("-")[0])

    def write(self, text, dest, *, voice, speed, language=None):
        program = shutil.which(ESPEAK)
        if not program:
            raise ConfigError(INSTALL_ESPEAK)
        # -b 1: the input is UTF-8; --stdin: all of it, as one text, from standard input. The WAV comes
        # on stdout: espeak-ng cuts a -w path at 200 bytes without a word and writes somewhere else.
        args = [program, "-b", "1", "-v", voice, "-s", str(self.words_per_minute(speed)), "--stdout", "--stdin"]
        try:
            done = subprocess.run(args, input=text.encode("utf-8"), capture_output=True, timeout=self.timeout,
                                  check=False)
        except FileNotFoundError as exc:
            raise ConfigError(INSTALL_ESPEAK) from exc
        except subprocess.TimeoutExpired as exc:
            raise NarrationError(f"{ESPEAK} took more than {self.timeout:.0f} s for a line of {len(text)} characters; "
                                 "split the narration into shorter lines") from exc
        said = " ".join(done.stderr.decode("utf-8", "replace").split())
        if done.returncode != 0 and "voice does not exist" in said:
            raise ConfigError(f"{ESPEAK} has no voice '{voice}': pick one that `{ESPEAK} --voices` lists")
        if done.returncode != 0 or not done.stdout:
            raise NarrationError(f"{ESPEAK} failed (exit status {done.returncode}): {said or 'no output'}")
        _rewrite_wav(done.stdout, Path(dest))


@lru_cache(maxsize=1)
def espeak_languages() -> dict[str, str]:
    """Language code -> espeak-ng voice, from `espeak-ng --voices`: each voice's own language and
    its "other languages" (`(zh 5)`: Mandarin also answers to zh, at priority 5; the lowest wins)."""
    program = shutil.which(ESPEAK)
    if not program:
        return {}
    listing = subprocess.run([program, "--voices"], capture_output=True, timeout=30, check=False)
    best: dict[str, tuple[int, str]] = {}
    for row in listing.stdout.decode("utf-8", "replace").splitlines()[1:]:
        fields = row.split()
        if len(fields) < 5 or not fields[0].isdigit():
            continue
        own = fields[1].lower()
        offers = [(own, int(fields[0]))] + [(code.lower(), int(p)) for code, p in
                                            re.findall(r"\(([\w-]+) (\d+)\)", row)]
        for code, priority in offers:
            if code not in best or priority < best[code][0]:
                best[code] = (priority, own)
    return {code: own for code, (_, own) in best.items()}


def _rewrite_wav(streamed: bytes, dest: Path) -> None:
    """A WAV written to a pipe declares no real length in its header; write it out with the true one."""
    try:
        with wave.open(io.BytesIO(streamed), "rb") as source:
            params, chunks = source.getparams(), []
            while chunk := source.readframes(1 << 16):
                chunks.append(chunk)
    except (wave.Error, EOFError) as exc:
        raise NarrationError(f"{ESPEAK} wrote no WAV ({exc})") from exc
    with disk_errors(dest), wave.open(str(dest), "wb") as out:
        out.setnchannels(params.nchannels)
        out.setsampwidth(params.sampwidth)
        out.setframerate(params.framerate)
        out.writeframes(b"".join(chunks))


class RemoteVoice(_FileVoice):
    """Any OpenAI-compatible `/audio/speech` endpoint, through the `openai` client built as the
    model client builds it (key, base URL, time-out, retries from Settings); each request carries
    the stage header `narration`. `voice` defaults to "alloy", an OpenAI voice name."""

    default_voice = "alloy"

    def __init__(self, settings: Settings, model: str | None = None, out_dir: Path | None = None,
                 api_key: str | None = None):
        import openai

        super().__init__(out_dir)
        chosen = model or settings.tts_model
        if not chosen:
            raise ConfigError("no speech model: set CODE2VIDEO_TTS_MODEL to a model your endpoint serves "
                              "at /audio/speech (e.g. tts-1), or install espeak-ng for the offline voice")
        self.model: str = chosen
        self.name = f"remote:{self.model}"
        key = api_key or settings.api_key()
        if not key:
            raise ConfigError(
                f"{settings.api_key_env} is not set: export {settings.api_key_env}=<your key> "
                "(and OPENAI_BASE_URL for another OpenAI-compatible endpoint), "
                "or unset CODE2VIDEO_TTS_MODEL to narrate with the offline espeak-ng voice"
            )
        self.settings = settings
        for name in ("httpx", "httpx2"):  # as model_client.py: no request log lines in the output
            logging.getLogger(name).setLevel(logging.WARNING)
        self._client = openai.OpenAI(api_key=key, base_url=settings.base_url, timeout=settings.request_timeout,
                                     max_retries=settings.max_retries)

    def write(self, text, dest, *, voice, speed, language=None):
        body = self._call(text, voice=voice, speed=speed, language=language)
        if body[:4] != b"RIFF" or body[8:12] != b"WAVE":
            raise EndpointError(f"[{NARRATION_STAGE}] {self._client.base_url} sent {len(body)} bytes that are "
                                "not a WAV file for a wav request; check OPENAI_BASE_URL points at an "
                                "OpenAI-compatible API")
        with disk_errors(dest):
            Path(dest).write_bytes(body)
        try:
            wav_seconds(Path(dest))
        except (wave.Error, EOFError) as exc:
            raise EndpointError(f"[{NARRATION_STAGE}] {self._client.base_url} sent a broken WAV file: {exc}") from exc

    def _call(self, text: str, *, voice: str, speed: float, language: str | None = None) -> bytes:
        from .model_client import STAGE_HEADER, endpoint_errors

        with endpoint_errors(self.settings, NARRATION_STAGE, self._client.base_url, self.model,
                             "at /audio/speech with CODE2VIDEO_TTS_MODEL"):
            headers, told = self._told(language)
            response = self._client.audio.speech.create(
                model=self.model, voice=voice, input=text, response_format="wav", speed=speed,
                extra_headers={STAGE_HEADER: NARRATION_STAGE, **headers}, **told)
            return response.read()

    def _told(self, language: str | None) -> tuple[dict, dict]:
        """The language of a lecture not in English, as (headers, fields): the `Content-Language`
        header, which any endpoint may read, and `instructions` (the speech API's field for how to
        speak; OpenAI's tts-1 models take none and read the language from the text)."""
        from .language import language as language_of

        if not language or language_of(language).english:
            return {}, {}
        told = {} if self.model.startswith("tts-1") else {"instructions": f"Speak in {language_of(language).name}."}
        return {"Content-Language": language}, told


class SilentVoice(_FileVoice):
    """Tests only: silence as long as the text would take at `words_per_minute` × speed."""

    name = "silent"
    default_voice = "silent"

    def __init__(self, out_dir: Path | None = None, *, words_per_minute: float = 150.0):
        super().__init__(out_dir)
        self.words_per_minute = words_per_minute

    def estimate(self, text: str, speed: float = 1.0) -> float:
        from .language import count_words  # two Chinese characters a word

        return count_words(text) * 60.0 / (self.words_per_minute * speed)

    def write(self, text, dest, *, voice, speed, language=None):
        write_silence(Path(dest), self.estimate(text, speed))


class CachedVoice:
    """A voice whose lines are kept in `cache_dir` as `<sha256>.wav` (see `speech_key`), written
    atomically; a line found there is returned with its length read from the file, and the voice
    is not asked."""

    def __init__(self, voice: _FileVoice, cache_dir: Path):
        self.voice = voice
        self.cache_dir = Path(cache_dir)
        self.name = voice.name

    def path_for(self, text: str, *, voice: str | None = None, speed: float = 1.0) -> Path:
        key = speech_key(self.voice.name, self.voice.voice_name(voice), _checked_speed(speed), text)
        return self.cache_dir / f"{key}.wav"

    def synthesize(self, text: str, *, voice: str | None = None, speed: float = 1.0,
                   language: str | None = None) -> Speech:
        path = self.path_for(text, voice=voice, speed=speed)
        try:
            return Speech(path, wav_seconds(path))
        except (OSError, wave.Error, EOFError):
            pass  # not cached yet (or a damaged file): synthesize it over
        with atomic_path(path) as tmp:
            self.voice.write(text, tmp, voice=self.voice.voice_name(voice), speed=_checked_speed(speed),
                             **_told(language))
        return Speech(path, wav_seconds(path))


def voice_from_settings(settings: Settings, *, cache_dir: Path | None = None) -> Voice:
    """The default voice: the remote one when `tts_model` (CODE2VIDEO_TTS_MODEL) is set, else
    espeak-ng when installed, else a ConfigError saying what to install. With `cache_dir`, cached."""
    voice = RemoteVoice(settings) if settings.tts_model else EspeakVoice()
    return CachedVoice(voice, cache_dir) if cache_dir else voice
