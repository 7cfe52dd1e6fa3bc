"""A user's side of Cloud Storage's resumable protocol with plain httpx (send a chunk, drop
the connection mid-chunk, ask what was kept), and the one gap of fake-gcs-server it needs
filled to behave as GCS does."""

from __future__ import annotations

from collections.abc import Iterator

import httpx


class Dropped(Exception):
    """The uploader's connection went away mid-body."""


def send(client: httpx.Client, url: str, data: bytes, start: int, total: int) -> httpx.Response:
    """PUT `data` as the bytes from `start` of a `total`-byte upload."""
    end = start + len(data) - 1
    return client.put(url, content=data, headers={"Content-Range": f"bytes {start}-{end}/{total}"})


def cut(client: httpx.Client, url: str, data: bytes, start: int, total: int, after: int) -> None:
    """Start sending `data` from `start`, announcing all of it, and drop the connection after
    `after` bytes: the server sees a body that ends early."""

    def body() -> Iterator[bytes]:
        yield data[:after]
        raise Dropped

    end = start + len(data) - 1
    headers = {"Content-Range": f"bytes {start}-{end}/{total}", "Content-Length": str(len(data))}
    try:
        client.put(url, content=body(), headers=headers)
    except Dropped:
        return
    raise AssertionError("the upload was not cut")


def kept(client: httpx.Client, url: str, total: int) -> int | None:
    """The status query: how many bytes the session kept, None once the upload is complete."""
    answer = client.put(url, headers={"Content-Range": f"bytes */{total}"})
    if answer.status_code in (200, 201):
        return None
    assert answer.status_code == 308, (answer.status_code, answer.text)
    held = answer.headers.get("Range")
    return int(held.rpartition("-")[2]) + 1 if held else 0


class FakeGcsResumableGaps(httpx.BaseTransport):
    """fake-gcs-server (v1.54) finalizes a session on a status query with whatever it holds
    (fsouza/fake-gcs-server#1362, #2354), where GCS answers 308 and what it kept. This
    transport answers status queries as GCS does from the 308s the emulator sent, and passes
    every other request through; like `GcsSignatureCheck`, it fills an emulator gap so a test
    can hold the upload to Cloud Storage's behaviour."""

    def __init__(self) -> None:
        self._inner = httpx.HTTPTransport()
        self._kept: dict[str, int] = {}
        self._done: set[str] = set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        session = request.url.params.get("upload_id")
        if session is not None and request.headers.get("content-range", "").startswith("bytes */"):
            if session in self._done:
                return httpx.Response(200, json={})
            held = self._kept.get(session, 0)
            return httpx.Response(308, headers={"Range": f"bytes=0-{held - 1}"} if held else {})
        response = self._inner.handle_request(request)
        if session is not None and response.status_code == 308 and "range" in response.headers:
            self._kept[session] = int(response.headers["range"].rpartition("-")[2]) + 1
        elif session is not None and response.status_code in (200, 201):
            self._done.add(session)
        return response

    def close(self) -> None:
        self._inner.close()
