"""One `batch.completed` per batch, after every item's own ending event was delivered, and
never again however often its announcements are redelivered."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from klair.domain.batch import Batch, BatchItem, new_batch_id
from klair.domain.errors import KlairError
from klair.domain.ids import new_job_id
from klair.domain.job import Job, JobSource
from klair.domain.status import JobStatus
from klair.handlers.outbound.batch_notice import announce_batch
from klair.handlers.steps.lifecycle import complete_job, fail_job
from tests.unit.notify_world import (
    OWNER,
    PIPELINE,
    Receiver,
    World,
    receiver_fixture,
    world_fixture,
)

__all__ = ["receiver_fixture", "world_fixture"]  # the notify tests' fixtures


def a_batch(world: World, count: int) -> tuple[Batch, list[Job]]:
    now, batch_id = datetime.now(UTC), new_batch_id()
    jobs = [
        Job(id=new_job_id(), owner=OWNER, source=JobSource(url=f"https://v.example/{n}.mp4"),
            created_at=now, updated_at=now, batch_id=batch_id)
        for n in range(count)
    ]  # fmt: skip
    items = tuple(BatchItem(index=n, job_id=job.id) for n, job in enumerate(jobs))
    batch = Batch(id=batch_id, owner=OWNER, items=items, created_at=now)
    world.deps.store.create_batch(batch, jobs, "", timedelta(hours=1))
    moved = []
    for job in jobs:
        for step in PIPELINE[1:]:
            job = world.deps.store.transition(job.id, {job.status}, step) or job
        moved.append(job)
    return batch, moved


def complete(world: World, job: Job) -> None:
    job = world.with_clips(job, 1)
    clip = world.deps.store.clips(job.id)[0]
    world.deps.store.record_export(job.id, clip.id, {"source": f"clips/{job.id}/{clip.id}"})
    assert complete_job(world.deps, world.deps.store.get(job.id))
    world.bus.drain()


def test_batch_completed_follows_every_items_ending(world: World, receiver: Receiver) -> None:
    world.register(receiver)
    batch, (first, second, third) = a_batch(world, 3)
    complete(world, first)
    fail_job(world.deps, second.id, KlairError("gone", code="source_unavailable"))
    world.bus.drain()
    assert "batch.completed" not in [h.event for h in receiver.hits]
    complete(world, third)
    events = [h.event for h in receiver.hits]
    assert events.count("batch.completed") == 1 and events[-1] == "batch.completed"
    endings = [h for h in receiver.hits if h.event in ("job.completed", "job.failed")]
    assert len(endings) == 3
    body = receiver.hits[-1].body
    assert body["data"]["batch_id"] == batch.id and body["sequence"] == 1
    assert body["data"]["counts"] == {"completed": 2, "failed": 1}
    assert all(h.verified for h in receiver.hits)


def test_redelivered_announcements_send_nothing_twice(world: World, receiver: Receiver) -> None:
    world.register(receiver)
    batch, jobs = a_batch(world, 2)
    for job in jobs:
        complete(world, job)
    for job in jobs:  # every announcement again
        world.finished(job.id)
    assert announce_batch(world.deps, batch.id) is False
    world.bus.drain()
    assert [h.event for h in receiver.hits].count("batch.completed") == 1
    assert len(world.log.records(batch.id)) == 1  # type: ignore[arg-type]


def test_batch_completed_waits_for_an_items_ending_still_retried(world: World) -> None:
    target = Receiver([204, 204, 503])  # job.failed, clip.ready, then job.completed fails
    try:
        world.register(target)
        _, (first, second) = a_batch(world, 2)
        fail_job(world.deps, first.id, KlairError("gone", code="source_unavailable"))
        world.bus.drain()
        complete(world, second)
    finally:
        target.close()
    events = [(h.event, h.answered) for h in target.hits]
    assert events[-3:] == [("job.completed", 503), ("job.completed", 204),
                           ("batch.completed", 204)]  # fmt: skip


def test_no_webhook_no_batch_event(world: World) -> None:
    batch, jobs = a_batch(world, 1)
    complete(world, jobs[0])
    assert world.log.records(batch.id) == []  # type: ignore[arg-type]
    assert world.deps.store.get(jobs[0].id).status is JobStatus.COMPLETED
