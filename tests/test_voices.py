"""Voices for narration: real espeak-ng synthesis, the content-keyed cache, the remote voice through
the real `openai` client against the scripted server's /v1/audio/speech, and what a missing
espeak-ng says."""

from __future__ import annotations

import os
import shutil
import time
import wave

import pytest

from code2video_nb import voices
from code2video_nb.config import Settings
from code2video_nb.errors import ConfigError, EndpointError
from code2video_nb.scripted_server import Status, speech_seconds
from code2video_nb.voices import CachedVoice, EspeakVoice, RemoteVoice, SilentVoice, Speech, voice_from_settings

ONE = "An eigenvector keeps its direction when the matrix acts on it."
TWO = ONE + " Its eigenvalue says how much it is stretched along that direction."


@pytest.fixture(autouse=True)
def no_tts_model(monkeypatch):
    monkeypatch.delenv("CODE2VIDEO_TTS_MODEL", raising=False)


@pytest.fixture
def espeak(tmp_path):
    if not shutil.which("espeak-ng"):
        if os.environ.get("CI"):
            pytest.fail("espeak-ng is not installed: CI runs scripts/install.sh, which installs it")
        pytest.skip("espeak-ng is not installed (sudo apt-get install espeak-ng, or scripts/install.sh)")
    return EspeakVoice(tmp_path / "voice")  # its WAVs in the test's folder, not a new one under /tmp


def header(path):
    with wave.open(str(path), "rb") as wav:
        return wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes()


class Counting(SilentVoice):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.calls = 0

    def write(self, text, dest, *, voice, speed):
        self.calls += 1
        super().write(text, dest, voice=voice, speed=speed)


def test_espeak_speaks_a_sentence_into_a_wav_whose_length_grows_with_the_text(espeak):
    one = espeak.synthesize(ONE, voice=None, speed=1.0)
    two = espeak.synthesize(TWO, voice="en-us", speed=1.0)
    channels, width, rate, frames = header(one.path)
    assert (channels, width, rate) == (1, 2, 22050) and frames > 0
    assert one.seconds == pytest.approx(frames / rate)
    # about 12 words at 175 words a minute
    assert 2.0 < one.seconds < 8.0
    assert two.seconds > one.seconds * 1.5
    with wave.open(str(one.path), "rb") as wav:
        assert any(wav.readframes(frames))  # real sound, not silence


def test_espeak_speed_shortens_the_speech(espeak):
    normal = espeak.synthesize(ONE, voice=None, speed=1.0)
    fast = espeak.synthesize(ONE, voice=None, speed=1.5)
    assert fast.path != normal.path
    assert fast.seconds < normal.seconds * 0.8
    assert EspeakVoice.words_per_minute(1.5) == 262 and EspeakVoice.words_per_minute(0.1) == 80


def test_espeak_reads_text_that_looks_like_options_as_text(espeak, tmp_path):
    # Passed on stdin, never as an argument: "-w /etc/x" is spoken, not obeyed.
    speech = espeak.synthesize(f"-w {tmp_path}/evil.wav --help naïve café", voice=None, speed=1.0)
    assert speech.seconds > 1.0 and not (tmp_path / "evil.wav").exists()


def test_espeak_writes_into_a_folder_with_a_long_path(espeak, tmp_path):
    # espeak-ng's own -w cuts its path at 200 bytes (and writes elsewhere): a notebook's lecture
    # folder under a long home directory is longer than that.
    deep = tmp_path / ("lecture-" * 20) / ("audio-" * 20)
    deep.mkdir(parents=True)
    speech = EspeakVoice(deep).synthesize(ONE)
    assert speech.path.parent == deep and len(str(speech.path)) > 200
    assert 2.0 < speech.seconds < 8.0 and header(speech.path)[3] > 0


def test_espeak_unknown_voice_is_a_config_error(espeak):
    with pytest.raises(ConfigError, match="no voice 'xx-nosuch'.*espeak-ng --voices"):
        espeak.synthesize(ONE, voice="xx-nosuch", speed=1.0)


def test_cache_returns_the_same_file_without_synthesizing_again(tmp_path):
    counting = Counting()
    cached = CachedVoice(counting, tmp_path / "voices")
    first = cached.synthesize(TWO, voice=None, speed=1.0)
    assert counting.calls == 1 and first.path.parent == tmp_path / "voices"
    assert first.seconds == pytest.approx(counting.estimate(TWO))
    mtime = first.path.stat().st_mtime_ns
    time.sleep(0.01)
    again = CachedVoice(counting, tmp_path / "voices").synthesize(TWO, voice="silent", speed=1.0)  # default named
    assert again == first and counting.calls == 1 and first.path.stat().st_mtime_ns == mtime
    # anything in the key changes the file
    cached.synthesize(TWO, voice=None, speed=1.25)
    cached.synthesize(ONE, voice=None, speed=1.0)
    cached.synthesize(TWO, voice="other", speed=1.0)
    assert counting.calls == 4 and len(list((tmp_path / "voices").glob("*.wav"))) == 4
    assert not [p for p in (tmp_path / "voices").iterdir() if p.name.startswith(".")]  # no temp files left


