"""Rendering one clip and storing its files under `clips/{job}/{clip}/`: shared by the
pipeline's export and by re-exports."""

from __future__ import annotations

import mimetypes
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from urllib.parse import urlsplit

import structlog

from klair.domain import naming
from klair.domain.clip import Clip
from klair.domain.errors import NotExporting, NotFound
from klair.domain.events import ChunkReady, ClipExported
from klair.domain.export_options import (
    ExportRequest,
    RenderSpec,
)
from klair.domain.ids import ClipId, JobId
from klair.domain.job import Job, JobKind
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.steps.artifacts import load_transcript
from klair.handlers.steps.dispatch import chunk_messages
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
    (by default the job's source where it is stored, read by ranges) and store the files
    under the clip's prefix; `names` keeps only those outputs, stored under those names."""
    exports: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="klair-export-") as tmp:
        work = Path(tmp)
        if fetch is None:
            media, spec = _source(deps, job, work), _with_proxy(deps, job, clip, spec)
        else:
            media = fetch(work)
        for key, path in deps.renderer.render(media, cut or clip, work / "out", spec).items():
            if names is not None and key not in names:
                continue
            name = naming.clip(job.id, clip.id, names[key] if names else path.name)
            deps.blobs.put_file(name, path, _content_type(path))
            exports[key] = name
    return exports


def _source(deps: Deps, job: Job, work: Path) -> Path | str:
    """Where the renderer reads the source: by ranges where it is stored (only the clip's
    span is read, however long the source), or, for a job without the probe ingest records
    (the renderer probes files only), downloaded whole."""
    assert job.source_object is not None
    if job.media is not None:
        return _located(deps.blobs.media_url(job.source_object))
    source = work / ("source" + Path(job.source_object).suffix)
    deps.blobs.download(job.source_object, source)
    return source


def _located(url: str) -> Path | str:
    """A `media_url` as the renderer takes it: a URL, or a local file's path."""
    return url if urlsplit(url).scheme in ("http", "https") else Path(url)


def proxy_chunk(chunks: Sequence[ChunkReady], start: float, end: float) -> ChunkReady | None:
    """The first chunk whose window holds all of [start, end] (the plan's overlap puts every
    clip wholly inside one), or None."""
    return next((c for c in chunks if c.start <= start and end <= c.end), None)


def _proxies(deps: Deps, job: Job, clip: Clip) -> list[tuple[str, float]]:
    """The proxies that may serve `clip`, best first, with their time 0 in the source: its
    chunk's own (a segmented transcode's), then the whole source's."""
    whole = (naming.work(job.id, naming.VIDEO_PROXY), 0.0)
    chunk = proxy_chunk(chunk_messages(deps, job), clip.start, clip.end)
    if chunk is None:
        return [whole]
    return [(naming.chunk_work(job.id, chunk.index, naming.VIDEO_PROXY), chunk.start), whole]


def _with_proxy(deps: Deps, job: Job, clip: Clip, spec: RenderSpec) -> RenderSpec:
    """The source's recorded probe, and the transcode's proxy of it for the renderer's
    analysis (its frames are already small and few), read by ranges too; without one (an
    audio job, or work/ expired) the renderer analyses the source."""
    spec = spec.model_copy(update={"media": job.media})
    if job.kind is JobKind.AUDIO or job.media is None:
        return spec
    for name, offset in _proxies(deps, job, clip):
        try:
            url = deps.blobs.media_url(name)
        except NotFound:
            continue
        return spec.model_copy(update={"proxy": _located(url), "proxy_offset": offset})
    return spec


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
