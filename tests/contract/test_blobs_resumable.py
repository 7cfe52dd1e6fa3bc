"""The Blobs contract for resumable upload sessions, on the memory fake, the filesystem and
GCS (fake-gcs-server): one PUT or chunks, a cut mid-chunk, a status query, the rest, and an
object only once every declared byte arrived."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest

from klair.adapters.gcs_blobs import GcsBlobs
from klair.adapters.local.blobs import LocalBlobs
from klair.adapters.memory.blobs import MemoryBlobs
from klair.domain.errors import InvalidInput
from klair.domain.events import ObjectFinalized
from klair.ports.storage import Blobs
from tests.contract.resumable_client import FakeGcsResumableGaps, cut, kept, send
from tests.contract.test_blobs import blobs, gcs_blobs, gcs_client, signing_key  # noqa: F401

NAME = "uploads/u1/up1/talk.mp4"
CHUNK = 256 * 1024  # GCS takes chunks in multiples of 256 KiB, the last one excepted


def client_for(store: Blobs) -> httpx.Client:
    """A plain HTTP client that reaches the store's sessions (in process for the fakes)."""
    if isinstance(store, MemoryBlobs | LocalBlobs):
        return httpx.Client(transport=store.upload_transport(), timeout=10)
    return httpx.Client(transport=FakeGcsResumableGaps(), timeout=10)


def test_a_session_takes_the_whole_file_in_one_put(blobs: Blobs) -> None:  # noqa: F811
    data = os.urandom(3000)
    url = blobs.resumable_upload(NAME, "video/mp4", len(data))
    with client_for(blobs) as client:
        done = client.put(url, content=data, headers={"Content-Type": "video/mp4"})
    assert done.status_code in (200, 201), done.text
    assert blobs.read_bytes(NAME) == data


def test_an_upload_cut_mid_chunk_resumes_where_the_session_says(blobs: Blobs) -> None:  # noqa: F811
    data = os.urandom(2 * CHUNK + 5000)
    total = len(data)
    url = blobs.resumable_upload(NAME, "video/mp4", total)
    with client_for(blobs) as client:
        assert kept(client, url, total) == 0
        first = send(client, url, data[:CHUNK], 0, total)
        assert first.status_code == 308 and first.headers["Range"] == f"bytes=0-{CHUNK - 1}"
        assert not blobs.exists(NAME)

        cut(client, url, data[CHUNK:], CHUNK, total, after=CHUNK // 2)
        offset = kept(client, url, total)
        assert offset is not None and CHUNK <= offset < total  # GCS may keep part of the cut
        assert not blobs.exists(NAME)

        rest = send(client, url, data[offset:], offset, total)
        assert rest.status_code in (200, 201), rest.text
        assert kept(client, url, total) is None
    assert blobs.read_bytes(NAME) == data


def test_sessions_are_for_one_object_each(blobs: Blobs) -> None:  # noqa: F811
    one = blobs.resumable_upload("uploads/u1/a/a.mp4", "video/mp4", 3)
    two = blobs.resumable_upload("uploads/u1/b/b.mp4", "video/mp4", 3)
    assert one != two
    with client_for(blobs) as client:
        assert client.put(two, content=b"two").status_code in (200, 201)
    assert blobs.read_bytes("uploads/u1/b/b.mp4") == b"two"
    assert not blobs.exists("uploads/u1/a/a.mp4")
    with pytest.raises(InvalidInput):
        blobs.resumable_upload("../escape.mp4", "video/mp4", 3)


@pytest.mark.parametrize("kind", ["memory", "local"])
def test_a_session_refuses_bytes_past_its_size(kind: str, tmp_path: Path) -> None:
    """GCS does the same (the session's `X-Upload-Content-Length`); fake-gcs-server does not,
    which is why the finalize handler checks the size too (tests/media/test_upload_resume)."""
    store = MemoryBlobs() if kind == "memory" else LocalBlobs(tmp_path)
    url = store.resumable_upload(NAME, "video/mp4", 1000)
    with client_for(store) as client:
        assert client.put(url, content=os.urandom(1001)).status_code == 400
        assert send(client, url, os.urandom(600), 0, 1000).status_code == 308
        assert send(client, url, os.urandom(500), 600, 1100).status_code == 400  # other total
        assert send(client, url, os.urandom(401), 600, 1000).status_code == 400  # past the end
        assert send(client, url, os.urandom(10), 700, 1000).status_code == 400  # a gap
        assert kept(client, url, 1000) == 600
    assert not store.exists(NAME)
    with pytest.raises(InvalidInput):
        store.resumable_upload(NAME, "video/mp4", -1)


@pytest.mark.parametrize("kind", ["memory", "local"])
def test_a_finished_session_is_finalized_once(kind: str, tmp_path: Path) -> None:
    events: list[ObjectFinalized] = []
    store: Blobs = (
        MemoryBlobs(events.append) if kind == "memory" else LocalBlobs(tmp_path, events.append)
    )
    url = store.resumable_upload(NAME, "audio/mp4", 2 * CHUNK)
    with client_for(store) as client:
        send(client, url, b"a" * CHUNK, 0, 2 * CHUNK)
        assert events == []
        assert send(client, url, b"b" * CHUNK, CHUNK, 2 * CHUNK).status_code == 200
        assert send(client, url, b"b" * CHUNK, CHUNK, 2 * CHUNK).status_code == 200  # again
    assert [(e.name, e.size, e.content_type) for e in events] == [(NAME, 2 * CHUNK, "audio/mp4")]
    if isinstance(store, MemoryBlobs):
        assert store.content_type(NAME) == "audio/mp4"


@pytest.mark.emulator
def test_a_gcs_session_is_a_json_api_upload_of_the_object(gcs_blobs: GcsBlobs) -> None:  # noqa: F811
    url = gcs_blobs.resumable_upload(NAME, "video/mp4", 10, origin="https://app.klair.example")
    assert "/upload/storage/v1/b/" in url and "uploadType=resumable" in url
    assert "upload_id=" in url
