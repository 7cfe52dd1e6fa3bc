"""Outbound webhook notifications without I/O: event kinds, deterministic event ids, a
delivery's record, a job's event order, and the `whsec_` secrets deliveries are signed with
(by svix, in `handlers/outbound/notify_delivery`)."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from klair.domain.ids import JobId

SECRET_PREFIX = "whsec_"  # noqa: S105  # svix's prefix, not a secret
SECRET_BYTES = 24  # what svix generates: 192 bits
USER_AGENT = "Klair-Webhooks/1"


class EventKind(StrEnum):
    JOB_COMPLETED = "job.completed"
    JOB_FAILED = "job.failed"
    JOB_CANCELLED = "job.cancelled"
    CLIP_READY = "clip.ready"
    EXPORT_COMPLETED = "export.completed"  # a re-export run ended (`data.state` says how)
    # Every item of a batch ended; keyed (sequence, event id) by the batch id as by a job's.
    BATCH_COMPLETED = "batch.completed"


# A finished job's status → the event announcing it.
FINISHED: dict[str, EventKind] = {
    "completed": EventKind.JOB_COMPLETED,
    "failed": EventKind.JOB_FAILED,
    "cancelled": EventKind.JOB_CANCELLED,
}
# A job's own events end with one of these (re-export events may follow a job.completed).
ENDINGS = frozenset(FINISHED.values())
# Progress of a running job: never opened once its ending event is (no clip.ready after it).
PROGRESS = frozenset({EventKind.CLIP_READY})


class DeliveryState(StrEnum):
    PENDING = "pending"  # scheduled, not tried yet
    RETRYING = "retrying"  # the receiver failed (5xx, 408, 429, timeout): Cloud Tasks retries
    DELIVERED = "delivered"  # the receiver answered 2xx
    REJECTED = "rejected"  # the receiver answered another 3xx/4xx, or the URL is refused now
    ABANDONED = "abandoned"  # still failing after the last attempt
    SKIPPED = "skipped"  # the webhook was removed before the event could be sent

    @property
    def final(self) -> bool:
        return self not in (DeliveryState.PENDING, DeliveryState.RETRYING)


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class WebhookEndpoint(Frozen):
    """A user's webhook: where events go and the secret they are signed with."""

    url: str
    secret: str
    created_at: datetime
    updated_at: datetime


class DeliveryRecord(Frozen):
    """What became of one event: shown on the job's status."""

    event_id: str
    event: EventKind
    sequence: int = 0  # the job's n-th event (1, 2, …): sent only after n-1 is settled
    body: str = ""  # what the receiver gets, fixed when the event was opened
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    last_status: int | None = None  # the receiver's HTTP status on the last attempt
    last_error: str | None = None  # why the last attempt got no answer, or was refused
    created_at: datetime
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None


class EventOrder(Frozen):
    """Where a job's events stand: the last sequence handed out, that event's `created_at`,
    and whether the job's ending event is among them. The delivery log keeps it per job and
    changes it atomically with each new record."""

    sequence: int = 0
    created_at: datetime | None = None
    ended: bool = False

    def then(self, kind: EventKind, now: datetime) -> EventOrder | None:
        """The order after one more event of `kind` at `now`: the next sequence and a
        `created_at` at least 1 ms after the previous one (receivers see milliseconds); None
        for a job's progress after its end."""
        if self.ended and kind in PROGRESS:
            return None
        at = now.replace(microsecond=now.microsecond // 1000 * 1000)
        if self.created_at is not None and at <= self.created_at:
            at = self.created_at + timedelta(milliseconds=1)
        return EventOrder(
            sequence=self.sequence + 1, created_at=at, ended=self.ended or kind in ENDINGS
        )

    def opened(
        self, event_id: str, event: EventKind, render: Callable[[int, datetime], str]
    ) -> DeliveryRecord:
        """The pending record of the event this order was last advanced by."""
        at = self.created_at or datetime.min.replace(tzinfo=UTC)
        body = render(self.sequence, at)
        return DeliveryRecord(
            event_id=event_id, event=event, sequence=self.sequence, created_at=at, body=body
        )


class Attempt(Frozen):
    """One POST to a receiver: its status, or why there was none."""

    status: int | None = None
    error: str | None = None  # no answer (timeout, connection refused), or the refusal's code
    refused: bool = False  # the SSRF guard refused the URL at send time: final


def event_id(job_id: JobId, kind: EventKind, subject: str = "") -> str:
    """The same transition of the same job (and clip) always gets the same id, so a receiver
    can drop what it already processed, whatever was redelivered on Klair's side."""
    digest = hashlib.sha256(f"{job_id}\x00{kind.value}\x00{subject}".encode()).hexdigest()
    return f"evt_{digest[:32]}"


def verdict(attempt: Attempt) -> DeliveryState:
    """2xx delivered; no answer, 408, 429 or 5xx worth a retry; anything else is final (the
    receiver refused it, or a redirect: redirects are never followed)."""
    status = attempt.status
    if status is None:
        return DeliveryState.REJECTED if attempt.refused else DeliveryState.RETRYING
    if 200 <= status < 300:
        return DeliveryState.DELIVERED
    if status in (408, 429) or status >= 500:
        return DeliveryState.RETRYING
    return DeliveryState.REJECTED


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()
