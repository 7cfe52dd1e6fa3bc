"""One cheap ffmpeg pass over a clip's window before rendering: low-resolution grey frames a
few times a second for the reframe and thumbnail choices (from the transcode's proxy when
there is one, so the source is decoded once, by the render), and the EBU R128 loudness and
true peak of its audio (the measurement of a linear loudness normalisation)."""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import numpy as np

from klair.adapters.render.cut import Measured, Window
from klair.adapters.render.face_track import Box, FrameView, look, track_faces
from klair.domain.errors import Transient, UnsupportedMedia
from klair.domain.job import MediaInfo
from klair.domain.reframe_path import Face, FrameSample

ANALYSIS_FPS = 4.0
ANALYSIS_SHORT_SIDE = 180
# Known faces are tracked near where they were (a fraction of a whole-frame search's cost),
# with a whole-frame search for new faces once a second; without a face in sight the whole
# frame is searched every other frame, so a face that comes in is found within 0.25 s.
FULL_SEARCH_EVERY = 4
EMPTY_SEARCH_EVERY = 2
_INTEGRATED = re.compile(r"Integrated loudness:\s+I:\s+(-?[\d.]+|-inf) LUFS")
_PEAK = re.compile(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS")


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


def _command(
    source: Path, window: Window, media: MediaInfo, size: tuple[int, int], proxy: Path | None
) -> list[str]:
    """Frames from the proxy when there is one (already small and a few a second: its decode
    costs a fraction of the source's), the audio from the source (loudness as delivered)."""
    args = ["ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "info"]
    video_input, audio_input = "0", "0"
    if media.has_video and proxy is not None:
        args += Window(window.start, window.end, linear=False).input_args(proxy)
        audio_input = "1"
    elif media.has_video:  # a few frames a second are enough: skip B-frames and deblocking
        args += ["-skip_frame", "bidir", "-skip_loop_filter", "all"]
    if media.has_audio or audio_input == "0":
        args += window.input_args(source)
    if media.has_video:
        trim = "" if proxy is not None else window.vtrim
        video = f"{trim}fps={ANALYSIS_FPS},scale={size[0]}:{size[1]},format=gray"
        args += ["-map", f"{video_input}:V:0", "-vf", video, "-f", "rawvideo", "pipe:1"]
    if media.has_audio:
        audio = f"{window.atrim}ebur128=peak=true"
        args += ["-map", f"{audio_input}:a:0", "-af", audio, "-f", "null", "-"]
    return args


def _loudness(log: str) -> Measured | None:
    """ebur128's summary: integrated loudness and true peak; None for silence."""
    integrated, peak = _INTEGRATED.findall(log), _PEAK.findall(log)
    if not integrated or not peak:
        return None
    found = Measured(integrated=float(integrated[-1]), true_peak=float(peak[-1]))
    return found if np.isfinite(found.integrated) and found.integrated > -70 else None


def _frames(stream: IO[bytes], result: ClipAnalysis) -> None:
    """Look at each frame as ffmpeg delivers it, tracking the faces already found."""
    frame_bytes, previous, known = result.width * result.height, None, list[Box]()
    while len(data := stream.read(frame_bytes)) == frame_bytes:
        gray = np.frombuffer(data, np.uint8).reshape(result.height, result.width)
        index = len(result.views)
        full = index % (FULL_SEARCH_EVERY if known else EMPTY_SEARCH_EVERY) == 0
        known = track_faces(gray, known, full)
        result.times.append(round(len(result.views) / ANALYSIS_FPS, 3))
        result.views.append(look(gray, previous, known))
        previous = gray


def analyse(
    source: Path, window: Window, media: MediaInfo, timeout: float, proxy: Path | None = None
) -> ClipAnalysis:
    """Frames are detected while ffmpeg still decodes, so the two overlap on two cores.
    `proxy`: a low-resolution copy of the source on the same timeline (the transcode's)."""
    width, height, scale = _size(media) if media.has_video else (0, 0, 1.0)
    result = ClipAnalysis(width=width, height=height, scale=scale)
    if not media.has_video and not media.has_audio:
        return result
    with tempfile.TemporaryFile() as errors:
        with subprocess.Popen(
            _command(source, window, media, (width, height), proxy),
            stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL,
        ) as process:  # fmt: skip
            assert process.stdout is not None
            if media.has_video:
                _frames(process.stdout, result)
            try:
                code = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired as exc:
                process.kill()
                raise Transient("clip analysis timed out") from exc
        errors.seek(0)
        log = errors.read().decode(errors="replace")
    if code != 0:
        tail = "\n".join(log.strip().splitlines()[-5:])
        raise UnsupportedMedia(f"ffmpeg could not read the clip: {tail}")
    result.loudness = _loudness(log) if media.has_audio else None
    return result
