"""Progress of a job, derived from its status and counters (never stored twice)."""

from __future__ import annotations

from klair.domain.job import Job
from klair.domain.status import JobStatus

# Share of the whole job each status starts at; analysis and export fill their band
# with their own counters. Transcoding only plans the segments (each chunk's invocation
# transcodes its own, `handlers.steps.segments`), so its band is empty and analysis's
# counts the segments' transcodes too.
_START = {
    JobStatus.AWAITING_UPLOAD: 0.0,
    JobStatus.QUEUED: 0.0,
    JobStatus.DOWNLOADING: 5.0,
    JobStatus.TRANSCODING: 15.0,
    JobStatus.ANALYZING: 15.0,
    JobStatus.SELECTING: 70.0,
    JobStatus.EXPORTING: 75.0,
    JobStatus.COMPLETED: 100.0,
}


def _fraction(done: int, total: int) -> float:
    return min(done / total, 1.0) if total > 0 else 0.0


# Stages that report their own progress (bytes downloaded) in `progress`, within their band:
# from their start to the next stage's.
_REPORTING = {JobStatus.DOWNLOADING: JobStatus.TRANSCODING}


def stage_progress(status: JobStatus, fraction: float) -> float:
    """The job's percent when a reporting stage is `fraction` (0–1) done."""
    start, end = _START[status], _START[_REPORTING.get(status, status)]
    return round(start + (end - start) * min(max(fraction, 0.0), 1.0), 1)


def progress(job: Job) -> float:
    """Percent complete, 0–100; terminal failures keep the progress they reached."""
    if job.status in (JobStatus.FAILED, JobStatus.CANCELLED):
        return job.progress
    base = _START[job.status]
    if job.status in _REPORTING:
        return min(max(job.progress, base), _START[_REPORTING[job.status]])
    if job.status is JobStatus.ANALYZING:
        return round(base + 55.0 * _fraction(job.chunks_done, job.chunks_total), 1)
    if job.status is JobStatus.EXPORTING:
        return round(base + 25.0 * _fraction(job.clips_exported, job.clips_total), 1)
    return base
