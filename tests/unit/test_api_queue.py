"""Queue position and ETA: the moving average of finished jobs, the jobs ahead, the queue's
concurrency and the progress already made."""

from __future__ import annotations

from datetime import timedelta

from klair.domain.ids import JobId
from klair.domain.media import MediaInfo
from klair.domain.status import JobStatus as S
from klair.handlers.api import queue_eta
from klair.handlers.api.queue_eta import estimate, pace_of
from tests.unit.api_world import ALICE, BOB, World, make_world


def _completed(world: World, minutes: float, seconds: float) -> None:
    job_id = world.submit(BOB)
    media = MediaInfo(duration=minutes * 60, container="mp4", video_codec="h264")
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)
    world.deps.store.update(JobId(job_id), media=media.model_dump())
    world.move(job_id, S.COMPLETED, timings={"queued": 999.0, "analyzing": seconds})


def test_the_pace_averages_recent_jobs_and_ignores_queue_time() -> None:
    world = make_world()
    _completed(world, minutes=10, seconds=100)
    _completed(world, minutes=5, seconds=100)
    pace = pace_of(world.deps.store.recently_completed(20))
    assert (pace.samples, pace.seconds_per_job, pace.seconds_per_source_minute) == (2, 100, 15)


def test_without_history_the_priors_stand_in() -> None:
    pace = pace_of([])
    assert pace.samples == 0
    assert pace.seconds_per_job == queue_eta.PRIOR_SECONDS_PER_JOB


def test_a_queued_job_waits_for_those_ahead_divided_by_the_concurrency() -> None:
    world = make_world()
    _completed(world, minutes=10, seconds=120)
    ahead = [world.submit(BOB) for _ in range(4)]
    world.clock.tick()
    mine = world.job(world.submit(ALICE))
    est = estimate(world.deps, mine)
    concurrency = world.deps.settings.tier("free").queue_max_concurrency
    assert est.queue_position == len(ahead)
    assert est.eta_seconds == round(120 + 4 * 120 / concurrency, 1)
    assert est.estimated_completion_at == world.clock.now() + timedelta(seconds=est.eta_seconds)


def test_a_running_job_has_the_remaining_share_of_its_own_time() -> None:
    world = make_world()
    _completed(world, minutes=10, seconds=300)
    job_id = world.submit()
    world.deps.store.update(
        JobId(job_id), media=MediaInfo(duration=1200, container="mp4").model_dump()
    )
    job = world.move(job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, chunks_total=2)
    est = estimate(world.deps, job)  # 30% done of 20 min × 30 s per source minute
    assert (est.queue_position, est.eta_seconds) == (None, 420.0)
    assert estimate(world.deps, world.move(job_id, S.CANCELLED)).eta_seconds is None
