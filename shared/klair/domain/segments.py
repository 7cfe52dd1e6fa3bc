"""A long source is transcoded as segments (one per analysis chunk, overlapping like the
chunks): each segment's signals are measured from its own start, moved to the source's
clock (`shifted`), and the segments' signals are joined into the source's (`joined`), each
instant taken from the one segment that owns it, so the overlaps count once."""

from __future__ import annotations

import math
from collections.abc import Sequence

from klair.domain.signals import Signals, lufs, merge_spans, power


def shifted(signals: Signals, offset: float, duration: float) -> Signals:
    """`signals` measured from `offset` seconds into a source of `duration` seconds, on the
    source's clock."""
    return signals.model_copy(
        update={
            "duration": duration,
            "window": (offset, round(offset + signals.duration, 3)),
            "loudness": [(round(t + offset, 3), v) for t, v in signals.loudness],
            "silences": [(round(a + offset, 3), round(b + offset, 3)) for a, b in signals.silences],
            "scenes": [round(t + offset, 3) for t in signals.scenes],
            "activity": [(round(t + offset, 3), v) for t, v in signals.activity],
        }
    )


def owned_ranges(windows: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    """The part of each (start, end) window that is its own: overlaps split at their middle,
    the first from -inf and the last to +inf."""
    bounds = [-math.inf]
    bounds += [(windows[i][1] + windows[i + 1][0]) / 2 for i in range(len(windows) - 1)]
    bounds.append(math.inf)
    return [(bounds[i], bounds[i + 1]) for i in range(len(windows))]


def joined(parts: Sequence[Signals]) -> Signals:
    """The source's signals from its segments' (on the source's clock, with their window).

    Series and cuts come from the segment that owns each instant; a pause crossing the
    middle of an overlap is the union of both segments' view of it; the integrated loudness
    is the energy mean of the segments' own, weighted by the time each owns (the exact
    gated value would need every block of the source in one place)."""
    if not parts:
        raise ValueError("no segments to join")
    ordered = sorted(((s.window or (0.0, s.duration), s) for s in parts), key=lambda p: p[0])
    owned = owned_ranges([w for w, _ in ordered])
    loudness: list[tuple[float, float]] = []
    activity: list[tuple[float, float]] = []
    scenes: list[float] = []
    silences: list[tuple[float, float]] = []
    weighted = weight = 0.0
    for ((start, end), signals), (lo, hi) in zip(ordered, owned, strict=True):
        loudness += [(t, v) for t, v in signals.loudness if lo <= t < hi]
        activity += [(t, v) for t, v in signals.activity if lo <= t < hi]
        scenes += [t for t in signals.scenes if lo <= t < hi]
        silences += [(max(a, lo), min(b, hi)) for a, b in signals.silences if a < hi and b > lo]
        if signals.integrated_loudness is not None:
            share = max(0.0, min(end, hi) - max(start, lo))
            weighted += power(signals.integrated_loudness) * share
            weight += share
    first = ordered[0][1]
    return Signals(
        duration=max(s.duration for _, s in ordered),
        has_video=first.has_video,
        loudness=loudness,
        silences=merge_spans(silences),
        scenes=scenes,
        integrated_loudness=lufs(weighted / weight) if weight else None,
        activity=activity,
    )
