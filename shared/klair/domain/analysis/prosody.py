"""Delivery measured against the speaker, not the file: each sentence's loudness, pace and
pitch range (its intonation, from the voiced frames' semitones) as z-scores against the
same speaker's nearby sentences (a rolling baseline), so a monotone speaker's one raised
line stands out and an always-loud speaker's shouting does not. Only spoken sentences enter
the baseline: music, alarms, feedback or applause, which carry no words, never count as
energy."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import median

from klair.domain.analysis.sentences import Sentence
from klair.domain.signals import Signals

# Sentences within this many seconds on either side form a sentence's baseline.
WINDOW = 90.0
MIN_NEIGHBOURS = 4
# Spreads below these count as this much: a flat baseline must not turn noise into emphasis.
MIN_LOUDNESS_SPREAD = 1.5  # LU
MIN_PACE_SPREAD = 0.25  # words per second
MIN_PITCH_SPREAD = 0.75  # semitones
MIN_VOICED = 5  # voiced frames a sentence needs for its pitch range to count
MAD_TO_SIGMA = 1.4826


@dataclass(frozen=True)
class Delivery:
    """One sentence's loudness (LUFS) and pace (words/s), and their z-scores."""

    loudness: float
    pace: float
    loudness_z: float
    pace_z: float
    pitch_range: float = 0.0  # semitones between the 10th and 90th percentile
    pitch_z: float = 0.0


def _z(value: float, around: Sequence[float], floor: float) -> float:
    if len(around) < MIN_NEIGHBOURS:
        return 0.0
    centre = median(around)
    spread = MAD_TO_SIGMA * median(abs(v - centre) for v in around)
    return (value - centre) / max(spread, floor)


def _ranges(pitch: Sequence[tuple[float, float]], sentences: Sequence[Sentence]) -> list[float]:
    """Each sentence's pitch range in semitones (0 without enough voiced frames)."""
    times = [t for t, _ in pitch]
    found = []
    for s in sentences:
        tones = sorted(
            st for _, st in pitch[bisect_left(times, s.start) : bisect_right(times, s.end)]
        )
        if len(tones) < MIN_VOICED:
            found.append(0.0)
            continue
        found.append(tones[(9 * len(tones)) // 10] - tones[len(tones) // 10])
    return found


def deliveries(
    signals: Signals, sentences: Sequence[Sentence], pitch: Sequence[tuple[float, float]] = ()
) -> list[Delivery]:
    """Each sentence's delivery against the speaker's sentences within WINDOW seconds;
    `pitch` is (time, semitones) of the voiced frames (none: no pitch term)."""
    loud = [signals.mean_loudness(s.start, s.end) for s in sentences]
    pace = [(s.last + 1 - s.first) / max(s.duration, 0.3) for s in sentences]
    ranges = _ranges(pitch, sentences) if pitch else [0.0] * len(sentences)
    middles = [(s.start + s.end) / 2 for s in sentences]
    found = []
    for i, t in enumerate(middles):
        a, b = bisect_left(middles, t - WINDOW), bisect_right(middles, t + WINDOW)
        found.append(
            Delivery(
                loudness=loud[i],
                pace=pace[i],
                loudness_z=_z(loud[i], loud[a:b], MIN_LOUDNESS_SPREAD),
                pace_z=_z(pace[i], pace[a:b], MIN_PACE_SPREAD),
                pitch_range=ranges[i],
                pitch_z=_pitch_z(ranges, i, a, b),
            )
        )
    return found


def _pitch_z(ranges: Sequence[float], i: int, a: int, b: int) -> float:
    if ranges[i] <= 0:
        return 0.0
    around = [r for r in ranges[a:b] if r > 0]
    return _z(ranges[i], around, MIN_PITCH_SPREAD)
