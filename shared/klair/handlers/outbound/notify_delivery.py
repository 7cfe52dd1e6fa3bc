"""Deliver one scheduled event (a Cloud Task on the webhook queue): sign it with the owner's
current secret at the moment of sending, POST it behind the SSRF guard, record the attempt on
the job, and ask for a retry (Transient → 503) only while the receiver fails and attempts
remain. A delivered or refused event is never sent again.

A job's events go one at a time, in sequence: only the first unsettled one has a task
(`send_next`), and settling it (delivered, rejected, abandoned, skipped) sends the next."""

from __future__ import annotations

from datetime import datetime

import structlog

from klair.domain.errors import Transient
from klair.domain.events import DeliverNotification
from klair.domain.ids import JobId, UserId
from klair.domain.notification import (
    USER_AGENT,
    Attempt,
    DeliveryRecord,
    DeliveryState,
    verdict,
)
from klair.domain.telemetry import WEBHOOK_ATTEMPT
from klair.handlers.deps import Deps

log = structlog.get_logger(__name__)


def deliver_notification(deps: Deps, command: DeliverNotification) -> bool:
    """True when the receiver accepted the event (2xx)."""
    journal, store, sender = deps.deliveries, deps.webhooks, deps.sender
    if journal is None or store is None or sender is None:
        return False
    record = journal.get(command.job_id, command.event_id)
    if record is None:  # the job was deleted
        return False
    if record.state.final:  # settled: a redelivered task makes sure the next one goes
        send_next(deps, command.job_id, command.owner)
        return False
    _after_the_previous(deps, record, command.job_id)
    endpoint = store.get(command.owner)
    if endpoint is None:
        journal.record(
            command.job_id, command.event_id, Attempt(error="webhook_removed"),
            DeliveryState.SKIPPED, deps.clock.now(),
        )  # fmt: skip
        send_next(deps, command.job_id, command.owner)
        return False
    headers = signed_headers(endpoint.secret, command.event_id, deps.clock.now(), command.body)
    attempt = sender.send(endpoint.url, headers, command.body.encode())
    state = verdict(attempt)
    last = record.attempts + 1 >= deps.settings.webhook_max_attempts
    if state is DeliveryState.RETRYING and last:
        state = DeliveryState.ABANDONED
    journal.record(command.job_id, command.event_id, attempt, state, deps.clock.now())
    log.info(WEBHOOK_ATTEMPT.message, event_id=command.event_id, kind=command.event,
             state=state.value, status=attempt.status, error=attempt.error,
             attempt=record.attempts + 1, sequence=record.sequence)  # fmt: skip
    if state is DeliveryState.RETRYING:
        raise Transient(
            f"the webhook receiver failed ({attempt.status or attempt.error}); retrying",
            code="webhook_receiver_failed",
        )
    send_next(deps, command.job_id, command.owner)
    return state is DeliveryState.DELIVERED


def send_next(deps: Deps, job_id: JobId, owner: UserId) -> bool:
    """Create the delivery task of the job's first unsettled event. Its name is the event's
    (`notify-{id}`), so whoever asks again (the scheduler after opening an event, the
    delivery that settled the one before) creates nothing twice; True when this call did."""
    journal = deps.deliveries
    if journal is None:
        return False
    waiting = [r for r in journal.records(job_id) if not r.state.final]
    if not waiting or not waiting[0].body:  # none, or one scheduled before sequences
        return False
    head = waiting[0]
    command = DeliverNotification(job_id=job_id, owner=owner, event_id=head.event_id,
                                  event=head.event.value, body=head.body)  # fmt: skip
    created = deps.tasks.enqueue(
        deps.settings.webhook_queue, f"notify-{head.event_id}", deps.settings.notify_url, command
    )
    if created:
        log.info("notification sent to the queue", job_id=job_id, event_id=head.event_id,
                 sequence=head.sequence)  # fmt: skip
    return created


def signed_headers(secret: str, msg_id: str, at: datetime, body: str) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt, signed by svix at `at` (HMAC-SHA256 of
    `{id}.{timestamp}.{body}`; receivers refuse timestamps more than 5 minutes away from
    their clock, so each attempt is signed anew). svix (and the httpx client it imports)
    loads on the first delivery, not with the function: the scheduling path never signs."""
    from svix.webhooks import Webhook

    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id, at, body),  # `v1,<base64 HMAC>`
    }


def _after_the_previous(deps: Deps, record: DeliveryRecord, job_id: JobId) -> None:
    """Only the head has a task, so this holds unless a stale task runs early: it waits."""
    assert deps.deliveries is not None
    earlier = [r for r in deps.deliveries.records(job_id) if 0 < r.sequence < record.sequence]
    if any(not r.state.final for r in earlier):
        raise Transient(
            "an earlier event of this job is not settled yet", code="webhook_event_waiting"
        )
