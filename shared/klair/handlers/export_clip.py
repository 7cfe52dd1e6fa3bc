"""Render one selected clip from the source and store its files; the last one completes
the job."""

from __future__ import annotations

import mimetypes
import tempfile
from pathlib import Path

import structlog

from klair.domain import naming
from klair.domain.errors import NotFound
from klair.domain.events import ClipSelected
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.stages import complete_job

log = structlog.get_logger(__name__)


def export_clip(deps: Deps, event: ClipSelected) -> bool:
    job = deps.store.get(event.job_id)
    if job.status is not JobStatus.EXPORTING or job.source_object is None:
        return False
    clip = next((c for c in deps.store.clips(job.id) if c.id == event.clip_id), None)
    if clip is None:
        raise NotFound(f"clip {event.clip_id} of {job.id} does not exist")
    exports: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="klair-export-") as tmp:
        work = Path(tmp)
        source = work / ("source" + Path(job.source_object).suffix)
        deps.blobs.download(job.source_object, source)
        for variant, path in deps.renderer.render(source, clip, work / "out").items():
            name = naming.clip(job.id, clip.id, path.name)
            deps.blobs.put_file(name, path, mimetypes.guess_type(path.name)[0])
            exports[variant] = name
    counted = deps.store.record_export(job.id, clip.id, exports)
    if counted is None:
        job = deps.store.get(job.id)
        counted = (job.clips_exported, job.clips_total)
    done, total = counted
    log.info("clip exported", job_id=job.id, clip=clip.id, done=done, total=total)
    if done >= total:
        complete_job(deps, deps.store.get(job.id))
    return True
