"""One cheap in-process pass over a clip's window before rendering: low-resolution grey
frames a few times a second for the reframe and thumbnail choices (from the transcode's
proxy when there is one, so the source is decoded once, by the render), and the EBU R128
loudness and true peak of its audio (the measurement of a linear loudness normalisation)."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from klair.adapters.render.av_window import Deadline, Gray, grey_frames, loudness
from klair.adapters.render.cut import Measured, Window
from klair.adapters.render.face_track import Box, FrameView, look, shot_changed, track_faces
from klair.domain.media import MediaInfo
from klair.domain.reframe_path import Face, FrameSample

ANALYSIS_FPS = 4.0
# 2.4 times the whole-frame search's 180 px: the small-face pass finds faces from 40 px wide
# at 720p (a speaker's inset beside a slide; 360 px found a third of those, bench/small_faces).
ANALYSIS_SHORT_SIDE = 432
# Known faces are tracked near where they were (a fraction of a whole-frame search's cost),
# with a whole-frame search for new faces once a second; without a face in sight the whole
# frame is searched every other frame, so a face that comes in is found within 0.25 s.
FULL_SEARCH_EVERY = 4
EMPTY_SEARCH_EVERY = 2
# The small-face pass (about two coarse searches' cost) runs on a whole-frame search that
# found nothing at a shot change (a cut, where new faces come in) and else only once every
# this many frames (4 s; a multiple of FULL_SEARCH_EVERY, so the two spans see the same
# schedule), unless a small face is being tracked.
SMALL_SEARCH_EVERY = 16
# Threads kept for the life of the instance (each keeps its face model): the audio's
# measurement and the second half of the frames.
_POOL = ThreadPoolExecutor(max_workers=2, thread_name_prefix="klair-analysis")


@dataclass
class ClipAnalysis:
    width: int  # analysis frame size
    height: int
    scale: float  # source pixels per analysis pixel
    times: list[float] = field(default_factory=list)
    views: list[FrameView] = field(default_factory=list)
    loudness: Measured | None = None

    def samples(self, speech: list[tuple[float, float]]) -> list[FrameSample]:
        """The frames in source pixels, for the crop path."""
        s = self.scale

        def speaking(t: float) -> bool:
            return any(a - 0.2 <= t <= b + 0.2 for a, b in speech)

        return [
            FrameSample(
                t=t,
                faces=tuple(
                    Face(f.x * s, f.y * s, f.w * s, f.h * s, f.activity) for f in view.faces
                ),
                salient=(view.salient[0] * s, view.salient[1] * s) if view.salient else None,
                speech=speaking(t),
                cut=view.cut,
            )
            for t, view in zip(self.times, self.views, strict=True)
        ]


def _size(media: MediaInfo) -> tuple[int, int, float]:
    """Analysis frame size (the probe's size is already the displayed, rotated one) and the
    source pixels per analysis pixel."""
    width, height = media.width or 2, media.height or 2
    shrink = max(1.0, min(width, height) / ANALYSIS_SHORT_SIDE)
    small_w, small_h = max(2, int(width / shrink) // 2 * 2), max(2, int(height / shrink) // 2 * 2)
    return small_w, small_h, width / small_w


def _look_span(frames: list[Gray], first: int, stop: int) -> list[FrameView]:
    """Frames `first`..`stop` looked at in order, tracking the faces already found. A span
    starting at a whole-frame search with the small-face pass (a multiple of both periods)
    needs nothing from the frames before it but the one before (mouth movement), so spans
    run side by side."""
    known, views = list[Box](), list[FrameView]()
    for index in range(first, stop):
        gray, previous = frames[index], frames[index - 1] if index else None
        # After a cut the faces are new ones: searched for at once, small ones included.
        cut = shot_changed(gray, previous)
        known = [] if cut else known
        full = cut or index % (FULL_SEARCH_EVERY if known else EMPTY_SEARCH_EVERY) == 0
        small = cut or index % SMALL_SEARCH_EVERY == 0
        known = track_faces(gray, known, full, small)
        views.append(look(gray, previous, known, cut))
    return views


def _look_all(frames: list[Gray]) -> list[FrameView]:
    """Two spans, the second on the pool's thread: the face search (OpenCV, without the
    GIL) is most of the analysis, and the render that follows needs its result."""
    step = math.lcm(FULL_SEARCH_EVERY, SMALL_SEARCH_EVERY)
    middle = len(frames) // 2 // step * step
    later = _POOL.submit(_look_span, frames, middle, len(frames))
    return _look_span(frames, 0, middle) + later.result()


def analyse(
    source: Path | str,
    window: Window,
    media: MediaInfo,
    timeout: float,
    proxy: Path | str | None = None,
    on_proxy: Window | None = None,
) -> ClipAnalysis:
    """The audio is measured on a pool thread while the frames are decoded and looked at
    (the FFmpeg libraries and OpenCV release the GIL), so the work overlaps on two cores.
    `proxy`: a low-resolution copy of the source (the transcode's, or its chunk's) and
    `on_proxy` the clip on its timeline (`window` by default): its frames cost a fraction
    of the source's; the audio is the source's, as delivered."""
    width, height, scale = _size(media) if media.has_video else (0, 0, 1.0)
    result = ClipAnalysis(width=width, height=height, scale=scale)
    deadline = Deadline(timeout)
    measured = _POOL.submit(loudness, source, window, deadline) if media.has_audio else None
    if media.has_video:
        on_proxy = on_proxy or Window(window.start, window.end, linear=False)
        frames = (
            grey_frames(proxy, on_proxy, (width, height), ANALYSIS_FPS, deadline)
            if proxy is not None
            else grey_frames(source, window, (width, height), ANALYSIS_FPS, deadline,
                             rotation=media.rotation, references_only=True)
        )  # fmt: skip
        result.views = _look_all(list(frames))
        result.times = [round(n / ANALYSIS_FPS, 3) for n in range(len(result.views))]
    result.loudness = measured.result() if measured is not None else None
    return result
