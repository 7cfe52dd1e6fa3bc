"""A re-export run's progress: each clip's start and end recorded on the job's run (once per
clip, by the JobStore), and the run's end announced (`export.completed`)."""

from __future__ import annotations

import structlog

from klair.domain.events import ExportFinished
from klair.domain.export_run import ClipStep
from klair.domain.ids import ClipId, JobId
from klair.handlers.deps import Deps

log = structlog.get_logger(__name__)


def track(
    deps: Deps, job_id: JobId, export_id: str | None, clip_id: ClipId, step: ClipStep
) -> None:
    """Record `step` of the clip on run `export_id` (None: a message from before runs were
    tracked); the call that ends the run announces it. A redelivered end announces again
    (the publish may be what failed): the event's id is the run's, so it is sent once."""
    if export_id is None:
        return
    run = deps.store.record_reexport(job_id, export_id, clip_id, step)
    if run is None and step != "started":
        run = deps.store.get(job_id).export
    if run is None or run.id != export_id or not run.ended:
        return
    log.info("re-export finished", job_id=job_id, export_id=run.id, state=run.state.value,
             done=run.clips_done, failed=run.clips_failed)  # fmt: skip
    deps.bus.publish(ExportFinished(job_id=job_id, export_id=run.id, state=run.state.value))
