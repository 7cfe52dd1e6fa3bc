"""What a source must be to enter the pipeline: within the plan's length and size, with the
streams the job needs, and something clips can be cut from. Each refusal has its own code."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from klair.domain.errors import InvalidInput, SourceUnavailable, UnsupportedMedia
from klair.domain.job import JobKind, JobOptions
from klair.domain.media import MediaInfo
from klair.domain.tiers import Tier

# Decoding more pixels than 8K per frame would not fit the functions' memory and time.
MAX_PIXELS = 7680 * 4320
SHORT_SIDE_4K, SHORT_SIDE_8K = 2160, 4320
RESOLUTION_NAMES = {SHORT_SIDE_4K: "4K", SHORT_SIDE_8K: "8K"}


def max_short_side(tier: Tier) -> int:
    """The largest source a plan reads, by its short side: twice what the plan exports, from
    4K (every plan) to 8K (plans exporting 4K). Decoding more costs time the clips, scaled to
    the plan's export size, cannot show."""
    return max(SHORT_SIDE_4K, min(SHORT_SIDE_8K, 2 * tier.max_export_short_side))


class SourceLimits(BaseModel):
    """The most a job may bring in: from its tier, capped by what the functions can hold."""

    model_config = ConfigDict(frozen=True)

    max_seconds: float = Field(gt=0)
    max_bytes: int = Field(gt=0)
    audio_only: bool = False
    max_short_side: int = Field(default=SHORT_SIDE_8K, gt=0)
    plan: str = "your"

    @classmethod
    def for_job(cls, tier: Tier, ceiling_bytes: int, kind: JobKind) -> SourceLimits:
        return cls(
            max_seconds=tier.max_source_minutes * 60,
            max_bytes=min(tier.max_source_bytes, ceiling_bytes),
            audio_only=kind is JobKind.AUDIO,
            max_short_side=max_short_side(tier),
            plan=f"the {tier.name}",
        )


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f}".removesuffix(".0")


def check_duration(duration: float, limits: SourceLimits) -> None:
    if duration > limits.max_seconds:
        raise InvalidInput(
            f"the source lasts {_minutes(duration)} min; {limits.plan} plan allows "
            f"{_minutes(limits.max_seconds)} min",
            code="source_too_long",
            max_minutes=round(limits.max_seconds / 60, 3),
        )


def check_size(size: int, limits: SourceLimits) -> None:
    if size > limits.max_bytes:
        raise SourceUnavailable(
            f"the source is {size / 1e6:.0f} MB; {limits.plan} plan allows "
            f"{limits.max_bytes / 1e6:.0f} MB",
            code="source_too_large",
            max_bytes=limits.max_bytes,
        )


def check_resolution(media: MediaInfo, limits: SourceLimits) -> None:
    """Within the plan's short side, and never more pixels than 8K (in any aspect)."""
    width, height = media.width or 0, media.height or 0
    if min(width, height) > limits.max_short_side or width * height > MAX_PIXELS:
        cap = limits.max_short_side
        name = RESOLUTION_NAMES.get(cap)
        raise UnsupportedMedia(
            f"the source is {width}x{height}; {limits.plan} plan reads video up to "
            f"{cap}p{f' ({name})' if name else ''}",
            code="resolution_too_high",
            max_short_side=cap,
        )


def check_media(kind: JobKind, options: JobOptions, media: MediaInfo, limits: SourceLimits) -> None:
    """Everything ffprobe told us, judged against the job; raises the first refusal."""
    if kind is JobKind.VIDEO and not media.has_video:
        raise UnsupportedMedia(
            "the source has no video stream; send it as an audio job to get audio clips",
            code="no_video_stream",
        )
    if kind is JobKind.AUDIO and not media.has_audio:
        raise UnsupportedMedia("the source has no audio stream", code="no_audio_stream")
    check_resolution(media, limits)
    check_duration(media.duration, limits)
    if media.size_bytes is not None:
        check_size(media.size_bytes, limits)
    if media.duration < options.min_clip_seconds:
        raise InvalidInput(
            f"the source lasts {media.duration:.1f} s, shorter than the shortest clip asked "
            f"for ({options.min_clip_seconds:g} s)",
            code="source_too_short",
        )
