"""What a batch's items stand at: each item's job read once, the batch settled when every
item's job is terminal (a deleted job counts as settled). Read by the API's batch status
and by the notification that announces `batch.completed`."""

from __future__ import annotations

from collections import Counter
from typing import Literal

from pydantic import BaseModel

from klair.domain.batch import Batch, BatchId, BatchItem
from klair.domain.errors import NotFound
from klair.domain.ids import JobId
from klair.domain.job import Job
from klair.handlers.deps import Deps
from klair.handlers.steps.views import JobSummary, Timestamp, summary

DELETED = "deleted"


class BatchItemView(BaseModel):
    index: int
    job_id: JobId
    url: str | None
    upload_id: str | None
    status: str  # the job's status, or `deleted`
    job: JobSummary | None  # None once the job was deleted


class BatchView(BaseModel):
    batch_id: BatchId
    status: Literal["running", "completed"]  # completed: every item's job is terminal
    items_total: int
    items_finished: int
    counts: dict[str, int]  # items per status
    items: list[BatchItemView]
    created_at: Timestamp
    status_url: str


def batch_url(batch_id: str) -> str:
    return f"/api/klair/batch/{batch_id}"


def item_jobs(deps: Deps, batch: Batch) -> list[tuple[BatchItem, Job | None]]:
    found: list[tuple[BatchItem, Job | None]] = []
    for item in batch.items:
        try:
            found.append((item, deps.store.get(item.job_id)))
        except NotFound:
            found.append((item, None))
    return found


def settled(items: list[tuple[BatchItem, Job | None]]) -> bool:
    return all(job is None or job.status.terminal for _, job in items)


def batch_view(deps: Deps, batch: Batch) -> BatchView:
    items = item_jobs(deps, batch)
    views = [
        BatchItemView(
            index=item.index, job_id=item.job_id, url=item.url, upload_id=item.upload_id,
            status=job.status.value if job else DELETED, job=summary(job) if job else None,
        )
        for item, job in items
    ]  # fmt: skip
    counts = Counter(view.status for view in views)
    finished = sum(1 for _, job in items if job is None or job.status.terminal)
    return BatchView(
        batch_id=batch.id,
        status="completed" if settled(items) else "running",
        items_total=len(items),
        items_finished=finished,
        counts=dict(sorted(counts.items())),
        items=views,
        created_at=batch.created_at,
        status_url=batch_url(batch.id),
    )
