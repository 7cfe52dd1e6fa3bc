"""`batch.completed`: one event per batch, opened once every item's job has ended AND each
item's own ending event (`job.completed`/`job.failed`/`job.cancelled`) is settled, so the
receiver gets it after all of them. Its record is kept in the delivery log under the batch
id (its deterministic event id makes a redelivered announcement open nothing twice).

Two moments look: an item's `JobFinished` (after its own events are opened) and the
settling of an item's ending event (its delivery task); the later of the last two finds
every condition true. The API's batch submit looks too (a joined upload may have ended
before the batch named it)."""

from __future__ import annotations

from datetime import datetime

import structlog
from pydantic import BaseModel

from klair.domain.batch import Batch, BatchId
from klair.domain.errors import NotFound
from klair.domain.events import DeliverNotification
from klair.domain.ids import JobId
from klair.domain.job import Job
from klair.domain.notification import ENDINGS, FINISHED, EventKind, WebhookEndpoint, event_id
from klair.handlers.deps import Deps
from klair.handlers.outbound.notify_delivery import deliver_notification, send_next
from klair.handlers.steps.batches import BatchItemView, batch_view, item_jobs, settled
from klair.handlers.steps.views import Timestamp

log = structlog.get_logger(__name__)


class BatchEventData(BaseModel):
    batch_id: BatchId
    items_total: int
    counts: dict[str, int]
    items: list[BatchItemView]
    status_url: str


class BatchEventBody(BaseModel):
    id: str
    type: EventKind
    sequence: int
    created_at: Timestamp
    data: BatchEventData


def announce_batch(deps: Deps, batch_id: str) -> bool:
    """Open `batch.completed` and queue it if the batch is ready for it; True when this call
    created the delivery task."""
    log_, webhooks = deps.deliveries, deps.webhooks
    try:
        batch = deps.store.get_batch(batch_id)
    except NotFound:
        return False
    endpoint = webhooks.get(batch.owner) if webhooks is not None else None
    if log_ is None or endpoint is None or not _ready(deps, batch, endpoint):
        return False
    view = batch_view(deps, batch)
    data = BatchEventData(batch_id=batch.id, items_total=view.items_total, counts=view.counts,
                          items=view.items, status_url=view.status_url)  # fmt: skip
    eid = event_id(JobId(batch.id), EventKind.BATCH_COMPLETED)

    def render(sequence: int, created_at: datetime) -> str:
        body = BatchEventBody(id=eid, type=EventKind.BATCH_COMPLETED, sequence=sequence,
                              created_at=created_at, data=data)  # fmt: skip
        return body.model_dump_json()

    log_.open(JobId(batch.id), eid, EventKind.BATCH_COMPLETED, deps.clock.now(), render)
    log.info("notification opened", batch_id=batch.id, kind=EventKind.BATCH_COMPLETED.value,
             event_id=eid)  # fmt: skip
    return send_next(deps, JobId(batch.id), batch.owner)


def _ready(deps: Deps, batch: Batch, endpoint: WebhookEndpoint) -> bool:
    """Every item ended, and its ending event settled (or never opened: the job ended before
    the webhook was registered)."""
    assert deps.deliveries is not None
    items = item_jobs(deps, batch)
    if not settled(items):
        return False
    for _, job in items:
        if job is None:
            continue
        record = deps.deliveries.get(job.id, event_id(job.id, FINISHED[job.status.value]))
        if record is None and job.updated_at < endpoint.created_at:
            continue
        if record is None or not record.state.final:
            return False
    return True


def after_job_finished(deps: Deps, job: Job) -> None:
    if job.batch_id is not None:
        announce_batch(deps, job.batch_id)


def deliver_in_batch(deps: Deps, command: DeliverNotification) -> bool:
    """Deliver one event; when it is a batch item's ending, look whether the batch is
    ready for its own."""
    done = deliver_notification(deps, command)
    if command.event in {kind.value for kind in ENDINGS}:
        try:
            job = deps.store.get(command.job_id)
        except NotFound:
            return done
        after_job_finished(deps, job)
    return done
