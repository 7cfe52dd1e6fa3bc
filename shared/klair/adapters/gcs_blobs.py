"""Cloud Storage blobs: the media bucket through google-cloud-storage, with V4 signed URLs and
resumable upload sessions."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import cached_property
from pathlib import Path
from typing import BinaryIO, cast

import google.auth.exceptions
import google.cloud.storage as storage
import requests
from google.api_core import exceptions as gexc

from klair.adapters.gcs_signing import IamSigner, UrlSigner
from klair.domain.errors import InvalidInput, NotFound, Transient
from klair.domain.naming import check_name, check_prefix, guess_type

SIZE_RANGE_HEADER = "x-goog-content-length-range"
MAX_SIGNED_MINUTES = 7 * 24 * 60  # the V4 limit
# A streamed write holds one chunk of a resumable upload (a multiple of 256 KiB) in memory.
UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024


def storage_client(project: str, *, anonymous: bool = False) -> storage.Client:
    """The GCS client; `anonymous` for fake-gcs-server, which takes no credentials."""
    if anonymous:
        from google.auth.credentials import AnonymousCredentials

        return storage.Client(project=project, credentials=AnonymousCredentials())  # type: ignore[no-untyped-call]
    return storage.Client(project=project)


@contextmanager
def _storage_errors(name: str) -> Iterator[None]:
    """Translate the client's errors into Klair's tree (missing → NotFound, flaky → Transient)."""
    try:
        yield
    except gexc.NotFound as exc:
        raise NotFound(f"no object {name}", name=name) from exc
    except (
        gexc.TooManyRequests,
        gexc.ServerError,
        requests.ConnectionError,
        requests.Timeout,
        google.auth.exceptions.TransportError,  # token refresh or IAM signBlob failed
    ) as exc:
        raise Transient(f"storage unavailable: {exc}", name=name) from exc


class _UploadWriter(io.RawIOBase):
    """The resumable upload's writer, its storage errors in Klair's tree."""

    def __init__(self, writer: io.IOBase, name: str) -> None:
        super().__init__()
        self._writer, self._name = writer, name

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]  # bytes only
        with _storage_errors(self._name):
            return int(self._writer.write(data))


def _cancel(writer: object) -> None:
    """Drop a resumable upload; a session the server already forgot is as good as gone."""
    with contextlib.suppress(gexc.GoogleAPIError, requests.RequestException, ValueError):
        writer.terminate()  # type: ignore[attr-defined]  # BlobWriter is untyped


class GcsBlobs:
    """The media bucket on Cloud Storage (or fake-gcs-server when STORAGE_EMULATOR_HOST is set).

    The client is created on first use. Signed URLs point at the emulator when
    STORAGE_EMULATOR_HOST is set (or `api_endpoint` is given), else at storage.googleapis.com.
    """

    def __init__(
        self,
        bucket: str,
        client_factory: Callable[[], storage.Client],
        signer: UrlSigner | None = None,
        api_endpoint: str | None = None,
        upload_chunk_bytes: int = UPLOAD_CHUNK_BYTES,
    ) -> None:
        self._bucket_name = bucket
        self._chunk_bytes = upload_chunk_bytes
        self._client_factory = client_factory
        self._signer: UrlSigner = signer if signer is not None else IamSigner()
        self._api_endpoint = api_endpoint

    @cached_property
    def _client(self) -> storage.Client:
        return self._client_factory()

    @cached_property
    def _bucket(self) -> storage.Bucket:
        return self._client.bucket(self._bucket_name)

    def ensure_bucket(self) -> None:
        """Create the bucket if it does not exist (local stack and tests)."""
        try:
            self._client.create_bucket(self._bucket_name)
        except gexc.Conflict:
            return

    def put_file(self, name: str, path: Path, content_type: str | None = None) -> None:
        blob = self._blob(name)
        with _storage_errors(name):
            blob.upload_from_filename(str(path), content_type=guess_type(name, content_type))

    def put_bytes(self, name: str, data: bytes, content_type: str | None = None) -> None:
        blob = self._blob(name)
        with _storage_errors(name):
            blob.upload_from_string(data, content_type=guess_type(name, content_type))

    @contextmanager
    def open_write(self, name: str, content_type: str | None = None) -> Iterator[BinaryIO]:
        """A resumable upload fed chunk by chunk; finalized on a normal exit, cancelled (no
        object) when the body raises. The body's own errors pass through unchanged."""
        blob = self._blob(name)
        with _storage_errors(name):
            writer = blob.open(
                "wb",
                chunk_size=self._chunk_bytes,
                content_type=guess_type(name, content_type),
                ignore_flush=True,
            )
        try:
            yield cast(BinaryIO, _UploadWriter(writer, name))
        except BaseException:
            _cancel(writer)
            raise
        with _storage_errors(name):
            writer.close()

    def size(self, name: str) -> int:
        with _storage_errors(name):
            blob = self._bucket.get_blob(check_name(name))
        if blob is None or blob.size is None:
            raise NotFound(f"no object {name}", name=name)
        return int(blob.size)

    def download(self, name: str, path: Path) -> None:
        blob = self._blob(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with _storage_errors(name):
            blob.download_to_filename(str(path))

    def read_bytes(self, name: str) -> bytes:
        blob = self._blob(name)
        with _storage_errors(name):
            return bytes(blob.download_as_bytes())

    def read_range(self, name: str, start: int, end: int) -> bytes:
        if end <= start:
            return b""
        blob = self._blob(name)
        try:
            with _storage_errors(name):  # one ranged GET (HTTP Range: inclusive end)
                return bytes(blob.download_as_bytes(start=start, end=end - 1))
        except gexc.RequestRangeNotSatisfiable:  # starts past the end: nothing there
            return b""

    def exists(self, name: str) -> bool:
        blob = self._blob(name)
        with _storage_errors(name):
            return bool(blob.exists())

    def copy(self, src: str, dst: str) -> None:
        """Server-side copy; `rewrite` is repeated until done (large objects take several)."""
        source, target = self._blob(src), self._blob(dst)
        with _storage_errors(src):
            token, _, _ = target.rewrite(source)
            while token is not None:
                token, _, _ = target.rewrite(source, token=token)

    def delete_prefix(self, prefix: str, keep: Collection[str] = ()) -> int:
        count = 0
        for name in self.list(prefix):
            if name in keep:
                continue
            try:
                self._bucket.blob(name).delete()
            except gexc.NotFound:  # deleted concurrently: not ours to count
                continue
            count += 1
        return count

    def uri(self, name: str) -> str:
        return f"gs://{self._bucket_name}/{check_name(name)}"

    def media_url(self, name: str, minutes: int = 60) -> str:
        """A signed GET URL: ffmpeg's HTTP reader seeks in it with `Range` requests."""
        if not self.exists(name):
            raise NotFound(f"no object {name}", name=name)
        return self.signed_url(name, "GET", minutes)

    def signed_url(
        self,
        name: str,
        method: str = "GET",
        minutes: int = 60,
        content_type: str | None = None,
        max_bytes: int | None = None,
    ) -> str:
        """A V4 signed URL for GET, or for a single-request PUT upload.

        For PUT, `Content-Type` (when `content_type` is given) and, when `max_bytes` is
        given, `x-goog-content-length-range: 0,{max_bytes}` are signed headers: the client
        must send both exactly, or GCS answers 403; GCS then refuses a larger body.
        """
        method = method.upper()
        if method not in ("GET", "PUT"):
            raise InvalidInput("signed URLs are for GET or PUT", method=method)
        if not 1 <= minutes <= MAX_SIGNED_MINUTES:
            raise InvalidInput("signed URLs last 1 minute to 7 days", minutes=minutes)
        headers = {}
        if method == "PUT" and max_bytes is not None:
            headers[SIZE_RANGE_HEADER] = f"0,{max_bytes}"
        blob = self._blob(name)
        with _storage_errors(name):
            url = blob.generate_signed_url(
                version="v4",
                expiration=timedelta(minutes=minutes),
                method=method,
                content_type=content_type if method == "PUT" else None,
                headers=headers or None,
                api_access_endpoint=self._api_endpoint or os.environ.get("STORAGE_EMULATOR_HOST"),
                **self._signer.signing_kwargs(),
            )
        return str(url)

    def resumable_upload(
        self, name: str, content_type: str, size: int, origin: str | None = None
    ) -> str:
        """A JSON-API resumable session opened here, as this function's identity, so the
        uploader holds no credential but the session URI.

        What holds where: on Cloud Storage the session carries `X-Upload-Content-Length:
        size`, so GCS refuses bytes past `size` and finalizes no other length, and
        `ifGenerationMatch=0`, so the session can create the object but never replace it.
        fake-gcs-server (v1.54) keeps neither: it appends whatever arrives, and a status
        query finalizes what it holds (fsouza/fake-gcs-server#1362, #2354); there the
        finalize handler's check of the object's size against the declared one (and the
        plan's) is what refuses a wrong body.
        """
        if size < 0:
            raise InvalidInput("an upload cannot have a negative size", size=size)
        blob = self._blob(name)
        blob.content_type = content_type  # in the session's metadata too (fake-gcs reads it)
        with _storage_errors(name):
            url = blob.create_resumable_upload_session(
                content_type=content_type,
                size=size,
                origin=origin,
                checksum=None,  # the uploader sends the bytes, not this client
                if_generation_match=0,
            )
        return str(url)

    def list(self, prefix: str) -> list[str]:
        with _storage_errors(prefix):
            blobs = self._client.list_blobs(self._bucket_name, prefix=check_prefix(prefix) or None)
            return sorted(str(blob.name) for blob in blobs)

    def _blob(self, name: str) -> storage.Blob:
        return self._bucket.blob(check_name(name))
