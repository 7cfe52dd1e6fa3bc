"""Render one selected clip from the source as the job's options ask (variants, captions,
loudness, reframe, under the tier's resolution cap) and store its files under
`clips/{job}/{clip}/`; the last one completes the job. A `ClipSelected` carrying an
`export` is a re-export of a finished job's clip (`handlers.reexport`)."""

from __future__ import annotations

from klair.domain.events import ClipSelected
from klair.domain.status import JobStatus
from klair.handlers.clip_render import count_export, find_clip, job_export, render_clip
from klair.handlers.deps import Deps
from klair.handlers.reexport import reexport_clip
from klair.handlers.sieve_callback import poll_pending
from klair.handlers.sieve_export import start_sieve, uses_sieve


def export_clip(deps: Deps, event: ClipSelected) -> bool:
    if event.export is not None:
        return reexport_clip(deps, event, event.export)
    job = deps.store.get(event.job_id)
    if job.status is not JobStatus.EXPORTING or job.source_object is None:
        return False
    clip = find_clip(deps, job, event.clip_id)
    request = job_export(job)
    if uses_sieve(deps, request):  # the `webhooks` function counts it when Sieve is done
        if (
            clip.sieve is not None
            and clip.sieve.request == request
            and poll_pending(deps, job, clip)
        ):
            return True  # re-driven while waiting on Sieve: its callback may be lost
        return start_sieve(deps, job, clip, request, reexport=False)
    count_export(deps, job, clip.id, render_clip(deps, job, clip, request))
    return True
