"""Progress of a long stage (download, transcode) written to its job, throttled; the work stops
when the job leaves the stage meanwhile (cancelled, or failed by the sweeper)."""

from __future__ import annotations

from datetime import timedelta

import structlog

from klair.domain.errors import KlairError
from klair.domain.ids import JobId
from klair.domain.progress import stage_progress
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps

log = structlog.get_logger(__name__)

# At most one write per interval (Firestore allows about one write per second per document),
# unless the stage finished.
WRITE_INTERVAL = timedelta(seconds=3)


class StageLeft(KlairError):
    """The job is no longer in the stage doing the work: stop it. The handler running the
    stage catches it and acks (the job is cancelled or another delivery moved it on);
    a `KlairError` so that adapters pass it through their own error mapping unchanged."""

    code = "stage_left"


class StageProgress:
    """Call with the fraction (0–1) of the stage done."""

    def __init__(self, deps: Deps, job_id: JobId, status: JobStatus) -> None:
        self._deps = deps
        self._job_id = job_id
        self._status = status
        self._written_at = deps.clock.now() - WRITE_INTERVAL
        self._written = -1.0

    def __call__(self, fraction: float) -> None:
        value = stage_progress(self._status, fraction)
        now = self._deps.clock.now()
        due = now - self._written_at >= WRITE_INTERVAL or fraction >= 1.0
        if value <= self._written or not due:
            return
        job = self._deps.store.update(self._job_id, progress=value)
        self._written_at, self._written = now, value
        if job.status is not self._status:
            log.info("job left the stage, stopping", job_id=self._job_id, now=job.status.value)
            raise StageLeft(f"the job is {job.status.value}, no longer {self._status.value}")
