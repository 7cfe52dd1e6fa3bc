"""In-memory JobStore: thread-safe, copies in and out, same semantics as the Firestore one."""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from klair.adapters.clock import SystemClock
from klair.adapters.memory.batches import MemoryBatches, _BatchKey
from klair.domain.batch import Batch
from klair.domain.chunking import ChunkLease
from klair.domain.clip import Candidate, Clip
from klair.domain.cost import Cost
from klair.domain.errors import Conflict, NotFound
from klair.domain.export_run import ClipStep, ExportRun
from klair.domain.ids import ClipId, JobId, UserId
from klair.domain.job import Job
from klair.domain.job_records import apply_fields, key_reused, missing, not_exporting
from klair.domain.listing import JobCursor, JobFilter, after_cursor, listing_key
from klair.domain.status import JobStatus, check_transition
from klair.ports.jobs import Clock


@dataclass(frozen=True)
class IdempotencyRecord:
    job_id: JobId
    fingerprint: str
    expires_at: datetime


@dataclass
class _Record:
    job: Job
    chunks: dict[int, list[Candidate]] = field(default_factory=dict)
    clips: dict[ClipId, Clip] = field(default_factory=dict)
    exported: set[ClipId] = field(default_factory=set)
    reexported: set[tuple[str, ClipId]] = field(default_factory=set)  # (run, clip) ended
    costed: set[tuple[int, int]] = field(default_factory=set)  # (chunk, attempt) costs added
    leases: dict[int, tuple[int, datetime]] = field(default_factory=dict)  # attempt, until


