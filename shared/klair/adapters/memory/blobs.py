"""In-memory blobs: a dict-backed fake of the media bucket for fast, honest unit tests."""

from __future__ import annotations

import hashlib
import io
import tempfile
import threading
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlencode

import httpx

from klair.adapters.local.resumable import ResumableSessions
from klair.domain.errors import InvalidInput, NotFound
from klair.domain.events import ObjectFinalized
from klair.domain.naming import check_name, check_prefix, guess_type

BUCKET = "memory"


@dataclass(frozen=True)
class _Object:
    data: bytes
    content_type: str


class MemoryBlobs:
    """Objects in a dict, with the same name rules and finalize hook as `LocalBlobs`.

    `signed_url` returns a `mem://` URL that records what a real one would bind (method,
    expiry, content type, size limit) so tests can check what a handler asked for.
    """

    def __init__(self, on_finalize: Callable[[ObjectFinalized], object] | None = None) -> None:
        self._objects: dict[str, _Object] = {}
        self._on_finalize = on_finalize
        self._lock = threading.Lock()
        self._generation = 0
        self._spill: tempfile.TemporaryDirectory[str] | None = None
        self._sessions = ResumableSessions("http://memory.invalid", self.put_bytes)

    def put_file(self, name: str, path: Path, content_type: str | None = None) -> None:
        self._put(name, path.read_bytes(), guess_type(name, content_type))

    def put_bytes(self, name: str, data: bytes, content_type: str | None = None) -> None:
        self._put(name, bytes(data), guess_type(name, content_type))

    @contextmanager
    def open_write(self, name: str, content_type: str | None = None) -> Iterator[BinaryIO]:
        """A buffer stored as the object when the context exits normally."""
        check_name(name)
        with io.BytesIO() as buffer:
            yield buffer
            self._put(name, buffer.getvalue(), guess_type(name, content_type))

    def size(self, name: str) -> int:
        return len(self.read_bytes(name))

    def download(self, name: str, path: Path) -> None:
        data = self.read_bytes(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    def read_bytes(self, name: str) -> bytes:
        with self._lock:
            found = self._objects.get(check_name(name))
        if found is None:
            raise NotFound(f"no object {name}", name=name)
        return found.data

    def read_range(self, name: str, start: int, end: int) -> bytes:
        return self.read_bytes(name)[start : max(start, end)]

    def exists(self, name: str) -> bool:
        with self._lock:
            return check_name(name) in self._objects

    def content_type(self, name: str) -> str:
        """The recorded content type (not part of the port; for tests)."""
        with self._lock:
            found = self._objects.get(check_name(name))
        if found is None:
            raise NotFound(f"no object {name}", name=name)
        return found.content_type

    def copy(self, src: str, dst: str) -> None:
        with self._lock:
            found = self._objects.get(check_name(src))
        if found is None:
            raise NotFound(f"no object {src}", name=src)
        self._put(dst, found.data, found.content_type)

    def delete_prefix(self, prefix: str, keep: Collection[str] = ()) -> int:
        check_prefix(prefix)
        with self._lock:
            doomed = [n for n in self._objects if n.startswith(prefix) and n not in keep]
            for name in doomed:
                del self._objects[name]
        return len(doomed)

    def uri(self, name: str) -> str:
        return f"mem://{check_name(name)}"

    def media_url(self, name: str, minutes: int = 60) -> str:
        """A file holding the object's bytes (tools cannot read this process's memory),
        written once per object version into a directory kept as long as the fake."""
        data = self.read_bytes(name)
        with self._lock:
            if self._spill is None:
                self._spill = tempfile.TemporaryDirectory(prefix="klair-memory-blobs-")
            path = (
                Path(self._spill.name)
                / f"{hashlib.sha256(data).hexdigest()[:24]}-{Path(name).name}"
            )
        if not path.exists():
            path.write_bytes(data)
        return str(path)

    def signed_url(
        self,
        name: str,
        method: str = "GET",
        minutes: int = 60,
        content_type: str | None = None,
        max_bytes: int | None = None,
    ) -> str:
        method = method.upper()
        if method not in ("GET", "PUT"):
            raise InvalidInput("signed URLs are for GET or PUT", method=method)
        query: dict[str, str | int] = {"method": method, "expires_in": minutes * 60}
        if method == "PUT" and content_type:
            query["content_type"] = content_type
        if method == "PUT" and max_bytes is not None:
            query["max_bytes"] = max_bytes
        return f"{self.uri(name)}?{urlencode(query)}"

    def resumable_upload(
        self, name: str, content_type: str, size: int, origin: str | None = None
    ) -> str:
        """A session served in process: reach it through `upload_transport()`."""
        return self._sessions.open(check_name(name), content_type, size, origin)

    def upload_transport(self) -> httpx.MockTransport:
        """The HTTP transport a client mounts to use the sessions (not part of the port)."""
        return self._sessions.transport()

    def list(self, prefix: str) -> list[str]:
        check_prefix(prefix)
        with self._lock:
            return sorted(name for name in self._objects if name.startswith(prefix))

    def _put(self, name: str, data: bytes, content_type: str) -> None:
        check_name(name)
        with self._lock:
            self._objects[name] = _Object(data, content_type)
            self._generation += 1
            generation = self._generation
        if self._on_finalize is not None:
            self._on_finalize(
                ObjectFinalized(
                    bucket=BUCKET,
                    name=name,
                    generation=str(generation),
                    size=len(data),
                    content_type=content_type,
                )
            )
