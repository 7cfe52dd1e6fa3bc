"""JobStore.lease_chunk: the claim at the door of a chunk's analysis, and costs counted per
attempt, in the fake and on Firestore (emulator) alike, also when deliveries race."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from klair.domain.chunking import ChunkLease
from klair.domain.clip import Candidate
from klair.domain.cost import Cost
from klair.domain.errors import NotFound
from klair.domain.ids import new_job_id
from klair.domain.status import JobStatus
from tests.contract.step_clock import START
from tests.contract.test_job_store import Store, created, store

__all__ = ["store"]  # the job store contract's fixture: memory and Firestore

LATER = START + timedelta(days=1)
CALL = Cost(input_tokens=42631, output_tokens=1452, usd=0.037418)


def test_a_chunk_under_analysis_is_held_until_its_lease_ends(store: Store) -> None:
    job = created(store, JobStatus.ANALYZING, chunks_total=2)
    assert store.lease_chunk(job.id, 0, LATER) == ChunkLease(state="granted", attempt=1)
    assert store.lease_chunk(job.id, 0, LATER) == ChunkLease(state="held", attempt=1)
    assert store.lease_chunk(job.id, 1, LATER) == ChunkLease(state="granted", attempt=1)


def test_an_expired_lease_is_taken_over_as_the_next_attempt(store: Store) -> None:
    job = created(store, JobStatus.ANALYZING, chunks_total=1)
    assert store.lease_chunk(job.id, 0, START).attempt == 1  # its holder died long ago
    assert store.lease_chunk(job.id, 0, LATER) == ChunkLease(state="granted", attempt=2)
    assert store.lease_chunk(job.id, 0, LATER) == ChunkLease(state="held", attempt=2)


def test_a_recorded_chunk_is_done_whatever_its_lease(store: Store) -> None:
    job = created(store, JobStatus.ANALYZING, chunks_total=2)
    store.lease_chunk(job.id, 0, LATER)
    store.record_chunk(job.id, 0, [Candidate(start=1, end=20, score=50)])
    assert store.lease_chunk(job.id, 0, LATER).state == "done"
    store.record_chunk(job.id, 1, [])  # recorded without a lease (older deliveries)
    assert store.lease_chunk(job.id, 1, LATER).state == "done"


def test_of_racing_deliveries_one_is_granted(store: Store) -> None:
    job = created(store, JobStatus.ANALYZING, chunks_total=1)
    barrier, found = threading.Barrier(6), []

    def lease() -> None:
        barrier.wait()
        found.append(store.lease_chunk(job.id, 0, LATER).state)

    threads = [threading.Thread(target=lease) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(found) == ["granted"] + ["held"] * 5


def test_each_attempts_cost_is_counted(store: Store) -> None:
    job = created(store, JobStatus.ANALYZING, chunks_total=1)
    assert store.add_analysis_cost(job.id, 0, CALL, attempt=1)
    assert store.add_analysis_cost(job.id, 0, CALL, attempt=2)  # a lease taken over
    assert not store.add_analysis_cost(job.id, 0, CALL, attempt=2)  # a redelivery
    assert store.get(job.id).cost.input_tokens == 2 * 42631


def test_leasing_a_chunk_of_an_unknown_job_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.lease_chunk(new_job_id(), 0, LATER)


def test_the_holder_renews_its_own_lease_and_nobody_else_s(store: Store) -> None:
    job = created(store, JobStatus.ANALYZING, chunks_total=2)
    granted = store.lease_chunk(job.id, 0, START)  # about to expire
    assert store.renew_chunk_lease(job.id, 0, granted.attempt, LATER)  # its heartbeat
    assert store.lease_chunk(job.id, 0, LATER) == ChunkLease(state="held", attempt=1)
    assert not store.renew_chunk_lease(job.id, 0, 2, LATER)  # no such attempt holds it
    assert not store.renew_chunk_lease(job.id, 1, 1, LATER)  # never leased


def test_a_lease_taken_over_or_recorded_is_not_renewed(store: Store) -> None:
    job = created(store, JobStatus.ANALYZING, chunks_total=2)
    store.lease_chunk(job.id, 0, START)  # its holder stopped beating: expired
    store.lease_chunk(job.id, 0, LATER)  # taken over as attempt 2
    assert not store.renew_chunk_lease(job.id, 0, 1, LATER)  # the old holder's late beat
    assert store.lease_chunk(job.id, 0, LATER) == ChunkLease(state="held", attempt=2)
    store.lease_chunk(job.id, 1, LATER)
    store.record_chunk(job.id, 1, [])
    assert not store.renew_chunk_lease(job.id, 1, 1, LATER)
