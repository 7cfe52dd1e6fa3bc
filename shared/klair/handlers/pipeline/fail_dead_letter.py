"""The `fail` function's use case: a message that ran out of attempts fails its job with
a reason and refunds its reserved minutes, once."""

from __future__ import annotations

import structlog

from klair.domain.errors import KlairError, NotFound
from klair.domain.events import NOTICES, DeadLettered
from klair.domain.telemetry import DEAD_LETTERED
from klair.handlers.deps import Deps
from klair.handlers.steps.lifecycle import fail_job

log = structlog.get_logger(__name__)


def fail_dead_letter(deps: Deps, message: DeadLettered) -> bool:
    """A message ran out of delivery attempts: its job fails and is refunded (once)."""
    log.error(
        DEAD_LETTERED.message, subscription=message.subscription,
        original_type=message.original_type, job_id=message.job_id,
    )  # fmt: skip
    if message.job_id is None:
        log.error("dead letter without a job", subscription=message.subscription)
        return False
    if message.original_type in NOTICES:  # a lost announcement (webhooks) never fails a job
        log.error("announcement dead-lettered", subscription=message.subscription)
        return False
    error = KlairError(
        f"processing gave up after repeated failures in {message.subscription}",
        code="delivery_exhausted",
    )
    try:
        return fail_job(deps, message.job_id, error)
    except NotFound:
        return False
