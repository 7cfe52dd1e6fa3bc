"""A job's webhook deliveries as the status route shows them."""

from __future__ import annotations

from pydantic import BaseModel

from klair.domain.ids import JobId
from klair.domain.notification import DeliveryState, EventKind
from klair.handlers.deps import Deps
from klair.handlers.views import Timestamp


class NotificationView(BaseModel):
    """One event sent (or being sent) to the owner's webhook."""

    event: EventKind
    event_id: str
    state: DeliveryState
    attempts: int
    last_status: int | None
    last_error: str | None
    created_at: Timestamp
    last_attempt_at: Timestamp | None
    delivered_at: Timestamp | None


def notifications(deps: Deps, job_id: JobId) -> list[NotificationView]:
    if deps.deliveries is None:
        return []
    return [
        NotificationView.model_validate(record.model_dump())
        for record in deps.deliveries.records(job_id)
    ]
