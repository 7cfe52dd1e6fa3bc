"""A local stand-in for Sieve's REST API (`POST /v2/push`, `GET /v2/jobs/{id}`, output files)
that calls the job's `job.complete` webhook like Sieve does: retried until a 200.

Switches: `auto` (process each job as soon as it is pushed), `duplicate_callbacks` (deliver
each callback that many extra times after it succeeded), `callback_before_response` (call
back before the push is answered: the caller cannot have recorded the job id yet),
`fail_with` (end jobs with this error).
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

API_KEY = "sieve-test-key"
Process = Callable[[bytes, dict[str, Any]], bytes]


def fetch_input(url: str) -> bytes:
    if url.startswith("file://"):
        return Path(url.removeprefix("file://")).read_bytes()
    return httpx.get(url, timeout=30).content


@dataclass
class SieveStub:
    auto: bool = False
    duplicate_callbacks: int = 0
    callback_before_response: bool = False
    fail_with: str | None = None
    process: Process = field(default=lambda data, inputs: data)
    fetch: Callable[[str], bytes] = fetch_input
    max_attempts: int = 10
    jobs: dict[str, dict[str, Any]] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    pushes: list[dict[str, Any]] = field(default_factory=list)
    deliveries: list[tuple[str, int]] = field(default_factory=list)  # (job id, status)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    # The service's side.
    def push(self, body: dict[str, Any]) -> dict[str, Any]:
        job_id = str(uuid.uuid4())
        job = {"id": job_id, "status": "queued", "inputs": body.get("inputs", {}),
               "webhooks": body.get("webhooks") or [], "outputs": [], "error": ""}  # fmt: skip
        with self._lock:
            self.jobs[job_id] = job
            self.pushes.append(body)
        if self.auto and self.callback_before_response:
            self.run(job_id)  # synchronously: the callback is answered before the push
        elif self.auto:
            self._background(lambda: self.run(job_id))
        return {"id": job_id, "run_id": job_id, "stream_output": False, "status": "queued",
                "organization_id": "org", "model_id": "autocrop", "workflow_id": None}  # fmt: skip

    def run(self, job_id: str) -> None:
        """Process the job (or fail it) and call its webhooks."""
        job = self.jobs[job_id]
        if self.fail_with is not None:
            self._end(job_id, status="error", error=self.fail_with)
            return
        source = self.fetch(job["inputs"]["file"]["url"])
        self.files[job_id] = self.process(source, job["inputs"])
        output = {"type": "sieve.File", "name": None,
                  "data": {"url": f"{self.url}/files/{job_id}.mp4", "_path": None}}  # fmt: skip
        self._end(job_id, status="finished", outputs=[output])

    def finish(self, job_id: str, video: bytes) -> None:
        self.files[job_id] = video
        output = {"type": "sieve.File", "data": {"url": f"{self.url}/files/{job_id}.mp4"}}
        self._end(job_id, status="finished", outputs=[output])

    def fail(self, job_id: str, reason: str) -> None:
        self._end(job_id, status="error", error=reason)

    def _end(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            self.jobs[job_id].update(changes)
            job = dict(self.jobs[job_id])
        for hook in job["webhooks"]:
            if hook.get("type") == "job.complete":
                self._deliver(job_id, hook["url"], job)

    def _deliver(self, job_id: str, url: str, job: dict[str, Any]) -> None:
        """Retried until a 200 (Sieve: up to ten times, backing off); retries after the first
        attempt run in the background, so a 409 before the push answer gets a second try."""
        body = {"type": "job.complete", "body": {"job_id": job_id, **job}}
        if self._post(job_id, url, body) == 200:
            for _ in range(self.duplicate_callbacks):
                self._post(job_id, url, body)
            return

        def retry() -> None:
            for attempt in range(1, self.max_attempts):
                threading.Event().wait(0.05 * attempt)  # backoff; nothing measures it
                if self._post(job_id, url, body) == 200:
                    for _ in range(self.duplicate_callbacks):
                        self._post(job_id, url, body)
                    return

        self._background(retry)

    def _post(self, job_id: str, url: str, body: dict[str, Any]) -> int:
        try:
            status = httpx.post(url, json=body, timeout=120).status_code
        except httpx.HTTPError:
            status = 0
        with self._lock:
            self.deliveries.append((job_id, status))
        return status

    def _background(self, work: Callable[[], None]) -> None:
        thread = threading.Thread(target=work, daemon=True)
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def wait_idle(self, timeout: float = 120.0) -> None:
        """Join the delivery threads (a bound for a hung test, not a measured duration)."""
        for thread in list(self._threads):
            thread.join(timeout)

    # HTTP.
    def start(self) -> ThreadingHTTPServer:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        return server


def _handler(stub: SieveStub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if not self._authorised():
                return
            if self.path != "/v2/push":
                return self._json(404, {"detail": "not found"})
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if not isinstance(body.get("inputs"), dict) or "file" not in body["inputs"]:
                return self._json(422, {"detail": "inputs.file is required"})
            self._json(200, stub.push(body))

        def do_GET(self) -> None:
            if self.path.startswith("/files/"):  # Sieve's storage: no API key
                data = stub.files.get(self.path.removeprefix("/files/").removesuffix(".mp4"))
                return self._bytes(data) if data is not None else self._json(404, {})
            if not self._authorised():
                return
            job = stub.jobs.get(self.path.removeprefix("/v2/jobs/"))
            if not self.path.startswith("/v2/jobs/") or job is None:
                return self._json(404, {"detail": "job not found"})
            public = {k: v for k, v in job.items() if k != "webhooks"}
            self._json(200, {**public, "function_id": "autocrop", "visibility": "private"})

        def _authorised(self) -> bool:
            if self.headers.get("X-API-Key") == API_KEY:
                return True
            self._json(401, {"detail": "invalid API key"})
            return False

        def _json(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _bytes(self, data: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "video/mp4")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    return Handler
