"""Signals measured in the transcode pass (loudness, pauses, scene cuts) and queries over them."""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from functools import cached_property

from pydantic import BaseModel, ConfigDict, Field

# Momentary loudness below this is treated as silence (EBU R128's absolute gate).
LOUDNESS_FLOOR = -70.0


def power(lufs: float) -> float:
    """Linear power of a loudness value, so averages are energy means rather than dB means."""
    return 10.0 ** (max(lufs, LOUDNESS_FLOOR) / 10.0)


def lufs(mean_power: float) -> float:
    return max(10.0 * math.log10(mean_power), LOUDNESS_FLOOR) if mean_power > 0 else LOUDNESS_FLOOR


class Signals(BaseModel):
    """What `signals.json` holds: absolute seconds from the start of the source.

    `loudness` is (time, momentary LUFS) at a regular step (0.1-0.5 s), floored at -70;
    `silences` are (start, end) pauses sorted by time; `scenes` are hard-cut times.
    """

    model_config = ConfigDict(frozen=True)

    version: int = 1
    duration: float = Field(ge=0)
    has_video: bool = True
    loudness: list[tuple[float, float]] = []
    silences: list[tuple[float, float]] = []
    scenes: list[float] = []

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

    def loudness_between(self, a: float, b: float) -> list[float]:
        """Momentary loudness values sampled in [a, b)."""
        lo, hi = self._index_range(a, b)
        return [value for _, value in self.loudness[lo:hi]]

    def mean_loudness(self, a: float | None = None, b: float | None = None) -> float:
        """Energy-mean loudness (LUFS) over [a, b), or over the whole source."""
        lo, hi = self._index_range(
            0.0 if a is None else a, math.inf if b is None else b
        )
        if hi <= lo:
            return LOUDNESS_FLOOR
        return lufs((self._power_sums[hi] - self._power_sums[lo]) / (hi - lo))

    def peak_between(self, a: float, b: float) -> tuple[float, float] | None:
        """(time, loudness) of the loudest sample in [a, b), if any."""
        lo, hi = self._index_range(a, b)
        if hi <= lo:
            return None
        return max(self.loudness[lo:hi], key=lambda point: (point[1], -point[0]))

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
        return [
            (max(s, a), min(e, b)) for s, e in self.silences if s < b and e > a
        ]

    def scenes_between(self, a: float, b: float) -> list[float]:
        return self.scenes[bisect_left(self.scenes, a) : bisect_left(self.scenes, b)]

    def scene_rate(self) -> float:
        """Cuts per minute over the whole source."""
        return 60.0 * len(self.scenes) / self.duration if self.duration > 0 else 0.0
