"""Sieve autocrop, first half: the export stage cuts the clip (uncropped), stores the cut,
hands Sieve a signed URL of it with a signed callback URL and records the pending job on
the clip. `handlers.sieve_callback` finishes the export when Sieve calls back."""

from __future__ import annotations

import secrets
from typing import Literal

import structlog

from klair.domain.clip import Clip
from klair.domain.errors import Conflict, InvalidInput
from klair.domain.export_options import ExportRequest, variant_key
from klair.domain.ids import JobId
from klair.domain.job import Job
from klair.domain.naming import clip as clip_object
from klair.domain.sieve_task import SieveTask, callback_url
from klair.domain.status import JobStatus
from klair.domain.transcript import Word
from klair.handlers.deps import Deps
from klair.handlers.steps.export_runs import track
from klair.handlers.steps.exports import merge_exports, sieve_ready
from klair.handlers.steps.rendering import count_export, export_spec, render_clip, render_spec
from klair.ports.reframe import ReframeJob, Reframer

log = structlog.get_logger(__name__)


CUT_FILE = "sieve-input.mp4"


# How long Sieve may take to start fetching the cut.
CUT_URL_MINUTES = 180


def uses_sieve(deps: Deps, request: ExportRequest) -> bool:
    """Whether this export goes through Sieve. A job accepted for Sieve whose export stage
    finds it unconfigured (a deploy in between) reframes locally, with a warning."""
    if request.reframe != "sieve":
        return False
    if not sieve_ready(deps):
        log.warning("sieve not configured: reframing locally", reframe=request.reframe)
    return sieve_ready(deps)


def save_task(deps: Deps, job_id: JobId, clip: Clip, task: SieveTask) -> Clip:
    """Store the clip's Sieve task (exports already recorded are kept by `put_clips`)."""
    updated = clip.model_copy(update={"sieve": task, "exports": {}})
    deps.store.put_clips(job_id, [updated])
    return updated


def start_sieve(
    deps: Deps, job: Job, clip: Clip, request: ExportRequest, reexport: bool,
    export_id: str | None = None,
) -> bool:  # fmt: skip
    """Submit the clip to Sieve once per export; a redelivered event changes nothing."""
    current = clip.sieve
    if current is not None and current.state == "pending" and current.request == request:
        return True
    task = SieveTask(
        nonce=secrets.token_urlsafe(16), request=request, reexport=reexport, export_id=export_id
    )
    clip = save_task(deps, job.id, clip, task)  # before the push: callbacks may beat its answer
    cut = _store_cut(deps, job, clip, request)
    settings = deps.settings
    assert settings.webhooks_url and settings.sieve_callback_secret  # sieve_ready checked it
    hook = callback_url(
        settings.webhooks_url, settings.sieve_callback_secret, job.id, clip.id, task.nonce
    )
    video_url = deps.blobs.signed_url(cut, minutes=CUT_URL_MINUTES)
    try:
        submitted = deps.reframer.submit(video_url, request.aspect_ratios[0], hook)
    except InvalidInput as refused:  # Sieve refused the job (key, input): reframe locally
        fall_back(deps, job, clip, task, f"Sieve refused the job: {refused.message}")
        return True
    pending = task.model_copy(update={"state": "pending", "sieve_job_id": submitted.id})
    save_task(deps, job.id, clip, pending)
    log.info("clip sent to sieve", job_id=job.id, clip=clip.id, sieve_job=submitted.id)
    return True


def _store_cut(deps: Deps, job: Job, clip: Clip, request: ExportRequest) -> str:
    """The clip cut from the source at its own aspect, no captions: what Sieve reframes."""
    spec = export_spec(deps, job, clip, request).model_copy(
        update={
            "aspects": ("source",),
            "caption_style": None,
            "sidecars": False,
            "reframe": "center",
        }
    )
    render_spec(deps, job, clip, spec, names={"source": CUT_FILE})
    return clip_object(job.id, clip.id, CUT_FILE)


