"""Which moment of a clip makes its thumbnail: the sharpest analysed frame, preferring one
with a clear face, away from the clip's first and last second."""

from __future__ import annotations

from collections.abc import Sequence

from klair.adapters.render.face_track import FrameView


def best_moment(times: Sequence[float], views: Sequence[FrameView], duration: float) -> float:
    """Seconds from the clip's start; the middle when nothing was analysed."""
    margin = min(1.0, duration * 0.1)
    usable = [
        (t, view) for t, view in zip(times, views, strict=True) if margin <= t <= duration - margin
    ]
    if not usable:
        return round(duration / 2, 3)
    sharpest = max(view.sharpness for _, view in usable) or 1.0

    def score(item: tuple[float, FrameView]) -> float:
        t, view = item
        face = max((f.w * f.h for f in view.faces), default=0.0)
        middle = 1 - abs(t - duration / 2) / duration  # a tie goes to the middle
        return view.sharpness / sharpest + (1.0 if face else 0.0) + 0.1 * middle

    return round(max(usable, key=score)[0], 3)
