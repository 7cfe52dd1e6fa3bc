"""Audience-reaction detection on synthetic audio: laughter and applause are found (at any
recording level, relative to the speech around them); alarms, music, feedback, silence and
speech are not, and the tonal ones come back as loud non-speech; a chunk's sparse full-length
wav is read only in its window."""

from __future__ import annotations

import shutil
import struct
import subprocess
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from klair.adapters.audio_reactions import AudioEvents, detect_reactions, scan
from klair.domain.analysis.reactions import Reaction, Stretch, follows_speech, verdict

RATE = 16_000
Audio = np.ndarray


def _t(seconds: float) -> Audio:
    return np.arange(round(seconds * RATE)) / RATE


def _level(x: Audio, dbfs: float) -> Audio:
    return x * (10 ** (dbfs / 20) / np.sqrt(np.mean(np.square(x))))


def _fade(x: Audio, seconds: float = 0.1) -> Audio:
    n = round(seconds * RATE)
    ramp = np.linspace(0, 1, n)
    x = x.copy()
    x[:n] *= ramp
    x[-n:] *= ramp[::-1]
    return x


def _band(x: Audio, low: float, high: float) -> Audio:
    spectrum, freqs = np.fft.rfft(x), np.fft.rfftfreq(len(x), 1 / RATE)
    spectrum[(freqs < low) | (freqs > high)] = 0
    return np.fft.irfft(spectrum, len(x))


def laughter(rng: np.random.Generator, seconds: float = 3.0) -> Audio:
    t = _t(seconds)
    pulse = (0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(4, 6) * t)) ** 2
    return _fade(_band(rng.standard_normal(len(t)), 300, 3000) * pulse)


def applause(rng: np.random.Generator, seconds: float = 4.0) -> Audio:
    out = np.zeros(round(seconds * RATE) + 200)
    click = np.exp(-np.arange(160) / 12)
    for at in rng.integers(0, len(out) - 200, round(400 * seconds)):
        out[at : at + 160] += click * rng.standard_normal(160) * rng.uniform(0.2, 1)
    return _fade(out[: round(seconds * RATE)])


def alarm(rng: np.random.Generator, seconds: float = 4.0) -> Audio:
    t = _t(seconds)
    tone = np.where((t % 0.5) < 0.25, np.sin(2 * np.pi * 900 * t), np.sin(2 * np.pi * 1200 * t))
    return _fade(tone, 0.02)


def music(rng: np.random.Generator, seconds: float = 5.0) -> Audio:
    t, out = _t(seconds), np.zeros(round(seconds * RATE))
    for i, root in enumerate((220.0, 262.0, 196.0, 247.0, 220.0)):
        on = (t >= i) & (t < i + 1)
        for ratio in (1.0, 1.25, 1.5, 2.0, 3.0):
            out[on] += np.sin(2 * np.pi * root * ratio * t[on]) / ratio
    return _fade(out)


def feedback(rng: np.random.Generator, seconds: float = 2.5) -> Audio:
    t = _t(seconds)
    return _fade(np.sin(2 * np.pi * 3100 * t) * (0.2 + t / seconds), 0.02)


def voice(rng: np.random.Generator, seconds: float = 3.0) -> Audio:
    """Speech-like: a harmonic voice, each 4 Hz syllable at its own pitch (intonation)."""
    t = _t(seconds)
    pitch = rng.uniform(100, 250, int(seconds * 4) + 1)[(t * 4).astype(int)]
    phase = 2 * np.pi * np.cumsum(pitch) / RATE
    harmonics = sum(np.sin(k * phase) / k for k in range(1, 25))
    syllables = np.clip(np.sin(2 * np.pi * 4 * t), 0, None) ** 0.5
    return _fade(_band(harmonics, 80, 5000) * syllables)


def espeak(text: str, tmp: Path) -> Audio:
    if shutil.which("espeak-ng") is None or shutil.which("ffmpeg") is None:
        pytest.skip("espeak-ng and ffmpeg make the real-speech sample")
    raw, wav = tmp / "raw.wav", tmp / "speech.wav"
    subprocess.run(["espeak-ng", "-w", str(raw), text], check=True, capture_output=True)
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", str(raw), "-ar", str(RATE),
                    "-ac", "1", str(wav)], check=True)  # fmt: skip
    with wave.open(str(wav), "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2") / 32768.0


def talk(event: Audio, db: float, speech: Audio | None = None) -> tuple[Audio, list, tuple]:
    """speech, a pause, the event, a pause, speech — over a room floor 50 dB under the
    speech. Returns the track, the speech spans and the event's span."""
    rng = np.random.default_rng(7)
    said = _level(speech if speech is not None else voice(rng), db)
    gap = np.zeros(round(0.3 * RATE))
    parts = [gap, said, gap, _level(event, db) if event.any() else event, gap, said, gap]
    track = np.concatenate(parts)
    track += rng.standard_normal(len(track)) * 10 ** ((db - 50) / 20)
    edges = np.cumsum([0, *(len(p) for p in parts)]) / RATE
    return track, [(edges[1], edges[2]), (edges[5], edges[6])], (edges[3], edges[4])


