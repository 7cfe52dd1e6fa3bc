"""Render one selected clip from the source as the job's options ask (variants, captions,
loudness, reframe, under the tier's resolution cap) and store its files under
`clips/{job}/{clip}/`; the last one completes the job. A `ClipSelected` carrying an
`export` is a re-export of a finished job's clip (`handlers.reexport`); one carrying an
`archive` builds the job's zip (`build_archive`)."""

from __future__ import annotations

import structlog

from klair.domain.clip import Clip, ExportFailure
from klair.domain.errors import KlairError
from klair.domain.events import ClipSelected
from klair.domain.export_options import (
    ExportRequest,
)
from klair.domain.job import Job
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.pipeline.build_archive import build_archive
from klair.handlers.steps.export_runs import track
from klair.handlers.steps.exports import export_variants, find_clip, job_export, merge_exports
from klair.handlers.steps.rendering import count_export, render_clip
from klair.handlers.steps.sieve import poll_pending, start_sieve, uses_sieve

log = structlog.get_logger(__name__)


def export_clip(deps: Deps, event: ClipSelected) -> bool:
    if event.archive is not None:
        return build_archive(deps, event)
    if event.export is not None:
        return reexport_clip(deps, event, event.export)
    job = deps.store.get(event.job_id)
    if job.status is not JobStatus.EXPORTING or job.source_object is None:
        return False
    clip = find_clip(deps, job, event.clip_id)
    request = job_export(job)
    if uses_sieve(deps, request):  # the `webhooks` function counts it when Sieve is done
        if (
            clip.sieve is not None
            and clip.sieve.request == request
            and poll_pending(deps, job, clip)
        ):
            return True  # re-driven while waiting on Sieve: its callback may be lost
        return start_sieve(deps, job, clip, request, reexport=False)
    return count_export(deps, job, clip.id, render_clip(deps, job, clip, request))


def reexport_clip(deps: Deps, event: ClipSelected, request: ExportRequest) -> bool:
    """Render the clip with `request` and add its files to the clip's exports."""
    job = deps.store.get(event.job_id)
    if not job.status.terminal or job.source_object is None:
        return False
    clip = find_clip(deps, job, event.clip_id)
    track(deps, job.id, event.export_id, clip.id, "started")
    if uses_sieve(deps, request):  # the `webhooks` function adds the variants
        return start_sieve(deps, job, clip, request, reexport=True, export_id=event.export_id)
    try:
        exports = render_clip(deps, job, clip, request)
    except KlairError as error:  # the job is finished: the clip is where the failure shows
        _record_failure(deps, job, clip, request, error)
        if error.retryable:
            raise  # delivered again; a later success clears the failure
        track(deps, job.id, event.export_id, clip.id, "failed")
        return False
    merged = clip.model_copy(
        update={
            "exports": merge_exports(clip.exports, exports, export_variants(request)[0]),
            "export_error": None,
        }
    )
    deps.store.put_clips(job.id, [merged])
    log.info("clip re-exported", job_id=job.id, clip=clip.id, variants=list(exports))
    track(deps, job.id, event.export_id, clip.id, "exported")
    return True


def _record_failure(
    deps: Deps, job: Job, clip: Clip, request: ExportRequest, error: KlairError
) -> None:
    failure = ExportFailure(
        code=error.code, message=error.message, variants=export_variants(request),
        retryable=error.retryable,
    )  # fmt: skip
    deps.store.put_clips(job.id, [clip.model_copy(update={"export_error": failure})])
    log.warning(
        "clip re-export failed", job_id=job.id, clip=clip.id, code=error.code,
        retryable=error.retryable,
    )  # fmt: skip
