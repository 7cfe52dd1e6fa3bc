"""The crop path of a reframed variant: which subject to follow in each analysed frame (the
active speaker, else the largest face, else the face seen nearest in time, else the salient
region, else the centre) and a smooth, jitter-free window position over time, as keyframes
the renderer interpolates."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import accumulate, pairwise
from statistics import median

from pydantic import BaseModel, ConfigDict

from klair.domain.export_options import Geometry

# A face lost for less than this is assumed still there (detectors miss frames).
HOLD_SECONDS = 1.0
# Another subject must win for this long before the camera cuts over to it.
SWITCH_SECONDS = 0.8
# Smoothing time constant (forward-backward, so no lag) and the median window that drops
# single-frame detector outliers.
SMOOTH_SECONDS = 0.35
MEDIAN_SAMPLES = 5
# The camera holds still while its subject stays this close to where it points (fraction of
# the crop's size): a seated speaker's small moves do not wobble the frame.
DEAD_ZONE = 0.06
# Fastest pan, in crop widths (or heights) per second.
MAX_SPEED = 1.2
# A cut is drawn as a jump within this time (the renderer interpolates keyframes linearly).
CUT_SECONDS = 0.001
# Mouth movement this much above the other faces' marks the active speaker.
SPEAKER_MARGIN = 1.5


@dataclass(frozen=True)
class Face:
    """A detected face in source pixels; `activity` is how much its mouth region moved since
    the previous analysed frame (0 when unknown)."""

    x: float
    y: float
    w: float
    h: float
    activity: float = 0.0

    @property
    def centre(self) -> tuple[float, float]:
        return self.x + self.w / 2, self.y + self.h / 2

    @property
    def area(self) -> float:
        return self.w * self.h


@dataclass(frozen=True)
class FrameSample:
    """What the analysis saw at `t` seconds from the clip's start."""

    t: float
    faces: tuple[Face, ...] = ()
    salient: tuple[float, float] | None = None  # centre of the salient region, if any
    speech: bool = False
    cut: bool = False  # a shot change since the previous sample: no face is held across it


class Keyframe(BaseModel):
    """The crop window's top-left corner (source pixels) at `t` seconds into the clip."""

    model_config = ConfigDict(frozen=True)

    t: float
    x: int
    y: int


def _speaker(faces: Sequence[Face], speech: bool) -> Face | None:
    """The face whose mouth moves clearly more than every other's while someone speaks."""
    if not speech or len(faces) < 2:
        return None
    ranked = sorted(faces, key=lambda f: f.activity, reverse=True)
    if ranked[0].activity > 0 and ranked[0].activity >= SPEAKER_MARGIN * ranked[1].activity:
        return ranked[0]
    return None


def _near(face: Face, point: tuple[float, float]) -> bool:
    cx, cy = face.centre
    return abs(cx - point[0]) <= face.w and abs(cy - point[1]) <= face.h


def _preferred(sample: FrameSample, current: tuple[float, float] | None) -> Face:
    """The speaker; else the followed face while it is nearly as big as the largest (no
    ping-pong between two similar faces); else the largest."""
    speaker = _speaker(sample.faces, sample.speech)
    if speaker is not None:
        return speaker
    largest = max(sample.faces, key=lambda f: f.area)
    if current is not None:
        kept = [f for f in sample.faces if _near(f, current) and f.area >= 0.6 * largest.area]
        if kept:
            return kept[0]
    return largest


