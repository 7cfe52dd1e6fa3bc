"""The status reads kept per instance (`adapters.cached_reads`): the pace's history for a
while, an empty one only for polls, and positions past the queue's snapshot counted and
kept per job."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime, timedelta

from klair.adapters.cached_reads import CachedStatusReads
from klair.domain.job import Job
from tests.unit.api_world import ManualClock

FINISHED: Job = object()  # type: ignore[assignment]  # passed through, never read


class Seconds:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Reads:
    """Answers the queue and history reads, counting them."""

    def __init__(self, times: list[datetime], history: list[Job]) -> None:
        self.times, self.history = times, history
        self.counts: dict[str, int] = {"times": 0, "ahead": 0, "history": 0}

    def queued_times(self, tiers: Collection[str], limit: int) -> list[datetime]:
        self.counts["times"] += 1
        return self.times[:limit]

    def queued_ahead(self, created_before: datetime, tiers: Collection[str]) -> int:
        self.counts["ahead"] += 1
        return sum(t < created_before for t in self.times)

    def recently_completed(self, limit: int) -> list[Job]:
        self.counts["history"] += 1
        return self.history[:limit]


def _reads(store: Reads, seconds: Seconds, clock: ManualClock) -> CachedStatusReads:
    return CachedStatusReads(
        store,  # type: ignore[arg-type]
        clock,
        queue_seconds=10,
        history_seconds=30,
        empty_history_seconds=10,
        snapshot=3,
        monotonic=seconds,
    )


def test_an_empty_history_is_reused_by_polls_only_and_a_history_by_all() -> None:
    seconds, store = Seconds(), Reads([], [])
    reads = _reads(store, seconds, ManualClock())
    assert reads.recently_completed(20) == []
    reads.recently_completed(20, polled=True)
    assert store.counts["history"] == 1
    reads.recently_completed(20)  # a submit reads again
    seconds.now = 10
    reads.recently_completed(20, polled=True)
    assert store.counts["history"] == 3
    store.history = [FINISHED]
    reads.recently_completed(20)
    seconds.now = 39
    assert reads.recently_completed(20) == store.history
    assert store.counts["history"] == 4
    seconds.now = 40
    reads.recently_completed(20)
    assert store.counts["history"] == 5


def test_positions_past_the_snapshot_are_counted_and_kept_per_job() -> None:
    clock, seconds = ManualClock(), Seconds()
    start = datetime(2026, 3, 14, 9, tzinfo=UTC)
    store = Reads([start + timedelta(seconds=n) for n in range(5)], [])
    reads = _reads(store, seconds, clock)
    assert reads.queued_ahead(start + timedelta(seconds=1), {"free"}) == 1
    assert reads.queued_ahead(start + timedelta(seconds=2), {"free"}) == 2
    assert store.counts == {"times": 1, "ahead": 0, "history": 0}
    back = start + timedelta(seconds=4, milliseconds=500)
    assert reads.queued_ahead(back, {"free"}) == reads.queued_ahead(back, ["free"]) == 5
    assert store.counts["ahead"] == 1
    seconds.now = 10
    assert reads.queued_ahead(back, {"free"}) == 5
    assert store.counts == {"times": 2, "ahead": 2, "history": 0}
    assert reads.queued_ahead(back, ()) == 0
