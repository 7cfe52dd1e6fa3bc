"""A job's webhook deliveries as the status route shows them."""

from __future__ import annotations

from pydantic import BaseModel

from klair.domain.job import Job
from klair.domain.notification import DeliveryState, EventKind
from klair.handlers.deps import Deps
from klair.handlers.steps.views import Timestamp


class NotificationView(BaseModel):
    """One event sent (or being sent) to the owner's webhook."""

    event: EventKind
    event_id: str
    sequence: int  # the job's n-th event: delivered after the n-1 before it are settled
    state: DeliveryState
    attempts: int
    last_status: int | None
    last_error: str | None
    created_at: Timestamp
    last_attempt_at: Timestamp | None
    delivered_at: Timestamp | None


def notifications(deps: Deps, job: Job) -> list[NotificationView]:
    """The job's deliveries. Events are only made of a finished job (`job.*`) or an exported
    clip (`clip.ready`), after the job records either, so a running job with no clip
    exported has none: its status skips the query."""
    if deps.deliveries is None or not (job.status.terminal or job.clips_exported > 0):
        return []
    return [
        NotificationView.model_validate(record.model_dump())
        for record in deps.deliveries.records(job.id)
    ]
