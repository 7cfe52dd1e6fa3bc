"""Ports of users and their books: users mirrored from Clerk, their API keys, monthly usage,
request limits and the books to erase with a user."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from klair.domain.api_keys import ApiKey
from klair.domain.ids import JobId, UserId
from klair.domain.quota import Quota, Usage
from klair.domain.rate_limit import RateDecision, RateRule
from klair.domain.user import User


class UsageLedger(Protocol):
    """Monthly minutes and jobs in flight per user: a job is admitted (a concurrency slot and
    the minutes known so far), its hold set to its source's minutes, then committed or
    refunded exactly once; settling frees the slot. Each change is one atomic step."""

    def admit(self, owner: UserId, job_id: JobId, minutes: float, quota: Quota) -> Usage:
        """Hold a slot and `minutes` (0 when unknown) for a new job in `quota.period`.

        Raises `QuotaExceeded` when `quota.max_concurrent_jobs` jobs hold slots, when
        used + reserved + minutes > limit, or, for 0 minutes, when none are left.
        Idempotent per job: a job already admitted (or settled) changes nothing."""

    def admit_all(self, owner: UserId, jobs: Sequence[tuple[JobId, float]], quota: Quota) -> Usage:
        """Admit every (job, minutes) of a batch in one atomic step, judged as one
        (`quota.with_admissions`): all hold their slot and minutes, or, raising
        `QuotaExceeded`, none does and nothing is written. Jobs already admitted are left
        as they are and not counted again."""

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


class UserStore(Protocol):
    """Users mirrored from Clerk's webhooks, and the ids of webhook messages already seen."""

    def get(self, uid: UserId) -> User:
        """Raises `NotFound`."""

    def upsert(self, user: User) -> None:
        """Write the user as given (fields stored by others on the same document survive)."""

    def revise(self, uid: UserId, revision: Callable[[User | None], User | None]) -> bool:
        """Compare and write, atomically: `revision` gets the stored user (None for an unknown
        id) and returns the user to store, or None to change nothing. A concurrent change
        in between makes it run again on the new state (so it must be pure). True only when
        a user was written. Fields stored by others on the same document survive."""

    def mark_deleted(self, uid: UserId) -> bool:
        """Set status deleted and forget email and name (a tombstone for an unknown id);
        True only for the call that changed it."""

    def knows_message(self, message_id: str) -> bool:
        """Whether the webhook message id was recorded (reads only)."""

    def record_message(self, message_id: str) -> bool:
        """Record a webhook message id (with an `expires_at` TTL); True if it was new."""


class Revocations(Protocol):
    """Users whose tokens this instance refuses at once: the deletion path adds a user here,
    and the API's token check looks here before its per-instance memory of users' state
    (`http.active_users.CACHE_SECONDS` old at most). So a deletion takes effect on the next
    request in the process that applied it, and on every other instance within that age."""

    def revoke(self, uid: UserId) -> None: ...

    def revoked(self, uid: UserId) -> bool: ...


class UsageEraser(Protocol):
    def erase_usage(self, owner: UserId) -> int:
        """Delete the user's usage books (every month), slots and per-job reservations;
        returns how many records went. Idempotent: nothing left is 0."""


class ApiKeyStore(Protocol):
    """Users' API keys by id (derived from the secret's digest: a request finds its key with
    one read). A revoked key stays listed, marked; deleting the owner deletes them all."""

    def add(self, key: ApiKey, limit: int) -> None:
        """Store a new key; raises `Conflict` (`too_many_api_keys`) when its owner already has
        `limit` active keys. Atomic: concurrent adds never pass the limit."""

    def get(self, key_id: str) -> ApiKey | None: ...

    def list_keys(self, owner: UserId) -> list[ApiKey]:
        """The owner's keys, revoked ones included, newest first."""

    def revoke(self, owner: UserId, key_id: str, at: datetime) -> ApiKey | None:
        """The key, revoked at `at` (a key revoked earlier keeps its time); None when the
        owner has no such key."""

    def record_use(self, key_id: str, at: datetime) -> None:
        """Set `last_used_at`; nothing for a key that is gone."""

    def delete_owner(self, owner: UserId) -> int:
        """Delete every key of the owner; how many went. Idempotent."""
