"""Re-export: render chosen clips of a finished job again with other choices (aspect
ratios, caption style, loudness, reframe). The API checks and fans out one `ClipSelected`
with the choices per clip; the `export` function renders each and adds the new variants to
the clip's exports, leaving the job's status and counters alone."""

from __future__ import annotations

from typing import Annotated

import structlog
from pydantic import BaseModel, ConfigDict, Field

from klair.domain.clip import Clip, ExportFailure
from klair.domain.errors import Conflict, InvalidInput, KlairError, NotFound
from klair.domain.events import ClipSelected
from klair.domain.export_options import (
    REFRAME_MODES,
    ExportRequest,
    parse_aspects,
    parse_caption_style,
    variant_key,
)
from klair.domain.ids import ClipId, JobId, UserId
from klair.domain.job import Job, JobOptions
from klair.domain.status import JobStatus
from klair.handlers.admission import check_options
from klair.handlers.clip_render import find_clip, job_export, merge_exports, render_clip
from klair.handlers.deps import Deps
from klair.handlers.ownership import owned_job
from klair.handlers.sieve_export import check_reframe, start_sieve, uses_sieve
from klair.handlers.user_usage import tier_of
from klair.handlers.views import status_url

log = structlog.get_logger(__name__)


class ExportBody(BaseModel):
    """Which clips to render again and how; an absent choice keeps the job's."""

    model_config = ConfigDict(extra="forbid")

    job_id: str
    clip_ids: Annotated[list[str], Field(max_length=30)] | None = None  # None: every clip
    aspect_ratios: Annotated[list[str], Field(min_length=1, max_length=4)] | None = None
    captions: bool | None = None
    caption_style: str | None = None  # implies captions
    loudness_lufs: Annotated[float, Field(ge=-30, le=-8)] | None = None
    reframe: str | None = None


class ExportAccepted(BaseModel):
    job_id: JobId
    clips: list[ClipId]
    variants: list[str]  # the keys each clip's `urls` will gain in the results
    results_url: str
    status_url: str


def _choices(job: Job, body: ExportBody) -> ExportRequest:
    """The job's export with the body's changes; unknown values are a 400 listing the
    allowed ones."""
    base = job_export(job)
    aspects = parse_aspects(body.aspect_ratios) if body.aspect_ratios else base.aspect_ratios
    style: str | None = base.caption_style
    if body.caption_style is not None:
        style = parse_caption_style(body.caption_style)
    elif body.captions:
        style = style or job.options.caption_style
    if body.captions is False:
        style = None
    if body.reframe is not None and body.reframe not in REFRAME_MODES:
        raise InvalidInput(
            f"unknown reframe {body.reframe!r}", code="unknown_reframe", allowed=list(REFRAME_MODES)
        )
    return ExportRequest.model_validate(
        {
            "aspect_ratios": aspects,
            "caption_style": style,
            "loudness_lufs": body.loudness_lufs
            if body.loudness_lufs is not None
            else base.loudness_lufs,
            "reframe": body.reframe or base.reframe,
        }
    )


def _exportable(job: Job) -> None:
    if not job.status.terminal:
        raise Conflict(
            f"job {job.id} is {job.status.value}; export its clips once it has finished",
            code="job_running",
            status=job.status.value,
        )
    if job.source_object is None or (job.status is not JobStatus.COMPLETED and not job.clips_total):
        raise Conflict(f"job {job.id} has no clips to export", code=f"job_{job.status.value}")


def request_export(deps: Deps, owner: UserId, body: ExportBody) -> ExportAccepted:
    job = owned_job(deps, owner, body.job_id)
    request = _choices(job, body)
    check_options(tier_of(deps, owner), JobOptions(aspect_ratios=request.aspect_ratios))
    check_reframe(deps, request.reframe, request.aspect_ratios)
    _exportable(job)
    clips = deps.store.clips(job.id)
    if body.clip_ids is not None:
        known = {c.id for c in clips}
        missing = [c for c in body.clip_ids if c not in known]
        if missing:
            raise NotFound(f"no clip {missing[0][:64]} in job {job.id}", code="clip_not_found")
        clips = [c for c in clips if c.id in set(body.clip_ids)]
    for clip in clips:
        deps.bus.publish(
            ClipSelected(job_id=job.id, clip_id=clip.id, total=len(clips), export=request)
        )
    log.info("re-export requested", job_id=job.id, clips=len(clips))
    return ExportAccepted(
        job_id=job.id,
        clips=[c.id for c in clips],
        variants=list(_variants(request)),
        results_url=f"/api/klair/results/{job.id}",
        status_url=status_url(job.id),
    )


def reexport_clip(deps: Deps, event: ClipSelected, request: ExportRequest) -> bool:
    """Render the clip with `request` and add its files to the clip's exports."""
    job = deps.store.get(event.job_id)
    if not job.status.terminal or job.source_object is None:
        return False
    clip = find_clip(deps, job, event.clip_id)
    if uses_sieve(deps, request):  # the `webhooks` function adds the variants
        return start_sieve(deps, job, clip, request, reexport=True)
    try:
        exports = render_clip(deps, job, clip, request)
    except KlairError as error:  # the job is finished: the clip is where the failure shows
        _record_failure(deps, job, clip, request, error)
        if error.retryable:
            raise  # delivered again; a later success clears the failure
        return False
    merged = clip.model_copy(
        update={
            "exports": merge_exports(clip.exports, exports, _variants(request)[0]),
            "export_error": None,
        }
    )
    deps.store.put_clips(job.id, [merged])
    log.info("clip re-exported", job_id=job.id, clip=clip.id, variants=list(exports))
    return True


def _record_failure(
    deps: Deps, job: Job, clip: Clip, request: ExportRequest, error: KlairError
) -> None:
    failure = ExportFailure(
        code=error.code, message=error.message, variants=_variants(request),
        retryable=error.retryable,
    )  # fmt: skip
    deps.store.put_clips(job.id, [clip.model_copy(update={"export_error": failure})])
    log.warning(
        "clip re-export failed", job_id=job.id, clip=clip.id, code=error.code,
        retryable=error.retryable,
    )  # fmt: skip


def _variants(request: ExportRequest) -> tuple[str, ...]:
    return tuple(variant_key(a, request.caption_style) for a in request.aspect_ratios)
