"""What one low-resolution frame shows: faces (OpenCV's Haar cascade, shipped inside the
opencv-python-headless wheel, so nothing is downloaded), how much each face's mouth moved,
a spectral-residual saliency centre for frames without a face, and sharpness.

Faces are searched in two passes: the whole frame at 180 px high (faces from 24 px there,
about 96 px at 720p), and only when that finds nothing, the frame at its own (analysis)
resolution for small faces alone (a speaker's inset beside a slide, from about 40 px at
720p), whose cost stays off every frame that shows a face big enough for the first."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt
import structlog

from klair.domain.reframe_path import Face

log = structlog.get_logger(__name__)
Gray = npt.NDArray[np.uint8]
CASCADE = "haarcascade_frontalface_default.xml"
# The cascade's own window: faces from 24 px in the searched image.
MIN_FACE = 24
# The first pass's frame: 180 px on its short side (faces from ≈ 1/7 of the height).
COARSE_SIDE = 180
# The second pass looks for faces up to this factor of the first pass's smallest (in the
# analysis frame's pixels): the bigger ones are the first pass's; the margin covers faces the
# first missed near its limit.
SMALL_MARGIN = 1.25
SMALL_SCALE_STEP = 1.25
# Tracking a known face: searched within this many face widths around it, at sizes within
# this factor of its own (a face moves and turns little in a quarter of a second).
NEAR_MARGIN = 0.6
NEAR_SIZE = 1.5
Box = tuple[int, int, int, int]
# Mean grey-level difference of two analysed frames' thumbnails that marks a shot change.
CUT_DIFFERENCE = 30.0


_local = threading.local()


@lru_cache(maxsize=1)
def _model() -> Path | None:
    """The face model's file; None (reframe by saliency only, logged once) on an OpenCV
    without it: 5.x moved the Haar cascades out of the wheel, hence the `<5` pin."""
    data = getattr(cv2, "data", None)
    path = Path(getattr(data, "haarcascades", "")) / CASCADE
    if not hasattr(cv2, "CascadeClassifier") or not path.is_file():
        log.warning("no face model in this OpenCV: reframing by saliency", opencv=cv2.__version__)
        return None
    # One thread inside OpenCV: the frames are small, its pool costs more CPU than it saves,
    # and the analysis spreads whole frames over threads itself.
    cv2.setNumThreads(1)
    return path


def _cascade() -> cv2.CascadeClassifier | None:
    """The face model, one per thread (about 10 ms to load): a classifier keeps the image
    pyramid of its current search in itself, so two threads must not share one."""
    if not hasattr(_local, "cascade"):
        path = _model()
        cascade = cv2.CascadeClassifier(str(path)) if path is not None else None
        _local.cascade = None if cascade is None or cascade.empty() else cascade
    found: cv2.CascadeClassifier | None = _local.cascade
    return found


@dataclass(frozen=True)
class FrameView:
    """One analysed frame, in analysis pixels."""

    faces: tuple[Face, ...]
    salient: tuple[float, float] | None
    sharpness: float
    cut: bool = False  # a shot change since the previous analysed frame


def _search(gray: Gray, smallest: int, largest: int | None = None) -> list[Box]:
    cascade = _cascade()
    if cascade is None:
        return []
    upto = largest or 0  # 0: no upper bound (OpenCV's default)
    # The small-face pass's coarser pyramid costs 40 % less and found the same faces.
    step = 1.2 if largest is None else SMALL_SCALE_STEP
    found = cascade.detectMultiScale(
        gray, scaleFactor=step, minNeighbors=4, minSize=(smallest, smallest), maxSize=(upto, upto)
    )
    return [(int(x), int(y), int(w), int(h)) for x, y, w, h in found]


def _coarse(gray: Gray) -> tuple[Gray, float]:
    """The frame shrunk to COARSE_SIDE on its short side (area-averaged, so fine texture
    does not alias into false faces), and its pixels per shrunk pixel; a frame that is no
    bigger is itself (factor 1)."""
    factor = min(gray.shape) / COARSE_SIDE
    if factor <= 1.0:
        return gray, 1.0
    rows, cols = gray.shape
    size = (max(1, round(cols / factor)), max(1, round(rows / factor)))
    coarse = np.asarray(cv2.resize(gray, size, interpolation=cv2.INTER_AREA), np.uint8)
    return coarse, cols / size[0]


def detect_faces(gray: Gray, small: bool = True) -> list[Box]:
    """Faces of the whole frame: the coarse pass, then, when it finds none and `small`, the
    full-resolution pass for small faces only (the expensive one, so the caller can space it
    out while no face is in sight)."""
    coarse, factor = _coarse(gray)
    found = _search(coarse, MIN_FACE)
    if factor > 1.0:
        found = [(round(x * factor), round(y * factor), round(w * factor), round(h * factor))
                 for x, y, w, h in found]  # fmt: skip
    if found or not small or factor <= 1.0:
        return found
    return _search(gray, MIN_FACE, _small_limit(gray))


def _small_limit(gray: Gray) -> int:
    """The largest face the small-face pass looks for in `gray`."""
    factor = max(1.0, int(min(gray.shape)) / COARSE_SIDE)
    return round(MIN_FACE * factor * SMALL_MARGIN)


def _near(gray: Gray, box: Box) -> Box | None:
    """The face in the region around where `box` was one analysed frame earlier, searched
    only at sizes close to its own: a small fraction of a whole-frame search."""
    cascade = _cascade()
    if cascade is None:
        return None
    x, y, w, h = box
    rows, cols = gray.shape
    left, top = max(0, x - int(NEAR_MARGIN * w)), max(0, y - int(NEAR_MARGIN * h))
    right, bottom = min(cols, x + w + int(NEAR_MARGIN * w)), min(rows, y + h + int(NEAR_MARGIN * h))
    smallest = max(MIN_FACE, int(w / NEAR_SIZE))
    if right - left < smallest or bottom - top < smallest:
        return None
    found = cascade.detectMultiScale(
        gray[top:bottom, left:right], scaleFactor=1.2, minNeighbors=4,
        minSize=(smallest, smallest), maxSize=(int(w * NEAR_SIZE) + 1, int(w * NEAR_SIZE) + 1),
    )  # fmt: skip
    if len(found) == 0:
        return None
    fx, fy, fw, fh = max(found, key=lambda f: int(f[2]) * int(f[3]))
    return int(fx) + left, int(fy) + top, int(fw), int(fh)


def track_faces(gray: Gray, known: Sequence[Box], full: bool, small: bool = True) -> list[Box]:
    """Faces of this frame: the whole frame searched when `full` or when one of the `known`
    faces (the previous analysed frame's) is lost, else each known face searched near where
    it was; no search at all without `full` and known faces (the caller's schedule). The
    small-face pass runs when `small` or when a known face is small (else a whole-frame
    search would drop the small face it is tracking)."""
    small = small or any(box[2] <= _small_limit(gray) for box in known)
    if full:
        return detect_faces(gray, small)
    if not known:
        return []
    found = [_near(gray, box) for box in known]
    boxes = [box for box in found if box is not None]
    return boxes if len(boxes) == len(known) else detect_faces(gray, small)


def _mouth(gray: Gray, box: Box) -> Gray:
    x, y, w, h = box
    region = gray[y + int(0.62 * h) : y + int(0.95 * h), x + w // 4 : x + 3 * w // 4]
    if region.size == 0:
        return np.zeros((8, 16), np.uint8)
    return np.asarray(cv2.resize(region, (16, 8), interpolation=cv2.INTER_AREA), np.uint8)


def _activity(gray: Gray, previous: Gray | None, box: Box) -> float:
    """Mean change of the mouth region since the previous frame (talking moves it)."""
    if previous is None:
        return 0.0
    now, before = _mouth(gray, box), _mouth(previous, box)
    return float(np.mean(cv2.absdiff(now, before)))


def salient_centre(gray: Gray) -> tuple[float, float] | None:
    """Spectral residual saliency (Hou & Zhang) on a thumbnail: the centre of its strongest
    region, or None for a flat frame."""
    small = cv2.resize(gray, (64, 64), interpolation=cv2.INTER_AREA).astype(np.float32)
    if float(small.std()) < 2.0:
        return None
    spectrum = cv2.dft(small, flags=cv2.DFT_COMPLEX_OUTPUT)
    amplitude = cv2.magnitude(spectrum[..., 0], spectrum[..., 1])
    log_amp = np.log(amplitude + 1e-6)
    residual = log_amp - cv2.blur(log_amp, (3, 3))
    # The residual's amplitude with the spectrum's phase.
    spectrum *= (np.exp(residual) / (amplitude + 1e-30))[..., None]
    back = cv2.idft(spectrum, flags=cv2.DFT_COMPLEX_OUTPUT | cv2.DFT_SCALE)
    saliency = cv2.GaussianBlur(cv2.magnitude(back[..., 0], back[..., 1]) ** 2, (9, 9), 2.5)
    peak = float(saliency.max())
    if peak <= 0:
        return None
    ys, xs = np.nonzero(saliency >= 0.5 * peak)
    height, width = gray.shape
    return float(xs.mean() + 0.5) / 64 * width, float(ys.mean() + 0.5) / 64 * height


def sharpness(gray: Gray) -> float:
    """Variance of the Laplacian (exact in 16 bits for 8-bit frames)."""
    _, deviation = cv2.meanStdDev(cv2.Laplacian(gray, cv2.CV_16S))
    return float(deviation[0, 0]) ** 2


def shot_changed(gray: Gray, previous: Gray | None) -> bool:
    """A cut between two analysed frames: their thumbnails differ by more than a moving or
    talking speaker makes them (a speaker shot to a slide changes most pixels by far more)."""
    if previous is None:
        return False
    now, before = (cv2.resize(g, (64, 36), interpolation=cv2.INTER_AREA) for g in (gray, previous))
    return float(np.mean(cv2.absdiff(now, before))) > CUT_DIFFERENCE


def look(
    gray: Gray, previous: Gray | None, boxes: Sequence[Box] | None = None, cut: bool = False
) -> FrameView:
    """What `gray` shows; `boxes` are its faces when already found (`track_faces`)."""
    boxes = detect_faces(gray) if boxes is None else boxes
    faces = tuple(
        Face(x=x, y=y, w=w, h=h, activity=_activity(gray, previous, (x, y, w, h)))
        for x, y, w, h in boxes
    )
    return FrameView(
        faces=faces,
        salient=None if faces else salient_centre(gray),
        sharpness=sharpness(gray),
        cut=cut,
    )
