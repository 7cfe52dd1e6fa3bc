"""Cloud Storage's resumable upload protocol served in process, for the blobs with no HTTP
server (the memory fake, the embedded mode's folder): sessions answer a plain HTTP client
(through `transport()`) as GCS's do, so the Blobs contract holds them to the same rules."""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from klair.domain.errors import InvalidInput

_RANGE = re.compile(r"^bytes (?:(\d+)-(\d+)|\*)/(\d+|\*)$")


@dataclass
class _Session:
    name: str
    content_type: str
    size: int
    origin: str | None
    received: bytearray = field(default_factory=bytearray)
    done: bool = False


@dataclass(frozen=True)
class _Put:
    """One PUT's `Content-Range`: `start` None for a status query, `total` None for `*`."""

    start: int | None
    end: int
    total: int | None


def _parse(header: str | None, length: int) -> _Put | None:
    if header is None:  # the whole object in one request
        return _Put(0, length - 1, length)
    found = _RANGE.match(header.strip())
    if found is None:
        return None
    first, last, total = found.groups()
    known = None if total == "*" else int(total)
    if first is None:
        return _Put(None, -1, known) if length == 0 else None
    return _Put(int(first), int(last), known)


class ResumableSessions:
    """Open sessions by id; a session stores its object through `commit` once `size` bytes
    arrived, refuses bytes past `size`, a gap, or a total other than `size` (400), and
    answers a status query with 308 and the `Range` kept (none when nothing was); a session
    opened for a browser origin grants that origin CORS."""

    def __init__(self, base: str, commit: Callable[[str, bytes, str], object]) -> None:
        self._base = base.rstrip("/")
        self._commit = commit
        self._sessions: dict[str, _Session] = {}
        self._lock = threading.RLock()  # a finalize hook may open the next session

    def open(self, name: str, content_type: str, size: int, origin: str | None = None) -> str:
        if size < 0:
            raise InvalidInput("an upload cannot have a negative size", size=size)
        session_id = secrets.token_hex(16)
        with self._lock:
            self._sessions[session_id] = _Session(name, content_type, size, origin)
        return f"{self._base}/upload/resumable/{session_id}"

    def transport(self) -> httpx.MockTransport:
        """What a plain HTTP client mounts to reach the sessions."""
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            session = self._sessions.get(request.url.path.rpartition("/")[2])
        if session is None or not str(request.url).startswith(self._base):
            return httpx.Response(404, text="no such upload session")
        if request.method != "PUT":
            return httpx.Response(405, text="sessions take PUT")
        body = request.read()
        put = _parse(request.headers.get("content-range"), len(body))
        if put is None:
            return httpx.Response(400, text="malformed Content-Range")
        with self._lock:
            response = self._put(session, put, body)
        if session.origin is not None and request.headers.get("origin") == session.origin:
            response.headers["Access-Control-Allow-Origin"] = session.origin  # as GCS answers
        return response

    def _put(self, session: _Session, put: _Put, body: bytes) -> httpx.Response:
        if session.done:
            return self._finished(session)
        if put.total is not None and put.total != session.size:
            return httpx.Response(400, text=f"this session takes exactly {session.size} bytes")
        if put.start is None:
            return self._incomplete(session)
        have = len(session.received)
        if put.start > have or put.end - put.start + 1 != len(body):
            return httpx.Response(400, text=f"expected bytes from offset {have}")
        if put.end + 1 > session.size:
            return httpx.Response(400, text=f"more than the {session.size} bytes declared")
        session.received += body[have - put.start :]
        if len(session.received) < session.size:
            return self._incomplete(session)
        self._commit(session.name, bytes(session.received), session.content_type)
        session.done, session.received = True, bytearray()
        return self._finished(session)

    @staticmethod
    def _incomplete(session: _Session) -> httpx.Response:
        kept = len(session.received)
        headers = {"Range": f"bytes=0-{kept - 1}"} if kept else {}
        return httpx.Response(308, headers=headers)

    @staticmethod
    def _finished(session: _Session) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "name": session.name,
                "size": str(session.size),
                "contentType": session.content_type,
            },
        )
