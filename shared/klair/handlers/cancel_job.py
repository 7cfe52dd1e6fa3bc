"""Cancel a job: it moves to `cancelled` (compare-and-set), later stages find that status and
stop, and its reserved minutes are released exactly once."""

from __future__ import annotations

import structlog

from klair.domain.errors import Conflict, KlairError
from klair.domain.events import JobFinished
from klair.domain.ids import UserId
from klair.domain.job import Job
from klair.domain.progress import progress
from klair.domain.status import JobStatus
from klair.handlers.cleanup import discard_outputs
from klair.handlers.deps import Deps
from klair.handlers.ownership import owned_job
from klair.handlers.queries import StatusView, job_status
from klair.handlers.stages import advance

log = structlog.get_logger(__name__)


def refund(deps: Deps, job: Job) -> float:
    """Release whatever the job still holds; the ledger makes a second call a no-op."""
    fresh = deps.store.get(job.id)
    return fresh.minutes_reserved if deps.usage.refund(job.owner, job.id) else 0.0


def _announce(deps: Deps, job: Job) -> None:
    """Best effort: the cancel itself succeeded, and an API retry would not announce again."""
    try:
        deps.bus.publish(JobFinished(job_id=job.id, status=JobStatus.CANCELLED.value))
    except KlairError as error:
        log.warning("cancel not announced", job_id=job.id, code=error.code)


def cancel(deps: Deps, job: Job) -> tuple[Job, float]:
    """(the cancelled job, minutes this call refunded). Cancelling a cancelled job changes
    nothing; a completed or failed one is a 409 `job_already_finished`."""
    while job.status is not JobStatus.CANCELLED:
        if job.status.terminal:
            raise Conflict(
                f"job {job.id} already {job.status.value}",
                code="job_already_finished",
                status=job.status.value,
            )
        moved = advance(deps, job, JobStatus.CANCELLED, progress=progress(job))
        if moved is None:  # a stage moved it first: look again
            job = deps.store.get(job.id)
            continue
        _announce(deps, job)
        log.info("job cancelled", job_id=job.id, from_status=job.status.value)
        job = moved
    # Also on a repeated cancel: a crash after the status move must not keep the minutes.
    return job, refund(deps, job)


def cancel_job(deps: Deps, owner: UserId, job_id: str) -> StatusView:
    job, _ = cancel(deps, owned_job(deps, owner, job_id))
    discard_outputs(deps, job.id)  # after the move: a stage still writing cleans after itself
    return job_status(deps, owner, job_id)
