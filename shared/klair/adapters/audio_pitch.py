"""The speaker's pitch over one window of a talk's audio: the fundamental frequency of each
voiced 40 ms frame, by normalised autocorrelation (computed with FFTs, in blocks), in
semitones above 55 Hz. Unvoiced and quiet frames are left out."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numpy.lib.stride_tricks import sliding_window_view

Floats = npt.NDArray[np.float64]
FRAME = 0.040  # s: two periods of the lowest pitch searched
HOP = 0.020  # s
LOWEST, HIGHEST = 60.0, 400.0  # Hz: speaking voices
VOICED = 0.5  # normalised autocorrelation at the period: below it, no clear pitch
QUIET_DB = 35.0  # frames this far below the window's loudest are pauses, not voice
REFERENCE = 55.0  # Hz: semitone 0
BLOCK = 2048  # frames per FFT block: bounds memory on long windows


def track(samples: Floats, rate: int, start: float = 0.0) -> list[tuple[float, float]]:
    """The pitch of each voiced frame of `samples` (mono, [-1, 1]), times from `start`."""
    size, hop = round(FRAME * rate), round(HOP * rate)
    if len(samples) < size or rate < 2 * HIGHEST:
        return []
    frames = sliding_window_view(samples, size)[::hop]
    found: list[tuple[float, float]] = []
    loudest = _db(np.max(np.mean(frames**2, axis=1)))
    for first in range(0, len(frames), BLOCK):
        block = frames[first : first + BLOCK] * np.hanning(size)
        hz, voiced = _periods(block, rate)
        power = _db(np.mean(block**2, axis=1))
        keep = voiced & (power > loudest - QUIET_DB)
        times = start + (first + np.flatnonzero(keep)) * HOP + FRAME / 2
        tones = 12.0 * np.log2(hz[keep] / REFERENCE)
        found += zip(times.tolist(), tones.tolist(), strict=True)
    return found


def _db(power: npt.ArrayLike) -> Floats:
    return np.asarray(10.0 * np.log10(np.asarray(power, dtype=np.float64) + 1e-12))


def _autocorrelation(block: Floats) -> Floats:
    size = block.shape[-1]
    spectrum = np.fft.rfft(block, n=2 * size, axis=-1)
    return np.asarray(np.fft.irfft(np.abs(spectrum) ** 2, axis=-1)[..., :size])


def _periods(block: Floats, rate: int) -> tuple[Floats, npt.NDArray[np.bool_]]:
    """Each frame's period within the voice range, and whether it is clear. The window's
    own autocorrelation is divided out (a Hann window shrinks long lags), and the shortest
    peak within 10 % of the best wins, so a period's multiples never pass for it (octave
    errors)."""
    size = block.shape[1]
    corr = _autocorrelation(block) / np.maximum(_autocorrelation(np.hanning(size)), 1e-12)
    corr /= np.maximum(corr[:, :1], 1e-12)
    low, high = int(rate / HIGHEST), min(size // 2, int(rate / LOWEST))
    inside = corr[:, low - 1 : high + 1]
    peaks = (inside[:, 1:-1] > inside[:, :-2]) & (inside[:, 1:-1] >= inside[:, 2:])
    values = np.where(peaks, inside[:, 1:-1], -np.inf)
    best = values.max(axis=1, keepdims=True)
    lag = low + np.argmax(values >= 0.9 * best, axis=1)
    strength = corr[np.arange(len(block)), lag]
    return rate / lag.astype(np.float64), strength >= VOICED
