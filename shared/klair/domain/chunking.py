"""Split a source into overlapping chunks small enough for one analysis call each."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# A final chunk shorter than this fraction of `chunk_seconds` is merged into the one before.
MIN_TAIL_FRACTION = 0.25


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
    """Chunks covering [0, duration], each starting `overlap` seconds before the previous end.

    Every chunk but the last is exactly `chunk_seconds` long; a short tail (under a quarter
    of a chunk) is folded into the previous chunk instead of becoming a chunk of its own.
    """
    if duration <= 0:
        raise ValueError("duration must be positive")
    if chunk_seconds <= 0 or not 0 <= overlap < chunk_seconds:
        raise ValueError("need chunk_seconds > 0 and 0 <= overlap < chunk_seconds")
    step = chunk_seconds - overlap
    starts = [0.0]
    while starts[-1] + chunk_seconds < duration:
        starts.append(len(starts) * step)
    if len(starts) > 1 and duration - starts[-1] < MIN_TAIL_FRACTION * chunk_seconds:
        starts.pop()
    # Each end is derived from the next start, so float rounding can never open a gap.
    ends = [following + overlap for following in starts[1:]] + [duration]
    return [
        ChunkSpan(index=i, start=start, end=end)
        for i, (start, end) in enumerate(zip(starts, ends, strict=True))
    ]
