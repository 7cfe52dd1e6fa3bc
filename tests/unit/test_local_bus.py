"""The in-process bus and task queue of the embedded mode."""

from __future__ import annotations

import pytest

from klair.adapters.local.bus import InProcessBus, InProcessTaskQueue
from klair.domain.errors import InvalidInput, Transient
from klair.domain.events import AnalysisCompleted, ChunkReady, DeadLettered, StartIngest
from klair.domain.ids import JobId

JOB = JobId("job_1")


def chunk(index: int, total: int = 3) -> ChunkReady:
    return ChunkReady(
        job_id=JOB, index=index, start=index * 600.0, end=index * 600.0 + 630, total=total
    )


def test_publish_enqueues_and_drain_delivers_in_order() -> None:
    bus = InProcessBus()
    seen: list[ChunkReady] = []
    bus.subscribe(ChunkReady, seen.append)
    ids = [bus.publish(chunk(i)) for i in range(3)]
    assert seen == []
    assert len(set(ids)) == 3
    assert bus.drain() == 3
    assert seen == [chunk(0), chunk(1), chunk(2)]
    assert bus.drain() == 0


def test_a_handler_that_publishes_only_enqueues_breadth_first() -> None:
    bus = InProcessBus()
    order: list[str] = []

    def analyze(event: ChunkReady) -> None:
        order.append(f"chunk {event.index}")
        if event.index == event.total - 1:
            bus.publish(AnalysisCompleted(job_id=event.job_id, chunks=event.total))
        assert bus.drain() == 0  # nested drains do nothing: no recursion

    bus.subscribe(ChunkReady, analyze)
    bus.subscribe(AnalysisCompleted, lambda e: order.append(f"completed {e.chunks}"))
    for i in range(3):
        bus.publish(chunk(i))
    bus.drain()
    assert order == ["chunk 0", "chunk 1", "chunk 2", "completed 3"]


def test_every_subscription_gets_its_own_copy() -> None:
    bus = InProcessBus()
    first: list[ChunkReady] = []
    second: list[ChunkReady] = []
    bus.subscribe(ChunkReady, first.append, name="one")
    bus.subscribe(ChunkReady, second.append, name="two")
    bus.publish(chunk(0))
    assert [e.subscription for e in bus.pending()] == ["one", "two"]
    bus.drain()
    assert first == second == [chunk(0)]


def test_messages_travel_in_wire_form() -> None:
    bus = InProcessBus()
    bus.subscribe(ChunkReady, lambda e: None)
    bus.publish(chunk(1))
    (envelope,) = bus.pending()
    assert envelope.attributes == {"type": "ChunkReady", "version": "1", "job_id": "job_1"}
    assert ChunkReady.model_validate_json(envelope.data) == chunk(1)


def test_unsubscribed_messages_are_dropped() -> None:
    bus = InProcessBus()
    bus.publish(chunk(0))
    assert bus.pending() == []


def test_transient_failures_are_retried_then_succeed() -> None:
    bus = InProcessBus(max_attempts=5)
    calls: list[int] = []

    def flaky(event: ChunkReady) -> None:
        calls.append(event.index)
        if len(calls) < 3:
            raise Transient("try again")

    bus.subscribe(ChunkReady, flaky)
    bus.publish(chunk(0))
    bus.drain()
    assert calls == [0, 0, 0]


def test_exhausted_retries_dead_letter_the_message() -> None:
    bus = InProcessBus(max_attempts=3)
    letters: list[DeadLettered] = []

    def always_down(event: ChunkReady) -> None:
        raise Transient("down")

    bus.subscribe(ChunkReady, always_down, name="analyze-chunk-ready")
    bus.subscribe(DeadLettered, letters.append)
    bus.publish(chunk(0))
    assert bus.drain() == 4  # three attempts and the dead letter
    assert letters == [
        DeadLettered(subscription="analyze-chunk-ready", job_id=JOB, original_type="ChunkReady")
    ]


def test_a_permanent_failure_is_acked_not_retried() -> None:
    bus = InProcessBus()
    calls: list[int] = []

    def refuse(event: ChunkReady) -> None:
        calls.append(event.index)
        raise InvalidInput("bad chunk")

    bus.subscribe(ChunkReady, refuse)
    bus.publish(chunk(0))
    bus.drain()
    assert calls == [0]
    assert bus.pending() == []


def test_a_bug_propagates_out_of_drain() -> None:
    bus = InProcessBus()

    def broken(event: ChunkReady) -> None:
        raise ZeroDivisionError

    bus.subscribe(ChunkReady, broken)
    bus.publish(chunk(0))
    with pytest.raises(ZeroDivisionError):
        bus.drain()


def test_task_queue_dedups_by_name_and_delivers_through_the_bus() -> None:
    bus = InProcessBus()
    tasks = InProcessTaskQueue(bus)
    started: list[StartIngest] = []
    bus.subscribe(StartIngest, started.append)
    command = StartIngest(job_id=JOB)
    assert tasks.enqueue("klair-free", "job_1", "http://ingest/", command) is True
    assert tasks.enqueue("klair-free", "job_1", "http://ingest/", command) is False
    assert tasks.enqueue("klair-pro", "job_1", "http://ingest/", command) is True
    bus.drain()
    assert started == [command, command]
