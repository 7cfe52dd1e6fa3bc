"""Port of the media bucket: objects by name, ranged reads, signed URLs and resumable upload
sessions."""

from __future__ import annotations

from collections.abc import Collection
from contextlib import AbstractContextManager
from pathlib import Path
from typing import BinaryIO, Protocol


class Blobs(Protocol):
    """Objects in the media bucket, named by their path within it."""

    def put_file(self, name: str, path: Path, content_type: str | None = None) -> None: ...
    def put_bytes(self, name: str, data: bytes, content_type: str | None = None) -> None: ...
    def open_write(
        self, name: str, content_type: str | None = None
    ) -> AbstractContextManager[BinaryIO]:
        """A writer streaming into the object, holding one chunk at a time: the object (and
        its finalize) exists only once the context exits normally; an exception inside it
        leaves no object and no partial one (GCS: a resumable upload, cancelled)."""

    def size(self, name: str) -> int:
        """The object's length in bytes; raises `NotFound`."""

    def download(self, name: str, path: Path) -> None:
        """Raises `NotFound`."""

    def read_bytes(self, name: str) -> bytes: ...
    def read_range(self, name: str, start: int, end: int) -> bytes:
        """Bytes `start` to `end` (exclusive) of the object, fewer where it ends first;
        raises `NotFound`."""

    def exists(self, name: str) -> bool: ...
    def copy(self, src: str, dst: str) -> None: ...
    def list(self, prefix: str) -> list[str]: ...
    def delete_prefix(self, prefix: str, keep: Collection[str] = ()) -> int:
        """Delete every object under `prefix` except those named in `keep`; the number
        deleted (objects gone meanwhile are not counted)."""

    def uri(self, name: str) -> str:
        """`gs://bucket/name` or `file:///...`: what a model or a tool can be pointed at."""

    def media_url(self, name: str, minutes: int = 60) -> str:
        """Where ffmpeg and ffprobe open the object and seek in it with ranged reads, so a
        tool reads only the bytes it needs (a segment, a clip): a signed GET URL, or a local
        path. Raises `NotFound` when there is no such object."""

    def signed_url(
        self,
        name: str,
        method: str = "GET",
        minutes: int = 60,
        content_type: str | None = None,
        max_bytes: int | None = None,
    ) -> str:
        """A V4 signed URL a plain HTTP client can use."""

    def resumable_upload(
        self, name: str, content_type: str, size: int, origin: str | None = None
    ) -> str:
        """Open a resumable upload session that writes `name` once: the session URI, which is
        itself the credential (hand it to the uploader, never log it).

        The session speaks Cloud Storage's resumable protocol: `PUT` the whole body, or
        chunks with `Content-Range: bytes a-b/size` (308 and `Range` while incomplete); after
        a cut, `PUT` with `Content-Range: bytes */size` and no body answers what was kept.
        The object (and its finalize) exists once exactly `size` bytes arrived; a body that
        goes past `size` is refused. `origin`, when given, is the browser origin the session
        answers CORS for. Raises `InvalidInput` for a negative size."""
