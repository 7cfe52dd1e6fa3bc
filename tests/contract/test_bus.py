"""One Bus contract, run against the in-process bus and against Pub/Sub (emulator)."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from google.api_core import exceptions as gexc

from klair.adapters.local.bus import Envelope, InProcessBus
from klair.adapters.pubsub_bus import PubSubBus
from klair.devstack.emulators import Emulators
from klair.domain.errors import Transient
from klair.domain.events import (
    AnalysisCompleted,
    ChunkReady,
    DeadLettered,
    Message,
    ObjectFinalized,
)
from klair.domain.ids import JobId
from klair.entry import wire
from klair.ports.messaging import Bus

PROJECT = "demo-klair"
Received = list[tuple[Message, dict[str, str]]]


@dataclass
class Harness:
    bus: Bus
    listen: Callable[[type[Message]], None]
    receive: Callable[[type[Message], int], Received]


def inprocess_harness() -> Harness:
    bus = InProcessBus()
    delivered: dict[str, list[Message]] = {}
    on_wire: dict[str, list[Envelope]] = {}

    def listen(kind: type[Message]) -> None:
        delivered[kind.type_name()], on_wire[kind.type_name()] = [], []
        bus.subscribe(kind, delivered[kind.type_name()].append, name=kind.type_name())

    def receive(kind: type[Message], count: int) -> Received:
        for envelope in bus.pending():
            on_wire[envelope.subscription].append(envelope)
        bus.drain()
        envelopes, messages = on_wire[kind.type_name()], delivered[kind.type_name()]
        decoded = [wire.decode(e.data, e.attributes, kind) for e in envelopes]
        assert messages == decoded  # what the handler got is exactly the wire form
        received = [(m, dict(e.attributes)) for m, e in zip(decoded, envelopes, strict=True)]
        envelopes.clear()
        messages.clear()
        return received

    return Harness(bus, listen, receive)


class PubSubProbe:
    """Pull subscriptions on the emulator, made by the test like a consumer would."""

    def __init__(self, project: str) -> None:
        from google.cloud import pubsub_v1

        self.project = project
        self.publisher = pubsub_v1.PublisherClient()
        self.subscriber = pubsub_v1.SubscriberClient()
        self.run = uuid.uuid4().hex[:8]

    def subscription(self, topic: str) -> str:
        return str(self.subscriber.subscription_path(self.project, f"probe-{topic}-{self.run}"))

    def listen(self, topic: str) -> None:
        topic_path = self.publisher.topic_path(self.project, topic)
        with contextlib.suppress(gexc.AlreadyExists):
            self.publisher.create_topic(name=topic_path)
        self.subscriber.create_subscription(name=self.subscription(topic), topic=topic_path)

    def pull(self, topic: str, count: int) -> list[tuple[bytes, dict[str, str]]]:
        name = self.subscription(topic)
        got: list[tuple[bytes, dict[str, str]]] = []
        deadline = time.monotonic() + 20
        while len(got) < count and time.monotonic() < deadline:
            response = self.subscriber.pull(
                request={"subscription": name, "max_messages": 10}, timeout=5
            )
            ack_ids = [m.ack_id for m in response.received_messages]
            if ack_ids:
                self.subscriber.acknowledge(subscription=name, ack_ids=ack_ids)
            got += [
                (m.message.data, dict(m.message.attributes)) for m in response.received_messages
            ]
        return got


def pubsub_harness(stack: Emulators) -> Harness:
    probe = PubSubProbe(stack.project)

    def receive(kind: type[Message], count: int) -> Received:
        raw = probe.pull(kind.topic, count)
        return [(wire.decode(data, attributes, kind), attributes) for data, attributes in raw]

    return Harness(PubSubBus(stack.project), lambda kind: probe.listen(kind.topic), receive)


@pytest.fixture(params=["inprocess", pytest.param("pubsub", marks=pytest.mark.emulator)])
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    if request.param == "inprocess":
        yield inprocess_harness()
    else:
        yield pubsub_harness(request.getfixturevalue("emulator_stack"))


def chunk(index: int) -> ChunkReady:
    return ChunkReady(
        job_id=JobId("job_c0ffee"), index=index, start=index * 570.0, end=index * 570 + 600, total=3
    )


def test_published_events_arrive_intact_and_labelled(harness: Harness) -> None:
    harness.listen(ChunkReady)
    sent = [chunk(i) for i in range(3)]
    ids = [harness.bus.publish(event) for event in sent]
    assert len(set(ids)) == 3 and all(ids)
    received = harness.receive(ChunkReady, 3)
    assert sorted((m for m, _ in received), key=lambda m: getattr(m, "index", 0)) == sent
    for _, attributes in received:
        assert attributes["type"] == "ChunkReady"
        assert attributes["version"] == "1"
        assert attributes["job_id"] == "job_c0ffee"


def test_a_topic_carries_only_its_own_events(harness: Harness) -> None:
    harness.listen(ChunkReady)
    harness.listen(AnalysisCompleted)
    done = AnalysisCompleted(job_id=JobId("job_c0ffee"), chunks=3)
    harness.bus.publish(chunk(0))
    harness.bus.publish(done)
    assert [m for m, _ in harness.receive(AnalysisCompleted, 1)] == [done]
    assert [m for m, _ in harness.receive(ChunkReady, 1)] == [chunk(0)]


def test_an_event_without_a_job_travels_without_a_job_label(harness: Harness) -> None:
    harness.listen(DeadLettered)
    letter = DeadLettered(subscription="export-clip-selected", original_type="ClipSelected")
    harness.bus.publish(letter)
    ((message, attributes),) = harness.receive(DeadLettered, 1)
    assert message == letter
    assert "job_id" not in attributes
    assert attributes["type"] == "DeadLettered"


class _FailingFuture:
    def result(self, timeout: float | None = None) -> str:
        raise gexc.NotFound("Topic not found")


class _FailingPublisher:
    def publish(self, topic: str, data: bytes, **attrs: str) -> _FailingFuture:
        return _FailingFuture()


def test_pubsub_publish_failure_is_transient() -> None:
    bus = PubSubBus(PROJECT, publisher_factory=_FailingPublisher)
    with pytest.raises(Transient):
        bus.publish(chunk(0))


@pytest.mark.emulator
def test_fake_gcs_finalize_notification_decodes(emulator_stack: Emulators) -> None:
    from google.auth.credentials import AnonymousCredentials
    from google.cloud import storage

    probe = PubSubProbe(emulator_stack.project)
    probe.listen(ObjectFinalized.topic)  # gcs-events: where fake-gcs-server publishes finalizes
    client: Any = storage.Client(project=PROJECT, credentials=AnonymousCredentials())
    bucket = client.create_bucket(f"contract-{probe.run}")
    blob = bucket.blob("uploads/u1/up1/my talk.mp4")
    blob.upload_from_string(b"12345", content_type="video/mp4")
    events = [wire.decode_gcs_notification(d, a) for d, a in probe.pull("gcs-events", 1)]
    assert events == [
        ObjectFinalized(
            bucket=bucket.name,
            name="uploads/u1/up1/my talk.mp4",
            generation=str(blob.generation),
            size=5,
            content_type="video/mp4",
        )
    ]
