"""Status polls of one job that overlap share one read; later polls read again."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from klair.adapters.cached_reads import SingleFlight
from klair.domain.errors import NotFound
from klair.domain.job import Job
from tests.unit.api_world import make_world


def test_overlapping_reads_share_one_and_later_ones_read_again() -> None:
    world = make_world()
    job = world.job(world.submit())
    flight, reads, release = SingleFlight(), [0], threading.Event()

    def slow_read() -> Job:
        reads[0] += 1
        release.wait(5)
        return job

    with ThreadPoolExecutor(max_workers=6) as pool:
        waiting = [pool.submit(flight.run, "k", slow_read) for _ in range(6)]
        threading.Timer(0.2, release.set).start()
        assert all(f.result(timeout=10) is job for f in waiting)
    assert reads[0] < 6
    flight.run("k", slow_read)
    assert reads[0] >= 2  # nothing is kept once the read is over


def test_an_error_reaches_every_caller_of_the_read() -> None:
    def missing() -> Job:
        raise NotFound("no job", code="job_not_found")

    with pytest.raises(NotFound):
        SingleFlight().run("k", missing)
