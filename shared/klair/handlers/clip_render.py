"""Rendering one clip and storing its files under `clips/{job}/{clip}/`: shared by the
pipeline's export and by re-exports."""

from __future__ import annotations

import mimetypes
import tempfile
from pathlib import Path

from klair.domain import naming
from klair.domain.clip import Clip
from klair.domain.errors import NotFound
from klair.domain.export_options import ExportRequest
from klair.domain.job import Job, JobKind
from klair.handlers.deps import Deps
from klair.handlers.transcripts import load_transcript


def job_export(job: Job) -> ExportRequest:
    """The export the job's options ask for (audio jobs render audio only)."""
    opts = job.options
    aspects = ("source",) if job.kind is JobKind.AUDIO else opts.aspect_ratios
    return ExportRequest(
        aspect_ratios=aspects or ("source",),
        caption_style=opts.caption_style if opts.captions else None,
        loudness_lufs=opts.loudness_lufs,
        reframe=opts.reframe,
    )


def find_clip(deps: Deps, job: Job, clip_id: str) -> Clip:
    clip = next((c for c in deps.store.clips(job.id) if c.id == clip_id), None)
    if clip is None:
        raise NotFound(f"clip {clip_id} of {job.id} does not exist", code="clip_not_found")
    return clip


def render_clip(deps: Deps, job: Job, clip: Clip, request: ExportRequest) -> dict[str, str]:
    """Render and store; returns output key → object name."""
    assert job.source_object is not None
    transcript = load_transcript(deps, job.id)
    words = tuple(transcript.words_between(clip.start, clip.end)) if transcript else ()
    tier = deps.settings.tier(job.tier)
    spec = request.spec(words, tier.max_export_short_side, job.source_object)
    exports: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="klair-export-") as tmp:
        work = Path(tmp)
        source = work / ("source" + Path(job.source_object).suffix)
        deps.blobs.download(job.source_object, source)
        for key, path in deps.renderer.render(source, clip, work / "out", spec).items():
            name = naming.clip(job.id, clip.id, path.name)
            deps.blobs.put_file(name, path, _content_type(path))
            exports[key] = name
    return exports


def _content_type(path: Path) -> str | None:
    special = {".vtt": "text/vtt", ".srt": "application/x-subrip", ".otio": "application/json"}
    return special.get(path.suffix) or mimetypes.guess_type(path.name)[0]