def fall_back(deps: Deps, job: Job, clip: Clip, task: SieveTask, reason: str) -> SieveTask:
    """Sieve gave nothing usable: render with local face tracking, record why, finish."""
    log.warning("sieve fell back to local reframing", job_id=job.id, clip=clip.id, why=reason)
    local = task.request.model_copy(update={"reframe": "auto"})
    done = task.model_copy(update={"state": "fell_back", "error": reason})
    finish(deps, job, clip, done, render_clip(deps, job, clip, local))
    return done


def finish(deps: Deps, job: Job, clip: Clip, task: SieveTask, exports: dict[str, str]) -> None:
    """Store the exports with the task's final state; a pipeline export counts the clip
    (once, however many callbacks arrive), a re-export adds its variants."""
    if task.reexport:
        request = task.request
        first = variant_key(request.aspect_ratios[0], request.caption_style)
        added = merge_exports(clip.exports, exports, first)
        merged = clip.model_copy(update={"exports": added, "sieve": task})
        deps.store.put_clips(job.id, [merged])
        log.info("clip re-exported", job_id=job.id, clip=clip.id, variants=list(exports))
        track(deps, job.id, task.export_id, clip.id, "exported")
        return
    save_task(deps, job.id, clip, task)
    count_export(deps, job, clip.id, exports)


Outcome = Literal["exported", "fell_back", "duplicate", "ignored"]


def complete_pending(
    deps: Deps, job: Job, clip: Clip, task: SieveTask, reframer: Reframer
) -> tuple[SieveTask, Outcome]:
    """Finish a recorded Sieve export from Sieve's own account of its job: on a callback,
    or when the export stage is re-driven (a callback that never came). 409 while running."""
    assert task.sieve_job_id is not None
    reframed = reframer.job(task.sieve_job_id)
    if not reframed.terminal:
        raise Conflict("the Sieve job has not ended", code="sieve_job_running")
    if not _takes_export(job, task):
        log.info("sieve result for a job that moved on", job_id=job.id, status=job.status)
        return task, "ignored"
    if not reframed.succeeded:
        why = reframed.error or f"Sieve job {reframed.status}"
        return fall_back(deps, job, clip, task, why), "fell_back"
    done = task.model_copy(update={"state": "done"})
    finish(deps, job, clip, done, _render_reframed(deps, job, clip, task, reframer, reframed))
    log.info("sieve export finished", job_id=job.id, clip=clip.id, sieve_job=reframed.id)
    return done, "exported"


def poll_pending(deps: Deps, job: Job, clip: Clip) -> bool:
    """A re-delivered export of a clip waiting on Sieve: finish it if Sieve is done (its
    callback may be lost), else leave it waiting. False when there is nothing to poll."""
    task, reframer = clip.sieve, deps.reframer
    if task is None or task.state != "pending" or task.sieve_job_id is None:
        return False
    if not deps.settings.sieve_configured:
        return False
    try:
        complete_pending(deps, job, clip, task, reframer)
    except Conflict:
        log.info("sieve job still running", job_id=job.id, clip=clip.id)
    return True


def _takes_export(job: Job, task: SieveTask) -> bool:
    if task.reexport:
        return job.status.terminal and job.source_object is not None
    return job.status is JobStatus.EXPORTING and job.source_object is not None


def _render_reframed(
    deps: Deps, job: Job, clip: Clip, task: SieveTask, reframer: Reframer, done: ReframeJob
) -> dict[str, str]:
    """Captions, loudness, thumbnail and edit list over Sieve's video, which is the cut
    already reframed: its timeline starts at the clip's start in the source."""
    spec = export_spec(deps, job, clip, task.request)
    shifted = tuple(
        Word.model_validate(
            {**w.model_dump(), "start": max(0.0, w.start - clip.start),
             "end": max(0.0, w.end - clip.start)}
        )
        for w in spec.words
    )  # fmt: skip
    spec = spec.model_copy(
        update={"words": shifted, "reframe": "center", "source_offset": clip.start,
                "reframed_by": "sieve"}
    )  # fmt: skip
    cut = clip.model_copy(update={"start": 0.0, "end": clip.duration})
    return render_spec(
        deps, job, clip, spec, fetch=lambda work: reframer.download(done, work / "sieve.mp4"),
        cut=cut,
    )  # fmt: skip
