"""Rendering one clip and storing its files under `clips/{job}/{clip}/`: shared by the
pipeline's export and by re-exports."""

from __future__ import annotations

import mimetypes
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import structlog

from klair.domain import naming
from klair.domain.clip import Clip
from klair.domain.errors import NotExporting, NotFound
from klair.domain.events import ClipExported
from klair.domain.export_options import (
    ExportRequest,
    RenderSpec,
)
from klair.domain.ids import ClipId, JobId
from klair.domain.job import Job, JobKind
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.steps.artifacts import load_transcript
from klair.handlers.steps.lifecycle import complete_job, discard_outputs

log = structlog.get_logger(__name__)


def render_clip(deps: Deps, job: Job, clip: Clip, request: ExportRequest) -> dict[str, str]:
    """Render and store; returns output key → object name."""
    return render_spec(deps, job, clip, export_spec(deps, job, clip, request))


def export_spec(deps: Deps, job: Job, clip: Clip, request: ExportRequest) -> RenderSpec:
    """What `request` renders of `clip`: its words, under the tier's resolution cap."""
    assert job.source_object is not None
    transcript = load_transcript(deps, job.id)
    words = tuple(transcript.words_between(clip.start, clip.end)) if transcript else ()
    tier = deps.settings.tier(job.tier)
    return request.spec(words, tier.max_export_short_side, job.source_object)


def render_spec(
    deps: Deps,
    job: Job,
    clip: Clip,
    spec: RenderSpec,
    *,
    fetch: Callable[[Path], Path] | None = None,
    cut: Clip | None = None,
    names: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Render `cut` (the clip itself by default) of the media `fetch` puts in the work dir
    (the job's source by default) and store the files under the clip's prefix; `names`
    keeps only those outputs, stored under those file names."""
    exports: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="klair-export-") as tmp:
        work = Path(tmp)
        media = (fetch or (lambda w: _fetch_source(deps, job, w)))(work)
        if fetch is None:
            spec = _with_proxy(deps, job, spec, work)
        for key, path in deps.renderer.render(media, cut or clip, work / "out", spec).items():
            if names is not None and key not in names:
                continue
            name = naming.clip(job.id, clip.id, names[key] if names else path.name)
            deps.blobs.put_file(name, path, _content_type(path))
            exports[key] = name
    return exports


def _fetch_source(deps: Deps, job: Job, work: Path) -> Path:
    assert job.source_object is not None
    source = work / ("source" + Path(job.source_object).suffix)
    deps.blobs.download(job.source_object, source)
    return source


def _with_proxy(deps: Deps, job: Job, spec: RenderSpec, work: Path) -> RenderSpec:
    """The source's recorded probe, and the transcode's proxy of it for the renderer's
    analysis (its frames are already small and few); without one (an audio job) the
    renderer analyses the source."""
    spec = spec.model_copy(update={"media": job.media})
    if job.kind is JobKind.AUDIO:
        return spec
    try:
        deps.blobs.download(naming.work(job.id, naming.VIDEO_PROXY), work / naming.VIDEO_PROXY)
    except NotFound:  # none made, or expired with work/: the source serves
        return spec
    return spec.model_copy(update={"proxy": work / naming.VIDEO_PROXY})


def count_export(deps: Deps, job: Job, clip_id: ClipId, exports: dict[str, str]) -> bool:
    """Record the clip's files and count it once; the last clip completes the job. An export
    that finishes after its job ended (cancelled, failed, deleted) is neither recorded nor
    announced, and what it wrote is deleted: False."""
    try:
        counted = deps.store.record_export(job.id, clip_id, exports)
    except (NotExporting, NotFound) as refused:
        latest = _latest(deps, job.id)
        if isinstance(refused, NotFound) and latest is not None:
            raise
        # A duplicate of a clip whose job completed meanwhile rewrote the recorded files.
        if latest is None or latest.status is not JobStatus.COMPLETED:
            log.info("late export discarded", job_id=job.id, clip=clip_id, why=refused.code)
            discard_outputs(deps, job.id)
        return False
    if counted is None:
        job = deps.store.get(job.id)
        counted = (job.clips_exported, job.clips_total)
    done, total = counted
    log.info("clip exported", job_id=job.id, clip=clip_id, done=done, total=total)
    deps.bus.publish(ClipExported(job_id=job.id, clip_id=clip_id))  # clip.ready webhooks
    if done >= total:
        latest = deps.store.get(job.id)
        # A concurrent redelivery may find it completed (or cancelled) already: not an error.
        if latest.status is JobStatus.EXPORTING:
            complete_job(deps, latest)
    return True


def _latest(deps: Deps, job_id: JobId) -> Job | None:
    try:
        return deps.store.get(job_id)
    except NotFound:  # deleted
        return None


def _content_type(path: Path) -> str | None:
    special = {".vtt": "text/vtt", ".srt": "application/x-subrip", ".otio": "application/json"}
    return special.get(path.suffix) or mimetypes.guess_type(path.name)[0]
