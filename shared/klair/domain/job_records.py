"""Rules every JobStore applies alike (the fake and Firestore): how a write of fields
becomes the new job, and the errors for a missing job or a reused idempotency key."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from klair.domain.errors import Conflict, InvalidInput, NotExporting, NotFound
from klair.domain.ids import JobId
from klair.domain.job import Job
from klair.domain.status import JobStatus


def apply_fields(
    job: Job, fields: Mapping[str, Any], now: datetime, status: JobStatus | None = None
) -> Job:
    """The job with `fields` validated and written and `updated_at` stamped.

    Shared by every JobStore so they refuse the same input: unknown or fixed fields and
    values the Job model rejects raise `InvalidInput`.
    """
    unknown = sorted(set(fields) - set(Job.model_fields))
    if unknown:
        raise InvalidInput(f"unknown job fields: {', '.join(unknown)}", fields=unknown)
    fixed = sorted(set(fields) & _FIXED_FIELDS)
    if fixed:
        raise InvalidInput(f"job fields that cannot be updated: {', '.join(fixed)}", fields=fixed)
    data = {**job.model_dump(), "updated_at": now, **fields}
    if status is not None:
        data["status"] = status
    try:
        return Job.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"field": ".".join(map(str, e["loc"])), "message": e["msg"]} for e in exc.errors()
        ]
        raise InvalidInput("invalid job fields", errors=errors) from exc


def missing(job_id: JobId) -> NotFound:
    return NotFound(f"job {job_id} not found", job_id=job_id)


def not_exporting(job: Job) -> NotExporting:
    return NotExporting(f"job {job.id} is {job.status.value}, no longer exporting", job_id=job.id)


def key_reused() -> Conflict:
    return Conflict(
        "this Idempotency-Key was used with a different request",
        code="idempotency_key_reused",
    )


# Fields only `create` (id) or `transition` (status) may set.
_FIXED_FIELDS = frozenset({"id", "status"})
