"""`POST /api/upload-url` hands out a resumable upload session of the declared size (on the
memory fake, which serves the GCS protocol in process), and the finalize refuses a file that
is not the size declared."""

from __future__ import annotations

import os
from datetime import datetime

import httpx

from klair.adapters.memory.blobs import MemoryBlobs
from klair.domain.events import ObjectFinalized
from klair.domain.status import JobStatus
from klair.handlers.pipeline.admit_upload import admit_upload
from klair.handlers.pipeline.sweep import BUDGETS
from klair.handlers.steps.delivery import deliver
from tests.contract.resumable_client import cut, kept, send
from tests.unit.api_world import World, make_world

CHUNK = 256 * 1024
ORIGIN = "https://app.klair.example"


def _ticket(world: World, size: int, **headers: str) -> dict[str, object]:
    body = {"filename": "talk.mp4", "size_bytes": size}
    response = world.call("POST", "/api/upload-url", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    ticket: dict[str, object] = response.get_json()
    return ticket


def _at(value: object) -> datetime:
    return datetime.fromisoformat(str(value))


def _client(world: World) -> httpx.Client:
    assert isinstance(world.deps.blobs, MemoryBlobs)
    return httpx.Client(transport=world.deps.blobs.upload_transport())


def test_the_ticket_is_a_resumable_session_of_the_declared_size() -> None:
    world = make_world()
    data = os.urandom(2 * CHUNK + 100)
    ticket = _ticket(world, len(data), Origin=ORIGIN)
    assert ticket["upload_protocol"] == "gcs-resumable"
    assert ticket["upload_method"] == "PUT"
    assert ticket["upload_size_bytes"] == len(data)
    assert ticket["upload_headers"] == {"Content-Type": "video/mp4"}
    window = _at(ticket["upload_expires_at"]) - _at(ticket["created_at"])
    assert window == BUDGETS[JobStatus.AWAITING_UPLOAD]  # then the sweeper fails the job

    url, total = str(ticket["upload_url"]), len(data)
    with _client(world) as client:
        first = send(client, url, data[:CHUNK], 0, total)
        assert first.status_code == 308
        cut(client, url, data[CHUNK:], CHUNK, total, after=1000)
        offset = kept(client, url, total)
        assert offset == CHUNK
        last = client.put(
            url,
            content=data[offset:],
            headers={"Content-Range": f"bytes {offset}-{total - 1}/{total}", "Origin": ORIGIN},
        )
    assert last.status_code == 200
    assert last.headers["Access-Control-Allow-Origin"] == ORIGIN  # the browser may read it
    assert world.deps.blobs.read_bytes(str(ticket["object_name"])) == data


def test_a_single_put_with_the_ticket_headers_still_uploads() -> None:
    world = make_world()
    ticket = _ticket(world, 1000)
    headers = dict(ticket["upload_headers"])  # type: ignore[call-overload]
    with _client(world) as client:
        too_long = client.put(str(ticket["upload_url"]), content=b"x" * 1001, headers=headers)
        assert too_long.status_code == 400
        done = client.put(str(ticket["upload_url"]), content=b"x" * 1000, headers=headers)
    assert done.status_code == 200
    assert world.deps.blobs.read_bytes(str(ticket["object_name"])) == b"x" * 1000


def _finalized(ticket: dict[str, object], size: int) -> ObjectFinalized:
    name = str(ticket["object_name"])
    return ObjectFinalized(
        bucket="memory", name=name, generation="7", size=size, content_type="video/mp4"
    )


def test_a_file_not_of_the_declared_size_fails_the_job_at_finalize() -> None:
    world = make_world()
    longer, exact = _ticket(world, 1000), _ticket(world, 1000)

    deliver(world.deps, admit_upload, _finalized(longer, 1001), "admit")
    assert admit_upload(world.deps, _finalized(exact, 1000)) is True

    failed = world.job(str(longer["job_id"]))
    assert failed.status is JobStatus.FAILED and failed.error is not None
    assert failed.error.code == "upload_size_mismatch"
    assert world.job(str(exact["job_id"])).status is JobStatus.QUEUED
