"""What ffprobe learned of a source: recorded on its job at ingest, used by every stage."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class MediaInfo(BaseModel):
    """What ffprobe learned of the source."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    duration: float
    container: str
    video_codec: str | None = None
    audio_codec: str | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    rotation: int = 0
    size_bytes: int | None = None
    vfr: bool = False  # variable frame rate (phones, screen recordings)
    bit_rate: int | None = None
    pixel_format: str | None = None
    hdr: bool = False  # PQ or HLG transfer: colours need tone mapping for SDR output
    audio_channels: int | None = None
    audio_sample_rate: int | None = None

    @property
    def has_video(self) -> bool:
        return self.video_codec is not None

    @property
    def has_audio(self) -> bool:
        return self.audio_codec is not None
