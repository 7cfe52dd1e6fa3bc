"""Ports of job state: the store every stage reads and moves by compare-and-set, and the clock."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from klair.domain.batch import Batch
from klair.domain.chunking import ChunkLease
from klair.domain.clip import Candidate, Clip
from klair.domain.cost import Cost
from klair.domain.export_run import ClipStep, ExportRun
from klair.domain.ids import ClipId, JobId, UserId
from klair.domain.job import Job
from klair.domain.listing import JobCursor, JobFilter
from klair.domain.status import JobStatus


class Clock(Protocol):
    def now(self) -> datetime: ...


class JobStore(Protocol):
    """Jobs, their chunk results and clips; every mutation is atomic per document."""

    def create(self, job: Job) -> None:
        """Insert; raises `Conflict` if the id exists."""

    def get(self, job_id: JobId) -> Job:
        """Raises `NotFound`."""

    def transition(
        self, job_id: JobId, from_: Iterable[JobStatus], to: JobStatus, **fields: Any
    ) -> Job | None:
        """Compare-and-set: move to `to` only if the current status is in `from_` (and the
        state machine allows it), writing `fields` in the same transaction. Returns the new
        job, or None when the current status did not match (someone else moved it)."""

    def update(self, job_id: JobId, **fields: Any) -> Job:
        """Write progress-like fields without touching the status."""

    def claim(self, key: str) -> bool:
        """Create a step marker; True for the first caller only, ever."""

    def lease_chunk(self, job_id: JobId, index: int, until: datetime) -> ChunkLease:
        """Claim the analysis of chunk `index` until `until`: `done` if its result is
        recorded, `held` while another lease on it has not expired, else `granted` with the
        next attempt number. Atomic: of concurrent callers at most one is granted."""

    def renew_chunk_lease(self, job_id: JobId, index: int, attempt: int, until: datetime) -> bool:
        """Extend attempt `attempt`'s lease on chunk `index` to `until` (its holder's
        heartbeat); False when the lease is another attempt's now (it expired and was taken
        over) or the chunk is recorded: the holder has nothing to keep."""

    def record_chunk(
        self, job_id: JobId, index: int, candidates: list[Candidate]
    ) -> tuple[int, int] | None:
        """Store one chunk's candidates and count it once; returns (done, total) when this
        call was the one that counted it, None for a redelivery."""

    def chunk_candidates(self, job_id: JobId) -> list[Candidate]: ...

    def add_analysis_cost(
        self, job_id: JobId, index: int, cost: Cost, fallback: str | None = None, attempt: int = 1
    ) -> bool:
        """Add one chunk's model cost to the job's `cost` (and record in
        `analysis_fallbacks` why it kept the offline candidates, if it did), once per chunk
        and attempt (a lease taken over after the first expired spends again); True only for
        the call that added it."""

    def put_clips(self, job_id: JobId, clips: list[Clip]) -> None:
        """Store the selection (idempotent: same ids overwrite)."""

    def clips(self, job_id: JobId) -> list[Clip]:
        """Clips ordered by rank."""

    def record_export(
        self, job_id: JobId, clip_id: ClipId, exports: Mapping[str, str]
    ) -> tuple[int, int] | None:
        """Mark one clip exported and count it once, only while the job is `exporting`
        (checked in the same atomic write): (exported, total), None if already counted.
        Raises `NotExporting` once the job has left `exporting` (cancelled, failed,
        completed) and `NotFound` when the job or the clip is gone."""

    def record_reexport(
        self, job_id: JobId, export_id: str, clip_id: ClipId, step: ClipStep
    ) -> ExportRun | None:
        """Apply one clip's `step` to the job's re-export run `export_id` (`Job.export`): a
        start moves a queued run to exporting; an end (exported, failed) counts once per
        clip and run. Returns the run this call changed, None when it changed nothing
        (another run is the job's latest, the clip's end was counted, the run had started)."""

    def idle_jobs(self, updated_before: datetime, limit: int) -> list[Job]:
        """Jobs not in a terminal status whose last write is older than `updated_before`."""

    def delete_job(self, job_id: JobId) -> None:
        """Forget the job with its chunks, clips and idempotency record (idempotent)."""

    def create_idempotent(self, job: Job, key: str, fingerprint: str, ttl: timedelta) -> Job:
        """Create `job` under the idempotency record `key` (stored as its `idempotency_key`)
        and return it; while a record younger than `ttl` holds `key`, return the job it names
        instead when `fingerprint` matches, and raise `Conflict` (`idempotency_key_reused`)
        when it does not. A record whose job is gone counts as absent."""

    def create_batch(
        self, batch: Batch, jobs: Sequence[Job], fingerprint: str, ttl: timedelta
    ) -> Batch:
        """Create the batch, its new `jobs` and mark its joined items' jobs (`batch_id`), in
        one atomic write. Under `batch.idempotency_key`: while a record younger than `ttl`
        holds the key, return the batch it names (writing nothing) when `fingerprint`
        matches, and raise `Conflict` (`idempotency_key_reused`) when it does not. Raises
        `NotFound` when a joined job is gone; nothing is written then."""

    def get_batch(self, batch_id: str) -> Batch:
        """Raises `NotFound`."""

    def delete_batch(self, batch_id: str) -> None:
        """Forget a batch that was refused: the batch, the jobs it created (with their
        records) and its idempotency record; joined jobs are only unmarked. Idempotent."""

    def delete_batches(self, owner: UserId) -> int:
        """Forget every batch of `owner` (a deleted user) with its idempotency record and its
        `batch.completed` delivery records; their jobs are deleted as jobs. How many went."""

    def list_jobs(
        self, owner: UserId, where: JobFilter, limit: int, after: JobCursor | None = None
    ) -> list[Job]:
        """The owner's jobs matching `where`, newest first (ties: higher id first), at most
        `limit`, strictly after `after` in that order."""

    def queued_ahead(self, created_before: datetime, tiers: Collection[str]) -> int:
        """How many queued jobs of these tiers were created before `created_before`."""

    def queued_times(self, tiers: Collection[str], limit: int) -> list[datetime]:
        """Creation times of the queued jobs of these tiers, oldest first, at most `limit`."""

    def recently_completed(self, limit: int) -> list[Job]:
        """The latest completed jobs, the most recently updated first."""


class StatusReads(Protocol):
    """The `JobStore` reads that status polls repeat (the job, its queue position, the pace
    of finished jobs). An instance may answer them from what it read recently, each at most
    as old as its method says; bootstrap wires `adapters.cached_reads` over the store."""

    def get(self, job_id: JobId) -> Job:
        """As `JobStore.get`; reads of one job that overlap may share one read, but nothing
        is kept after it: the job is never older than a read running when the call came."""

    def queued_ahead(self, created_before: datetime, tiers: Collection[str]) -> int:
        """As `JobStore.queued_ahead`, at most `KLAIR_QUEUE_CACHE_SECONDS` old."""

    def recently_completed(self, limit: int, *, polled: bool = False) -> list[Job]:
        """As `JobStore.recently_completed`, possibly a recent read; an empty history is
        reused only by polls (`polled`): other callers read again, so they see the first
        completed job at once."""
