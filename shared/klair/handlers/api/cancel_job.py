"""Cancel a job: it moves to `cancelled` (compare-and-set), later stages find that status and
stop, and its reserved minutes are released exactly once. The clips exported before the
move stay (and are not billed); everything else of the job is deleted."""

from __future__ import annotations

import structlog

from klair.domain.ids import UserId
from klair.handlers.api.ownership import owned_job
from klair.handlers.api.queries import StatusView, job_status
from klair.handlers.deps import Deps
from klair.handlers.steps.lifecycle import discard_outputs
from klair.handlers.steps.removal import cancel

log = structlog.get_logger(__name__)


def cancel_job(deps: Deps, owner: UserId, job_id: str) -> StatusView:
    job, _ = cancel(deps, owned_job(deps, owner, job_id))
    discard_outputs(deps, job.id)  # after the move: the exported clips are final now
    return job_status(deps, owner, job_id)