@dataclass
class _Follower:
    """Subject choice with hysteresis: holds a lost face, switches only after a while."""

    fallback: tuple[float, float]
    current: tuple[float, float] | None = None
    seen_at: float = -1e9
    pending: tuple[float, float] | None = None
    pending_since: float = 0.0

    def step(self, sample: FrameSample) -> tuple[tuple[float, float], Face | None]:
        if sample.cut:  # the followed face is gone with its shot: no hold, no switch delay
            self.current, self.pending = None, None
        if not sample.faces:
            if self.current is not None and sample.t - self.seen_at <= HOLD_SECONDS:
                return self.current, None
            self.current = None
            return sample.salient or self.fallback, None
        face = _preferred(sample, self.current)
        held = self.current
        if held is not None and not _near(face, held) and sample.t - self.seen_at <= HOLD_SECONDS:
            if self.pending is None or not _near(face, self.pending):
                self.pending_since = sample.t
            self.pending = face.centre
            if sample.t - self.pending_since < SWITCH_SECONDS:
                return held, None
        self.current, self.seen_at, self.pending = face.centre, sample.t, None
        return face.centre, face


def _median(values: list[float]) -> list[float]:
    half = MEDIAN_SAMPLES // 2
    return [median(values[max(0, i - half) : i + half + 1]) for i in range(len(values))]


def _dead_zone(values: list[float], zone: float) -> list[float]:
    held: list[float] = []
    camera = values[0] if values else 0.0
    for value in values:
        if abs(value - camera) > zone:
            camera = value - zone if value > camera else value + zone
        held.append(camera)
    return held


def _smooth(values: list[float], times: list[float]) -> list[float]:
    """Forward-backward exponential smoothing: zero phase, so a pan is not late."""
    out = list(values)
    for order in (range(1, len(out)), range(len(out) - 2, -1, -1)):
        for i in order:
            j = i - 1 if order.step > 0 else i + 1
            alpha = min(1.0, abs(times[i] - times[j]) / SMOOTH_SECONDS)
            out[i] = out[j] + alpha * (out[i] - out[j])
    return out


def _limit_speed(values: list[float], times: list[float], speed: float) -> list[float]:
    out = list(values)
    for i in range(1, len(out)):
        step = speed * (times[i] - times[i - 1])
        out[i] = min(max(out[i], out[i - 1] - step), out[i - 1] + step)
    return out


def _axis(
    centres: list[float],
    times: list[float],
    crop: int,
    frame: int,
    boxes: list[tuple[float, float] | None],
) -> list[int]:
    """One axis of the path: window start per sample, smooth and inside the frame, with the
    followed face inside the window wherever there is one."""
    if crop >= frame:
        return [0] * len(centres)
    # Clamped before smoothing, so the pan eases in and out at the frame's edges too.
    path = _median([min(max(c, crop / 2), frame - crop / 2) for c in centres])
    path = _dead_zone(path, DEAD_ZONE * crop)
    path = _smooth(path, times)
    path = _limit_speed(path, times, MAX_SPEED * crop)
    starts = []
    for centre, box in zip(path, boxes, strict=True):
        start = centre - crop / 2
        if box is not None:  # keep the face in: start in [face end - crop, face start]
            low, high = box[1] - crop, box[0]
            if low <= high:
                start = min(max(start, low), high)
        starts.append(round(min(max(start, 0.0), frame - crop)))
    return starts


def _cuts(targets: Sequence[tuple[float, float]], geo: Geometry) -> list[int]:
    """Where the subject changes by more than half the window (a switch, a face found or
    lost): the camera cuts there instead of whipping across, and each shot is smoothed on
    its own."""
    return [
        i
        for i in range(1, len(targets))
        if abs(targets[i][0] - targets[i - 1][0]) > geo.crop_width / 2
        or abs(targets[i][1] - targets[i - 1][1]) > geo.crop_height / 2
    ]


def _shot(
    targets: Sequence[tuple[float, float]], faces: Sequence[Face | None], times: list[float],
    geo: Geometry,
) -> list[Keyframe]:  # fmt: skip
    xs = _axis(
        [c[0] for c in targets], times, geo.crop_width, geo.source_width,
        [(f.x, f.x + f.w) if f else None for f in faces],
    )  # fmt: skip
    ys = _axis(
        [c[1] for c in targets], times, geo.crop_height, geo.source_height,
        [(f.y, f.y + f.h) if f else None for f in faces],
    )  # fmt: skip
    return [Keyframe(t=t, x=x, y=y) for t, x, y in zip(times, xs, ys, strict=True)]


