"""A job's webhook events reach the receiver in order: numbered 1..n with growing
`created_at`, the next sent only once the previous one is settled, and `job.completed` last
whatever order the announcements arrive in."""

from __future__ import annotations

from datetime import datetime

import pytest

from klair.domain.errors import NotExporting
from klair.domain.events import ClipExported
from klair.domain.ids import JobId
from klair.domain.job import Job
from klair.domain.status import JobStatus
from klair.handlers.steps.lifecycle import complete_job
from tests.unit.notify_world import (
    Hit,
    Receiver,
    World,
    receiver_fixture,
    world_fixture,
)

__all__ = ["receiver_fixture", "world_fixture"]  # the notify tests' fixtures


def exported(world: World, job: Job) -> Job:
    """Every clip recorded exported (what the export stage does before the job completes),
    without announcing any: their `ClipExported` is late."""
    for clip in world.deps.store.clips(job.id):
        world.deps.store.record_export(job.id, clip.id, {"source": f"clips/{job.id}/{clip.id}"})
    return world.deps.store.get(job.id)


def assert_in_order(hits: list[Hit], job_id: JobId) -> None:
    accepted = [
        h.body for h in hits if 200 <= h.answered < 300 and h.body["data"]["job_id"] == job_id
    ]
    assert [b["sequence"] for b in accepted] == list(range(1, len(accepted) + 1))
    stamps = [datetime.fromisoformat(b["created_at"]) for b in accepted]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)


def test_job_completed_follows_every_clip_even_when_their_announcements_are_late(
    world: World, receiver: Receiver
) -> None:
    world.register(receiver)
    job = exported(world, world.with_clips(world.job(), 3))
    assert complete_job(world.deps, job)
    world.bus.drain()  # only JobFinished was announced
    for clip in world.deps.store.clips(job.id):  # the late announcements
        world.bus.publish(ClipExported(job_id=job.id, clip_id=clip.id))
    world.bus.drain()
    assert [(h.event, h.body["data"].get("clip_id")) for h in receiver.hits] == [
        ("clip.ready", "clip_01"), ("clip.ready", "clip_02"), ("clip.ready", "clip_03"),
        ("job.completed", None),
    ]  # fmt: skip
    assert all(h.verified for h in receiver.hits)
    assert_in_order(receiver.hits, job.id)


def test_the_next_event_waits_while_the_previous_one_is_retried(world: World) -> None:
    target = Receiver([500, 503])
    try:
        world.register(target)
        job = world.with_clips(world.job(), 2)
        world.export_all(job)
    finally:
        target.close()
    assert [(h.event, h.answered) for h in target.hits] == [
        ("clip.ready", 500), ("clip.ready", 503), ("clip.ready", 204), ("clip.ready", 204),
        ("job.completed", 204),
    ]  # fmt: skip
    assert target.hits[0].event_id == target.hits[2].event_id
    assert_in_order(target.hits, job.id)


def test_an_event_given_up_lets_the_next_one_go(world: World) -> None:
    target = Receiver([410])  # the first clip.ready is refused: final
    try:
        world.register(target)
        job = world.with_clips(world.job(), 2)
        world.export_all(job)
    finally:
        target.close()
    assert [(h.event, h.answered, h.body["sequence"]) for h in target.hits] == [
        ("clip.ready", 410, 1), ("clip.ready", 204, 2), ("job.completed", 204, 3),
    ]  # fmt: skip


def test_a_late_clip_of_a_finished_job_is_not_sent(world: World, receiver: Receiver) -> None:
    world.register(receiver)
    job = world.with_clips(world.job(), 2)
    first = world.deps.store.clips(job.id)[0]
    world.deps.store.record_export(job.id, first.id, {"source": "clips/x"})
    world.deps.store.update(job.id, clips_total=1)  # the other clip never counted
    assert complete_job(world.deps, world.deps.store.get(job.id))
    world.bus.drain()
    late = world.deps.store.clips(job.id)[1]
    with pytest.raises(NotExporting):  # the store refuses a late export outright
        world.deps.store.record_export(job.id, late.id, {"source": "clips/y"})
    world.bus.publish(ClipExported(job_id=job.id, clip_id=late.id))  # announced anyway
    world.bus.drain()
    assert [h.event for h in receiver.hits] == ["clip.ready", "job.completed"]
    assert [r.event.value for r in world.log.records(job.id)] == ["clip.ready", "job.completed"]
    assert world.deps.store.get(job.id).status is JobStatus.COMPLETED
