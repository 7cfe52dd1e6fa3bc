"""MediaProbe over ffprobe: what a file or a stored object contains, or `UnsupportedMedia`
when it is not media (its bytes sniffed first: `adapters/media_sniff.py` names archives,
polyglots, MP4s cut short and files that are not media at all, each with its own code). A
stored object is read where it lies: the sniff by ranged reads, ffprobe over its URL."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from fractions import Fraction
from itertools import pairwise
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from klair.adapters import media_sniff
from klair.domain.errors import UnsupportedMedia
from klair.domain.media import MediaInfo
from klair.ports.media import MediaObject


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _SideData(_Model):
    rotation: float | None = None


class _Disposition(_Model):
    attached_pic: int = 0


class _Stream(_Model):
    codec_type: str | None = None
    codec_name: str | None = None
    width: int | None = None
    height: int | None = None
    avg_frame_rate: str | None = None
    r_frame_rate: str | None = None
    duration: float | None = None
    bit_rate: int | None = None
    pix_fmt: str | None = None
    color_transfer: str | None = None
    channels: int | None = None
    sample_rate: int | None = None
    tags: dict[str, str] = {}
    side_data_list: list[_SideData] = []
    disposition: _Disposition = _Disposition()

    @property
    def is_picture(self) -> bool:
        """Cover art and thumbnails are stored as one-frame video streams; they are not video."""
        return self.codec_type == "video" and self.disposition.attached_pic == 1


class _Format(_Model):
    format_name: str = ""
    duration: float | None = None
    size: int | None = None
    bit_rate: int | None = None


class _Probe(_Model):
    streams: list[_Stream] = []
    format: _Format = _Format()


def _rate(text: str | None) -> float | None:
    try:
        value = Fraction(text) if text else Fraction(0)
    except (ValueError, ZeroDivisionError):
        return None
    return round(float(value), 3) if value > 0 else None


def _rotation(stream: _Stream) -> int:
    """Clockwise degrees a player turns the picture: the `rotate` tag, else the display matrix
    (whose angle is counter-clockwise)."""
    if "rotate" in stream.tags:
        try:
            return int(float(stream.tags["rotate"])) % 360
        except ValueError:
            return 0
    for side in stream.side_data_list:
        if side.rotation is not None:
            return round(-side.rotation) % 360
    return 0


def _container(format_name: str, name: str) -> str:
    names = format_name.split(",")
    suffix = Path(name).suffix.lower().lstrip(".")
    return suffix if suffix in names else names[0]


HDR_TRANSFERS = {"smpte2084", "arib-std-b67"}  # PQ (HDR10, Dolby Vision) and HLG
# Frame intervals this far from the typical one count as irregular; this share of
# irregular intervals in the sampled packets makes the stream variable-frame-rate.
VFR_TOLERANCE = 0.25
VFR_SHARE = 0.05
VFR_SAMPLE_PACKETS = 600
# Stored media's MP4 boxes are walked by one ranged read each: a fragmented MP4 (two boxes
# per fragment) is checked through its first this many; a cut further on is ffprobe's and
# the transcode's to find (`corrupt_media`), not worth thousands of requests.
STORED_MAX_BOXES = 1000


def irregular_timing(pts: list[float]) -> bool:
    """Whether presentation times (any order) step irregularly, as variable frame rate does."""
    times = sorted(pts)
    steps = sorted(b - a for a, b in pairwise(times) if b > a)
    if len(steps) < 10:
        return False
    typical = steps[len(steps) // 2]
    odd = sum(1 for step in steps if abs(step - typical) > VFR_TOLERANCE * typical)
    return odd > VFR_SHARE * len(steps)


def _rates_differ(video: _Stream) -> bool:
    real, average = _rate(video.r_frame_rate), _rate(video.avg_frame_rate)
    return bool(real and average and abs(real - average) > 0.02 * real)


def _media_info(probe: _Probe, name: str, size: int, pts: list[float]) -> MediaInfo:
    video = next((s for s in probe.streams if s.codec_type == "video" and not s.is_picture), None)
    audio = next((s for s in probe.streams if s.codec_type == "audio"), None)
    if video is None and audio is None:
        raise UnsupportedMedia(f"{name} has no audio or video stream")
    durations = [s.duration for s in (video, audio) if s is not None and s.duration]
    duration = probe.format.duration or max(durations, default=0.0)
    if duration <= 0:
        raise UnsupportedMedia(f"{name} has no duration")
    width, height = (video.width, video.height) if video else (None, None)
    rotation = _rotation(video) if video else 0
    if rotation in (90, 270):
        width, height = height, width
    return MediaInfo(
        duration=duration,
        container=_container(probe.format.format_name, name),
        video_codec=video.codec_name if video else None,
        audio_codec=audio.codec_name if audio else None,
        width=width,
        height=height,
        fps=(_rate(video.avg_frame_rate) or _rate(video.r_frame_rate)) if video else None,
        rotation=rotation,
        size_bytes=probe.format.size or size,
        vfr=video is not None and (irregular_timing(pts) or _rates_differ(video)),
        bit_rate=probe.format.bit_rate,
        pixel_format=video.pix_fmt if video else None,
        hdr=video is not None and video.color_transfer in HDR_TRANSFERS,
        audio_channels=audio.channels if audio else None,
        audio_sample_rate=audio.sample_rate if audio else None,
    )


class FfprobeMediaProbe:
    """Width and height are as displayed (rotation applied), like ffmpeg's autorotated output.

    A second, short ffprobe reads the first video packets' timestamps to tell variable frame
    rate, which the stream headers do not state reliably.
    """

    def __init__(self, ffprobe: str = "ffprobe", timeout: float = 120.0) -> None:
        self._ffprobe = ffprobe
        self._timeout = timeout

    def _run(self, media: MediaObject, *args: str) -> str:
        command = [self._ffprobe, "-v", "error", *args, media.location]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=self._timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise UnsupportedMedia(f"probing {media.name} timed out") from exc
        if done.returncode != 0:
            reason = done.stderr.strip().splitlines()[-1:] or ["ffprobe failed"]
            raise UnsupportedMedia(f"{media.name} is not readable media: {reason[0]}")
        return done.stdout

    def _packet_times(self, media: MediaObject) -> list[float]:
        out = self._run(
            media, "-select_streams", "V:0", "-show_entries", "packet=pts_time",
            "-read_intervals", f"%+#{VFR_SAMPLE_PACKETS}", "-of", "csv=p=0",
        )  # fmt: skip
        times: list[float] = []
        for line in out.split():
            try:
                times.append(float(line.strip(",")))
            except ValueError:
                continue  # packets without a timestamp
        return times

    def probe(self, path: Path) -> MediaInfo:
        sniffed = media_sniff.sniff(path)
        local = MediaObject(path.name, sniffed.size, str(path), _file_reader(path))
        return self._probe(local, sniffed)

    def probe_object(self, media: MediaObject) -> MediaInfo:
        """ffprobe seeks in `media.location` (Range requests over HTTP), so a few ranges are
        read whatever the object's size; the sniff takes a few more."""
        sniffed = media_sniff.sniff_bytes(media.read, media.size, media.name, STORED_MAX_BOXES)
        return self._probe(media, sniffed)

    def _probe(self, media: MediaObject, sniffed: media_sniff.Sniffed) -> MediaInfo:
        media_sniff.check_layout(sniffed)
        try:
            out = self._run(media, "-print_format", "json", "-show_format", "-show_streams")
        except UnsupportedMedia as refused:
            raise media_sniff.unreadable(sniffed, refused) from refused
        try:
            probe = _Probe.model_validate_json(out)
        except ValidationError as exc:
            raise UnsupportedMedia(f"{media.name}: unexpected ffprobe output") from exc
        has_video = any(s.codec_type == "video" and not s.is_picture for s in probe.streams)
        pts = self._packet_times(media) if has_video else []
        return _media_info(probe, media.name, media.size, pts)


def _file_reader(path: Path) -> Callable[[int, int], bytes]:
    def read(offset: int, length: int) -> bytes:
        with path.open("rb") as file:
            file.seek(offset)
            return file.read(length)

    return read
