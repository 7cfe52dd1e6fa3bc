"""Re-export: render chosen clips of a finished job again with other choices (aspect
ratios, caption style, loudness, reframe, a platform preset), or cut new clips from ranges
the user chose (`handlers.api.manual_clips`). The API checks and fans out one
`ClipSelected` with the choices per clip; the `export` function renders each and adds the
new variants to the clip's exports, leaving the job's status and counters alone; the
request's run (`Job.export`) counts the clips as they end and shows on the job's status."""

from __future__ import annotations

import secrets
from typing import Annotated

import structlog
from pydantic import BaseModel, ConfigDict, Field

from klair.domain.analysis.manual import ClipRange
from klair.domain.clip import Clip
from klair.domain.errors import Conflict, InvalidInput, NotFound
from klair.domain.events import ClipSelected
from klair.domain.export_options import (
    REFRAME_MODES,
    ExportRequest,
    parse_aspects,
    parse_caption_style,
)
from klair.domain.export_run import ExportRun, ExportState
from klair.domain.ids import ClipId, JobId, UserId
from klair.domain.job import Job, JobOptions
from klair.domain.presets import PlatformPreset, check_cap, parse_preset
from klair.domain.status import JobStatus
from klair.handlers.api.manual_clips import lengths_for, manual_clips
from klair.handlers.api.ownership import owned_job
from klair.handlers.deps import Deps
from klair.handlers.steps.exports import check_reframe, export_variants, job_export
from klair.handlers.steps.metering import check_options, tier_of
from klair.handlers.steps.views import status_url

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
    # tiktok | reels | shorts | linkedin: its aspect and loudness where the body gives
    # none, its caption safe area, its length cap on the clips (klair.domain.presets).
    preset: str | None = None
    # New clips cut from these spans of the source (up to 20) instead of `clip_ids`.
    ranges: list[ClipRange] | None = None
    snap_to_pauses: bool = True  # move a range's edges into the nearest pauses


class ExportAccepted(BaseModel):
    job_id: JobId
    export_id: str  # its progress: the status's `export` while it is the latest
    clips: list[ClipId]
    variants: list[str]  # the keys each clip's `urls` will gain in the results
    results_url: str
    status_url: str


def _preset(job: Job, body: ExportBody) -> PlatformPreset | None:
    """The body's preset (a 400 listing the allowed ones if unknown), else the job's."""
    name = body.preset if body.preset is not None else job.options.preset
    return parse_preset(name) if name is not None else None


def _choices(job: Job, body: ExportBody) -> ExportRequest:
    """The job's export with the body's changes; unknown values are a 400 listing the
    allowed ones. A preset in the body stands for the choices the body leaves out."""
    base = job_export(job)
    preset = parse_preset(body.preset) if body.preset is not None else None
    if preset is not None:
        base = base.model_copy(
            update={"aspect_ratios": (preset.aspect,), "loudness_lufs": preset.loudness_lufs,
                    "safe_area": preset.safe_area}
        )  # fmt: skip
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
            "safe_area": base.safe_area,
        }
    )


def _exportable(job: Job) -> None:
    """Only a completed job: a failed or cancelled one keeps its exported clips, not the
    source they would be rendered from again."""
    if not job.status.terminal:
        raise Conflict(
            f"job {job.id} is {job.status.value}; export its clips once it has finished",
            code="job_running",
            status=job.status.value,
        )
    if job.source_object is None or job.status is not JobStatus.COMPLETED:
        raise Conflict(
            f"job {job.id} is {job.status.value}: only a completed job's clips can be exported",
            code=f"job_{job.status.value}",
            status=job.status.value,
        )


def request_export(deps: Deps, owner: UserId, body: ExportBody) -> ExportAccepted:
    job = owned_job(deps, owner, body.job_id)
    request = _choices(job, body)
    check_options(deps, tier_of(deps, owner), JobOptions(aspect_ratios=request.aspect_ratios))
    check_reframe(deps, request.reframe, request.aspect_ratios)
    _exportable(job)
    clips = _clips(deps, job, body)
    run = ExportRun(
        id=f"exp_{secrets.token_hex(8)}", variants=export_variants(request),
        clips_total=len(clips), requested_at=deps.clock.now(),
        state=ExportState.QUEUED if clips else ExportState.COMPLETED,
    )  # fmt: skip
    deps.store.update(job.id, export=run)  # before the fan-out: its clips count toward it
    for clip in clips:
        deps.bus.publish(
            ClipSelected(
                job_id=job.id, clip_id=clip.id, total=len(clips), export=request, export_id=run.id
            )
        )
    log.info("re-export requested", job_id=job.id, clips=len(clips), export_id=run.id)
    return ExportAccepted(
        job_id=job.id,
        export_id=run.id,
        clips=[c.id for c in clips],
        variants=list(export_variants(request)),
        results_url=f"/api/klair/results/{job.id}",
        status_url=status_url(job.id),
    )


def _clips(deps: Deps, job: Job, body: ExportBody) -> list[Clip]:
    """The clips to render: new ones from `ranges`, else the chosen (or all) clips, none
    longer than a preset's platform takes."""
    preset = _preset(job, body)
    if body.ranges is not None:
        if body.clip_ids is not None:
            raise InvalidInput(
                "give either clip_ids or ranges, not both", code="clip_ids_with_ranges"
            )
        return manual_clips(deps, job, body.ranges, body.snap_to_pauses, lengths_for(preset))
    clips = deps.store.clips(job.id)
    if body.clip_ids is not None:
        known = {c.id for c in clips}
        missing = [c for c in body.clip_ids if c not in known]
        if missing:
            raise NotFound(f"no clip {missing[0][:64]} in job {job.id}", code="clip_not_found")
        clips = [c for c in clips if c.id in set(body.clip_ids)]
    if preset is not None and body.preset is not None:
        for clip in clips:
            check_cap(preset, clip.duration, clip_id=clip.id)
    return clips
