"""The Firestore JobStore's batches: `batches/{id}` (the items and their jobs) and
`batch_idempotency/{key}`; a batch, its new jobs and its joined jobs' marks are one write."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud.firestore_v1.base_query import FieldFilter
from google.cloud.firestore_v1.document import DocumentReference

from klair.adapters.firestore.client import LazyClient, retry_conflicts
from klair.adapters.firestore.records import job_data
from klair.domain.batch import Batch
from klair.domain.errors import NotFound
from klair.domain.ids import UserId
from klair.domain.job import Job
from klair.domain.job_records import key_reused, missing
from klair.ports.jobs import Clock


def _batch_data(batch: Batch) -> dict[str, Any]:
    data = batch.model_dump(mode="json")
    data["created_at"] = batch.created_at
    return data


class FirestoreBatches:
    _client: LazyClient
    _clock: Clock

    def _batch_ref(self, batch_id: str) -> DocumentReference:
        return self._client().collection("batches").document(batch_id)

    def _batch_key_ref(self, key: str) -> DocumentReference:
        return self._client().collection("batch_idempotency").document(key)

    def create_batch(
        self, batch: Batch, jobs: Sequence[Job], fingerprint: str, ttl: timedelta
    ) -> Batch:
        key = batch.idempotency_key
        jobs_ref = self._client().collection("jobs")

        def attempt() -> Batch:
            snap = self._batch_key_ref(key).get() if key else None
            held = snap.to_dict() if snap is not None and snap.exists else None
            if held is not None and held["expires_at"] > self._clock.now():
                existing = self._batch_ref(held["batch_id"]).get()
                if existing.exists and held["fingerprint"] != fingerprint:
                    raise key_reused()
                if existing.exists:
                    return Batch.model_validate(existing.to_dict())
            write = self._client().batch()
            if key and snap is not None:
                record = {"batch_id": batch.id, "fingerprint": fingerprint,
                          "expires_at": self._clock.now() + ttl}  # fmt: skip
                if snap.exists:
                    write.update(snap.reference, record, option=self._client.unchanged_since(snap))
                else:
                    write.create(snap.reference, record)
            write.create(self._batch_ref(batch.id), _batch_data(batch))
            for job in jobs:
                write.create(jobs_ref.document(job.id), job_data(job))
            for item in batch.items:
                if item.joined:  # an update fails (nothing written) when the job is gone
                    write.update(jobs_ref.document(item.job_id), {"batch_id": batch.id})
            try:
                write.commit()
            except gexc.NotFound as gone:
                joined = [i.job_id for i in batch.items if i.joined]
                raise missing(joined[0]) from gone
            return batch

        return retry_conflicts(attempt)

    def get_batch(self, batch_id: str) -> Batch:
        snap = self._batch_ref(batch_id).get()
        if not snap.exists:
            raise NotFound(f"batch {batch_id} not found", code="batch_not_found")
        return Batch.model_validate(snap.to_dict())

    def delete_batch(self, batch_id: str) -> None:
        client = self._client()
        snap = self._batch_ref(batch_id).get()
        if not snap.exists:
            return
        batch = Batch.model_validate(snap.to_dict())
        jobs = client.collection("jobs")
        for item in batch.items:
            ref = jobs.document(item.job_id)
            if not item.joined:
                client.recursive_delete(ref)
                continue
            job = ref.get()
            if job.exists and job.get("batch_id") == batch_id:
                ref.update({"batch_id": None})
        key = batch.idempotency_key
        if key and (self._batch_key_ref(key).get().to_dict() or {}).get("batch_id") == batch_id:
            self._batch_key_ref(key).delete()
        self._batch_ref(batch_id).delete()

    def delete_batches(self, owner: UserId) -> int:
        client, count = self._client(), 0
        owned = FieldFilter("owner", "==", owner)
        for snap in client.collection("batches").where(filter=owned).stream():
            key = (snap.to_dict() or {}).get("idempotency_key")
            if key:
                self._batch_key_ref(key).delete()
            # `batch.completed`'s records live where a job's do (`jobs/{id}/notifications`).
            client.recursive_delete(client.collection("jobs").document(snap.id))
            snap.reference.delete()
            count += 1
        return count
