"""Queue position and ETA: the moving average of finished jobs, the jobs ahead, the queue's
concurrency and the progress already made."""

from __future__ import annotations

from datetime import timedelta

import pytest

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
    est = estimate(world.deps, job)  # 15% done of 20 min × 30 s per source minute
    assert (est.queue_position, est.eta_seconds) == (None, 510.0)
    assert estimate(world.deps, world.move(job_id, S.CANCELLED)).eta_seconds is None


# Measured (README "Benchmarks", queue_eta's priors): `klair run` takes 53.8 s for 10 min
# to 5 clips; the first job of a fresh emulator stack, 40 s to 2 clips, took 22.3 s.
KLAIR_RUN_10_MIN = 53.8
FRESH_STACK_40_S = 22.3


def _sane(eta: float | None, measured: float) -> bool:
    return eta is not None and measured / 2 <= eta <= measured * 2


def test_a_fresh_stack_estimates_a_length_known_before_the_probe_from_the_stage_rates() -> None:
    world = make_world()
    job_id = world.submit()
    world.deps.store.update(JobId(job_id), minutes_reserved=10.0)  # held from the site's metadata
    status = world.call("GET", f"/api/klair/status/{job_id}").get_json()
    assert _sane(status["eta_seconds"], KLAIR_RUN_10_MIN), status["eta_seconds"]


@pytest.mark.parametrize(
    ("seconds", "clips", "measured"), [(600, 5, KLAIR_RUN_10_MIN), (40, 2, FRESH_STACK_40_S)]
)
def test_a_fresh_stack_estimates_a_probed_job_from_its_length_and_clip_count(
    seconds: float, clips: int, measured: float
) -> None:
    world = make_world()
    options = {"clip_count": clips, "min_clip_seconds": 8, "max_clip_seconds": 20}
    job_id = world.submit(options=options)
    media = MediaInfo(duration=seconds, container="mp4", video_codec="h264")
    job = world.move(job_id, S.DOWNLOADING, media=media.model_dump())
    assert _sane(estimate(world.deps, job).eta_seconds, measured)


def test_a_fresh_stack_estimates_a_source_of_unknown_length_as_a_typical_one() -> None:
    world = make_world()
    est = estimate(world.deps, world.job(world.submit()))
    typical = queue_eta.prior_seconds(queue_eta.TYPICAL_SOURCE_MINUTES, 5)
    assert est.eta_seconds == round(typical, 1)
    assert _sane(est.eta_seconds, KLAIR_RUN_10_MIN)
