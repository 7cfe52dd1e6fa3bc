"""The caller's jobs, newest first, filtered and paged with an opaque keyset cursor."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from klair.domain.errors import InvalidInput
from klair.domain.ids import UserId
from klair.domain.job import JobKind
from klair.domain.listing import JobCursor, JobFilter
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.steps.views import JobSummary, summary

MAX_LIMIT = 100


class ListQuery(BaseModel):
    """`status` may repeat or be comma-separated; `created_after` is inclusive,
    `created_before` exclusive; both need a time zone (RFC 3339)."""

    model_config = ConfigDict(extra="forbid")

    limit: int = Field(default=20, ge=1, le=MAX_LIMIT)
    cursor: str | None = Field(
        default=None, min_length=1, max_length=512, pattern=r"^[A-Za-z0-9_-]+$"
    )
    status: list[JobStatus] = []
    kind: JobKind | None = None
    created_after: AwareDatetime | None = None
    created_before: AwareDatetime | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        values = value if isinstance(value, list) else [value]
        return [p.strip() for v in values for p in (v.split(",") if isinstance(v, str) else [v])]

    @model_validator(mode="after")
    def _window(self) -> Self:
        after, before = self.created_after, self.created_before
        if after is not None and before is not None and after >= before:
            raise ValueError("created_after must be earlier than created_before")
        return self

    def where(self) -> JobFilter:
        return JobFilter(
            statuses=frozenset(self.status),
            kind=self.kind,
            created_after=self.created_after,
            created_before=self.created_before,
        )


class JobPage(BaseModel):
    jobs: list[JobSummary]
    has_more: bool
    next_cursor: str | None


def encode_cursor(cursor: JobCursor) -> str:
    raw = json.dumps({"t": cursor.created_at.isoformat(), "id": cursor.job_id})
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> JobCursor:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        data = json.loads(raw)
        return JobCursor(created_at=data["t"], job_id=data["id"])
    except (binascii.Error, ValueError, TypeError, KeyError, ValidationError):
        raise InvalidInput(
            "the cursor is not one this API gave out", code="invalid_cursor"
        ) from None


def list_jobs(deps: Deps, owner: UserId, query: ListQuery) -> JobPage:
    after = decode_cursor(query.cursor) if query.cursor is not None else None
    if after is not None and after.created_at.tzinfo is None:
        raise InvalidInput("the cursor is not one this API gave out", code="invalid_cursor")
    found = deps.store.list_jobs(owner, query.where(), query.limit + 1, after)
    page, more = found[: query.limit], len(found) > query.limit
    return JobPage(
        jobs=[summary(job) for job in page],
        has_more=more,
        next_cursor=encode_cursor(JobCursor.of(page[-1])) if more else None,
    )
