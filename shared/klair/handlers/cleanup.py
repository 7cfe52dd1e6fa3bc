"""Outputs of a job that ended without clips (cancelled or failed) or was deleted are removed.

Race-safe by ordering: the transition to cancelled/failed cleans once, and every stage
delivery looks at its job again *after* its own writes and cleans again when the job ended
meanwhile, so an object written by a stage that lost the race never outlives the job."""

from __future__ import annotations

import structlog

from klair.domain import naming
from klair.domain.ids import JobId
from klair.handlers.deps import Deps

log = structlog.get_logger(__name__)


def discard_outputs(deps: Deps, job_id: JobId) -> int:
    """Delete the job's source copy, work files and clips; the number of objects deleted."""
    deleted = sum(deps.blobs.delete_prefix(prefix) for prefix in naming.job_prefixes(job_id))
    if deleted:
        log.info("job outputs discarded", job_id=job_id, objects=deleted)
    return deleted
