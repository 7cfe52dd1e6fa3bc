"""Frame features of one window of a talk's audio, for telling audience reactions (laughter,
applause) from speech and from loud tonal noise (alarms, music, feedback): level, spectral
flatness, centroid, high-frequency share and dominant peak per 50 ms frame, and the
amplitude-modulation spectrum of the level envelope over ~1 s. Reads only the window."""

from __future__ import annotations

import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

from klair.domain.errors import UnsupportedMedia

Floats = npt.NDArray[np.float64]
FRAME = 0.050  # s: long enough to resolve 20 Hz bins, short enough to follow "ha" syllables
HOP = 0.025  # s: 40 frames/s, so the envelope resolves modulation up to 20 Hz
RATE = 1 / HOP
# Octave bands (Hz) for flatness: flatness is measured per band and energy-weighted (as in
# MPEG-7 AudioSpectrumFlatness) so band-limited noise (a laughing crowd, 300–3000 Hz) still
# reads as noise, while one tone or a few harmonics make the band holding them read as tonal.
BANDS = (125.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0, 8000.0)
HIGH = 2000.0  # Hz: "high-frequency share" is energy above this (clap crackle, fricatives)
BLOCK = 4096  # frames per FFT block: bounds memory on long windows
TINY = 1e-12  # power floor: log of digital silence stays finite


@dataclass(frozen=True)
class Frames:
    """Per-frame features; frame i covers [start + i·HOP, start + i·HOP + FRAME)."""

    start: float
    power: Floats  # mean square, linear (full scale = 1)
    flatness: Floats  # 0 (one tone) .. ~0.6 (white noise through a Hann window)
    centroid: Floats  # Hz
    high_share: Floats  # 0..1 of energy above HIGH
    peak_hz: Floats  # the strongest bin's frequency

    @property
    def level_db(self) -> Floats:
        return 10 * np.log10(self.power + TINY)

    def times(self) -> Floats:
        """Centre of each frame, absolute seconds."""
        return self.start + np.arange(len(self.power), dtype=np.float64) * HOP + FRAME / 2


def read_window(audio: Path, start: float, end: float) -> tuple[Floats, int]:
    """Samples of [start, end) (mono, float in [-1, 1]) and their rate. Seeks to the window,
    so a chunk's sparse full-length wav costs only the window's bytes."""
    try:
        with wave.open(str(audio), "rb") as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            if width != 2:
                raise UnsupportedMedia(f"{audio.name}: {8 * width}-bit wav, expected 16-bit")
            first = min(max(0, round(start * rate)), wav.getnframes())
            count = max(0, round(end * rate) - first)
            wav.setpos(first)
            raw = np.frombuffer(wav.readframes(count), dtype="<i2")
    except (wave.Error, EOFError) as exc:
        raise UnsupportedMedia(f"cannot read {audio.name} as PCM wav: {exc}") from exc
    samples = raw.reshape(-1, channels).mean(axis=1) / 32768.0
    return samples.astype(np.float64), rate


def frame_features(samples: Floats, rate: int, start: float = 0.0) -> Frames:
    """Features of every full frame of `samples` (which begin at `start` seconds)."""
    size, hop = round(FRAME * rate), round(HOP * rate)
    if len(samples) < size:
        empty = np.zeros(0)
        return Frames(start, empty, empty, empty, empty, empty)
    view = sliding_window_view(samples, size)[::hop]
    freqs = np.asarray(np.fft.rfftfreq(size, 1 / rate), dtype=np.float64)
    edges = np.array([f for f in BANDS if f < rate / 2] + [rate / 2])
    keep = (freqs >= edges[0]) & (freqs < edges[-1])
    parts = [_spectral(view[i : i + BLOCK], freqs, keep, edges) for i in range(0, len(view), BLOCK)]
    flat, centroid, high, peak = (np.concatenate(p) for p in zip(*parts, strict=True))
    power = np.mean(np.square(view), axis=1)
    return Frames(start, power, flat, centroid, high, peak)


def _spectral(
    block: Floats, freqs: Floats, keep: npt.NDArray[np.bool_], edges: Floats
) -> tuple[Floats, Floats, Floats, Floats]:
    """Flatness, centroid, high-frequency share and peak frequency of a block of frames."""
    window = np.hanning(block.shape[1])
    spectrum = np.square(np.abs(np.fft.rfft(block * window, axis=1)))[:, keep] + TINY
    f = freqs[keep]
    # Bins grouped by band (bands without a bin are dropped): per-band geometric/arithmetic
    # mean of the power, weighted by each band's share of the frame's energy.
    starts = np.unique(np.searchsorted(f, edges[:-1]))
    starts = starts[starts < len(f)]
    counts = np.diff(np.append(starts, len(f)))
    sums = np.add.reduceat(spectrum, starts, axis=1)
    logs = np.add.reduceat(np.log(spectrum), starts, axis=1)
    band_flat = np.exp(logs / counts) / (sums / counts)
    total = np.sum(sums, axis=1)
    flat = np.sum(band_flat * sums, axis=1) / total
    centroid = spectrum @ f / total
    high = np.sum(spectrum[:, f >= HIGH], axis=1) / total
    peak = f[np.argmax(spectrum, axis=1)]
    return flat, centroid, high, peak


def modulation(envelope: Floats, window: float = 1.0) -> tuple[Floats, Floats]:
    """Amplitude-modulation spectrum of a level envelope (one value per frame): the power
    spectrum of each ~1 s stretch, mean removed and normalised by the mean squared (so it is a
    modulation depth, independent of level), averaged over the stretches. Returns (Hz, power)."""
    size = round(window * RATE)
    if len(envelope) < size:
        envelope = np.pad(envelope, (0, size - len(envelope)), mode="edge")
    views = sliding_window_view(envelope, size)[:: size // 8]
    means = np.mean(views, axis=1, keepdims=True)
    wave_ = (views - means) / np.maximum(means, TINY) * np.hanning(size)
    n = 2 * size  # zero-padded: 0.5 Hz bins for a 1 s window
    power = np.square(np.abs(np.fft.rfft(wave_, n=n, axis=1))).mean(axis=0)
    # Normalised so a sinusoidal modulation of depth m reads m²/2 summed over its bins.
    power /= np.sum(np.square(np.hanning(size))) * n / 2
    return np.asarray(np.fft.rfftfreq(n, 1 / RATE), dtype=np.float64), power
