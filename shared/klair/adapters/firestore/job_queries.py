"""The JobStore's read-side queries on Firestore: listings, queue depth, recent completions.

Each query matches a composite index in `emulator-config/firestore.indexes.json` (and
terraform's firestore module); the emulator does not enforce indexes, production does.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter
from google.cloud.firestore_v1.collection import CollectionReference

from klair.domain.ids import UserId
from klair.domain.job import Job
from klair.domain.listing import JobCursor, JobFilter
from klair.domain.status import JobStatus

DESC = firestore.Query.DESCENDING


def _filtered(jobs: CollectionReference, owner: UserId, where: JobFilter) -> Any:
    query = jobs.where(filter=FieldFilter("owner", "==", owner))
    if where.statuses:
        statuses = sorted(s.value for s in where.statuses)
        query = query.where(filter=FieldFilter("status", "in", statuses))
    if where.kind is not None:
        query = query.where(filter=FieldFilter("kind", "==", where.kind.value))
    if where.created_after is not None:
        query = query.where(filter=FieldFilter("created_at", ">=", where.created_after))
    if where.created_before is not None:
        query = query.where(filter=FieldFilter("created_at", "<", where.created_before))
    return query


def list_jobs(
    jobs: CollectionReference,
    owner: UserId,
    where: JobFilter,
    limit: int,
    after: JobCursor | None,
) -> list[Job]:
    """Keyset pagination on (created_at, document id), both descending."""
    query = _filtered(jobs, owner, where).order_by("created_at", direction=DESC)
    query = query.order_by("__name__", direction=DESC)
    if after is not None:
        query = query.start_after(
            {"created_at": after.created_at, "__name__": jobs.document(after.job_id)}
        )
    return [Job.model_validate(snap.to_dict()) for snap in query.limit(limit).stream()]


def queued_ahead(
    jobs: CollectionReference, created_before: datetime, tiers: Collection[str]
) -> int:
    if not tiers:
        return 0
    query: Any = (
        jobs.where(filter=FieldFilter("status", "==", JobStatus.QUEUED.value))
        .where(filter=FieldFilter("tier", "in", sorted(tiers)))
        .where(filter=FieldFilter("created_at", "<", created_before))
    )
    results = query.count(alias="ahead").get()  # [[AggregationResult]]
    return int(results[0][0].value)


def queued_times(jobs: CollectionReference, tiers: Collection[str], limit: int) -> list[datetime]:
    """One query, only `created_at` read back (the status/tier/created_at index)."""
    if not tiers:
        return []
    query: Any = (
        jobs.where(filter=FieldFilter("status", "==", JobStatus.QUEUED.value))
        .where(filter=FieldFilter("tier", "in", sorted(tiers)))
        .order_by("created_at")
        .limit(limit)
        .select(["created_at"])
    )
    return [snap.get("created_at") for snap in query.stream()]


def recently_completed(jobs: CollectionReference, limit: int) -> list[Job]:
    query = (
        jobs.where(filter=FieldFilter("status", "==", JobStatus.COMPLETED.value))
        .order_by("updated_at", direction=DESC)
        .limit(limit)
    )
    return [Job.model_validate(snap.to_dict()) for snap in query.stream()]


class JobQueries:
    """The read side of the Firestore JobStore: listings, the queue, recent completions."""

    _client: Callable[[], firestore.Client]

    def list_jobs(
        self, owner: UserId, where: JobFilter, limit: int, after: JobCursor | None = None
    ) -> list[Job]:
        return list_jobs(self._client().collection("jobs"), owner, where, limit, after)

    def queued_ahead(self, created_before: datetime, tiers: Collection[str]) -> int:
        return queued_ahead(self._client().collection("jobs"), created_before, tiers)

    def queued_times(self, tiers: Collection[str], limit: int) -> list[datetime]:
        return queued_times(self._client().collection("jobs"), tiers, limit)

    def recently_completed(self, limit: int) -> list[Job]:
        return recently_completed(self._client().collection("jobs"), limit)
