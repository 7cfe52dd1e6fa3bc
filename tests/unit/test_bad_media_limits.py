"""The plan's resolution cap (domain/source_checks.py) and the transcode's decode-error
threshold (adapters/ffmpeg_transcode.py): the pure halves of two bad media refusals."""

from __future__ import annotations

from pathlib import Path

import pytest

from klair.adapters.ffmpeg_transcode import DECODE_ERRORS_EXIT, transcode_command
from klair.domain.errors import UnsupportedMedia
from klair.domain.job import JobKind, JobOptions
from klair.domain.media import MediaInfo
from klair.domain.source_checks import SourceLimits, check_media, max_short_side
from klair.domain.tiers import DEFAULT_TIERS

OPTIONS = JobOptions(min_clip_seconds=3, max_clip_seconds=5)


def limits(tier: str, kind: JobKind = JobKind.VIDEO) -> SourceLimits:
    return SourceLimits.for_job(DEFAULT_TIERS[tier], 10**12, kind)


def video(width: int, height: int) -> MediaInfo:
    return MediaInfo(
        duration=60.0,
        container="mp4",
        video_codec="h264",
        audio_codec="aac",
        width=width,
        height=height,
        fps=30.0,
    )


@pytest.mark.parametrize(
    ("tier", "short_side"),
    [("free", 2160), ("creator", 2160), ("pro", 2160), ("enterprise", 4320)],
)
def test_each_plan_reads_sources_up_to_twice_its_export_size_from_4k_to_8k(
    tier: str, short_side: int
) -> None:
    assert max_short_side(DEFAULT_TIERS[tier]) == short_side
    assert limits(tier).max_short_side == short_side


def test_8k_above_the_plans_cap_is_refused_with_the_cap() -> None:
    with pytest.raises(UnsupportedMedia) as caught:
        check_media(JobKind.VIDEO, OPTIONS, video(7680, 4320), limits("free"))
    assert caught.value.code == "resolution_too_high"
    assert (
        caught.value.message
        == "the source is 7680x4320; the free plan reads video up to 2160p (4K)"
    )
    assert caught.value.details == {"max_short_side": 2160}


@pytest.mark.parametrize(
    ("tier", "size"),
    [
        ("free", (3840, 2160)),
        ("free", (2160, 3840)),  # portrait 4K: the short side counts
        ("free", (4096, 2160)),  # DCI 4K
        ("enterprise", (7680, 4320)),
        ("enterprise", (4320, 7680)),
    ],
)
def test_sources_within_the_plans_cap_pass(tier: str, size: tuple[int, int]) -> None:
    check_media(JobKind.VIDEO, OPTIONS, video(*size), limits(tier))


def test_more_pixels_than_8k_are_refused_even_within_the_short_side() -> None:
    with pytest.raises(UnsupportedMedia) as caught:
        check_media(JobKind.VIDEO, OPTIONS, video(16000, 4320), limits("enterprise"))
    assert caught.value.code == "resolution_too_high"
    assert caught.value.message.endswith("the enterprise plan reads video up to 4320p (8K)")


def test_an_audio_source_has_no_resolution_to_judge() -> None:
    audio = MediaInfo(duration=60.0, container="m4a", audio_codec="aac")
    check_media(JobKind.AUDIO, OPTIONS, audio, limits("free", JobKind.AUDIO))


def test_limits_built_by_hand_keep_the_8k_ceiling() -> None:
    assert SourceLimits(max_seconds=60, max_bytes=10**9).max_short_side == 4320


def test_the_transcode_fails_ffmpeg_above_the_decode_error_rate() -> None:
    command, _ = transcode_command(Path("source.mp4"), video(640, 360), 480, 5.0)
    rate = command[command.index("-max_error_rate") + 1]
    assert float(rate) == 0.05
    assert command.index("-max_error_rate") < command.index("-i")
    assert DECODE_ERRORS_EXIT == 69  # what ffmpeg exits with when the rate is crossed
