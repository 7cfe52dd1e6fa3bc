"""Delete a job: cancel what still runs, refund what is still reserved, delete every object
of the job in the bucket, then its documents (so a retry after a crash finds the job and
finishes the work; once gone, the job is a 404)."""

from __future__ import annotations

from klair.domain.ids import UserId
from klair.handlers.api.ownership import owned_job
from klair.handlers.deps import Deps
from klair.handlers.steps.removal import Deleted, purge


def delete_job(deps: Deps, owner: UserId, job_id: str) -> Deleted:
    return purge(deps, owned_job(deps, owner, job_id))
