"""Signals measured in the transcode pass (loudness, pauses, scene cuts) and queries over them."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field, field_validator

# Momentary loudness below this is treated as silence (EBU R128's absolute gate).
LOUDNESS_FLOOR = -70.0


def power(value: float) -> float:
    """Linear power of a loudness value, so averages are energy means rather than dB means."""
    return math.pow(10.0, max(value, LOUDNESS_FLOOR) / 10.0)


def lufs(mean_power: float) -> float:
    return max(10.0 * math.log10(mean_power), LOUDNESS_FLOOR) if mean_power > 0 else LOUDNESS_FLOOR


def merge_spans(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Spans sorted, empty ones dropped, overlapping or touching ones merged."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class Signals(BaseModel):
    """What `signals.json` holds: absolute seconds from the start of the source.

    `loudness` is (time, momentary LUFS) at a regular step (0.1 s, longer for sources over
    four hours), floored at -70; `silences` are (start, end) pauses sorted by time; `scenes`
    are hard-cut times. Added later (absent from older files, so defaulted):
    `integrated_loudness` is the whole source's EBU R128 integrated loudness (LUFS), and
    `activity` is (time, mean scene-change score 0–1) per second of video: how much the
    picture changes, a cue for visual energy.
    """

    model_config = ConfigDict(frozen=True)

    version: int = 1
    duration: float = Field(ge=0)
    has_video: bool = True
    loudness: list[tuple[float, float]] = []
    silences: list[tuple[float, float]] = []
    scenes: list[float] = []
    integrated_loudness: float | None = None
    activity: list[tuple[float, float]] = []
    # The seconds of the source a segment's signals measured; None: the whole source.
    window: tuple[float, float] | None = None

    @field_validator("loudness")
    @classmethod
    def _loudness_sorted(cls, points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return sorted(points)

    @field_validator("scenes")
    @classmethod
    def _scenes_sorted(cls, times: list[float]) -> list[float]:
        return sorted(times)

    @field_validator("silences")
    @classmethod
    def _merged(cls, spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
        """Sorted, non-overlapping: the running sums below depend on it."""
        return merge_spans(spans)

    @cached_property
    def _times(self) -> list[float]:
        return [t for t, _ in self.loudness]

    @cached_property
    def _power_sums(self) -> list[float]:
        sums = [0.0]
        for _, value in self.loudness:
            sums.append(sums[-1] + power(value))
        return sums

    @cached_property
    def _value_sums(self) -> tuple[list[float], list[float]]:
        sums, squares = [0.0], [0.0]
        for _, value in self.loudness:
            clamped = max(value, LOUDNESS_FLOOR)
            sums.append(sums[-1] + clamped)
            squares.append(squares[-1] + clamped * clamped)
        return sums, squares

    @cached_property
    def _silence_starts(self) -> list[float]:
        return [s for s, _ in self.silences]

    @cached_property
    def _silence_sums(self) -> list[float]:
        sums = [0.0]
        for start, end in self.silences:
            sums.append(sums[-1] + max(0.0, end - start))
        return sums

    def _index_range(self, a: float, b: float) -> tuple[int, int]:
        return bisect_left(self._times, a), bisect_left(self._times, b)

    def points_between(self, a: float, b: float) -> list[tuple[float, float]]:
        """(time, loudness) samples in [a, b)."""
        lo, hi = self._index_range(a, b)
        return self.loudness[lo:hi]

    def loudness_between(self, a: float, b: float) -> list[float]:
        """Momentary loudness values sampled in [a, b)."""
        lo, hi = self._index_range(a, b)
        return [value for _, value in self.loudness[lo:hi]]

    def mean_loudness(self, a: float | None = None, b: float | None = None) -> float:
        """Energy-mean loudness (LUFS) over [a, b), or over the whole source."""
        lo, hi = self._index_range(0.0 if a is None else a, math.inf if b is None else b)
        if hi <= lo:
            return LOUDNESS_FLOOR
        return lufs((self._power_sums[hi] - self._power_sums[lo]) / (hi - lo))

    def loudness_spread(self, a: float, b: float) -> float:
        """Standard deviation (LU) of momentary loudness in [a, b): how dynamic it is."""
        lo, hi = self._index_range(a, b)
        if hi - lo < 2:
            return 0.0
        sums, squares = self._value_sums
        n = hi - lo
        mean = (sums[hi] - sums[lo]) / n
        return math.sqrt(max(0.0, (squares[hi] - squares[lo]) / n - mean * mean))

    def peak_between(self, a: float, b: float) -> tuple[float, float] | None:
        """(time, loudness) of the loudest sample in [a, b), if any."""
        lo, hi = self._index_range(a, b)
        if hi <= lo:
            return None
        return max(self.loudness[lo:hi], key=lambda point: (point[1], -point[0]))

    def quietest_between(self, a: float, b: float) -> tuple[float, float] | None:
        """(time, loudness) of the quietest sample in [a, b), if any."""
        lo, hi = self._index_range(a, b)
        if hi <= lo:
            return None
        return min(self.loudness[lo:hi], key=lambda point: (point[1], point[0]))

    def silence_until(self, t: float) -> float:
        """Total seconds of silence in [0, t]."""
        i = bisect_right(self._silence_starts, t)
        total = self._silence_sums[i]
        if i:
            start, end = self.silences[i - 1]
            total -= max(0.0, end - max(start, min(end, t)))
        return total

    def silence_between(self, a: float, b: float) -> float:
        return max(0.0, self.silence_until(b) - self.silence_until(a))

    def silences_between(self, a: float, b: float) -> list[tuple[float, float]]:
        """Silences that overlap [a, b), clipped to it."""
        return [(max(s, a), min(e, b)) for s, e in self.silences if s < b and e > a]

    def scenes_between(self, a: float, b: float) -> list[float]:
        return self.scenes[bisect_left(self.scenes, a) : bisect_left(self.scenes, b)]

    @cached_property
    def _activity_index(self) -> tuple[list[float], list[float]]:
        """Times and prefix sums of the activity series, for windows in O(log n)."""
        points = sorted(self.activity)
        sums = [0.0]
        for _, v in points:
            sums.append(sums[-1] + v)
        return [t for t, _ in points], sums

    def activity_between(self, a: float, b: float) -> float:
        """Mean scene-change score (0–1) of the seconds in [a, b); 0 without video."""
        times, sums = self._activity_index
        i, j = bisect_left(times, a), bisect_left(times, b)
        return (sums[j] - sums[i]) / (j - i) if j > i else 0.0

    def scene_rate(self) -> float:
        """Cuts per minute over the whole source."""
        return 60.0 * len(self.scenes) / self.duration if self.duration > 0 else 0.0
