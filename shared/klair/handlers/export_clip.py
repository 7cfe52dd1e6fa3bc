"""Render one selected clip from the source as the job's options ask (variants, captions,
loudness, reframe, under the tier's resolution cap) and store its files under
`clips/{job}/{clip}/`; the last one completes the job. A `ClipSelected` carrying an
`export` is a re-export of a finished job's clip (`handlers.reexport`)."""

from __future__ import annotations

import structlog

from klair.domain.events import ClipExported, ClipSelected
from klair.domain.status import JobStatus
from klair.handlers.clip_render import find_clip, job_export, render_clip
from klair.handlers.deps import Deps
from klair.handlers.reexport import reexport_clip
from klair.handlers.stages import complete_job

log = structlog.get_logger(__name__)


def export_clip(deps: Deps, event: ClipSelected) -> bool:
    if event.export is not None:
        return reexport_clip(deps, event, event.export)
    job = deps.store.get(event.job_id)
    if job.status is not JobStatus.EXPORTING or job.source_object is None:
        return False
    clip = find_clip(deps, job, event.clip_id)
    exports = render_clip(deps, job, clip, job_export(job))
    counted = deps.store.record_export(job.id, clip.id, exports)
    if counted is None:
        job = deps.store.get(job.id)
        counted = (job.clips_exported, job.clips_total)
    done, total = counted
    log.info("clip exported", job_id=job.id, clip=clip.id, done=done, total=total)
    deps.bus.publish(ClipExported(job_id=job.id, clip_id=clip.id))  # clip.ready webhooks
    if done >= total:
        complete_job(deps, deps.store.get(job.id))
    return True
