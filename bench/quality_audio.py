"""The clip-quality set's soundtrack: espeak-ng lines in a chosen voice, placed with pauses,
and synthesised sounds (laughter, applause, alarm, music, mic feedback) — every span known
to the sample."""

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.quality_scripts import Line

RATE = 22050  # espeak-ng's own rate
TRIM = 330 / 32768  # speech edges trimmed below about -40 dBFS, as klair.cli.sample does
Audio = npt.NDArray[np.float64]


def speak(line: Line, voice: str) -> Audio:
    """One line as float samples, espeak-ng's leading and trailing quiet removed."""
    with tempfile.TemporaryDirectory(prefix="klair-quality-") as tmp:
        path = Path(tmp) / "line.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(line.speed), "-a", str(line.amplitude),
             "-w", str(path), line.text],
            check=True, capture_output=True,
        )  # fmt: skip
        with wave.open(str(path), "rb") as wav:
            raw = np.frombuffer(wav.readframes(wav.getnframes()), np.int16)
    samples = raw.astype(np.float64) / 32768
    loud = np.flatnonzero(np.abs(samples) >= TRIM)
    return samples[loud[0] : loud[-1] + 1] if len(loud) else samples[:0]


def _time(seconds: float) -> Audio:
    return np.arange(round(seconds * RATE)) / RATE


def _fade(x: Audio, seconds: float = 0.3) -> Audio:
    n = min(len(x) // 2, round(seconds * RATE))
    ramp = np.linspace(0.0, 1.0, n)
    x = x.copy()
    x[:n] *= ramp
    x[len(x) - n :] *= ramp[::-1]
    return x


def _band(x: Audio, low: float, high: float) -> Audio:
    spectrum = np.fft.rfft(x)
    freqs = np.fft.rfftfreq(len(x), 1 / RATE)
    spectrum[(freqs < low) | (freqs > high)] = 0
    return np.fft.irfft(spectrum, len(x))


def _level(x: Audio, rms: float) -> Audio:
    current = float(np.sqrt(np.mean(np.square(x)))) or 1.0
    return np.clip(x * (rms / current), -0.95, 0.95)


def laughter(rng: np.random.Generator, seconds: float) -> Audio:
    """Band-passed noise pulsed at 4–6 Hz ("ha-ha-ha"), in a few overlapping bursts."""
    t = _time(seconds)
    noise = _band(rng.standard_normal(len(t)), 300, 3000)
    pulse = (0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(4, 6) * t)) ** 2
    bursts = np.zeros(len(t))
    for _ in range(4):
        centre, width = rng.uniform(0.2, 0.8) * seconds, rng.uniform(0.4, 1.0)
        bursts += np.exp(-0.5 * ((t - centre) / width) ** 2)
    return _fade(_level(noise * pulse * bursts, 0.08))


def applause(rng: np.random.Generator, seconds: float) -> Audio:
    """Broadband crackle: many random decaying clicks, swelling and dying away."""
    n = round(seconds * RATE)
    out = np.zeros(n + RATE // 50)
    click = np.exp(-np.arange(RATE // 100) / (RATE / 2000))
    for at in rng.integers(0, n, round(300 * seconds)):
        part = click * rng.standard_normal(len(click)) * rng.uniform(0.2, 1.0)
        out[at : at + len(click)] += part
    envelope = np.minimum(1.0, np.minimum(_time(seconds), seconds - _time(seconds)) / 0.6)
    return _fade(_level(out[:n] * envelope, 0.1))


def alarm(rng: np.random.Generator, seconds: float) -> Audio:
    t = _time(seconds)
    square = np.sign(np.sin(2 * np.pi * rng.uniform(850, 1050) * t))
    gate = (t % 0.6) < 0.4
    return _fade(_level(square * gate, 0.25), 0.02)


def music(rng: np.random.Generator, seconds: float) -> Audio:
    """Chords of a few harmonics, one per second: music-like, not speech."""
    t = _time(seconds)
    out = np.zeros(len(t))
    roots = (220.0, 246.9, 196.0, 261.6)
    for i, start in enumerate(np.arange(0, seconds, 1.0)):
        root = roots[(i + int(rng.integers(0, 4))) % len(roots)]
        on = (t >= start) & (t < start + 1.0)
        for ratio in (1.0, 1.26, 1.5, 2.0):
            out[on] += np.sin(2 * np.pi * root * ratio * t[on]) / ratio
    return _fade(_level(out, 0.2))


def feedback(rng: np.random.Generator, seconds: float) -> Audio:
    """A mic-feedback whine: a pure high tone swelling up."""
    t = _time(seconds)
    tone = np.sin(2 * np.pi * rng.uniform(2500, 3500) * t) * (t / seconds) ** 2
    return _fade(_level(tone, 0.2), 0.05)


SOUNDS = {
    "laughter": (laughter, (2.0, 4.0)),
    "applause": (applause, (3.0, 5.0)),
    "walk-on": (applause, (5.0, 7.0)),
    "alarm": (alarm, (3.0, 5.0)),
    "music": (music, (6.0, 9.0)),
    "feedback": (feedback, (2.0, 3.0)),
}


def sound(name: str, rng: np.random.Generator) -> Audio:
    make, (low, high) = SOUNDS[name]
    return make(rng, float(rng.uniform(low, high)))


def write_wav(path: Path, samples: Audio, floor_seed: int) -> None:
    """The track over a faint noise floor (the room), as 16-bit mono."""
    floor = np.random.default_rng(floor_seed).standard_normal(len(samples)) * 0.002
    pcm = np.clip((samples + floor) * 32768, -32768, 32767).astype(np.int16)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(pcm.tobytes())
