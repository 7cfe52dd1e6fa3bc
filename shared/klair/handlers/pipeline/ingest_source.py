"""Fetch the job's source (URL download or uploaded object), validate it, reserve minutes,
and store it under `sources/{job}/`, whose finalize starts the transcode.

No whole source passes through the function: a download streams into a staged object, an
upload stays where it is; both are probed where they lie (ranged reads) and copied inside
the bucket to their source name."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import PurePosixPath
from typing import BinaryIO, cast

import structlog

from klair.domain import naming
from klair.domain.errors import InvalidInput
from klair.domain.events import StartIngest
from klair.domain.ids import JobId
from klair.domain.job import Job
from klair.domain.progress import stage_progress
from klair.domain.source_checks import SourceLimits, check_media, check_size
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.steps.lifecycle import StageLeft, StageProgress, advance
from klair.handlers.steps.metering import reserve_minutes
from klair.ports.media import DownloadProgress, MediaObject

log = structlog.get_logger(__name__)


def ingest_source(deps: Deps, command: StartIngest) -> bool:
    job = _start(deps, command.job_id)
    if job is None:
        return False
    if job.source_object is not None and deps.blobs.exists(job.source_object):
        return False  # a retried task after the source was stored: its finalize moves on
    limits = SourceLimits.for_job(
        deps.settings.tier(job.tier), deps.settings.max_download_bytes, job.kind
    )
    if not reserve_from_metadata(deps, job, limits):  # minutes held before any media is fetched
        return False
    try:
        return _ingest(deps, job, limits)
    except StageLeft:
        return False  # cancelled, or moved on by another delivery: nothing to fail


def _ingest(deps: Deps, job: Job, limits: SourceLimits) -> bool:
    fetched = _fetch(deps, job, limits)
    media = deps.probe.probe_object(_stored(deps, job, fetched))
    check_media(job.kind, job.options, media, limits)
    if not reserve_minutes(deps, job, media.duration):  # exact, from ffprobe
        return False  # cancelled meanwhile: what it held is released
    name = naming.source(job.id, PurePosixPath(fetched).suffix)
    deps.store.update(
        job.id,
        media=media.model_dump(),
        source_object=name,
        progress=stage_progress(JobStatus.DOWNLOADING, 1.0),
    )
    deps.blobs.copy(fetched, name)  # inside the bucket: no second transfer
    if fetched != job.source.upload_object:
        deps.blobs.delete_prefix(fetched)  # the staged download, now a source
    log.info("source stored", job_id=job.id, object=name, duration=media.duration)
    return True


def _start(deps: Deps, job_id: JobId) -> Job | None:
    """queued → downloading; a redelivery while downloading carries on; anything else is done."""
    job = deps.store.get(job_id)
    if job.status is JobStatus.QUEUED:
        return advance(deps, job, JobStatus.DOWNLOADING)
    return job if job.status is JobStatus.DOWNLOADING else None


def _fetch(deps: Deps, job: Job, limits: SourceLimits) -> str:
    """The object holding the source: the upload, or the download streamed into storage."""
    if job.source.url is None:
        assert job.source.upload_object is not None
        if deps.blobs.size(job.source.upload_object) == 0:
            raise InvalidInput("the uploaded file is empty", code="upload_empty")
        return job.source.upload_object
    stage = StageProgress(deps, job.id, JobStatus.DOWNLOADING)

    def report(done: DownloadProgress) -> None:
        if done.fraction is not None:
            stage(done.fraction)

    staged: list[str] = []

    @contextmanager
    def open_sink(ext: str) -> Iterator[BinaryIO]:
        staged.append(naming.incoming_source(job.id, f".{ext}"))
        with deps.blobs.open_write(staged[-1]) as out:
            yield cast(BinaryIO, _Capped(out, limits))

    deps.downloader.download(str(job.source.url), open_sink, limits, report)
    return staged[-1]


def _stored(deps: Deps, job: Job, name: str) -> MediaObject:
    """The source as the probe reads it: ranged reads and a seekable location, never whole.
    Refusals name the user's file (an upload's sanitised name) or `source.ext`."""

    def read(offset: int, length: int) -> bytes:
        return deps.blobs.read_range(name, offset, offset + length)

    size = deps.blobs.size(name)
    return MediaObject(PurePosixPath(name).name, size, deps.blobs.media_url(name), read)


class _Capped(io.RawIOBase):
    """The sink a download writes to: past the plan's bytes it stops the download (and the
    write, which then leaves no object), whatever the site announced."""

    def __init__(self, out: BinaryIO, limits: SourceLimits) -> None:
        super().__init__()
        self._out, self._limits, self._written = out, limits, 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # bytes only
        self._written += len(data)
        check_size(self._written, self._limits)
        return self._out.write(data)


def reserve_from_metadata(deps: Deps, job: Job, limits: SourceLimits) -> bool:
    """URL jobs: hold the minutes the site's metadata gives before anything is downloaded,
    so a source over the quota is never fetched. True to go on with the download."""
    if job.source.url is None:
        return True
    seconds = deps.downloader.inspect(str(job.source.url), limits)
    return seconds is None or reserve_minutes(deps, job, seconds)
