"""A batch: up to `MAX_ITEMS` sources submitted in one request, each its own job, judged
together (count, one source per item, no repeats) before any state exists, and settled when
every item's job is terminal."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NewType

from pydantic import BaseModel, ConfigDict

from klair.domain.errors import InvalidInput, KlairError
from klair.domain.ids import JobId, UserId
from klair.domain.job import JobKind

BatchId = NewType("BatchId", str)

MAX_ITEMS = 20


def new_batch_id() -> BatchId:
    return BatchId("batch_" + secrets.token_hex(10))


class BatchItem(BaseModel):
    """One source of the batch and the job it became. `joined`: the job existed before the
    batch (an upload's own job, still waiting or running), so the batch neither admitted
    nor created it."""

    model_config = ConfigDict(frozen=True)

    index: int
    job_id: JobId
    url: str | None = None
    upload_id: str | None = None
    joined: bool = False


class Batch(BaseModel):
    """`batches/{id}`: who submitted it, its items in request order, its idempotency key."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    id: BatchId
    owner: UserId
    kind: JobKind = JobKind.VIDEO
    items: tuple[BatchItem, ...]
    idempotency_key: str | None = None
    created_at: datetime

    @property
    def job_ids(self) -> tuple[JobId, ...]:
        return tuple(item.job_id for item in self.items)


def item_error(index: int, message: str, code: str, **details: Any) -> InvalidInput:
    """A 400 naming the failing item (`details.item`, 0-based)."""
    return InvalidInput(f"item {index}: {message}", code=code, item=index, **details)


def at_item(error: KlairError, index: int) -> KlairError:
    """`error` (any status: 402, 403, 404, 409 …) marked with the item it concerns."""
    error.details = {**error.details, "item": index}
    return error


def check_count(count: int) -> None:
    if count == 0:
        raise InvalidInput("a batch needs at least one item", code="batch_empty")
    if count > MAX_ITEMS:
        raise InvalidInput(
            f"a batch holds at most {MAX_ITEMS} items, got {count}",
            code="batch_too_large",
            limit=MAX_ITEMS,
            count=count,
        )


def check_unique(keys: Sequence[str]) -> None:
    """The same source twice in one batch is a mistake, not two jobs: 400 at the repeat."""
    seen: dict[str, int] = {}
    for index, key in enumerate(keys):
        if key in seen:
            raise item_error(
                index, f"repeats item {seen[key]}", "batch_duplicate_item", duplicate_of=seen[key]
            )
        seen[key] = index
