"""MediaProbe over ffprobe: what a file contains, or `UnsupportedMedia` when it is not media."""

from __future__ import annotations

import subprocess
from fractions import Fraction
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from klair.domain.errors import UnsupportedMedia
from klair.domain.job import MediaInfo


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


def _container(format_name: str, path: Path) -> str:
    names = format_name.split(",")
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in names else names[0]


def _media_info(probe: _Probe, path: Path) -> MediaInfo:
    video = next((s for s in probe.streams if s.codec_type == "video" and not s.is_picture), None)
    audio = next((s for s in probe.streams if s.codec_type == "audio"), None)
    if video is None and audio is None:
        raise UnsupportedMedia(f"{path.name} has no audio or video stream")
    durations = [s.duration for s in (video, audio) if s is not None and s.duration]
    duration = probe.format.duration or max(durations, default=0.0)
    if duration <= 0:
        raise UnsupportedMedia(f"{path.name} has no duration")
    width, height = (video.width, video.height) if video else (None, None)
    rotation = _rotation(video) if video else 0
    if rotation in (90, 270):
        width, height = height, width
    return MediaInfo(
        duration=duration,
        container=_container(probe.format.format_name, path),
        video_codec=video.codec_name if video else None,
        audio_codec=audio.codec_name if audio else None,
        width=width,
        height=height,
        fps=(_rate(video.avg_frame_rate) or _rate(video.r_frame_rate)) if video else None,
        rotation=rotation,
        size_bytes=probe.format.size or path.stat().st_size,
    )


class FfprobeMediaProbe:
    """Width and height are as displayed (rotation applied), like ffmpeg's autorotated output."""

    def __init__(self, ffprobe: str = "ffprobe", timeout: float = 120.0) -> None:
        self._ffprobe = ffprobe
        self._timeout = timeout

    def probe(self, path: Path) -> MediaInfo:
        command = [
            self._ffprobe, "-v", "error", "-print_format", "json",
            "-show_format", "-show_streams", str(path),
        ]  # fmt: skip
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=self._timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise UnsupportedMedia(f"probing {path.name} timed out") from exc
        if done.returncode != 0:
            reason = done.stderr.strip().splitlines()[-1:] or ["ffprobe failed"]
            raise UnsupportedMedia(f"{path.name} is not readable media: {reason[0]}")
        try:
            probe = _Probe.model_validate_json(done.stdout)
        except ValidationError as exc:
            raise UnsupportedMedia(f"{path.name}: unexpected ffprobe output") from exc
        return _media_info(probe, path)
