"""A resumable upload on fake-gcs-server and the Pub/Sub emulator, sent as a user would with
plain httpx: cut mid-way, asked what was kept, resumed, then admitted by the bucket's real
finalize notification and ingested; and a body longer than declared refused."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from google.cloud import pubsub_v1

from klair.cli.sample import make_sample_video
from klair.domain.events import StartIngest
from klair.domain.job import JobOptions
from klair.domain.status import JobStatus
from klair.handlers.api.submit_job import UploadRequest, create_upload
from klair.handlers.deps import Deps
from klair.handlers.pipeline.admit_upload import admit_upload
from klair.handlers.pipeline.ingest_source import ingest_source
from klair.handlers.steps.delivery import deliver
from tests.contract.resumable_client import FakeGcsResumableGaps, cut, kept, send
from tests.media.test_upload_flow import OWNER, finalized, notifications, world

__all__ = ["notifications", "world"]
pytestmark = [pytest.mark.media, pytest.mark.emulator]
CHUNK = 256 * 1024


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = make_sample_video(tmp_path_factory.mktemp("resume") / "talk.mp4", 8).path
    assert path.stat().st_size > CHUNK + 100_000  # a first chunk, then a cut one
    return path


def test_an_upload_cut_mid_way_resumes_and_becomes_the_source(
    world: tuple[Deps, str], notifications: tuple[pubsub_v1.SubscriberClient, str], talk: Path
) -> None:
    deps, bucket = world
    subscriber, subscription = notifications
    data, total = talk.read_bytes(), talk.stat().st_size
    options = JobOptions(min_clip_seconds=3, max_clip_seconds=5)
    request = UploadRequest(filename="talk.mp4", size_bytes=total, options=options)
    ticket, _ = create_upload(deps, OWNER, request, origin="https://app.klair.example")
    url = ticket.upload_url

    with httpx.Client(transport=FakeGcsResumableGaps(), timeout=30) as client:
        assert send(client, url, data[:CHUNK], 0, total).status_code == 308
        cut(client, url, data[CHUNK:], CHUNK, total, after=(total - CHUNK) // 2)
        assert not deps.blobs.exists(ticket.object_name)
        offset = kept(client, url, total)
        assert offset is not None and CHUNK <= offset < total
        done = send(client, url, data[offset:], offset, total)
        assert done.status_code in (200, 201), done.text
        assert kept(client, url, total) is None

    [upload] = finalized(subscriber, subscription, bucket)  # one finalize, of the whole file
    assert (upload.name, upload.size) == (ticket.object_name, total)
    assert upload.content_type == "video/mp4"  # from the session: no chunk sent a type
    assert admit_upload(deps, upload) is True
    assert deps.store.get(ticket.job_id).status is JobStatus.QUEUED
    assert deliver(deps, ingest_source, StartIngest(job_id=ticket.job_id), "ingest") is True
    job = deps.store.get(ticket.job_id)
    assert job.media is not None and job.media.has_video and job.media.has_audio
    assert job.source_object is not None
    assert deps.blobs.read_bytes(job.source_object) == data


def test_more_bytes_than_declared_never_become_a_job(
    world: tuple[Deps, str], notifications: tuple[pubsub_v1.SubscriberClient, str]
) -> None:
    """Cloud Storage refuses the body (the session's declared length); fake-gcs-server takes
    it, and then the finalize fails the job with `upload_size_mismatch`."""
    deps, bucket = world
    subscriber, subscription = notifications
    ticket, _ = create_upload(deps, OWNER, UploadRequest(filename="a.mp4", size_bytes=1000))

    put = httpx.put(ticket.upload_url, content=os.urandom(1500), headers=ticket.upload_headers)

    if put.status_code >= 400:  # GCS
        assert not deps.blobs.exists(ticket.object_name)
        return
    [upload] = finalized(subscriber, subscription, bucket)
    assert upload.size == 1500
    assert deliver(deps, admit_upload, upload, "admit") is False
    job = deps.store.get(ticket.job_id)
    assert job.status is JobStatus.FAILED and job.error is not None
    assert job.error.code == "upload_size_mismatch"
