"""Outbound webhook notifications without I/O: event kinds, deterministic event ids, a
delivery's record, and the signature receivers verify with svix (Standard Webhooks:
HMAC-SHA256 over `{id}.{timestamp}.{body}`, keyed by the base64 part of a `whsec_` secret)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from datetime import datetime
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


# A finished job's status → the event announcing it.
FINISHED: dict[str, EventKind] = {
    "completed": EventKind.JOB_COMPLETED,
    "failed": EventKind.JOB_FAILED,
    "cancelled": EventKind.JOB_CANCELLED,
}


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
    state: DeliveryState = DeliveryState.PENDING
    attempts: int = 0
    last_status: int | None = None  # the receiver's HTTP status on the last attempt
    last_error: str | None = None  # why the last attempt got no answer, or was refused
    created_at: datetime
    last_attempt_at: datetime | None = None
    delivered_at: datetime | None = None


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


def _key(secret: str) -> bytes:
    try:
        key = base64.b64decode(secret.removeprefix(SECRET_PREFIX), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("a webhook secret is `whsec_` and base64") from None
    if not key:
        raise ValueError("a webhook secret must not be empty")
    return key


def signature(secret: str, msg_id: str, timestamp: int, body: str) -> str:
    """`v1,<base64 HMAC-SHA256>` of `{msg_id}.{timestamp}.{body}`: svix's scheme."""
    signed = f"{msg_id}.{timestamp}.{body}".encode()
    mac = hmac.new(_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def signed_headers(secret: str, msg_id: str, at: datetime, body: str) -> dict[str, str]:
    """The headers of one delivery attempt, signed at `at` (receivers refuse timestamps more
    than 5 minutes away from their clock, so each attempt is signed anew)."""
    timestamp = int(at.timestamp())
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, msg_id, timestamp, body),
    }
