"""Fetch the job's source (URL download or uploaded object), validate it, reserve minutes,
and store it under `sources/{job}/`, whose finalize starts the transcode."""

from __future__ import annotations

import tempfile
from pathlib import Path

import structlog

from klair.domain import naming
from klair.domain.errors import InvalidInput, UnsupportedMedia
from klair.domain.events import StartIngest
from klair.domain.job import Job, JobKind, MediaInfo
from klair.domain.progress import period_of
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.stages import advance

log = structlog.get_logger(__name__)


def ingest_source(deps: Deps, command: StartIngest) -> bool:
    job = deps.store.get(command.job_id)
    if job.status is JobStatus.QUEUED:
        moved = advance(deps, job, JobStatus.DOWNLOADING)
        if moved is None:
            return False
        job = moved
    elif job.status is not JobStatus.DOWNLOADING:
        return False  # already past this stage (redelivered task) or cancelled
    with tempfile.TemporaryDirectory(prefix="klair-ingest-") as tmp:
        local = _fetch(deps, job, Path(tmp))
        media = deps.probe.probe(local)
        _check_media(deps, job, media)
        _reserve(deps, job, media)
        deps.store.update(job.id, media=media.model_dump())
        name = naming.source(job.id, local.suffix)
        deps.store.update(job.id, source_object=name)
        deps.blobs.put_file(name, local)
    log.info("source stored", job_id=job.id, object=name, duration=media.duration)
    return True


def _fetch(deps: Deps, job: Job, tmp: Path) -> Path:
    if job.source.url is not None:
        return deps.downloader.download(str(job.source.url), tmp, deps.settings.max_download_bytes)
    assert job.source.upload_object is not None
    local = tmp / ("upload" + Path(job.source.upload_object).suffix)
    deps.blobs.download(job.source.upload_object, local)
    return local


def _check_media(deps: Deps, job: Job, media: MediaInfo) -> None:
    if job.kind is JobKind.VIDEO and not media.has_video:
        raise UnsupportedMedia("the source has no video stream", code="no_video_stream")
    if job.kind is JobKind.AUDIO and not media.has_audio:
        raise UnsupportedMedia("the source has no audio stream", code="no_audio_stream")
    tier = deps.settings.tier(job.tier)
    if media.duration > tier.max_source_minutes * 60:
        raise InvalidInput(
            f"the source lasts {media.duration / 60:.1f} min; the {tier.name} tier allows "
            f"{tier.max_source_minutes:g} min",
            code="source_too_long",
            max_minutes=tier.max_source_minutes,
        )


def _reserve(deps: Deps, job: Job, media: MediaInfo) -> None:
    now = deps.clock.now()
    tier = deps.settings.tier(job.tier)
    minutes = round(media.duration / 60.0, 3)
    deps.usage.reserve(
        job.owner, job.id, minutes, tier.monthly_minutes, period_of(now.year, now.month)
    )
    deps.store.update(job.id, minutes_reserved=minutes)
