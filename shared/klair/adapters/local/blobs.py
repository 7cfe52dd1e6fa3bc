"""Filesystem blobs for the embedded mode: one directory stands in for the media bucket."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import httpx

from klair.adapters.local.resumable import ResumableSessions
from klair.domain.errors import InvalidInput, NotFound
from klair.domain.events import ObjectFinalized
from klair.domain.naming import check_name, check_prefix, guess_type

BUCKET = "local"


class LocalBlobs:
    """Objects are files under `root/local/`; writes are atomic (temp file, then rename).

    After every put or copy, `on_finalize` receives an `ObjectFinalized` (bucket "local",
    a strictly increasing generation), mirroring fake-gcs-server's finalize notifications
    so the embedded mode can run the same triggers. The embedded mode has no HTTP server,
    so a signed GET URL is the object's `file://` URI, signed uploads are refused and upload
    sessions are served in process.
    """

    def __init__(
        self, root: Path, on_finalize: Callable[[ObjectFinalized], object] | None = None
    ) -> None:
        self._root = root.resolve()
        self._objects = self._root / BUCKET
        self._tmp = self._root / ".tmp"
        self._on_finalize = on_finalize
        self._lock = threading.Lock()
        self._last_generation = 0
        self._sessions = ResumableSessions("http://local.invalid", self.put_bytes)

    def put_file(self, name: str, path: Path, content_type: str | None = None) -> None:
        with self._writing(name) as tmp:
            shutil.copyfile(path, tmp)
        self._finalized(name, content_type)

    def put_bytes(self, name: str, data: bytes, content_type: str | None = None) -> None:
        with self._writing(name) as tmp:
            tmp.write_bytes(data)
        self._finalized(name, content_type)

    @contextmanager
    def open_write(self, name: str, content_type: str | None = None) -> Iterator[BinaryIO]:
        """A temp file renamed onto the object (then finalized) on a normal exit only."""
        with self._writing(name) as tmp, tmp.open("wb") as file:
            yield file
        self._finalized(name, content_type)

    def size(self, name: str) -> int:
        try:
            return self._existing(name).stat().st_size
        except FileNotFoundError as exc:
            raise NotFound(f"no object {name}", name=name) from exc

    def download(self, name: str, path: Path) -> None:
        source = self._existing(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(source, path)
        except FileNotFoundError as exc:  # deleted between the check and the copy
            raise NotFound(f"no object {name}", name=name) from exc

    def read_range(self, name: str, start: int, end: int) -> bytes:
        try:
            with self._existing(name).open("rb") as f:
                f.seek(start)
                return f.read(max(0, end - start))
        except FileNotFoundError as exc:
            raise NotFound(f"no object {name}", name=name) from exc

    def read_bytes(self, name: str) -> bytes:
        try:
            return self._existing(name).read_bytes()
        except FileNotFoundError as exc:
            raise NotFound(f"no object {name}", name=name) from exc

    def exists(self, name: str) -> bool:
        return self._path(name).is_file()

    def copy(self, src: str, dst: str) -> None:
        source = self._existing(src)
        with self._writing(dst) as tmp:
            try:
                shutil.copyfile(source, tmp)
            except FileNotFoundError as exc:
                raise NotFound(f"no object {src}", name=src) from exc
        self._finalized(dst, None)

    def delete_prefix(self, prefix: str, keep: Collection[str] = ()) -> int:
        count = 0
        for name in self.list(prefix):
            if name in keep:
                continue
            path = self._path(name)
            try:
                path.unlink()
            except FileNotFoundError:
                continue
            count += 1
            self._prune(path.parent)
        return count

    def uri(self, name: str) -> str:
        return self._path(name).as_uri()

    def media_url(self, name: str, minutes: int = 60) -> str:
        """The object's own file: tools seek in it directly."""
        return str(self._existing(name))

    def signed_url(
        self,
        name: str,
        method: str = "GET",
        minutes: int = 60,
        content_type: str | None = None,
        max_bytes: int | None = None,
    ) -> str:
        """For GET, the object's `file://` URI; PUT raises `InvalidInput` (no HTTP server)."""
        if method.upper() != "GET":
            raise InvalidInput("signed uploads need the GCS adapter", method=method)
        return self.uri(name)

    def resumable_upload(
        self, name: str, content_type: str, size: int, origin: str | None = None
    ) -> str:
        """A session served in process (no HTTP server here): reach it through
        `upload_transport()`; the finished upload is put like any object, then finalized."""
        return self._sessions.open(check_name(name), content_type, size, origin)

    def upload_transport(self) -> httpx.MockTransport:
        return self._sessions.transport()

    def list(self, prefix: str) -> list[str]:
        directory = check_prefix(prefix).rpartition("/")[0]
        start = self._objects / directory if directory else self._objects
        if not start.is_dir():
            return []
        names = (p.relative_to(self._objects).as_posix() for p in start.rglob("*") if p.is_file())
        return sorted(name for name in names if name.startswith(prefix))

    def _path(self, name: str) -> Path:
        return self._objects / check_name(name)

    def _existing(self, name: str) -> Path:
        path = self._path(name)
        if not path.is_file():
            raise NotFound(f"no object {name}", name=name)
        return path

    @contextmanager
    def _writing(self, name: str) -> Iterator[Path]:
        """Yield a temp file on the same filesystem; rename it onto the object on success."""
        target = self._path(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        self._tmp.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self._tmp)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            yield tmp
            tmp.replace(target)
        finally:
            tmp.unlink(missing_ok=True)

    def _finalized(self, name: str, content_type: str | None) -> None:
        if self._on_finalize is None:
            return
        with self._lock:
            # time_ns alone can repeat within a clock tick; generations must strictly increase.
            self._last_generation = max(time.time_ns(), self._last_generation + 1)
            generation = self._last_generation
        self._on_finalize(
            ObjectFinalized(
                bucket=BUCKET,
                name=name,
                generation=str(generation),
                size=self._path(name).stat().st_size,
                content_type=guess_type(name, content_type),
            )
        )

    def _prune(self, directory: Path) -> None:
        """Remove directories left empty by a delete, up to the bucket directory."""
        while directory != self._objects and directory.is_relative_to(self._objects):
            try:
                directory.rmdir()
            except OSError:
                return
            directory = directory.parent