def write(path: Path, track: Audio) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(np.clip(track * 32768, -32768, 32767).astype("<i2").tobytes())
    return path


def run(tmp_path: Path, event: Audio, db: float = -20.0) -> tuple[AudioEvents, tuple]:
    track, speech, span = talk(event, db)
    return scan(write(tmp_path / "a.wav", track), 0, len(track) / RATE, speech), span


def covered(r: Reaction, span: tuple) -> float:
    return max(0.0, min(r.end, span[1]) - max(r.start, span[0])) / (span[1] - span[0])


@pytest.mark.parametrize("db", [-30.0, -12.0])
def test_laughter_is_found_at_any_level(tmp_path: Path, db: float) -> None:
    got, span = run(tmp_path, laughter(np.random.default_rng(1)), db)
    assert [r.kind for r in got.reactions] == ["laughter"]
    assert covered(got.reactions[0], span) >= 0.8
    assert 0 < got.reactions[0].strength <= 1
    assert got.loud_non_speech == []


@pytest.mark.parametrize("db", [-30.0, -12.0])
def test_applause_is_found_at_any_level(tmp_path: Path, db: float) -> None:
    got, span = run(tmp_path, applause(np.random.default_rng(2)), db)
    assert [r.kind for r in got.reactions] == ["applause"]
    assert covered(got.reactions[0], span) >= 0.8


@pytest.mark.parametrize("make", [alarm, music, feedback])
def test_tonal_noise_is_no_reaction_but_loud_non_speech(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    got, span = run(tmp_path, make(np.random.default_rng(3)), -14.0)
    assert got.reactions == []
    assert any(a < span[1] and b > span[0] for a, b in got.loud_non_speech)


def test_silence_and_speech_are_nothing(tmp_path: Path) -> None:
    got, _ = run(tmp_path, np.zeros(round(3 * RATE)))
    assert got == AudioEvents([], [])
    track, _, _ = talk(np.zeros(RATE), -20.0)
    # Untranscribed speech (no spans given) is a voice: neither reaction nor non-speech.
    assert scan(write(tmp_path / "v.wav", track), 0, len(track) / RATE, []) == AudioEvents([], [])


def test_real_speech_under_words_is_no_reaction(tmp_path: Path) -> None:
    said = espeak("Thank you all for coming, this is the story of a very small garden.", tmp_path)
    track, speech, _ = talk(np.zeros(RATE // 2), -18.0, speech=said)
    got = scan(write(tmp_path / "s.wav", track), 0, len(track) / RATE, speech)
    assert got.reactions == []


def test_only_the_window_of_a_long_sparse_file_is_read(tmp_path: Path) -> None:
    """A chunk's wav: the whole hour's length, zeros except the chunk at 2990–3010 s."""
    track, speech, span = talk(laughter(np.random.default_rng(4)), -20.0)
    path, at, total = tmp_path / "sparse.wav", 2990 * RATE, 3600 * RATE
    with path.open("wb") as f:
        f.write(b"RIFF" + struct.pack("<I", 36 + 2 * total) + b"WAVEfmt ")
        f.write(struct.pack("<IHHIIHH", 16, 1, 1, RATE, 2 * RATE, 2, 16))
        f.write(b"data" + struct.pack("<I", 2 * total))
        f.seek(44 + 2 * at)
        f.write(np.clip(track * 32768, -32768, 32767).astype("<i2").tobytes())
        f.truncate(44 + 2 * total)
    shifted = [(a + 2990, b + 2990) for a, b in speech]
    began = time.perf_counter()
    found = detect_reactions(path, 2990.0, 2990.0 + len(track) / RATE, shifted)
    assert time.perf_counter() - began < 1.0
    assert [r.kind for r in found] == ["laughter"]
    assert covered(found[0], (span[0] + 2990, span[1] + 2990)) >= 0.8


def _stretch(**change: float) -> Stretch:
    base = dict(start=10.0, end=13.0, level_db=-25.0, speech_db=-25.0, flatness=0.5,
                centroid_hz=1500.0, high_share=0.3, peak_share=0.05, modulation_hz=5.0,
                modulation=0.9)  # fmt: skip
    return Stretch(**{**base, **change})


def test_rules_read_relative_features() -> None:
    assert verdict(_stretch()) == "laughter"
    assert verdict(_stretch(modulation=0.1, modulation_hz=1.5)) == "applause"
    assert verdict(_stretch(flatness=0.01, peak_share=0.9, modulation=0.1)) == "tonal"
    assert verdict(_stretch(flatness=0.05, peak_share=0.2, modulation=0.8)) == "voice"
    assert verdict(_stretch(centroid_hz=120.0)) == "noise"


def test_a_reaction_with_nothing_said_before_it_answers_nothing() -> None:
    clap = Reaction(20.0, 24.0, "applause", 0.8)
    assert follows_speech(clap, [(2.0, 8.0)]) is None  # walk-on: nothing just before
    assert follows_speech(clap, [(2.0, 8.0), (12.0, 19.7)]) == (12.0, 19.7)
