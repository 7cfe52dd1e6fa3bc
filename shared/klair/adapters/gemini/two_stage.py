"""Two-stage analysis: the offline analyzer's best candidates of a chunk become the only
windows Gemini watches, so it pays for minutes worth watching rather than for the chunk."""

from __future__ import annotations

from collections.abc import Sequence

from klair.domain.clip import Candidate


def shortlist(
    candidates: Sequence[Candidate],
    size: int,
    padding: float,
    start: float,
    end: float,
    max_seconds: float,
) -> list[tuple[float, float]]:
    """Windows around the `size` best candidates, widened by `padding` each side (and to at
    least `max_seconds`, so the model may move the edges), clipped to [start, end] and merged
    where they touch. Sorted by time."""
    best = sorted(candidates, key=lambda c: (-c.score, c.start))[:size]
    windows = []
    for c in best:
        grow = max(padding, (max_seconds - c.duration) / 2)
        windows.append((max(start, c.start - grow), min(end, c.end + grow)))
    merged: list[tuple[float, float]] = []
    for a, b in sorted(windows):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return merged
