"""The per-instance memory of recent reads: fresh values are reused, stale ones are served
while one background read replaces them, old ones are read on the spot."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

import pytest

from klair.http.recent import Recent, Refreshed


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Held(Executor):
    """Runs nothing until `release()`: what was submitted meanwhile is visible."""

    def __init__(self) -> None:
        self.queued: list[Callable[[], Any]] = []

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        self.queued.append(lambda: fn(*args, **kwargs))
        return Future()

    def release(self) -> None:
        while self.queued:
            self.queued.pop(0)()


class Reads:
    def __init__(self, *values: str) -> None:
        self.values, self.count = list(values), 0

    def __call__(self) -> str:
        self.count += 1
        value = self.values.pop(0)
        if value == "boom":
            raise RuntimeError("read failed")
        return value


def make() -> tuple[Refreshed[str, str], Clock, Held]:
    clock, held = Clock(), Held()
    return Refreshed(1000, clock, held), clock, held


def test_a_value_younger_than_half_its_ttl_is_reused_without_a_read() -> None:
    cache, clock, held = make()
    reads = Reads("a")
    assert cache.fetch("k", 15, reads) == "a"
    clock.now += 7.49
    assert cache.fetch("k", 15, reads) == "a"
    assert reads.count == 1 and not held.queued


def test_a_value_past_its_refresh_point_is_served_while_one_background_read_replaces_it() -> None:
    cache, clock, held = make()
    reads = Reads("a", "b")
    cache.fetch("k", 15, reads)
    clock.now += 14.999  # past every key's point (half the ttl to the ttl)

    assert [cache.fetch("k", 15, reads) for _ in range(3)] == ["a", "a", "a"]
    assert len(held.queued) == 1  # one re-read however many polls came meanwhile

    held.release()
    assert cache.fetch("k", 15, reads) == "b"
    assert reads.count == 2


def test_refresh_points_are_spread_over_the_second_half_of_the_ttl() -> None:
    cache, clock, held = make()
    for n in range(200):
        cache.fetch(f"user_{n}", 15, lambda: "v")
    clock.now += 10

    for n in range(200):
        cache.fetch(f"user_{n}", 15, lambda: "v")

    assert 40 < len(held.queued) < 160  # about a third are due after 10 s of 15


def test_a_value_as_old_as_its_ttl_is_read_on_the_spot() -> None:
    cache, clock, held = make()
    reads = Reads("a", "b")
    cache.fetch("k", 15, reads)
    clock.now += 15

    assert cache.fetch("k", 15, reads) == "b"
    assert not held.queued


def test_a_failed_background_read_leaves_the_old_value_to_age_into_an_error() -> None:
    cache, clock, held = make()
    reads = Reads("a", "boom", "boom")
    cache.fetch("k", 15, reads)
    clock.now += 14.999
    assert cache.fetch("k", 15, reads) == "a"
    held.release()  # fails: logged, nothing replaced
    assert cache.fetch("k", 15, reads) == "a"  # and a new re-read is allowed
    assert len(held.queued) == 1

    clock.now += 0.001
    with pytest.raises(RuntimeError, match="read failed"):
        cache.fetch("k", 15, reads)


def test_the_default_background_really_runs_the_read() -> None:
    clock, done = Clock(), threading.Event()
    cache: Refreshed[str, str] = Refreshed(10, clock)
    values = iter(["a", "b"])

    def read() -> str:
        value = next(values)
        if value == "b":
            done.set()
        return value

    cache.fetch("k", 1, read)
    clock.now += 0.9999
    assert cache.fetch("k", 1, read) == "a"
    assert done.wait(5)
    for _ in range(100):  # the put follows the read on the background thread
        if cache.get("k", 1) == "b":
            break
        threading.Event().wait(0.01)
    assert cache.fetch("k", 1, read) == "b"


def test_recent_forgets_everything_when_full() -> None:
    clock = Clock()
    recent: Recent[int, int] = Recent(2, clock)
    recent.put(1, 1)
    recent.put(2, 2)
    recent.put(3, 3)
    assert (recent.get(1, 10), recent.get(3, 10)) == (None, 3)
