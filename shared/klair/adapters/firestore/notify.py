"""WebhookStore and DeliveryLog on Firestore: `users/{uid}/webhooks/default` (beside the user's
document, which Clerk's events rewrite) and `jobs/{job}/notifications/{event_id}` (deleted
with the job by its recursive delete)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.document import DocumentReference

from klair.adapters.firestore.client import ClientSource, LazyClient, retry_conflicts
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

ENDPOINT_DOC = "default"


class FirestoreWebhookStore:
    """One document per user under the user's own path, so deleting the user finds it and
    the user's document (a Clerk mirror that must validate as a `User`) stays untouched."""

    def __init__(self, client: ClientSource) -> None:
        self._client = LazyClient(client)

    def _ref(self, uid: UserId) -> DocumentReference:
        users = self._client().collection("users")
        ref: DocumentReference = users.document(uid).collection("webhooks").document(ENDPOINT_DOC)
        return ref

    def get(self, uid: UserId) -> WebhookEndpoint | None:
        snap = self._ref(uid).get()
        data = snap.to_dict() if snap.exists else None
        return None if data is None else WebhookEndpoint.model_validate(data)

    def put(self, uid: UserId, endpoint: WebhookEndpoint) -> None:
        self._ref(uid).set(endpoint.model_dump())

    def remove(self, uid: UserId) -> bool:
        ref = self._ref(uid)
        if not ref.get().exists:
            return False
        ref.delete()
        return True


class FirestoreDeliveryLog:
    """Attempts are counted with a server-side increment: concurrent writers never lose one.
    The job's event order is `jobs/{job}/notification_order/state`, created or changed in
    the same batch as each new record, under a precondition (retried on a conflict)."""

    def __init__(self, client: ClientSource) -> None:
        self._client = LazyClient(client)

    def _ref(self, job_id: JobId, event_id: str) -> DocumentReference:
        job = self._client().collection("jobs").document(job_id)
        ref: DocumentReference = job.collection("notifications").document(event_id)
        return ref

    def _order_ref(self, job_id: JobId) -> DocumentReference:
        job = self._client().collection("jobs").document(job_id)
        ref: DocumentReference = job.collection("notification_order").document("state")
        return ref

    def open(
        self, job_id: JobId, event_id: str, event: EventKind, at: datetime, render: Render
    ) -> DeliveryRecord | None:
        ref, order_ref = self._ref(job_id, event_id), self._order_ref(job_id)

        def attempt() -> DeliveryRecord | None:
            snap = ref.get()
            if snap.exists:
                return DeliveryRecord.model_validate(snap.to_dict())
            held = order_ref.get()
            order = EventOrder.model_validate(held.to_dict()) if held.exists else EventOrder()
            following = order.then(event, at)
            if following is None:
                return None
            record = following.opened(event_id, event, render)
            batch = self._client().batch()
            batch.create(ref, record.model_dump(mode="python"))
            if held.exists:
                option = self._client.unchanged_since(held)
                batch.update(order_ref, following.model_dump(), option=option)
            else:
                batch.create(order_ref, following.model_dump())
            batch.commit()
            return record

        return retry_conflicts(attempt)

    def get(self, job_id: JobId, event_id: str) -> DeliveryRecord | None:
        snap = self._ref(job_id, event_id).get()
        data = snap.to_dict() if snap.exists else None
        return None if data is None else DeliveryRecord.model_validate(data)

    def record(
        self, job_id: JobId, event_id: str, attempt: Attempt, state: DeliveryState, at: datetime
    ) -> None:
        update: dict[str, Any] = {"state": state.value, "last_error": attempt.error}
        if state is not DeliveryState.SKIPPED:
            update |= {
                "attempts": firestore.Increment(1),
                "last_status": attempt.status,
                "last_attempt_at": at,
            }
        if state is DeliveryState.DELIVERED:
            update["delivered_at"] = at
        try:
            self._ref(job_id, event_id).update(update)
        except gexc.NotFound:  # the job (and its log) was deleted meanwhile
            return

    def records(self, job_id: JobId) -> list[DeliveryRecord]:
        job = self._client().collection("jobs").document(job_id)
        found = [
            DeliveryRecord.model_validate(snap.to_dict())
            for snap in job.collection("notifications").stream()
        ]
        return sorted(found, key=lambda r: (r.sequence, r.created_at, r.event_id))
