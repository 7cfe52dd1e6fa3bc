"""A clip's window of a media file read in this process through PyAV (the FFmpeg libraries,
so no ffmpeg process is started per clip: that start alone, about 70 ms of loading some 200
shared libraries, was a quarter of the per-clip analysis): grey frames a few times a second
and the EBU R128 measurement of the audio, through the same FFmpeg filters the command line
used (trim, fps, scale; atrim, ebur128)."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import av
import numpy as np
import numpy.typing as npt
from av.filter import Graph

from klair.adapters.render.cut import Measured, Window
from klair.domain.errors import Transient, UnsupportedMedia

Gray = npt.NDArray[np.uint8]
# A URL is read by ranged requests of this size (the FFmpeg libraries' HTTP `request_size`),
# the first after opening smaller (the container's header is small): an open-ended range
# would have the server send on until the reader closes, so every seek would cost what the
# connection buffers (megabytes) rather than the bytes read.
REQUEST_BYTES = 1 << 20
FIRST_REQUEST_BYTES = 64 << 10
STALLED_SECONDS = 30  # a read that long without a byte fails (Transient, retried)


def reader(path: Path | str) -> Any:
    """The media opened: a local file, or a URL read by bounded ranges."""
    if isinstance(path, Path) or not path.startswith(("http://", "https://")):
        return av.open(str(path))
    options = {
        "request_size": REQUEST_BYTES, "initial_request_size": FIRST_REQUEST_BYTES,
        "rw_timeout": STALLED_SECONDS * 1_000_000,
    }  # fmt: skip
    return av.open(path, options={k: str(v) for k, v in options.items()})


class Deadline:
    def __init__(self, seconds: float) -> None:
        self._at = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() > self._at:
            raise Transient("clip analysis timed out")


def origin(container: Any) -> float:
    """The file's first timestamp: windows count from it, as ffmpeg's `-ss` does."""
    start = container.start_time
    return start / av.time_base if start is not None and start > 0 else 0.0


def _chain(graph: Graph, first: Any, filters: list[tuple[str, str]]) -> None:
    nodes = [first, *(graph.add(name, args) for name, args in filters)]
    for a, b in pairwise(nodes):
        a.link_to(b)
    graph.configure()


def _frames(container: Any, stream: Any, window: Window, deadline: Deadline) -> Iterator[Any]:
    """The stream's decoded frames from (a keyframe before) the window's start to its end;
    a linear container (no usable index) is read from its beginning instead of seeking."""
    zero = origin(container)
    if not window.linear and window.start > 0:
        container.seek(int((zero + window.start) * av.time_base), backward=True)
    for frame in container.decode(stream):
        deadline.check()
        if frame.pts is None:
            continue
        yield frame
        if frame.time is not None and frame.time - zero >= window.end:
            return


def _drain(graph: Graph) -> Iterator[Any]:
    while True:
        try:
            yield graph.pull()
        except (av.error.BlockingIOError, av.error.EOFError):
            return


def _filtered(frames: Iterator[Any], chain: list[tuple[str, str]], audio: bool) -> Iterator[Any]:
    """`frames` through a filter chain made once the first frame tells the input's format
    (a stream's own parameters are not always known before its first frame)."""
    graph: Graph | None = None
    for frame in frames:
        if graph is None:
            graph = Graph()
            if audio:
                source = graph.add_abuffer(
                    sample_rate=frame.sample_rate, format=frame.format.name,
                    layout=frame.layout.name, time_base=frame.time_base,
                )  # fmt: skip
            else:
                source = graph.add_buffer(
                    width=frame.width, height=frame.height, format=frame.format.name,
                    time_base=frame.time_base,
                )  # fmt: skip
            _chain(graph, source, chain)
        graph.push(frame)
        yield from _drain(graph)
    if graph is not None:
        graph.push(None)
        yield from _drain(graph)


def _trim(window: Window, zero: float) -> str:
    return f"start={zero + window.start:.6f}:end={zero + window.end:.6f}"


# What a player does to show a picture turned `rotation` degrees clockwise (the command
# line's autorotate; the libraries leave it to the caller).
_UPRIGHT = {90: [("transpose", "clock")], 180: [("hflip", ""), ("vflip", "")],
            270: [("transpose", "cclock")]}  # fmt: skip


def _picture(container: Any) -> Any:
    """The first video stream that is not cover art (the command line's `V`)."""
    for stream in container.streams.video:
        if not stream.disposition & av.stream.Disposition.attached_pic:
            return stream
    raise UnsupportedMedia("the clip has no video to analyse")


def grey_frames(
    path: Path | str,
    window: Window,
    size: tuple[int, int],
    fps: float,
    deadline: Deadline,
    rotation: int = 0,
    references_only: bool = False,
) -> Iterator[Gray]:
    """`fps` frames a second of the window, turned upright (`rotation`: the clockwise
    degrees a player turns it), scaled to `size` and grey; `references_only` skips B-frames
    (a few frames a second of a full-rate source are enough)."""
    chain = [
        ("fps", f"{fps}"), *_UPRIGHT.get(rotation % 360, []),
        ("scale", f"{size[0]}:{size[1]}"), ("format", "gray"), ("buffersink", ""),
    ]  # fmt: skip
    try:
        with reader(path) as container:
            stream, zero = _picture(container), origin(container)
            trim = _trim(window, zero)
            # Times from the window's start, as `-ss` makes them: the fps filter then picks
            # the command line's frames.
            shift = ("setpts", f"PTS-{zero + window.start:.6f}/TB")
            stream.thread_type = "AUTO"
            if references_only:
                stream.codec_context.skip_frame = "BIDIR"
            frames = _frames(container, stream, window, deadline)
            for out in _filtered(frames, [("trim", trim), shift, *chain], audio=False):
                yield out.to_ndarray()
    except av.error.FFmpegError as exc:
        raise UnsupportedMedia(f"the clip's video could not be read: {exc}") from exc


def loudness(path: Path | str, window: Window, deadline: Deadline) -> Measured | None:
    """Integrated loudness and true peak of the window's audio (ebur128's running values
    after its last block); None for silence or no audio."""
    last: dict[str, str] | None = None
    try:
        with reader(path) as container:
            if not container.streams.audio:
                return None
            trim = _trim(window, origin(container))
            chain = [("atrim", trim), ("ebur128", "peak=true:metadata=1"), ("abuffersink", "")]
            frames = _frames(container, container.streams.audio[0], window, deadline)
            for out in _filtered(frames, chain, audio=True):
                if "lavfi.r128.I" in out.metadata:
                    last = dict(out.metadata)
    except av.error.FFmpegError as exc:
        raise UnsupportedMedia(f"the clip's audio could not be read: {exc}") from exc
    return _measured(last)


def _measured(meta: dict[str, str] | None) -> Measured | None:
    if meta is None:
        return None
    integrated = float(meta["lavfi.r128.I"])
    peak = float(meta.get("lavfi.r128.true_peak", "0"))
    if not math.isfinite(integrated) or integrated <= -70 or peak <= 0:
        return None
    return Measured(integrated=integrated, true_peak=round(20 * math.log10(peak), 2))
