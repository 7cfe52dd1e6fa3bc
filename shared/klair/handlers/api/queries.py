"""Read models for the API: a job's status and its results, owner-checked."""

from __future__ import annotations

from datetime import timedelta
from statistics import fmean
from typing import Literal

from pydantic import BaseModel, ConfigDict

from klair.domain.analysis.insights import Insights as Analysis
from klair.domain.clip import Clip, Evidence, ExportFailure
from klair.domain.cost import Cost
from klair.domain.errors import Conflict
from klair.domain.export_run import ExportRun, ExportState
from klair.domain.ids import ClipId, JobId, UserId
from klair.domain.job import Job, JobError, JobKind
from klair.domain.media import MediaInfo
from klair.domain.progress import progress
from klair.domain.status import JobStatus
from klair.handlers.api.notifications import NotificationView, notifications
from klair.handlers.api.ownership import owned_job
from klair.handlers.api.queue_eta import Estimate, estimate
from klair.handlers.deps import Deps
from klair.handlers.steps.artifacts import insights_name, transcript_files
from klair.handlers.steps.views import Timestamp

__all__ = ["owned_job"]


class ExportView(BaseModel):
    """The latest re-export of the job's clips (`POST /api/klair/export`)."""

    export_id: str
    state: ExportState
    variants: tuple[str, ...]
    clips_total: int
    clips_done: int
    clips_failed: int
    progress: float
    requested_at: Timestamp
    started_at: Timestamp | None
    finished_at: Timestamp | None

    @classmethod
    def of(cls, run: ExportRun | None) -> ExportView | None:
        if run is None:
            return None
        data = run.model_dump(exclude={"id"})
        return cls(**data, export_id=run.id, progress=run.progress)


class StatusView(Estimate):
    job_id: JobId
    kind: JobKind
    tier: str
    status: JobStatus
    stage: str | None
    progress: float
    timings: dict[str, float]
    error: JobError | None
    language: str | None  # spoken: declared, or detected on the first speech; None until then
    chunks: dict[str, int]
    clips_total: int
    clips_ready: int
    stalled: bool
    created_at: Timestamp
    updated_at: Timestamp
    results_url: str
    notifications: list[NotificationView]  # webhook deliveries of this job's events
    export: ExportView | None  # the latest re-export, once one was asked for


class ResultsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    partial: bool = False


class ClipView(BaseModel):
    id: ClipId
    rank: int
    origin: Literal["detected", "manual"]  # manual: cut from a range the user chose
    start: float
    end: float
    duration: float
    score: float
    scores: dict[str, float]
    evidence: dict[str, list[Evidence]]
    reason: str
    transcript: str
    urls: dict[str, str]  # variant → URL; `thumbnail` and `thumbnail:{variant}`, sidecars
    export_error: ExportFailure | None = None  # why the latest re-export failed, if it did


class ResultsInsights(BaseModel):
    """The job's clips measured against its source (named apart from the domain's `Insights`,
    which `analysis` holds: client generators name models by their title)."""

    source_seconds: float | None
    clips_seconds: float
    coverage: float | None
    mean_scores: dict[str, float]
    strongest_criterion: str | None
    analysis: Analysis | None  # keywords, chapters, quotes: when the transcriber ran


class ResultsView(BaseModel):
    job_id: JobId
    status: JobStatus
    partial: bool
    media: MediaInfo | None
    clips_total: int
    clips: list[ClipView]
    insights: ResultsInsights
    transcript_urls: dict[str, str]
    cost: Cost
    error: JobError | None
    urls_expire_at: Timestamp


def job_status(deps: Deps, owner: UserId, job_id: str) -> StatusView:
    job = owned_job(deps, owner, job_id, polled=True)  # overlapping polls share one read
    return StatusView(
        job_id=job.id,
        kind=job.kind,
        tier=job.tier,
        status=job.status,
        stage=job.stage,
        progress=progress(job),
        timings=job.timings,
        error=job.error,
        language=job.options.language or job.language,
        chunks={"total": job.chunks_total, "done": job.chunks_done},
        clips_total=job.clips_total,
        clips_ready=job.clips_exported,
        stalled=job.stalled,
        created_at=job.created_at,
        updated_at=job.updated_at,
        results_url=f"/api/klair/results/{job.id}",
        notifications=notifications(deps, job),
        export=ExportView.of(job.export),
        **estimate(deps, job, polled=True).model_dump(),
    )


def _readable(job: Job, partial: bool) -> bool:
    """Completed jobs have results; with `partial` any job has the clips exported so far
    (maybe none yet); without it, a job that ended early has the clips it kept."""
    if job.status is JobStatus.COMPLETED or partial:
        return True
    ended = job.status in (JobStatus.FAILED, JobStatus.CANCELLED)
    return ended and job.clips_exported > 0


def job_results(deps: Deps, owner: UserId, job_id: str, partial: bool = False) -> ResultsView:
    job = owned_job(deps, owner, job_id)
    if not _readable(job, partial):
        finished = job.status.terminal
        raise Conflict(
            f"job {job.id} is {job.status.value}" + ("" if finished else ", not completed"),
            code=f"job_{job.status.value}" if finished else "job_not_finished",
            status=job.status.value,
            progress=progress(job),
            clips_ready=job.clips_exported,
        )
    minutes = deps.settings.signed_url_minutes
    clips = [c for c in deps.store.clips(job.id) if c.exports]
    views = [_clip_view(deps, clip, minutes) for clip in clips]
    return ResultsView(
        job_id=job.id,
        status=job.status,
        partial=job.status is not JobStatus.COMPLETED,
        media=job.media,
        clips_total=job.clips_total,
        clips=views,
        insights=_insights(deps, job, clips),
        transcript_urls=_transcripts(deps, job, minutes),
        cost=job.cost,
        error=job.error,
        urls_expire_at=deps.clock.now() + timedelta(minutes=minutes),
    )


def _clip_view(deps: Deps, clip: Clip, minutes: int) -> ClipView:
    urls = {v: deps.blobs.signed_url(name, "GET", minutes) for v, name in clip.exports.items()}
    data = clip.model_dump(include=set(ClipView.model_fields) - {"duration", "urls"})
    return ClipView(**data, duration=round(clip.duration, 3), urls=urls)


def _insights(deps: Deps, job: Job, clips: list[Clip]) -> ResultsInsights:
    criteria = sorted({name for clip in clips for name in clip.scores})
    means = {c: round(fmean(k.scores[c] for k in clips if c in k.scores), 1) for c in criteria}
    source = job.media.duration if job.media is not None else None
    covered = round(sum(clip.duration for clip in clips), 3)
    return ResultsInsights(
        source_seconds=source,
        clips_seconds=covered,
        coverage=round(covered / source, 4) if source else None,
        mean_scores=means,
        strongest_criterion=max(means, key=means.__getitem__) if means else None,
        analysis=_analysis(deps, job),
    )


def _analysis(deps: Deps, job: Job) -> Analysis | None:
    """The analyzer's insights (keywords, chapters, quotes), when it stored them."""
    name = insights_name(job.id)
    if not deps.blobs.exists(name):
        return None
    try:
        return Analysis.model_validate_json(deps.blobs.read_bytes(name))
    except ValueError:  # written by an older or newer analyzer: leave it out
        return None


def _transcripts(deps: Deps, job: Job, minutes: int) -> dict[str, str]:
    """Signed URLs of the transcript files that exist (json with word timings, srt, vtt)."""
    return {
        fmt: deps.blobs.signed_url(name, "GET", minutes)
        for fmt, name in transcript_files(job.id).items()
        if deps.blobs.exists(name)
    }
