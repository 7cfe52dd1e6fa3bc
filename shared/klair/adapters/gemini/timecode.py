"""MM:SS timecodes as the model reads and writes them, relative to the start of an excerpt."""

from __future__ import annotations

import re

_TIMECODE = re.compile(r"^\s*(?:(?P<h>\d+):)?(?P<m>\d{1,3}):(?P<s>\d{1,2}(?:\.\d+)?)\s*$")
_SECONDS = re.compile(r"^\s*(?P<s>\d+(?:\.\d+)?)\s*s?\s*$")


def parse(text: str) -> float | None:
    """Seconds for `MM:SS`, `M:SS.s` or `H:MM:SS` (also bare seconds, `75` or `75.5s`);
    None when it is none of these or the seconds field reads 60 or more."""
    match = _TIMECODE.match(text)
    if match is not None:
        seconds = float(match["s"])
        minutes = int(match["m"])
        if seconds >= 60 or (match["h"] is not None and minutes >= 60):
            return None
        return int(match["h"] or 0) * 3600 + minutes * 60 + seconds
    match = _SECONDS.match(text)
    return float(match["s"]) if match is not None else None


def format_mmss(seconds: float) -> str:
    """`MM:SS` (minutes may exceed 59), rounded to the nearest second."""
    whole = max(0, round(seconds))
    return f"{whole // 60:02d}:{whole % 60:02d}"


def duration(seconds: float) -> str:
    """A protobuf Duration string (`570s`, `12.5s`), as `video_metadata` offsets expect."""
    text = f"{max(0.0, seconds):.3f}".rstrip("0").rstrip(".")
    return f"{text}s"
