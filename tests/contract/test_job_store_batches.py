"""JobStore contract, batches: a batch, its new jobs and its joined jobs' marks are written
at once (or not at all), replayed under its idempotency key, and deleted whole when refused.
Run on the fake and on the Firestore emulator."""

from __future__ import annotations

from datetime import timedelta

import pytest

from klair.domain.batch import Batch, BatchItem, new_batch_id
from klair.domain.errors import Conflict, NotFound
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job
from tests.contract.step_clock import START
from tests.contract.test_job_store import S, Store, created, make_job, store

__all__ = ["store"]

TTL = timedelta(hours=24)
OWNER = UserId("user_1")


def a_batch(new: list[Job], joined: list[Job] = (), key: str | None = None) -> Batch:  # type: ignore[assignment]
    items = [BatchItem(index=n, job_id=job.id) for n, job in enumerate(new)]
    items += [BatchItem(index=len(items) + n, job_id=job.id, upload_id=job.id, joined=True)
              for n, job in enumerate(joined)]  # fmt: skip
    return Batch(id=new_batch_id(), owner=OWNER, items=tuple(items), idempotency_key=key,
                 created_at=START)  # fmt: skip


def test_a_batch_and_its_jobs_are_written_together(store: Store) -> None:
    upload = created(store, S.AWAITING_UPLOAD)
    batch_id = new_batch_id()
    jobs = [make_job(batch_id=batch_id) for _ in range(3)]
    batch = a_batch(jobs, [upload]).model_copy(update={"id": batch_id})
    assert store.create_batch(batch, jobs, "fp", TTL) == batch
    assert store.get_batch(batch.id) == batch
    assert [store.get(job.id).batch_id for job in jobs] == [batch_id] * 3
    assert store.get(upload.id).batch_id == batch_id


def test_a_joined_job_that_is_gone_writes_nothing(store: Store) -> None:
    jobs = [make_job()]
    batch = a_batch(jobs, [make_job(S.AWAITING_UPLOAD)])  # never stored
    with pytest.raises(NotFound):
        store.create_batch(batch, jobs, "fp", TTL)
    with pytest.raises(NotFound):
        store.get_batch(batch.id)
    with pytest.raises(NotFound):
        store.get(jobs[0].id)


def test_a_key_replays_its_batch_and_refuses_another_body(store: Store) -> None:
    first_jobs = [make_job()]
    first = a_batch(first_jobs, key="k1")
    assert store.create_batch(first, first_jobs, "fp", TTL) == first
    again_jobs = [make_job()]
    assert store.create_batch(a_batch(again_jobs, key="k1"), again_jobs, "fp", TTL) == first
    with pytest.raises(NotFound):
        store.get(again_jobs[0].id)  # the replay wrote nothing
    with pytest.raises(Conflict) as reused:
        store.create_batch(a_batch([make_job()], key="k1"), [], "other", TTL)
    assert reused.value.code == "idempotency_key_reused"


def test_deleting_a_refused_batch_leaves_nothing_of_it(store: Store) -> None:
    upload = created(store, S.AWAITING_UPLOAD)
    jobs = [make_job(), make_job()]
    batch = a_batch(jobs, [upload], key="k2")
    store.create_batch(batch, jobs, "fp", TTL)
    store.delete_batch(batch.id)
    store.delete_batch(batch.id)  # idempotent
    with pytest.raises(NotFound):
        store.get_batch(batch.id)
    for job in jobs:
        with pytest.raises(NotFound):
            store.get(JobId(job.id))
    assert store.get(upload.id).batch_id is None  # the upload stays, unmarked
    fresh = [make_job()]
    retried = a_batch(fresh, key="k2")  # the key is free again
    assert store.create_batch(retried, fresh, "other body", TTL) == retried


def test_a_deleted_owners_batches_all_go(store: Store) -> None:
    mine = [a_batch([make_job()], key=f"k-{n}") for n in range(2)]
    theirs = a_batch([]).model_copy(update={"owner": UserId("user_2")})
    for batch in (*mine, theirs):
        store.create_batch(batch, [], "fp", TTL)
    assert store.delete_batches(OWNER) == 2
    assert store.delete_batches(OWNER) == 0
    for batch in mine:
        with pytest.raises(NotFound):
            store.get_batch(batch.id)
    assert store.get_batch(theirs.id) == theirs
    fresh = a_batch([], key="k-0")  # the keys went with them
    assert store.create_batch(fresh, [], "other", TTL) == fresh
