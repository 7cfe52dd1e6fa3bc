"""Audience-reaction detection over one window of a talk's 16 kHz mono wav: loud stretches
that no transcript word covers, summarised from frame features and judged by the domain
rules (klair.domain.analysis.reactions) as laughter, applause, or loud non-speech (alarms,
music, feedback, rumble) that must never count as energy."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from klair.adapters.audio_features import HOP, Floats, Frames, frame_features, modulation
from klair.adapters.audio_features import read_window as read_window
from klair.domain.analysis import reactions as rules
from klair.domain.analysis.reactions import Reaction, Stretch

Span = tuple[float, float]
Mask = npt.NDArray[np.bool_]
SMOOTH = 0.3  # s: level averaged over one "ha" period or more, so a laugh's dips stay loud
EDGE = 0.15  # s: word timings may overlap a reaction's edges by this much
JOIN = 0.3  # s: quieter gaps this short inside a stretch do not split it
ACTIVE_DB = 10.0  # frames this far above the floor are voice, not pauses, for the speech level
MIN_SPEECH = 1.0  # s of speech frames needed to trust the speech level
FLOOR_PERCENTILE = 10  # the room's floor: the quiet tenth of the window
SILENCE_DB = -90.0  # digital silence (sparse-file zeros) is not the room
PEAK_BIN_HZ = 40.0  # peak frequencies this close count as the same peak


@dataclass(frozen=True)
class AudioEvents:
    """Everything loud and wordless in a window: reactions, and the loud non-speech spans."""

    reactions: list[Reaction]
    loud_non_speech: list[Span]


def scan(audio: Path, start: float, end: float, speech: Sequence[Span]) -> AudioEvents:
    """Reactions and loud non-speech in [start, end) of `audio`; `speech` are the spans that
    carry transcript words (absolute seconds)."""
    samples, rate = read_window(audio, start, end)
    return scan_samples(frame_features(samples, rate, start), speech)


def detect_reactions(
    audio: Path, start: float, end: float, speech: Sequence[Span]
) -> list[Reaction]:
    """Laughter and applause in [start, end) of `audio`, outside `speech`."""
    return scan(audio, start, end, speech).reactions


def loud_non_speech(audio: Path, start: float, end: float, speech: Sequence[Span]) -> list[Span]:
    """Loud wordless stretches that are no audience (alarms, music, feedback, rumble)."""
    return scan(audio, start, end, speech).loud_non_speech


def scan_samples(frames: Frames, speech: Sequence[Span]) -> AudioEvents:
    """The detector over computed frame features (what `scan` does after reading)."""
    found: list[Reaction] = []
    other: list[Span] = []
    for stretch in stretches(frames, speech):
        if (r := rules.reaction(stretch)) is not None:
            found.append(r)
        elif rules.verdict(stretch) in ("tonal", "noise"):
            other.append((stretch.start, stretch.end))
    return AudioEvents(found, other)


def stretches(frames: Frames, speech: Sequence[Span]) -> list[Stretch]:
    """Loud runs of frames, at least MIN_DURATION long, not covered by words."""
    if len(frames.power) == 0:
        return []
    times = frames.times()
    level = frames.level_db
    words = _covered(times, speech, EDGE)
    floor = _floor(level)
    reference = _speech_level(level, _covered(times, speech, 0.0), floor)
    if reference is None:
        return []
    smooth = _moving_db(frames.power, round(SMOOTH / HOP))
    threshold = max(reference - rules.BELOW_SPEECH_DB, floor + rules.ABOVE_FLOOR_DB)
    candidate = (smooth >= threshold) & ~words
    # Noise-like and tonal frames form separate runs, so laughter straight after an
    # untranscribed sentence, or applause over the last bars of music, is judged on its own.
    noisy = _moving_mean(frames.flatness, frames.power) >= rules.TONAL_FLATNESS
    join = round(JOIN / HOP)
    runs = sorted(_runs(candidate & noisy, join) + _runs(candidate & ~noisy, join))
    least = round(rules.MIN_DURATION / HOP)
    return [_summary(frames, a, b, reference) for a, b in runs if b - a >= least]


def _covered(times: Floats, speech: Sequence[Span], edge: float) -> Mask:
    """Frames whose centre lies in a speech span shrunk by `edge` at both ends."""
    mask = np.zeros(len(times), dtype=bool)
    for a, b in speech:
        mask |= (times >= a + edge) & (times < b - edge)
    return mask


def _floor(level: Floats) -> float:
    sounding = level[level > SILENCE_DB]
    return float(np.percentile(sounding, FLOOR_PERCENTILE)) if len(sounding) else SILENCE_DB


def _speech_level(level: Floats, words: Mask, floor: float) -> float | None:
    """Median level of voiced frames under words; without enough of them (a window of pure
    reaction or music), the median of every active frame stands in for it."""
    active = level >= floor + ACTIVE_DB
    voiced = level[active & words]
    if len(voiced) * HOP >= MIN_SPEECH:
        return float(np.median(voiced))
    return float(np.median(level[active])) if np.any(active) else None


def _moving_db(power: Floats, width: int) -> Floats:
    """Centred moving average of power over `width` frames, in dB."""
    kernel = np.ones(max(1, width)) / max(1, width)
    return 10 * np.log10(np.convolve(power, kernel, mode="same") + 1e-12)


def _moving_mean(values: Floats, power: Floats) -> Floats:
    """Power-weighted centred moving average over SMOOTH: what the loud frames say."""
    kernel = np.ones(max(1, round(SMOOTH / HOP)))
    weighted = np.convolve(values * power, kernel, mode="same")
    return weighted / np.maximum(np.convolve(power, kernel, mode="same"), 1e-12)


def _runs(mask: Mask, join: int) -> list[tuple[int, int]]:
    """[start, end) frame index runs of True, gaps of at most `join` frames bridged."""
    padded = np.concatenate(([False], mask, [False])).astype(np.int8)
    changes = np.flatnonzero(np.diff(padded))
    runs: list[tuple[int, int]] = []
    for a, b in zip(changes[::2].tolist(), changes[1::2].tolist(), strict=True):
        if runs and a - runs[-1][1] <= join:
            runs[-1] = (runs[-1][0], b)
        else:
            runs.append((a, b))
    return runs


def _summary(frames: Frames, a: int, b: int, reference: float) -> Stretch:
    """The acoustic summary of frames [a, b) that the domain rules judge."""
    power = frames.power[a:b]
    weight = power / max(float(np.sum(power)), 1e-12)
    start = float(frames.times()[a]) - HOP / 2
    hz, depth = modulation(np.sqrt(power))
    band = (hz >= 1.5) & (hz <= 16.0)
    low, high = rules.LAUGH_RATE_HZ
    laugh = (hz >= low) & (hz <= high)
    return Stretch(
        start=start,
        end=start + (b - a) * HOP,
        level_db=float(10 * np.log10(np.mean(power) + 1e-12)),
        speech_db=reference,
        flatness=float(weight @ frames.flatness[a:b]),
        centroid_hz=float(weight @ frames.centroid[a:b]),
        high_share=float(weight @ frames.high_share[a:b]),
        peak_share=_peak_share(frames.peak_hz[a:b], power),
        modulation_hz=float(hz[band][np.argmax(depth[band])]),
        modulation=float(np.sqrt(2 * np.sum(depth[laugh]))),
    )


def _peak_share(peaks: Floats, power: Floats) -> float:
    """Share of the loud frames (within 6 dB of the mean) whose strongest bin is the modal one."""
    loud = peaks[power >= np.mean(power) / 4]
    if len(loud) == 0:
        return 0.0
    _, counts = np.unique(np.round(loud / PEAK_BIN_HZ), return_counts=True)
    return float(counts.max() / len(loud))
