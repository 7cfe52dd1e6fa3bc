"""All chunks are analyzed: merge, dedupe, rank and title the candidates, build the job's
transcript and insights, then fan out exports."""

from __future__ import annotations

import structlog

from klair.domain.analysis.edges import quiet_spans
from klair.domain.analysis.selection import select_clips as choose
from klair.domain.analysis.selection import snapped
from klair.domain.analysis.titles import titled_clips
from klair.domain.clip import Candidate
from klair.domain.errors import NotFound
from klair.domain.events import AnalysisCompleted
from klair.domain.job import Job
from klair.domain.signals import Signals
from klair.domain.status import JobStatus
from klair.domain.transcript import Transcript, merge
from klair.handlers.deps import Deps
from klair.handlers.pipeline.build_insights import build_insights
from klair.handlers.steps.artifacts import load_chunks
from klair.handlers.steps.dispatch import export_messages, fan_out, fan_out_again
from klair.handlers.steps.lifecycle import advance, complete_job
from klair.handlers.steps.segments import load_signals

log = structlog.get_logger(__name__)


def job_signals(deps: Deps, job: Job) -> Signals | None:
    """The transcode's signals; None for a job that has none."""
    try:
        return load_signals(deps, job)
    except NotFound:
        return None


def in_pauses(
    candidates: list[Candidate], parts: list[Transcript], signals: Signals | None
) -> list[Candidate]:
    """Every analyzer's edges snapped into the pauses of the job's speech (Gemini's whole
    seconds too), by the same rule as the offline analysis; without signals, the
    transcript's pauses alone."""
    words = merge(parts).words if parts else []
    silences = signals.silences if signals is not None else []
    quiet = quiet_spans(silences, *(p.pauses() for p in parts))
    return snapped(candidates, words, quiet)


def select_clips(deps: Deps, event: AnalysisCompleted) -> bool:
    job = deps.store.get(event.job_id)
    if job.status is JobStatus.ANALYZING:
        if job.chunks_done < job.chunks_total:
            return False  # a stale announcement; the last chunk will announce again
        moved = advance(deps, job, JobStatus.SELECTING)
        if moved is None:
            return False
        job = moved
    elif job.status is JobStatus.EXPORTING:
        return fan_out_again(deps, job, export_messages(deps, job))
    elif job.status is not JobStatus.SELECTING:
        return False
    opts = job.options
    # Read once: edges are snapped with them, and the job's transcript and insights built.
    parts, signals = load_chunks(deps, job.id), job_signals(deps, job)
    candidates = in_pauses(deps.store.chunk_candidates(job.id), parts, signals)
    # The offline analysis leaves titles and hook lines empty; a model's own are kept.
    clips = titled_clips(choose(candidates, opts.clip_count, opts.order))
    deps.store.put_clips(job.id, clips)
    build_insights(deps, job, parts, signals)
    exporting = advance(deps, job, JobStatus.EXPORTING, clips_total=len(clips), clips_exported=0)
    if exporting is None:
        return False
    log.info("clips selected", job_id=job.id, clips=len(clips))
    if not clips:
        return complete_job(deps, exporting)
    fan_out(deps, exporting, export_messages(deps, exporting, clips))
    return True
