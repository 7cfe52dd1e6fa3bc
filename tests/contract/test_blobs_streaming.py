"""The Blobs contract for streamed writes (`open_write`) and `size`, on the memory fake, the
filesystem and GCS (fake-gcs-server): an object appears whole on a normal exit, and an
exception inside the writer's context leaves no object, new or partial."""

from __future__ import annotations

import os
from pathlib import Path

import google.cloud.storage as storage
import pytest

from klair.adapters.gcs_blobs import GcsBlobs
from klair.adapters.local.blobs import LocalBlobs
from klair.adapters.memory.blobs import MemoryBlobs
from klair.domain.errors import NotFound
from klair.domain.events import ObjectFinalized
from klair.ports.storage import Blobs
from tests.contract.test_blobs import blobs, gcs_blobs, gcs_client, signing_key  # noqa: F401

NAME = "work/j1/incoming/source.mp4"


class Aborted(Exception):
    pass


def test_a_streamed_write_stores_every_byte_and_only_on_exit(blobs: Blobs) -> None:  # noqa: F811
    pieces = [os.urandom(64 * 1024) for _ in range(20)]

    with blobs.open_write(NAME, "video/mp4") as out:
        for piece in pieces:
            out.write(piece)
        assert not blobs.exists(NAME)

    assert blobs.read_bytes(NAME) == b"".join(pieces)
    assert blobs.size(NAME) == 20 * 64 * 1024


def test_an_exception_inside_a_streamed_write_leaves_no_object(blobs: Blobs) -> None:  # noqa: F811
    with pytest.raises(Aborted), blobs.open_write(NAME) as out:
        out.write(os.urandom(300 * 1024))
        raise Aborted

    assert not blobs.exists(NAME)
    assert blobs.list("work/j1/") == []


def test_an_aborted_rewrite_keeps_the_previous_object(blobs: Blobs) -> None:  # noqa: F811
    blobs.put_bytes(NAME, b"first")

    with pytest.raises(Aborted), blobs.open_write(NAME) as out:
        out.write(b"second, never whole")
        raise Aborted

    assert blobs.read_bytes(NAME) == b"first"


def test_size_is_the_objects_length(blobs: Blobs) -> None:  # noqa: F811
    blobs.put_bytes("work/j1/a.bin", b"12345")
    with blobs.open_write("work/j1/empty.bin"):
        pass

    assert (blobs.size("work/j1/a.bin"), blobs.size("work/j1/empty.bin")) == (5, 0)
    with pytest.raises(NotFound):
        blobs.size("work/j1/missing.bin")


@pytest.mark.parametrize("kind", ["memory", "local"])
def test_a_streamed_write_is_finalized_once_and_an_aborted_one_never(
    kind: str, tmp_path: Path
) -> None:
    events: list[ObjectFinalized] = []
    store: Blobs = (
        MemoryBlobs(events.append) if kind == "memory" else LocalBlobs(tmp_path, events.append)
    )
    with pytest.raises(Aborted), store.open_write("work/j1/gone.mp4") as out:
        out.write(b"x" * 1000)
        raise Aborted
    with store.open_write(NAME) as out:
        out.write(b"y" * 1000)

    assert [(e.name, e.size, e.content_type) for e in events] == [(NAME, 1000, "video/mp4")]
    if kind == "local":  # the temp file was renamed or removed: nothing else on disk
        assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["source.mp4"]


@pytest.mark.emulator
def test_a_gcs_streamed_write_uploads_chunk_by_chunk(
    gcs_blobs: GcsBlobs,  # noqa: F811
    gcs_client: storage.Client,  # noqa: F811
) -> None:
    """With 256 KiB chunks, 1.3 MiB goes up in several requests of a resumable upload; the
    object exists only once the last one finalizes it."""
    small = GcsBlobs(
        gcs_blobs.uri("x").split("/")[2], lambda: gcs_client, upload_chunk_bytes=256 * 1024
    )
    data = os.urandom(1300 * 1024)

    with small.open_write(NAME) as out:
        for at in range(0, len(data), 100 * 1024):
            out.write(data[at : at + 100 * 1024])
        assert not small.exists(NAME)  # several chunks sent, none visible yet

    assert small.read_bytes(NAME) == data
    with pytest.raises(Aborted), small.open_write("work/j1/aborted.mp4") as out:
        out.write(data)  # five chunks already sent
        raise Aborted
    assert small.list("work/j1/") == [NAME]
