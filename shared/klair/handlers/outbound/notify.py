"""Turn a job's announcements into signed webhook deliveries: a finished job (`JobFinished`)
or an exported clip (`ClipExported`) whose owner registered a webhook becomes one pending
record, keyed by the event's deterministic id and numbered in the job's sequence, so a
redelivered announcement schedules nothing twice. The job's first unsettled event goes to
the webhook queue (`send_next`); each settled delivery sends the one after it.

Announcements arrive in any order, but every clip of a completed job is recorded before the
job completes: `job.completed` opens the `clip.ready` of each exported clip not opened yet
before itself, so it is the job's last event, and a late `clip.ready` finds its record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog
from pydantic import BaseModel

from klair.domain.clip import Clip
from klair.domain.errors import KlairError, NotFound, Transient
from klair.domain.events import (
    ClipExported,
    DeliverNotification,
    ExportFinished,
    JobFinished,
    Message,
)
from klair.domain.ids import ClipId, JobId
from klair.domain.job import Job, JobError
from klair.domain.notification import FINISHED, EventKind, event_id
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.outbound.batch_notice import after_job_finished, deliver_in_batch
from klair.handlers.outbound.notify_delivery import send_next
from klair.handlers.steps.views import Timestamp, status_url
from klair.ports.notify import Render

log = structlog.get_logger(__name__)

# A job that ended this way announces no clip after its end (`job.cancelled`/`job.failed`
# carries `clips_ready`, and the results list the clips it kept).
ENDED_EARLY = frozenset({JobStatus.CANCELLED, JobStatus.FAILED})


class JobEventData(BaseModel):
    job_id: JobId
    status: str
    clips_ready: int
    clips_total: int
    error: JobError | None
    status_url: str
    results_url: str


class ClipEventData(BaseModel):
    job_id: JobId
    clip_id: ClipId
    rank: int
    start: float
    end: float
    score: float
    title: str
    reason: str
    clips_ready: int
    clips_total: int
    results_url: str


class ExportEventData(BaseModel):
    job_id: JobId
    export_id: str
    state: str  # completed, or failed when a clip could not be rendered (see its results)
    variants: tuple[str, ...]
    clips_total: int
    clips_done: int
    clips_failed: int
    status_url: str
    results_url: str


EventData = JobEventData | ClipEventData | ExportEventData


class EventBody(BaseModel):
    """What a receiver gets: `{id, type, sequence, created_at, data}` (the id is also
    `webhook-id`; `sequence` counts the job's events from 1, `created_at` grows with it)."""

    id: str
    type: EventKind
    sequence: int
    created_at: Timestamp
    data: EventData


Event = tuple[EventKind, str, EventData]  # kind, subject (clip id), data


def results_url(job: Job) -> str:
    return f"/api/klair/results/{job.id}"


def notify_job_finished(deps: Deps, event: JobFinished) -> bool:
    kind = FINISHED.get(event.status)
    job = _job(deps, event.job_id)
    if kind is None or job is None:
        return False
    data = JobEventData(
        job_id=job.id,
        status=job.status.value,
        clips_ready=job.clips_exported,
        clips_total=job.clips_total,
        error=job.error,
        status_url=status_url(job.id),
        results_url=results_url(job),
    )
    before = _clips_ready(deps, job) if kind is EventKind.JOB_COMPLETED else []
    scheduled = schedule(deps, job, [*before, (kind, "", data)])
    after_job_finished(deps, job)  # `batch.completed`, when this was its batch's last wait
    return scheduled


def notify_clip_exported(deps: Deps, event: ClipExported) -> bool:
    job = _job(deps, event.job_id)
    clip: Clip | None = None
    if job is not None:
        clip = next((c for c in deps.store.clips(job.id) if c.id == event.clip_id), None)
    if job is None or clip is None:
        return False
    if job.status in ENDED_EARLY:  # its job.* event was the last word
        log.info("clip.ready after the job's end dropped", job_id=job.id, clip=event.clip_id)
        return False
    return schedule(deps, job, [(EventKind.CLIP_READY, clip.id, clip_data(job, clip))])


def notify_export_finished(deps: Deps, event: ExportFinished) -> bool:
    job = _job(deps, event.job_id)
    run = job.export if job is not None else None
    if job is None or run is None or run.id != event.export_id or not run.ended:
        return False
    data = ExportEventData(
        job_id=job.id, export_id=run.id, state=run.state.value, variants=run.variants,
        clips_total=run.clips_total, clips_done=run.clips_done, clips_failed=run.clips_failed,
        status_url=status_url(job.id), results_url=results_url(job),
    )  # fmt: skip
    return schedule(deps, job, [(EventKind.EXPORT_COMPLETED, run.id, data)])


def clip_data(job: Job, clip: Clip) -> ClipEventData:
    return ClipEventData(
        job_id=job.id,
        clip_id=clip.id,
        rank=clip.rank,
        start=clip.start,
        end=clip.end,
        score=clip.score,
        title=clip.title,
        reason=clip.reason,
        clips_ready=job.clips_exported,
        clips_total=job.clips_total,
        results_url=results_url(job),
    )


def _clips_ready(deps: Deps, job: Job) -> list[Event]:
    """The `clip.ready` of every exported clip, in rank order: what a completed job's end
    must follow (their records are only made here if their own announcement is late)."""
    clips = sorted((c for c in deps.store.clips(job.id) if c.exports), key=lambda c: c.rank)
    return [(EventKind.CLIP_READY, c.id, clip_data(job, c)) for c in clips]


def schedule(deps: Deps, job: Job, events: list[Event]) -> bool:
    """Open each event's record (in this order, each once) and send the job's next unsettled
    event; False without a webhook. True when this call created a delivery task."""
    log_, webhooks = deps.deliveries, deps.webhooks
    if webhooks is None or log_ is None or webhooks.get(job.owner) is None:
        return False
    for kind, subject, data in events:
        eid = event_id(job.id, kind, subject)
        record = log_.open(job.id, eid, kind, deps.clock.now(), _render(eid, kind, data))
        sequence = None if record is None else record.sequence  # None: progress after the end
        log.info("notification opened", job_id=job.id, kind=kind.value, event_id=eid,
                 sequence=sequence)  # fmt: skip
    return send_next(deps, job.id, job.owner)


def _render(eid: str, kind: EventKind, data: EventData) -> Render:
    def render(sequence: int, created_at: datetime) -> str:
        body = EventBody(id=eid, type=kind, sequence=sequence, created_at=created_at, data=data)
        return body.model_dump_json()

    return render


def _job(deps: Deps, job_id: JobId) -> Job | None:
    try:
        return deps.store.get(job_id)
    except NotFound:  # deleted meanwhile: nobody to tell
        return None


NoticeHandler = Callable[[Deps, Any], bool]
HANDLERS: dict[type[Message], NoticeHandler] = {
    JobFinished: notify_job_finished,
    ClipExported: notify_clip_exported,
    ExportFinished: notify_export_finished,
    DeliverNotification: deliver_in_batch,
}


def run_notice(deps: Deps, message: Message) -> bool:
    """Run the notification handler of `message`. Only `Transient` escapes (the platform
    retries); any other error is logged and dropped: a notification never fails its job."""
    handler = HANDLERS.get(type(message))
    if handler is None:
        log.error("not a notification message", type=message.type_name())
        return False
    job_id = getattr(message, "job_id", None)
    structlog.contextvars.bind_contextvars(job_id=job_id, stage="notify")
    try:
        return handler(deps, message)
    except Transient:
        log.warning("notification will be retried", exc_info=True)
        raise
    except KlairError as error:
        log.error("notification dropped", code=error.code, reason=error.message)
        return False
    finally:
        structlog.contextvars.unbind_contextvars("job_id", "stage")
