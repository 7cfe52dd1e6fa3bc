"""An upload end to end on fake-gcs-server and the Pub/Sub emulator: a V4 signed PUT, the
bucket's real finalize notification admitting the job once however often it is delivered,
and ingest probing the upload and copying it to `sources/` (whose own finalize follows)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest
from google.api_core.exceptions import AlreadyExists
from google.auth.credentials import AnonymousCredentials
from google.cloud import pubsub_v1, storage

from klair.adapters.clock import SystemClock
from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.adapters.ffmpeg_render import FfmpegClipRenderer
from klair.adapters.ffmpeg_transcode import FfmpegTranscoder
from klair.adapters.gcs_blobs import GcsBlobs
from klair.adapters.gcs_signing import KeyFileSigner
from klair.adapters.local.bus import InProcessBus, InProcessTaskQueue
from klair.adapters.memory.store import MemoryJobStore
from klair.adapters.memory.usage import MemoryUsageLedger
from klair.adapters.memory.users import MemoryUserStore
from klair.adapters.signals_analyzer import SignalsAnalyzer
from klair.adapters.ytdlp_downloader import YtDlpDownloader
from klair.bootstrap import for_tests
from klair.cli.sample import make_sample_video
from klair.config import Settings
from klair.devstack.emulators import Emulators
from klair.devstack.signing_key import write_signing_key
from klair.domain.events import ObjectFinalized, StartIngest
from klair.domain.ids import UserId
from klair.domain.job import JobOptions
from klair.domain.status import JobStatus
from klair.entry import wire
from klair.handlers.api.submit_job import UploadRequest, create_upload
from klair.handlers.deps import Deps
from klair.handlers.pipeline.admit_upload import admit_upload
from klair.handlers.pipeline.ingest_source import ingest_source
from klair.handlers.steps.delivery import deliver

pytestmark = [pytest.mark.media, pytest.mark.emulator]
OWNER = UserId("user_uploader")
TOPIC = "gcs-events"  # where the test session's fake-gcs-server publishes every finalize


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sample_video(
        tmp_path_factory.mktemp("up") / "talk.mp4", 6, width=320, height=180
    ).path


@pytest.fixture
def notifications(emulator_stack: Emulators) -> Iterator[tuple[pubsub_v1.SubscriberClient, str]]:
    """A pull subscription on the bucket notifications' topic, made before any write."""
    publisher, subscriber = pubsub_v1.PublisherClient(), pubsub_v1.SubscriberClient()
    topic = publisher.topic_path(emulator_stack.project, TOPIC)
    with contextlib.suppress(AlreadyExists):
        publisher.create_topic(name=topic)
    name = subscriber.subscription_path(emulator_stack.project, f"upload-{uuid.uuid4().hex[:8]}")
    subscriber.create_subscription(name=name, topic=topic)
    yield subscriber, name
    subscriber.delete_subscription(subscription=name)


def finalized(
    subscriber: pubsub_v1.SubscriberClient, name: str, bucket: str
) -> list[ObjectFinalized]:
    """The finalize notifications of `bucket` received so far, decoded as the functions do."""
    events: list[ObjectFinalized] = []
    for _ in range(10):
        pulled = subscriber.pull(subscription=name, max_messages=20, timeout=10)
        for received in pulled.received_messages:
            message = received.message
            event = wire.decode_gcs_notification(message.data, dict(message.attributes))
            if event is not None and event.bucket == bucket:
                events.append(event)
        if pulled.received_messages:
            subscriber.acknowledge(
                subscription=name, ack_ids=[r.ack_id for r in pulled.received_messages]
            )
        if events:
            return events
    return events


@pytest.fixture
def world(emulator_stack: Emulators, tmp_path: Path) -> tuple[Deps, str]:
    """Deps on fake-gcs-server (a fresh bucket, signed with a throwaway key) and fakes."""
    host = urlparse(emulator_stack.gcs).netloc
    httpx.put(f"{emulator_stack.gcs}/_internal/config", json={"publicHost": host}, timeout=10)
    client = storage.Client(emulator_stack.project, AnonymousCredentials())  # type: ignore[no-untyped-call]
    key = tmp_path / "signer.json"
    write_signing_key(key, emulator_stack.project)
    bucket = f"media-{uuid.uuid4().hex[:12]}"
    blobs = GcsBlobs(bucket, lambda: client, KeyFileSigner(key))
    blobs.ensure_bucket()
    bus = InProcessBus()
    deps = for_tests(
        settings=Settings(local_root=tmp_path),
        store=MemoryJobStore(),
        usage=MemoryUsageLedger(),
        blobs=blobs,
        bus=bus,
        tasks=InProcessTaskQueue(bus),
        clock=SystemClock(),
        probe=FfprobeMediaProbe(),
        downloader=YtDlpDownloader(),
        transcoder=FfmpegTranscoder(),
        analyzer=SignalsAnalyzer(),
        renderer=FfmpegClipRenderer(),
        users=MemoryUserStore(),
    )
    return deps, bucket


def test_a_signed_upload_is_admitted_once_and_becomes_the_source(
    world: tuple[Deps, str], notifications: tuple[pubsub_v1.SubscriberClient, str], talk: Path
) -> None:
    deps, bucket = world
    subscriber, subscription = notifications
    options = JobOptions(min_clip_seconds=3, max_clip_seconds=5)
    request = UploadRequest(filename="talk.mp4", size_bytes=talk.stat().st_size, options=options)
    ticket, _ = create_upload(deps, OWNER, request)

    put = httpx.put(ticket.upload_url, content=talk.read_bytes(), headers=ticket.upload_headers)
    assert put.status_code == 200, put.text
    [upload] = finalized(subscriber, subscription, bucket)

    assert upload.name == ticket.object_name and upload.size == talk.stat().st_size
    assert admit_upload(deps, upload) is True
    assert admit_upload(deps, upload) is False  # the same generation, delivered again
    assert deps.store.get(ticket.job_id).status is JobStatus.QUEUED

    assert deliver(deps, ingest_source, StartIngest(job_id=ticket.job_id), "ingest") is True
    job = deps.store.get(ticket.job_id)
    assert job.media is not None and job.media.has_video and job.media.has_audio
    assert job.source_object is not None
    assert deps.blobs.read_bytes(job.source_object) == talk.read_bytes()
    [source] = finalized(subscriber, subscription, bucket)
    assert source.name == job.source_object
