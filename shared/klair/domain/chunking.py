"""Split a source into overlapping windows small enough for one analysis call each."""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ChunkSpan(BaseModel):
    """One unit of analysis: absolute seconds [start, end] of the source."""

    model_config = ConfigDict(frozen=True)

    index: int = Field(ge=0)
    start: float = Field(ge=0)
    end: float = Field(gt=0)

    @property
    def duration(self) -> float:
        return self.end - self.start


def plan_chunks(duration: float, chunk_seconds: float, overlap: float) -> list[ChunkSpan]:
    """The fewest windows covering [0, duration], none longer than `chunk_seconds`, each
    starting exactly `overlap` seconds before the previous one ends.

    All windows have the same length, so none is a sliver and none runs over the limit that
    keeps one analysis call short (a 4-hour source at 10 min is 25 calls of 10 min at most).
    """
    if duration <= 0:
        raise ValueError("duration must be positive")
    if chunk_seconds <= 0 or not 0 <= overlap < chunk_seconds:
        raise ValueError("need chunk_seconds > 0 and 0 <= overlap < chunk_seconds")
    if duration <= chunk_seconds:
        return [ChunkSpan(index=0, start=0.0, end=duration)]
    count = math.ceil((duration - overlap) / (chunk_seconds - overlap))
    length = min(chunk_seconds, (duration + (count - 1) * overlap) / count)
    starts = [i * (length - overlap) for i in range(count)]
    # Each end is derived from the next start, so float rounding can never open a gap.
    ends = [following + overlap for following in starts[1:]] + [duration]
    return [
        ChunkSpan(index=i, start=start, end=end)
        for i, (start, end) in enumerate(zip(starts, ends, strict=True))
    ]


def plan_for_clips(
    duration: float, chunk_seconds: float, overlap: float, longest_clip: float
) -> list[ChunkSpan]:
    """Windows that overlap by at least the longest clip asked for, so a moment of any
    allowed length lies wholly inside one window and is never cut by a window's edge.

    The window grows only when it must stay longer than twice the overlap.
    """
    overlap = max(overlap, longest_clip)
    return plan_chunks(duration, max(chunk_seconds, 2 * overlap), overlap)


class ChunkLease(BaseModel):
    """The answer to "may this delivery analyse chunk n now?".

    `granted`: yes, until the lease's end; `attempt` numbers the grants of this chunk (1 for
    the first), so what each attempt spends is counted apart. `held`: another delivery holds
    an unexpired lease. `done`: the chunk's result is already recorded.
    """

    model_config = ConfigDict(frozen=True)

    state: Literal["granted", "held", "done"]
    attempt: int = Field(default=0, ge=0)
