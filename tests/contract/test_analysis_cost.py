"""JobStore.add_analysis_cost: a chunk's model cost reaches the job once, with its fallback
reason, in the fake and on Firestore (emulator) alike, also when chunks race."""

from __future__ import annotations

import threading

import pytest

from klair.domain.cost import Cost
from klair.domain.errors import NotFound
from klair.domain.ids import new_job_id
from klair.domain.status import JobStatus
from tests.contract.test_job_store import Store, created, store

__all__ = ["store"]  # the job store contract's fixture: memory and Firestore

CHUNK = Cost(input_tokens=42631, output_tokens=1452, usd=0.037418)


def test_each_chunks_cost_is_added_once(store: Store) -> None:
    job = created(store, JobStatus.ANALYZING, chunks_total=3)
    assert store.add_analysis_cost(job.id, 0, CHUNK)
    assert not store.add_analysis_cost(job.id, 0, CHUNK)  # a redelivery
    assert store.add_analysis_cost(job.id, 2, CHUNK, fallback="malformed")
    stored = store.get(job.id)
    assert (stored.cost.input_tokens, stored.cost.output_tokens) == (2 * 42631, 2 * 1452)
    assert stored.cost.usd == pytest.approx(2 * 0.037418)
    assert stored.analysis_fallbacks == {"2": "malformed"}
    assert stored.status is JobStatus.ANALYZING and stored.updated_at > job.updated_at


def test_fallbacks_accumulate_per_chunk(store: Store) -> None:
    job = created(store, JobStatus.ANALYZING, chunks_total=2)
    store.add_analysis_cost(job.id, 0, Cost(), fallback="over_budget")
    store.add_analysis_cost(job.id, 1, Cost(), fallback="unavailable")
    assert store.get(job.id).analysis_fallbacks == {"0": "over_budget", "1": "unavailable"}
    assert store.get(job.id).cost == Cost()


def test_racing_chunks_lose_no_cost(store: Store) -> None:
    job = created(store, JobStatus.ANALYZING, chunks_total=6)
    barrier = threading.Barrier(6)

    def add(index: int) -> None:
        barrier.wait()
        store.add_analysis_cost(job.id, index, CHUNK)

    threads = [threading.Thread(target=add, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get(job.id).cost.input_tokens == 6 * 42631


def test_cost_of_an_unknown_job_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.add_analysis_cost(new_job_id(), 0, CHUNK)
