"""A clip's span of a source read by URL, copied as it is (no re-encoding) to a local
Matroska file by one seeking pass of bounded ranged requests: the loudness measurement and
every variant's render then read the local copy, so a clip costs the bytes around it (and
the source's index), however long the source."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av

from klair.adapters.render.av_window import origin, reader
from klair.adapters.render.cut import Window
from klair.domain.errors import Transient, UnsupportedMedia

# Kept either side of the clip: the decoders' run-in (the copy starts at the keyframe
# before this) and the interleaving of the audio and video packets.
MARGIN = 1.0
# A seek that lands after its target (a container without a usable index) is tried again
# this much earlier, then from the beginning.
REWIND = 30.0
# Past the clip, the copy waits this long for a stream that has not reached its end (one
# may end early, or be sparse) rather than read on to the end of the source.
SLACK = 10.0


@dataclass(frozen=True)
class Excerpt:
    path: Path
    offset: float  # the source time at the copy's time 0 (where `-ss` and windows count from)

    def window(self, start: float, end: float) -> Window:
        """The span [start, end] of the source on the copy's timeline."""
        return Window(start - self.offset, end - self.offset, linear=False)


def _kept(container: Any) -> list[Any]:
    """The streams the renderer reads: the first picture that is not cover art, the first
    audio (in that order, so the copy's `0:V:0` and `0:a:0` are them)."""
    pictures = [
        s for s in container.streams.video if not s.disposition & av.stream.Disposition.attached_pic
    ]
    return pictures[:1] + list(container.streams.audio[:1])


def _seconds(packet: Any) -> float | None:
    stamp = packet.pts if packet.pts is not None else packet.dts
    return None if stamp is None else float(stamp * packet.time_base)


def _landing(container: Any, streams: list[Any], at: float) -> float | None:
    """Where the first packet of the first kept stream is after seeking to `at`."""
    container.seek(max(0, int(at * av.time_base)), backward=True)
    for packet in container.demux(streams[0]):
        if (seconds := _seconds(packet)) is not None:
            return seconds
    return None


def _seek(container: Any, streams: list[Any], target: float) -> None:
    """Seek so that the first kept stream starts at or before `target` (absolute)."""
    for at in (target - MARGIN, target - REWIND):
        landed = _landing(container, streams, at)
        if landed is not None and landed <= target:
            container.seek(max(0, int(at * av.time_base)), backward=True)
            return
    container.seek(0, backward=True)


def _packets(container: Any, streams: list[Any], until: float) -> Iterator[Any]:
    """The kept streams' packets up to `until` (absolute) each."""
    open_ = {s.index for s in streams}
    for packet in container.demux(streams):
        seconds = _seconds(packet)
        if packet.stream.index not in open_ or packet.dts is None or seconds is None:
            continue
        if seconds > until:
            open_.discard(packet.stream.index)
            if not open_ or seconds > until + SLACK:
                return
            continue
        yield packet


def excerpt(url: str, start: float, end: float, dest: Path) -> Excerpt:
    """Copy [start - MARGIN, end + MARGIN] of `url` (source seconds) to `dest`."""
    try:
        with reader(url) as source:
            streams, zero = _kept(source), origin(source)
            if not streams:
                raise UnsupportedMedia("the source has no audio or video to render")
            with av.open(str(dest), "w", format="matroska") as copy:
                out = {s.index: copy.add_stream_from_template(s) for s in streams}
                _seek(source, streams, zero + start)
                for packet in _packets(source, streams, zero + end + MARGIN):
                    packet.stream = out[packet.stream.index]
                    copy.mux(packet)
        with av.open(str(dest)) as written:
            return Excerpt(dest, origin(written) - zero)
    except av.error.FFmpegError as exc:  # the source was probed at ingest: a failed read
        raise Transient(f"the source could not be read: {exc}") from exc