def test_cache_with_espeak_hits_without_running_it(espeak, tmp_path, monkeypatch):
    cached = CachedVoice(espeak, tmp_path / "voices")
    first = cached.synthesize(ONE, voice=None, speed=1.0)
    monkeypatch.setattr(voices.subprocess, "run", lambda *a, **k: pytest.fail("espeak-ng ran on a cache hit"))
    again = cached.synthesize(ONE, voice="en-us", speed=1.0)
    assert again == first and again.seconds == pytest.approx(header(first.path)[3] / 22050)


def test_cache_replaces_a_damaged_file(tmp_path):
    counting = Counting()
    cached = CachedVoice(counting, tmp_path)
    path = cached.path_for(ONE)
    path.write_bytes(b"not a wav")
    speech = cached.synthesize(ONE)
    assert counting.calls == 1 and speech.path == path and speech.seconds > 0


def test_silent_voice_length_is_estimated_from_words_and_speed(tmp_path):
    silent = SilentVoice(tmp_path)
    assert silent.synthesize("one two three", speed=1.0).seconds == pytest.approx(3 * 60 / 150)
    assert silent.synthesize("one two three", speed=2.0).seconds == pytest.approx(3 * 60 / 300)
    with pytest.raises(ValueError, match="speed"):
        silent.synthesize("one", speed=0)


def remote(server, folder, **settings) -> RemoteVoice:
    config = Settings.from_env(base_url=server.base_url, request_timeout=5.0, max_retries=0, **settings)
    return RemoteVoice(config, api_key="sk-test", out_dir=folder)


def test_remote_voice_through_the_openai_client(server, tmp_path):
    voice = remote(server, tmp_path, tts_model="tts-test")
    speech = voice.synthesize(TWO, voice="nova", speed=1.25)
    assert isinstance(speech, Speech) and speech.seconds == pytest.approx(speech_seconds(TWO, 1.25))
    channels, width, rate, _ = header(speech.path)
    assert (channels, width, rate) == (1, 2, 24000)
    [req] = server.speech_requests
    assert (req.stage, req.model, req.voice, req.input, req.speed, req.response_format) == \
        ("narration", "tts-test", "nova", TWO, 1.25, "wav")
    assert req.headers["x-code2video-stage"] == "narration"
    assert req.headers["authorization"] == "Bearer sk-test"
    # default voice, and the cache keeps the remote's lines too
    cached = CachedVoice(voice, tmp_path / "voices")
    first = cached.synthesize(ONE, voice=None, speed=1.0)
    assert cached.synthesize(ONE, voice="alloy", speed=1.0) == first
    assert len(server.speech_requests) == 2 and server.speech_requests[1].voice == "alloy"


def test_remote_voice_errors_are_worded_like_the_model_clients(tmp_path):
    from code2video_nb.scripted_server import ScriptedServer

    with ScriptedServer(models={"tts-test"}) as server:
        unknown = r"\[narration\] model 'tts-other' is unknown at .*CODE2VIDEO_TTS_MODEL"
        with pytest.raises(EndpointError, match=unknown):
            remote(server, tmp_path, tts_model="tts-other").synthesize(ONE, speed=1.0)
        server.script("narration", Status(503, "overloaded"))
        with pytest.raises(EndpointError, match=r"\[narration\] .* answered HTTP 503: overloaded"):
            remote(server, tmp_path, tts_model="tts-test").synthesize(ONE, speed=1.0)
    with pytest.raises(ConfigError, match="OPENAI_API_KEY is not set"):
        RemoteVoice(Settings.from_env(tts_model="tts-test"))


def test_voice_from_settings_picks_remote_then_espeak(server, monkeypatch, tmp_path):
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    monkeypatch.setenv("OPENAI_BASE_URL", server.base_url)
    monkeypatch.setenv("CODE2VIDEO_TTS_MODEL", "tts-env")
    chosen = voice_from_settings(Settings.from_env())
    assert isinstance(chosen, RemoteVoice) and chosen.model == "tts-env"
    monkeypatch.delenv("CODE2VIDEO_TTS_MODEL")
    if shutil.which("espeak-ng"):
        chosen = voice_from_settings(Settings.from_env(), cache_dir=tmp_path)
        assert isinstance(chosen, CachedVoice) and isinstance(chosen.voice, EspeakVoice)


def test_missing_espeak_is_one_line_saying_what_to_install(tmp_path, monkeypatch):
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    for make in (EspeakVoice, lambda: voice_from_settings(Settings.from_env())):
        with pytest.raises(ConfigError) as caught:
            make()
        message = str(caught.value)
        assert "\n" not in message
        assert "espeak-ng is not installed" in message and "apt-get install espeak-ng" in message
        assert "scripts/install.sh" in message and "CODE2VIDEO_TTS_MODEL" in message
