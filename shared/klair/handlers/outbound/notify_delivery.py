"""Deliver one scheduled event (a Cloud Task on the webhook queue): sign it with the owner's
current secret at the moment of sending, POST it behind the SSRF guard, record the attempt on
the job, and ask for a retry (Transient → 503) only while the receiver fails and attempts
remain. A delivered or refused event is never sent again."""

from __future__ import annotations

import structlog

from klair.domain.errors import Transient
from klair.domain.events import DeliverNotification
from klair.domain.notification import Attempt, DeliveryState, signed_headers, verdict
from klair.handlers.deps import Deps

log = structlog.get_logger(__name__)


def deliver_notification(deps: Deps, command: DeliverNotification) -> bool:
    """True when the receiver accepted the event (2xx)."""
    journal, store, sender = deps.deliveries, deps.webhooks, deps.sender
    if journal is None or store is None or sender is None:
        return False
    record = journal.get(command.job_id, command.event_id)
    if record is None or record.state.final:  # job deleted, or this event is settled
        return False
    endpoint = store.get(command.owner)
    if endpoint is None:
        journal.record(
            command.job_id, command.event_id, Attempt(error="webhook_removed"),
            DeliveryState.SKIPPED, deps.clock.now(),
        )  # fmt: skip
        return False
    headers = signed_headers(endpoint.secret, command.event_id, deps.clock.now(), command.body)
    attempt = sender.send(endpoint.url, headers, command.body.encode())
    state = verdict(attempt)
    last = record.attempts + 1 >= deps.settings.webhook_max_attempts
    if state is DeliveryState.RETRYING and last:
        state = DeliveryState.ABANDONED
    journal.record(command.job_id, command.event_id, attempt, state, deps.clock.now())
    log.info("webhook attempt", event_id=command.event_id, kind=command.event, state=state.value,
             status=attempt.status, error=attempt.error, attempt=record.attempts + 1)  # fmt: skip
    if state is DeliveryState.RETRYING:
        raise Transient(
            f"the webhook receiver failed ({attempt.status or attempt.error}); retrying",
            code="webhook_receiver_failed",
        )
    return state is DeliveryState.DELIVERED
