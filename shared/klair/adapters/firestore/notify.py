"""WebhookStore and DeliveryLog on Firestore: `users/{uid}/webhooks/default` (beside the user's
document, which Clerk's events rewrite) and `jobs/{job}/notifications/{event_id}` (deleted
with the job by its recursive delete)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.document import DocumentReference

from klair.adapters.firestore.client import ClientSource, LazyClient
from klair.domain.ids import JobId, UserId
from klair.domain.notification import (
    Attempt,
    DeliveryRecord,
    DeliveryState,
    EventKind,
    WebhookEndpoint,
)

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
    """Attempts are counted with a server-side increment: concurrent writers never lose one."""

    def __init__(self, client: ClientSource) -> None:
        self._client = LazyClient(client)

    def _ref(self, job_id: JobId, event_id: str) -> DocumentReference:
        job = self._client().collection("jobs").document(job_id)
        ref: DocumentReference = job.collection("notifications").document(event_id)
        return ref

    def open(self, job_id: JobId, event_id: str, event: EventKind, at: datetime) -> bool:
        record = DeliveryRecord(event_id=event_id, event=event, created_at=at)
        try:
            self._ref(job_id, event_id).create(record.model_dump(mode="python"))
        except gexc.AlreadyExists:
            return False
        return True

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
        return sorted(found, key=lambda r: (r.created_at, r.event_id))
