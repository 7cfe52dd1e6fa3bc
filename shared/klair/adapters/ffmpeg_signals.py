"""Turn what the transcode pass's filters printed into `Signals`: momentary loudness and
scene-change scores from `metadata=print` files, pauses and integrated loudness from the log."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from klair.domain.media import MediaInfo
from klair.domain.signals import Signals, lufs, power

SCENE_THRESHOLD = 0.3
SILENCE_NOISE = "-35dB"
SILENCE_MIN_SECONDS = 0.4
# ebur128 measures every 100 ms; longer sources are stored coarser so signals.json stays
# near 2 MB (4 hours at 100 ms).
LOUDNESS_STEP = 0.1
MAX_LOUDNESS_POINTS = 150_000
# ebur128 stamps each 100 ms frame with the 400 ms window that ends at the frame's end.
MOMENTARY_CENTRE_SHIFT = -0.2
ACTIVITY_STEP = 1.0

LOUDNESS_FILE = "loudness.txt"
SCENES_FILE = "scenes.txt"

_PTS = re.compile(r"pts_time:(-?[\d.]+)")
_SILENCE = re.compile(r"silence_(start|end): (-?[\d.]+)")
_INTEGRATED = re.compile(r"Integrated loudness:\s+I:\s+(-?[\d.]+) LUFS")


def metadata_points(path: Path, key: str) -> Iterator[tuple[float, float]]:
    """(pts_time, value) pairs of `key` from a `metadata=print` file."""
    if not path.exists():
        return
    time: float | None = None
    prefix = key + "="
    with path.open() as lines:
        for line in lines:
            if match := _PTS.search(line):
                time = float(match.group(1))
            elif line.startswith(prefix) and time is not None:
                value = float(line[len(prefix) :])
                yield time, value if math.isfinite(value) else -math.inf


def loudness_series(
    points: list[tuple[float, float]], duration: float
) -> list[tuple[float, float]]:
    """Momentary loudness at the centre of each 400 ms window, one point per step; steps
    longer than 100 ms hold the energy mean of their windows."""
    step = max(LOUDNESS_STEP, math.ceil(10 * duration / MAX_LOUDNESS_POINTS) / 10)
    buckets: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for time, value in points:
        centre = time + MOMENTARY_CENTRE_SHIFT
        if 0 <= centre <= duration:
            buckets[math.floor(centre / step + 1e-6)].append((centre, power(value)))
    series = []
    for _, members in sorted(buckets.items()):
        centre = sum(t for t, _ in members) / len(members)
        energy = sum(p for _, p in members) / len(members)
        series.append((round(centre, 3), round(lufs(energy), 1)))
    return series


def activity_series(scores: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Mean scene-change score per second, stamped at the middle of the second."""
    buckets: dict[int, list[float]] = defaultdict(list)
    for time, score in scores:
        if time >= 0:
            buckets[math.floor(time / ACTIVITY_STEP)].append(max(0.0, score))
    return [
        (round((i + 0.5) * ACTIVITY_STEP, 3), round(sum(v) / len(v), 4))
        for i, v in sorted(buckets.items())
    ]


def silences(log: str, duration: float) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    start: float | None = None
    for kind, value in _SILENCE.findall(log):
        if kind == "start":
            start = max(0.0, float(value))
        elif start is not None:
            spans.append((round(start, 3), round(min(float(value), duration), 3)))
            start = None
    if start is not None and start < duration:
        spans.append((round(start, 3), round(duration, 3)))
    return spans


def integrated_loudness(log: str) -> float | None:
    found = _INTEGRATED.findall(log)
    value = float(found[-1]) if found else None
    return value if value is not None and value > -70 else None


def read_signals(workdir: Path, log: str, media: MediaInfo, has_audio: bool) -> Signals:
    loudness = list(metadata_points(workdir / LOUDNESS_FILE, "lavfi.r128.M"))
    scores = list(metadata_points(workdir / SCENES_FILE, "lavfi.scene_score"))
    cuts = [round(t, 3) for t, s in scores if s > SCENE_THRESHOLD and 0 < t < media.duration]
    return Signals(
        duration=media.duration,
        has_video=media.has_video,
        loudness=loudness_series(loudness, media.duration),
        silences=silences(log, media.duration),
        scenes=cuts,
        integrated_loudness=integrated_loudness(log) if has_audio else None,
        activity=activity_series(scores),
    )
