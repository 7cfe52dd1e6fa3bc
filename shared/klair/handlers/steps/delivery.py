"""How every event handler is run: permanent errors fail the job and ack, transient ones
raise so the platform redelivers, and undecodable messages are acked and logged."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import structlog

from klair.domain import naming
from klair.domain.errors import KlairError, NotFound, Transient
from klair.domain.events import Message, ObjectFinalized
from klair.domain.ids import JobId
from klair.handlers.deps import Deps
from klair.handlers.steps.lifecycle import discard_outputs, fail_job, finish_terminal

log = structlog.get_logger(__name__)


M = TypeVar("M", bound=Message)


Handler = Callable[[Deps, M], bool]


def job_of(message: Message) -> JobId | None:
    """The job a message concerns: its `job_id`, or the job named by a finalized object."""
    if isinstance(message, ObjectFinalized):
        upload = naming.parse_upload(message.name)
        return upload[1] if upload else naming.parse_source(message.name)
    job_id: JobId | None = getattr(message, "job_id", None)
    return job_id


def deliver(deps: Deps, handler: Handler[M], message: M, stage: str) -> bool:
    """Run `handler`; returns its result. Raises only what deserves a redelivery."""
    job_id = job_of(message)
    structlog.contextvars.bind_contextvars(job_id=job_id, stage=stage)
    try:
        done = _run(deps, handler, message, job_id, stage)
        if job_id is not None:
            settle(deps, job_id)  # after the stage's writes: nothing outlives a dead job
        return done
    finally:
        structlog.contextvars.unbind_contextvars("job_id", "stage")


def delivered(handler: Handler[M], stage: str) -> Handler[M]:
    """`handler` run through the delivery rules, as an entry point or a bus calls it."""

    def run(deps: Deps, message: M) -> bool:
        return deliver(deps, handler, message, stage)

    run.__name__ = getattr(handler, "__name__", stage)
    return run


def settle(deps: Deps, job_id: JobId) -> None:
    """After a delivery: if its job ended meanwhile, clean what the delivery may have written
    and finish the end's bookkeeping a crashed delivery may have left (ledger, announcement).
    Either the end's own cleanup ran after this delivery's writes, or this re-read sees the
    end: an object written by a stage that lost the race never outlives its job."""
    try:
        job = deps.store.get(job_id)
    except NotFound:  # deleted while the stage ran
        discard_outputs(deps, job_id)
        return
    if job.status.terminal:
        finish_terminal(deps, job)


def _run(deps: Deps, handler: Handler[M], message: M, job_id: JobId | None, stage: str) -> bool:
    try:
        return handler(deps, message)
    except Transient:
        log.warning("transient failure, will be retried", exc_info=True)
        raise
    except KlairError as error:
        log.warning("permanent failure", code=error.code, reason=error.message)
        if job_id is not None:
            try:
                fail_job(deps, job_id, error, stage)
            except NotFound:
                log.warning("message for a job that no longer exists dropped")
        return False
