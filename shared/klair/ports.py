"""Ports: the interfaces handlers depend on, in domain words. Adapters implement them."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import BaseModel

from klair.domain.clip import Candidate, Clip
from klair.domain.cost import Cost
from klair.domain.events import Message
from klair.domain.ids import ClipId, JobId, UserId
from klair.domain.job import Job
from klair.domain.listing import JobCursor, JobFilter
from klair.domain.quota import Quota
from klair.domain.quota import Usage as Usage
from klair.domain.rate_limit import RateDecision, RateRule
from klair.domain.status import JobStatus
from klair.ports_media import (
    Analyzer as Analyzer,
)
from klair.ports_media import (
    CaptionWriter as CaptionWriter,
)
from klair.ports_media import (
    ClipRenderer as ClipRenderer,
)
from klair.ports_media import (
    Downloader as Downloader,
)
from klair.ports_media import (
    DownloadProgress as DownloadProgress,
)
from klair.ports_media import (
    MediaProbe as MediaProbe,
)
from klair.ports_media import (
    ModelAnalysis as ModelAnalysis,
)
from klair.ports_media import (
    ModelAnalyzer as ModelAnalyzer,
)
from klair.ports_media import (
    Transcoded as Transcoded,
)
from klair.ports_media import (
    Transcoder as Transcoder,
)
from klair.ports_media import (
    Transcriber as Transcriber,
)


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

    def record_chunk(
        self, job_id: JobId, index: int, candidates: list[Candidate]
    ) -> tuple[int, int] | None:
        """Store one chunk's candidates and count it once; returns (done, total) when this
        call was the one that counted it, None for a redelivery."""

    def chunk_candidates(self, job_id: JobId) -> list[Candidate]: ...

    def add_analysis_cost(
        self, job_id: JobId, index: int, cost: Cost, fallback: str | None = None
    ) -> bool:
        """Add one chunk's model cost to the job's `cost` (and record in
        `analysis_fallbacks` why it kept the offline candidates, if it did), once per chunk;
        True only for the call that added it."""

    def put_clips(self, job_id: JobId, clips: list[Clip]) -> None:
        """Store the selection (idempotent: same ids overwrite)."""

    def clips(self, job_id: JobId) -> list[Clip]:
        """Clips ordered by rank."""

    def record_export(
        self, job_id: JobId, clip_id: ClipId, exports: Mapping[str, str]
    ) -> tuple[int, int] | None:
        """Mark one clip exported and count it once; (exported, total) or None if already."""

    def idle_jobs(self, updated_before: datetime, limit: int) -> list[Job]:
        """Jobs not in a terminal status whose last write is older than `updated_before`."""

    def delete_job(self, job_id: JobId) -> None:
        """Forget the job with its chunks, clips and idempotency record (idempotent)."""

    def create_idempotent(self, job: Job, key: str, fingerprint: str, ttl: timedelta) -> Job:
        """Create `job` under the idempotency record `key` (stored as its `idempotency_key`)
        and return it; while a record younger than `ttl` holds `key`, return the job it names
        instead when `fingerprint` matches, and raise `Conflict` (`idempotency_key_reused`)
        when it does not. A record whose job is gone counts as absent."""

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


class UsageLedger(Protocol):
    """Monthly minutes and jobs in flight per user: a job is admitted (a concurrency slot and
    the minutes known so far), its hold set to its source's minutes, then committed or
    refunded exactly once; settling frees the slot. Each change is one atomic step."""

    def admit(self, owner: UserId, job_id: JobId, minutes: float, quota: Quota) -> Usage:
        """Hold a slot and `minutes` (0 when unknown) for a new job in `quota.period`.

        Raises `QuotaExceeded` when `quota.max_concurrent_jobs` jobs hold slots, when
        used + reserved + minutes > limit, or, for 0 minutes, when none are left.
        Idempotent per job: a job already admitted (or settled) changes nothing."""

    def reserve(
        self, owner: UserId, job_id: JobId, minutes: float, limit: float, period: str
    ) -> Usage:
        """Make the job's hold exactly `minutes` (in the period it was admitted in, else
        `period`), growing or shrinking it; raises `QuotaExceeded` when growing it would make
        used + reserved > limit. The same call again changes nothing; a settled job's hold is
        never revived. A job never admitted is admitted here without the slot check."""

    def active_jobs(self, owner: UserId) -> int:
        """How many of the owner's jobs hold a slot (admitted, not yet settled)."""

    def commit(self, owner: UserId, job_id: JobId, minutes: float) -> bool:
        """Turn the job's reservation into used minutes; True only the first time."""

    def refund(self, owner: UserId, job_id: JobId) -> bool:
        """Release the job's reservation; True only the first time (never after commit)."""

    def usage(self, owner: UserId, period: str) -> Usage: ...


class RateLimiter(Protocol):
    """Request buckets shared by every instance of the API (one per user, one per IP)."""

    def hit(self, key: str, rule: RateRule, now: datetime) -> RateDecision:
        """Count one request against `key`'s bucket at `now`, atomically; a refused request
        is not counted."""


class Blobs(Protocol):
    """Objects in the media bucket, named by their path within it."""

    def put_file(self, name: str, path: Path, content_type: str | None = None) -> None: ...
    def put_bytes(self, name: str, data: bytes, content_type: str | None = None) -> None: ...
    def download(self, name: str, path: Path) -> None:
        """Raises `NotFound`."""

    def read_bytes(self, name: str) -> bytes: ...
    def read_range(self, name: str, start: int, end: int) -> bytes:
        """Bytes `start` to `end` (exclusive) of the object, fewer where it ends first;
        raises `NotFound`."""

    def exists(self, name: str) -> bool: ...
    def copy(self, src: str, dst: str) -> None: ...
    def list(self, prefix: str) -> list[str]: ...
    def delete_prefix(self, prefix: str) -> int: ...
    def uri(self, name: str) -> str:
        """`gs://bucket/name` or `file:///...`: what a model or a tool can be pointed at."""

    def signed_url(
        self,
        name: str,
        method: str = "GET",
        minutes: int = 60,
        content_type: str | None = None,
        max_bytes: int | None = None,
    ) -> str:
        """A V4 signed URL a plain HTTP client can use."""


class Bus(Protocol):
    def publish(self, message: Message) -> str:
        """Publish on the message's topic; returns the message id."""


class TaskQueue(Protocol):
    def enqueue(self, queue: str, name: str, url: str, message: Message) -> bool:
        """Create a named HTTP task; False when a task of that name exists (dedup)."""


class User(BaseModel):
    """A Clerk user as Klair knows it: identity, plan and whether the account still exists."""

    id: UserId
    email: str | None = None
    name: str | None = None
    tier: str = "free"
    status: Literal["active", "deleted"] = "active"
    created_at: datetime
    updated_at: datetime


class UserStore(Protocol):
    """Users mirrored from Clerk's webhooks, and the ids of webhook messages already seen."""

    def get(self, uid: UserId) -> User:
        """Raises `NotFound`."""

    def upsert(self, user: User) -> None:
        """Write the user as given (fields stored by others on the same document survive)."""

    def mark_deleted(self, uid: UserId) -> bool:
        """Set status deleted and forget email and name (a tombstone for an unknown id);
        True only for the call that changed it."""

    def seen_message(self, message_id: str) -> bool:
        """Record a webhook message id (with an `expires_at` TTL); True if it was new."""