class MemoryJobStore(MemoryBatches):
    """Jobs kept in a dict behind one lock; nothing a caller holds aliases stored state."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._records: dict[JobId, _Record] = {}
        self._claims: set[str] = set()
        self._keys: dict[str, IdempotencyRecord] = {}
        self._batches: dict[str, Batch] = {}
        self._batch_keys: dict[str, _BatchKey] = {}

    def _record(self, job_id: JobId) -> _Record:
        record = self._records.get(job_id)
        if record is None:
            raise missing(job_id)
        return record

    def create(self, job: Job) -> None:
        with self._lock:
            if job.id in self._records:
                raise Conflict(f"job {job.id} already exists", job_id=job.id)
            self._records[job.id] = _Record(job=job.model_copy(deep=True))

    def get(self, job_id: JobId) -> Job:
        with self._lock:
            return self._record(job_id).job.model_copy(deep=True)

    def transition(
        self, job_id: JobId, from_: Iterable[JobStatus], to: JobStatus, **fields: Any
    ) -> Job | None:
        allowed = frozenset(from_)
        with self._lock:
            record = self._record(job_id)
            if record.job.status not in allowed:
                return None
            check_transition(record.job.status, to)
            record.job = apply_fields(record.job, fields, self._clock.now(), status=to)
            return record.job.model_copy(deep=True)

    def update(self, job_id: JobId, **fields: Any) -> Job:
        with self._lock:
            record = self._record(job_id)
            record.job = apply_fields(record.job, fields, self._clock.now())
            return record.job.model_copy(deep=True)

    def claim(self, key: str) -> bool:
        with self._lock:
            if key in self._claims:
                return False
            self._claims.add(key)
            return True

    def lease_chunk(self, job_id: JobId, index: int, until: datetime) -> ChunkLease:
        with self._lock:
            record = self._record(job_id)
            if index in record.chunks:
                return ChunkLease(state="done")
            attempt, held_until = record.leases.get(index, (0, datetime.min.replace(tzinfo=UTC)))
            if held_until > self._clock.now():
                return ChunkLease(state="held", attempt=attempt)
            record.leases[index] = (attempt + 1, until)
            return ChunkLease(state="granted", attempt=attempt + 1)

    def renew_chunk_lease(self, job_id: JobId, index: int, attempt: int, until: datetime) -> bool:
        with self._lock:
            record = self._record(job_id)
            if index in record.chunks or record.leases.get(index, (0,))[0] != attempt:
                return False
            record.leases[index] = (attempt, until)
            return True

    def record_chunk(
        self, job_id: JobId, index: int, candidates: list[Candidate]
    ) -> tuple[int, int] | None:
        with self._lock:
            record = self._record(job_id)
            if index in record.chunks:
                return None
            record.chunks[index] = [c.model_copy(deep=True) for c in candidates]
            job = record.job
            record.job = job.model_copy(
                update={"chunks_done": job.chunks_done + 1, "updated_at": self._clock.now()}
            )
            return record.job.chunks_done, record.job.chunks_total

    def add_analysis_cost(
        self, job_id: JobId, index: int, cost: Cost, fallback: str | None = None, attempt: int = 1
    ) -> bool:
        with self._lock:
            record = self._record(job_id)
            if (index, attempt) in record.costed:
                return False
            record.costed.add((index, attempt))
            job = record.job
            update: dict[str, Any] = {"cost": job.cost + cost, "updated_at": self._clock.now()}
            if fallback is not None:
                update["analysis_fallbacks"] = {**job.analysis_fallbacks, str(index): fallback}
            record.job = job.model_copy(update=update)
            return True

    def chunk_candidates(self, job_id: JobId) -> list[Candidate]:
        with self._lock:
            chunks = self._records[job_id].chunks if job_id in self._records else {}
            return [c.model_copy(deep=True) for i in sorted(chunks) for c in chunks[i]]

    def put_clips(self, job_id: JobId, clips: list[Clip]) -> None:
        with self._lock:
            record = self._record(job_id)
            for clip in clips:
                # Exports already recorded survive a redelivered selection.
                old = record.clips.get(clip.id)
                exports = {**(old.exports if old else {}), **clip.exports}
                record.clips[clip.id] = clip.model_copy(update={"exports": exports}, deep=True)

    def clips(self, job_id: JobId) -> list[Clip]:
        with self._lock:
            record = self._records.get(job_id)
            found = record.clips.values() if record else []
            return [c.model_copy(deep=True) for c in sorted(found, key=lambda c: c.rank)]

    def record_export(
        self, job_id: JobId, clip_id: ClipId, exports: Mapping[str, str]
    ) -> tuple[int, int] | None:
        with self._lock:
            record = self._record(job_id)
            clip = record.clips.get(clip_id)
            if clip is None:
                raise NotFound(f"clip {clip_id} of job {job_id} not found", job_id=job_id)
            if record.job.status is not JobStatus.EXPORTING:
                raise not_exporting(record.job)
            if clip_id in record.exported:
                return None
            record.exported.add(clip_id)
            record.clips[clip_id] = clip.model_copy(update={"exports": dict(exports)})
            job = record.job
            record.job = job.model_copy(
                update={"clips_exported": job.clips_exported + 1, "updated_at": self._clock.now()}
            )
            return record.job.clips_exported, record.job.clips_total

    def record_reexport(
        self, job_id: JobId, export_id: str, clip_id: ClipId, step: ClipStep
    ) -> ExportRun | None:
        with self._lock:
            record = self._record(job_id)
            run, now = record.job.export, self._clock.now()
            if run is None or run.id != export_id:
                return None
            if step != "started" and (export_id, clip_id) in record.reexported:
                return None
            new = run.after(step, now)
            if new == run:
                return None
            if step != "started":
                record.reexported.add((export_id, clip_id))
            record.job = record.job.model_copy(update={"export": new, "updated_at": now})
            return new

    def idle_jobs(self, updated_before: datetime, limit: int) -> list[Job]:
        with self._lock:
            idle = [
                r.job.model_copy(deep=True)
                for r in self._records.values()
                if not r.job.status.terminal and r.job.updated_at < updated_before
            ]
        return sorted(idle, key=lambda job: job.updated_at)[:limit]

    def delete_job(self, job_id: JobId) -> None:
        """Forget the job with its chunks, clips and idempotency record (claims stay)."""
        with self._lock:
            record = self._records.pop(job_id, None)
            key = record.job.idempotency_key if record else None
            if key is not None and key in self._keys and self._keys[key].job_id == job_id:
                del self._keys[key]

    def create_idempotent(self, job: Job, key: str, fingerprint: str, ttl: timedelta) -> Job:
        now = self._clock.now()
        with self._lock:
            held = self._keys.get(key)
            if held is not None and held.expires_at > now and held.job_id in self._records:
                if held.fingerprint != fingerprint:
                    raise key_reused()
                return self._records[held.job_id].job.model_copy(deep=True)
            if job.id in self._records:
                raise Conflict(f"job {job.id} already exists", job_id=job.id)
            stored = job.model_copy(update={"idempotency_key": key}, deep=True)
            self._records[job.id] = _Record(job=stored)
            self._keys[key] = IdempotencyRecord(job.id, fingerprint, now + ttl)
            return stored.model_copy(deep=True)

    def list_jobs(
        self, owner: UserId, where: JobFilter, limit: int, after: JobCursor | None = None
    ) -> list[Job]:
        with self._lock:
            found = [
                r.job.model_copy(deep=True)
                for r in self._records.values()
                if r.job.owner == owner and where.matches(r.job) and after_cursor(r.job, after)
            ]
        return sorted(found, key=listing_key, reverse=True)[:limit]

    def queued_ahead(self, created_before: datetime, tiers: Collection[str]) -> int:
        with self._lock:
            return sum(
                1
                for r in self._records.values()
                if r.job.status is JobStatus.QUEUED
                and r.job.tier in tiers
                and r.job.created_at < created_before
            )

    def queued_times(self, tiers: Collection[str], limit: int) -> list[datetime]:
        with self._lock:
            times = [
                r.job.created_at
                for r in self._records.values()
                if r.job.status is JobStatus.QUEUED and r.job.tier in tiers
            ]
        return sorted(times)[:limit]

    def recently_completed(self, limit: int) -> list[Job]:
        with self._lock:
            done = [
                r.job.model_copy(deep=True)
                for r in self._records.values()
                if r.job.status is JobStatus.COMPLETED
            ]
        return sorted(done, key=lambda job: job.updated_at, reverse=True)[:limit]
