"""An upload finished (GCS finalize): the job waiting for it is queued on its tier queue."""

from __future__ import annotations

import structlog

from klair.domain import naming
from klair.domain.errors import InvalidInput, NotFound
from klair.domain.events import ObjectFinalized
from klair.domain.job import Job
from klair.domain.source_checks import SourceLimits, check_size
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.steps.dispatch import enqueue_ingest
from klair.handlers.steps.lifecycle import advance

log = structlog.get_logger(__name__)


def admit_upload(deps: Deps, event: ObjectFinalized) -> bool:
    """Returns True when this delivery queued the job; anything else is acked and ignored."""
    parsed = naming.parse_upload(event.name)
    if parsed is None:
        return False  # not an upload: the bucket notification also carries our own outputs
    owner, job_id = parsed
    try:
        job = deps.store.get(job_id)
    except NotFound:
        log.warning("upload for an unknown job", object=event.name)
        return False
    if job.owner != owner or job.source.upload_object != event.name:
        log.warning("upload does not match its job", job_id=job_id, object=event.name)
        return False
    if not deps.store.claim(f"admit:{event.key}"):
        return False  # redelivered finalize of the same generation
    if job.status is not JobStatus.AWAITING_UPLOAD:
        log.info("upload replaced after admission ignored", job_id=job_id, object=event.key)
        return False
    _check_object(deps, job, event)
    queued = advance(deps, job, JobStatus.QUEUED)
    if queued is None:
        return False
    enqueue_ingest(deps, queued)
    return True


def _check_object(deps: Deps, job: Job, event: ObjectFinalized) -> None:
    """A file over the plan's size, or not the size its upload declared, fails the job now,
    not after a queue wait and a download. (Cloud Storage's upload session already refuses
    another length; fake-gcs-server does not, and a session is only one way to write.)"""
    limits = SourceLimits.for_job(
        deps.settings.tier(job.tier), deps.settings.max_download_bytes, job.kind
    )
    check_size(event.size, limits)
    declared = job.source.upload_bytes
    if declared is not None and event.size != declared:
        raise InvalidInput(
            f"the upload has {event.size} bytes; {declared} were declared",
            code="upload_size_mismatch",
            declared_bytes=declared,
            received_bytes=event.size,
        )
