"""JobStore contract, read side and idempotency: listings, queue depth, recent completions
and idempotent creation behave alike on the in-memory fake and on Firestore (emulator)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from klair.domain.errors import Conflict, NotFound
from klair.domain.ids import UserId
from klair.domain.job import Job, JobKind
from klair.domain.listing import JobCursor, JobFilter
from tests.contract.step_clock import START
from tests.contract.test_job_store import S, Store, candidate, created, make_job, race, store

__all__ = ["store"]  # the parametrised fixture, shared with the main contract suite

OWNER = UserId("user_1")
TTL = timedelta(hours=24)


def at(minutes: float) -> datetime:
    return START + timedelta(minutes=minutes)


def ids(jobs: list[Job]) -> list[str]:
    return [job.id for job in jobs]


def test_listing_is_newest_first_and_only_the_owners(store: Store) -> None:
    jobs = [created(store, created_at=at(i)) for i in range(5)]
    created(store, owner=UserId("user_2"), created_at=at(10))
    listed = store.list_jobs(OWNER, JobFilter(), limit=10)
    assert ids(listed) == [j.id for j in reversed(jobs)]
    assert listed[0] == jobs[-1]


def test_pages_follow_the_cursor_without_gaps_or_repeats(store: Store) -> None:
    same_instant = [created(store, created_at=at(1)) for _ in range(4)]
    later = [created(store, created_at=at(2 + i)) for i in range(3)]
    seen: list[str] = []
    cursor = None
    while True:
        page = store.list_jobs(OWNER, JobFilter(), limit=3, after=cursor)
        seen += ids(page)
        if len(page) < 3:
            break
        cursor = JobCursor.of(page[-1])
    expected = [j.id for j in reversed(later)] + sorted((j.id for j in same_instant), reverse=True)
    assert seen == expected


def test_a_cursor_of_a_deleted_job_still_pages(store: Store) -> None:
    jobs = [created(store, created_at=at(i)) for i in range(4)]
    store.delete_job(jobs[2].id)
    page = store.list_jobs(OWNER, JobFilter(), limit=5, after=JobCursor.of(jobs[2]))
    assert ids(page) == [jobs[1].id, jobs[0].id]


def test_filters_combine(store: Store) -> None:
    created(store, S.QUEUED, created_at=at(1))
    failed = created(store, S.FAILED, created_at=at(2))
    audio = created(store, S.COMPLETED, kind=JobKind.AUDIO, created_at=at(3))
    done = created(store, S.COMPLETED, created_at=at(4))
    finished = JobFilter(statuses=frozenset({S.FAILED, S.COMPLETED}))
    assert ids(store.list_jobs(OWNER, finished, 10)) == [done.id, audio.id, failed.id]
    audio_only = JobFilter(statuses=frozenset({S.COMPLETED}), kind=JobKind.AUDIO)
    assert ids(store.list_jobs(OWNER, audio_only, 10)) == [audio.id]
    window = JobFilter(created_after=at(2), created_before=at(4))
    assert ids(store.list_jobs(OWNER, window, 10)) == [audio.id, failed.id]


def test_queued_ahead_counts_older_queued_jobs_of_the_given_tiers(store: Store) -> None:
    created(store, S.QUEUED, tier="free", created_at=at(1))
    created(store, S.QUEUED, tier="pro", created_at=at(2))
    created(store, S.DOWNLOADING, tier="pro", created_at=at(3))
    created(store, S.QUEUED, tier="creator", created_at=at(4))
    created(store, S.QUEUED, tier="pro", created_at=at(9))
    assert store.queued_ahead(at(5), {"pro", "creator"}) == 2
    assert store.queued_ahead(at(5), {"free", "pro", "creator"}) == 3
    assert store.queued_ahead(at(0), {"free"}) == 0
    assert store.queued_ahead(at(5), set()) == 0


def test_queued_times_are_the_queued_jobs_of_the_tiers_oldest_first(store: Store) -> None:
    created(store, S.QUEUED, tier="pro", created_at=at(9))
    created(store, S.QUEUED, tier="free", created_at=at(1))
    created(store, S.DOWNLOADING, tier="pro", created_at=at(3))
    created(store, S.QUEUED, tier="creator", created_at=at(4))
    created(store, S.QUEUED, tier="pro", created_at=at(2))
    assert store.queued_times({"pro", "creator"}, 10) == [at(2), at(4), at(9)]
    assert store.queued_times({"pro", "creator", "free"}, 2) == [at(1), at(2)]
    assert store.queued_times(set(), 10) == []


def test_recently_completed_is_latest_first(store: Store) -> None:
    first = created(store, S.COMPLETED, updated_at=at(1))
    created(store, S.FAILED, updated_at=at(5))
    second = created(store, S.COMPLETED, updated_at=at(3))
    assert ids(store.recently_completed(5)) == [second.id, first.id]
    assert ids(store.recently_completed(1)) == [second.id]


def test_idempotent_create_returns_the_first_job_for_the_same_fingerprint(store: Store) -> None:
    first = store.create_idempotent(make_job(), "k1", "fp", TTL)
    assert first.idempotency_key == "k1"
    assert store.get(first.id) == first
    again = store.create_idempotent(make_job(), "k1", "fp", TTL)
    assert again == first
    assert len(store.list_jobs(OWNER, JobFilter(), 10)) == 1


def test_idempotent_create_with_another_fingerprint_conflicts(store: Store) -> None:
    store.create_idempotent(make_job(), "k1", "fp", TTL)
    with pytest.raises(Conflict) as caught:
        store.create_idempotent(make_job(), "k1", "other", TTL)
    assert caught.value.code == "idempotency_key_reused"
    other = store.create_idempotent(make_job(), "k2", "other", TTL)
    assert other.idempotency_key == "k2"


def test_an_expired_or_orphaned_record_is_replaced(store: Store) -> None:
    old = store.create_idempotent(make_job(), "k1", "fp", timedelta(seconds=0.5))
    fresh = store.create_idempotent(make_job(), "k1", "other", TTL)
    assert fresh.id != old.id
    store.delete_job(fresh.id)
    with pytest.raises(NotFound):
        store.get(fresh.id)
    reborn = store.create_idempotent(make_job(), "k1", "fp", TTL)
    assert reborn.id not in (old.id, fresh.id)


def test_concurrent_idempotent_creates_make_one_job(store: Store) -> None:
    results = race(6, lambda _: store.create_idempotent(make_job(), "k-race", "fp", TTL))
    assert len({job.id for job in results}) == 1
    assert len(store.list_jobs(OWNER, JobFilter(), 10)) == 1


def test_deleting_a_job_keeps_other_jobs_listed(store: Store) -> None:
    keep = created(store, S.ANALYZING, chunks_total=1, created_at=at(1))
    gone = created(store, S.ANALYZING, chunks_total=1, created_at=at(2))
    store.record_chunk(gone.id, 0, [candidate(1)])
    store.delete_job(gone.id)
    assert ids(store.list_jobs(OWNER, JobFilter(), 10)) == [keep.id]
    assert store.chunk_candidates(gone.id) == []
