"""In-memory WebhookStore and DeliveryLog: dicts behind a lock, the fakes of the Firestore ones."""

from __future__ import annotations

import threading
from datetime import datetime

from klair.domain.ids import JobId, UserId
from klair.domain.notification import (
    Attempt,
    DeliveryRecord,
    DeliveryState,
    EventKind,
    EventOrder,
    WebhookEndpoint,
)
from klair.ports.notify import Render


def recorded(
    record: DeliveryRecord, attempt: Attempt, state: DeliveryState, at: datetime
) -> DeliveryRecord:
    """The record after one attempt (shared with the Firestore log, which writes the same)."""
    counted = state is not DeliveryState.SKIPPED
    return record.model_copy(
        update={
            "state": state,
            "attempts": record.attempts + (1 if counted else 0),
            "last_status": attempt.status if counted else record.last_status,
            "last_error": attempt.error,
            "last_attempt_at": at if counted else record.last_attempt_at,
            "delivered_at": at if state is DeliveryState.DELIVERED else record.delivered_at,
        }
    )


class MemoryWebhookStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._endpoints: dict[UserId, WebhookEndpoint] = {}

    def get(self, uid: UserId) -> WebhookEndpoint | None:
        with self._lock:
            return self._endpoints.get(uid)

    def put(self, uid: UserId, endpoint: WebhookEndpoint) -> None:
        with self._lock:
            self._endpoints[uid] = endpoint

    def remove(self, uid: UserId) -> bool:
        with self._lock:
            return self._endpoints.pop(uid, None) is not None


class MemoryDeliveryLog:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[JobId, dict[str, DeliveryRecord]] = {}
        self._orders: dict[JobId, EventOrder] = {}

    def open(
        self, job_id: JobId, event_id: str, event: EventKind, at: datetime, render: Render
    ) -> DeliveryRecord | None:
        with self._lock:
            records = self._records.setdefault(job_id, {})
            if event_id in records:
                return records[event_id]
            order = self._orders.get(job_id, EventOrder()).then(event, at)
            if order is None:
                return None
            self._orders[job_id] = order
            records[event_id] = order.opened(event_id, event, render)
            return records[event_id]

    def get(self, job_id: JobId, event_id: str) -> DeliveryRecord | None:
        with self._lock:
            return self._records.get(job_id, {}).get(event_id)

    def record(
        self, job_id: JobId, event_id: str, attempt: Attempt, state: DeliveryState, at: datetime
    ) -> None:
        with self._lock:
            records = self._records.get(job_id, {})
            if event_id in records:  # a record never opened (its job deleted) stays absent
                records[event_id] = recorded(records[event_id], attempt, state, at)

    def records(self, job_id: JobId) -> list[DeliveryRecord]:
        with self._lock:
            found = list(self._records.get(job_id, {}).values())
        return sorted(found, key=lambda r: (r.sequence, r.created_at, r.event_id))

    def forget(self, job_id: JobId) -> None:
        """What deleting the job's document does to the Firestore log."""
        with self._lock:
            self._records.pop(job_id, None)
            self._orders.pop(job_id, None)
