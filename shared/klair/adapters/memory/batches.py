"""The in-memory JobStore's batches (`MemoryJobStore` holds them): the same rules as the
Firestore ones, each change one step under the store's lock."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from klair.domain.batch import Batch
from klair.domain.errors import Conflict, NotFound
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job
from klair.domain.job_records import key_reused, missing
from klair.ports.jobs import Clock

if TYPE_CHECKING:
    from klair.adapters.memory.store import _Record


@dataclass(frozen=True)
class _BatchKey:
    batch_id: str
    fingerprint: str
    expires_at: datetime


class MemoryBatches:
    _lock: threading.Lock
    _clock: Clock
    _records: dict[JobId, _Record]
    _batches: dict[str, Batch]
    _batch_keys: dict[str, _BatchKey]

    def create_batch(
        self, batch: Batch, jobs: Sequence[Job], fingerprint: str, ttl: timedelta
    ) -> Batch:
        from klair.adapters.memory.store import _Record

        key, now = batch.idempotency_key, self._clock.now()
        with self._lock:
            held = self._batch_keys.get(key) if key else None
            if held is not None and held.expires_at > now and held.batch_id in self._batches:
                if held.fingerprint != fingerprint:
                    raise key_reused()
                return self._batches[held.batch_id]
            joined = [item.job_id for item in batch.items if item.joined]
            for job_id in joined:
                if job_id not in self._records:
                    raise missing(job_id)
            if batch.id in self._batches or any(job.id in self._records for job in jobs):
                raise Conflict(f"batch {batch.id} or one of its jobs exists", batch_id=batch.id)
            for job in jobs:
                self._records[job.id] = _Record(job=job.model_copy(deep=True))
            for job_id in joined:
                record = self._records[job_id]
                record.job = record.job.model_copy(update={"batch_id": batch.id})
            self._batches[batch.id] = batch
            if key:
                self._batch_keys[key] = _BatchKey(batch.id, fingerprint, now + ttl)
            return batch

    def get_batch(self, batch_id: str) -> Batch:
        with self._lock:
            found = self._batches.get(batch_id)
        if found is None:
            raise NotFound(f"batch {batch_id} not found", code="batch_not_found")
        return found

    def delete_batch(self, batch_id: str) -> None:
        with self._lock:
            batch = self._batches.pop(batch_id, None)
            if batch is None:
                return
            for item in batch.items:
                record = self._records.get(item.job_id)
                if record is None:
                    continue
                if not item.joined:
                    del self._records[item.job_id]
                elif record.job.batch_id == batch_id:
                    record.job = record.job.model_copy(update={"batch_id": None})
            key = batch.idempotency_key
            if key and (held := self._batch_keys.get(key)) and held.batch_id == batch_id:
                del self._batch_keys[key]

    def delete_batches(self, owner: UserId) -> int:
        with self._lock:
            gone = [b for b in self._batches.values() if b.owner == owner]
            for batch in gone:
                del self._batches[batch.id]
            for key in [k for k, v in self._batch_keys.items() if v.batch_id not in self._batches]:
                del self._batch_keys[key]
            return len(gone)
