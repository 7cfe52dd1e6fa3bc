"""Queue positions of many polled jobs come from one read of the queue per interval, and a
read taken before a job existed is never used for it."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from klair.config import Settings
from klair.domain.status import JobStatus as S
from klair.ports.jobs import JobStore
from tests.unit.api_world import ALICE, BOB, ROOMY_TIERS, World, make_world


class CountingQueue:
    """The world's store, counting the queue reads made through it."""

    def __init__(self, inner: JobStore) -> None:
        self.inner = inner
        self.reads = 0

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)

    def queued_times(self, tiers: Collection[str], limit: int) -> list[datetime]:
        self.reads += 1
        return self.inner.queued_times(tiers, limit)

    def queued_ahead(self, created_before: datetime, tiers: Collection[str]) -> int:
        raise AssertionError("a queue this short is never counted")


def _world(cache_seconds: float) -> tuple[World, CountingQueue]:
    world = make_world(
        settings=Settings(tiers=ROOMY_TIERS, queue_cache_seconds=cache_seconds),
        around_store=CountingQueue,  # type: ignore[arg-type]
    )
    assert isinstance(world.deps.store, CountingQueue)  # the status reads go through it
    return world, world.deps.store


def _position(world: World, job_id: str) -> int:
    status = world.call("GET", f"/api/klair/status/{job_id}", world.job(job_id).owner).get_json()
    return int(status["queue_position"])


def test_many_polled_jobs_share_one_queue_read() -> None:
    world, counting = _world(cache_seconds=60)
    jobs = []
    for n in range(6):
        world.clock.tick()
        jobs.append(world.submit(ALICE if n % 2 else BOB))
    reads = counting.reads
    assert reads >= 1  # the submits read the queue through the counting store
    assert [_position(world, j) for j in jobs * 3] == list(range(6)) * 3
    assert counting.reads - reads <= 1


def test_jobs_queued_after_an_earlier_read_are_counted() -> None:
    world, _ = _world(cache_seconds=60)
    first = world.submit(ALICE)
    assert _position(world, first) == 0
    world.clock.tick()
    second = world.submit(BOB)
    world.clock.tick()
    third = world.submit(BOB)
    assert (_position(world, second), _position(world, third)) == (1, 2)


def test_a_position_is_at_most_the_cache_interval_old() -> None:
    world, _ = _world(cache_seconds=60)
    first = world.submit(ALICE)
    world.clock.tick()
    second = world.submit(BOB)
    assert _position(world, second) == 1
    world.move(first, S.DOWNLOADING)
    assert _position(world, second) == 1  # cached: the read is reused for a while
    fresh, _ = _world(cache_seconds=0)
    first = fresh.submit(ALICE)
    fresh.clock.tick()
    second = fresh.submit(BOB)
    fresh.move(first, S.DOWNLOADING)
    assert _position(fresh, second) == 0  # no caching: read again
