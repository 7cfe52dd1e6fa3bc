"""Ports of outbound webhooks, in domain words: a user's endpoint, the record of each event's
delivery, and the one HTTP POST to a receiver. Adapters implement them (memory, Firestore,
the SSRF-guarded sender)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Protocol

from klair.domain.ids import JobId, UserId
from klair.domain.notification import (
    Attempt,
    DeliveryRecord,
    DeliveryState,
    EventKind,
    WebhookEndpoint,
)


class WebhookStore(Protocol):
    """At most one webhook per user, kept with the user (`users/{uid}/webhooks/default`)."""

    def get(self, uid: UserId) -> WebhookEndpoint | None: ...

    def put(self, uid: UserId, endpoint: WebhookEndpoint) -> None:
        """Create or replace the user's webhook."""

    def remove(self, uid: UserId) -> bool:
        """Forget it; True when there was one."""


# (sequence, created_at) → the event's body, made once when its record is created.
Render = Callable[[int, datetime], str]


class DeliveryLog(Protocol):
    """One record per (job, event id): created when the event is scheduled, updated by each
    attempt; deleted with the job. The job's events are numbered 1, 2, … as they are opened."""

    def open(
        self, job_id: JobId, event_id: str, event: EventKind, at: datetime, render: Render
    ) -> DeliveryRecord | None:
        """The event's record. A new one is pending, with the job's next sequence and a
        `created_at` after every earlier event's (`EventOrder.then`), both allocated in one
        atomic step with its creation, so an event id gets one sequence however often it is
        opened; its body is `render(sequence, created_at)`. An existing record is returned
        as it is. None, creating nothing, for a job's progress after its ending event."""

    def get(self, job_id: JobId, event_id: str) -> DeliveryRecord | None: ...

    def record(
        self, job_id: JobId, event_id: str, attempt: Attempt, state: DeliveryState, at: datetime
    ) -> None:
        """Count one attempt (atomically) with its outcome; `state` DELIVERED stamps
        `delivered_at`. An attempt without any attempt (SKIPPED) is not counted."""

    def records(self, job_id: JobId) -> list[DeliveryRecord]:
        """The job's records in sequence order."""


class WebhookSender(Protocol):
    """POSTs to URLs users registered, behind the SSRF guard."""

    def check(self, url: str) -> None:
        """Raises `UnsafeUrl` (with the rule's code) for a URL Klair must not send to: the
        guard's rules, judged on every address the host resolves to now."""

    def send(self, url: str, headers: Mapping[str, str], body: bytes) -> Attempt:
        """One POST, redirects never followed, every connection to a judged address only.

        Never raises for the receiver's behaviour: no answer is an `Attempt` with `error`,
        a URL refused now one with `refused`."""
