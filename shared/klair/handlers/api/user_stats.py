"""A user's statistics over recent days: totals, a per-day series, success rate and speed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from klair.domain.ids import UserId
from klair.domain.job import Job
from klair.domain.listing import JobCursor, JobFilter
from klair.domain.status import JobStatus
from klair.handlers.api.queue_eta import PROCESSING
from klair.handlers.deps import Deps
from klair.handlers.steps.views import Timestamp

PAGE = 100
MAX_JOBS = 5000  # a bound on one request's reads; `truncated` says when it was reached


class StatsQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    days: int = Field(default=30, ge=1, le=365)


class DayStats(BaseModel):
    date: date
    jobs: int = 0
    minutes: float = 0.0
    clips: int = 0


class Totals(BaseModel):
    jobs: int = 0
    completed: int = 0
    failed: int = 0
    cancelled: int = 0
    active: int = 0
    source_minutes: float = 0.0
    clips: int = 0


class StatsView(BaseModel):
    since: Timestamp
    until: Timestamp
    totals: Totals
    success_rate: float | None
    avg_processing_seconds_per_source_minute: float | None
    daily: list[DayStats]
    truncated: bool


def _jobs_since(deps: Deps, owner: UserId, since: datetime) -> Iterator[Job]:
    where, after, seen = JobFilter(created_after=since), None, 0
    while seen < MAX_JOBS:
        page = deps.store.list_jobs(owner, where, PAGE, after)
        yield from page
        seen += len(page)
        if len(page) < PAGE:
            return
        after = JobCursor.of(page[-1])


def _minutes(job: Job) -> float:
    return job.media.duration / 60.0 if job.media is not None else 0.0


def _count(totals: Totals, job: Job) -> None:
    totals.jobs += 1
    totals.source_minutes += _minutes(job)
    totals.clips += job.clips_exported
    if job.status is JobStatus.COMPLETED:
        totals.completed += 1
    elif job.status is JobStatus.FAILED:
        totals.failed += 1
    elif job.status is JobStatus.CANCELLED:
        totals.cancelled += 1
    else:
        totals.active += 1


def user_stats(deps: Deps, owner: UserId, query: StatsQuery) -> StatsView:
    until = deps.clock.now().astimezone(UTC)
    first = until.date() - timedelta(days=query.days - 1)
    since = datetime(first.year, first.month, first.day, tzinfo=UTC)
    daily = {
        first + timedelta(days=n): DayStats(date=first + timedelta(days=n))
        for n in range(query.days)
    }
    totals, seconds, minutes = Totals(), 0.0, 0.0
    for job in _jobs_since(deps, owner, since):
        _count(totals, job)
        day = daily.get(job.created_at.astimezone(UTC).date())
        if day is not None:
            day.jobs, day.minutes, day.clips = (
                day.jobs + 1,
                day.minutes + _minutes(job),
                day.clips + job.clips_exported,
            )
        if job.status is JobStatus.COMPLETED and job.media is not None:
            seconds += sum(job.timings.get(stage, 0.0) for stage in PROCESSING)
            minutes += _minutes(job)
    finished = totals.completed + totals.failed
    totals.source_minutes = round(totals.source_minutes, 3)
    for day in daily.values():
        day.minutes = round(day.minutes, 3)
    return StatsView(
        since=since,
        until=until,
        totals=totals,
        success_rate=round(totals.completed / finished, 4) if finished else None,
        avg_processing_seconds_per_source_minute=round(seconds / minutes, 2) if minutes else None,
        daily=list(daily.values()),
        truncated=totals.jobs >= MAX_JOBS,
    )