def _nearest(seen: list[tuple[float, tuple[float, float]]], t: float) -> tuple[float, float]:
    """The centre in `seen` (time-sorted) of the time nearest `t`."""
    i = bisect_left([when for when, _ in seen], t)
    return min(seen[max(0, i - 1) : i + 1], key=lambda found: abs(found[0] - t))[1]


def faces_over_saliency(samples: Sequence[FrameSample]) -> list[FrameSample]:
    """Faceless samples' salient points replaced by the largest face's centre of the sample
    nearest in time with one (in the same shot if it has one): a clip that shows a face never
    follows the salient region (a bright slide beside a small speaker inset)."""
    shots = list(accumulate(s.cut for s in samples))
    seen: dict[int, list[tuple[float, tuple[float, float]]]] = {}
    for shot, s in zip(shots, samples, strict=True):
        if s.faces:
            seen.setdefault(shot, []).append((s.t, max(s.faces, key=lambda f: f.area).centre))
    if not seen:
        return list(samples)
    anywhere = sorted(found for faces in seen.values() for found in faces)
    return [
        s if s.faces else replace(s, salient=_nearest(seen.get(shot, anywhere), s.t))
        for shot, s in zip(shots, samples, strict=True)
    ]


def crop_path(samples: Sequence[FrameSample], geo: Geometry) -> list[Keyframe]:
    """Keyframes of the crop window over the clip (at least one; a single one is static).
    A cut shows as two keyframes a millisecond apart."""
    if not geo.crops:
        return [Keyframe(t=0.0, x=0, y=0)]
    follower = _Follower(fallback=(geo.source_width / 2, geo.source_height / 2))
    samples = faces_over_saliency(samples) or [FrameSample(t=0.0)]
    targets, faces = zip(*(follower.step(s) for s in samples), strict=True)
    times = [s.t for s in samples]
    edges = [0, *_cuts(targets, geo), len(samples)]
    keys: list[Keyframe] = []
    for a, b in pairwise(edges):
        shot = _shot(targets[a:b], faces[a:b], times[a:b], geo)
        if keys:
            keys.append(keys[-1].model_copy(update={"t": round(times[a] - CUT_SECONDS, 4)}))
        keys += shot
    return simplify(keys)


def _between(a: Keyframe, b: Keyframe, t: float) -> tuple[float, float]:
    share = (t - a.t) / (b.t - a.t) if b.t > a.t else 0.0
    return a.x + share * (b.x - a.x), a.y + share * (b.y - a.y)


def _off(a: Keyframe, b: Keyframe, key: Keyframe) -> float:
    x, y = _between(a, b, key.t)
    return max(abs(x - key.x), abs(y - key.y))


def simplify(keys: list[Keyframe], tolerance: float = 1.0) -> list[Keyframe]:
    """Drop keyframes that linear interpolation of the kept ones reproduces within
    `tolerance` pixels, so the renderer's expression stays short; a still path is one."""
    if len({(k.x, k.y) for k in keys}) <= 1:
        return keys[:1]
    kept, skipped = [keys[0]], []
    for i in range(1, len(keys) - 1):
        skipped.append(keys[i])
        if any(_off(kept[-1], keys[i + 1], k) > tolerance for k in skipped):
            kept.append(keys[i])
            skipped = []
    kept.append(keys[-1])
    return kept


def position_at(keys: Sequence[Keyframe], t: float) -> tuple[float, float]:
    """The window's top-left at `t` as the renderer draws it (linear between keyframes)."""
    if t <= keys[0].t or len(keys) == 1:
        return float(keys[0].x), float(keys[0].y)
    for a, b in pairwise(keys):
        if t <= b.t:
            return _between(a, b, t)
    return float(keys[-1].x), float(keys[-1].y)
