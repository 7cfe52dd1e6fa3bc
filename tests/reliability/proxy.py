"""A fault-injecting HTTP proxy in front of one function of the local stack: Pub/Sub pushes
and Cloud Tasks reach it instead of the function, and it forwards each delivery as it is,
several times over, or with a crash injected by rule (function, job, which delivery, and
whether the function dies before the work, after it but before acking, or is killed)."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from klair.devstack.clients import LIMITS

# Every object Klair writes names its job; a finalize of any of them concerns that job.
_JOB_OBJECT = re.compile(r"^(?:uploads/[^/]+|sources|work|clips)/(job_[0-9a-f]+)/")
# The bucket notification carries every object: only these are the stage's own input.
STAGE_INPUT = {"admit": "uploads/", "transcode": "sources/"}
_HOP_BY_HOP = {"host", "content-length", "connection", "transfer-encoding", "accept-encoding"}


class Crash(Enum):
    BEFORE = "before"  # 500 without forwarding: the function died before doing the work
    AFTER = "after"  # forwarded, then the connection closes unanswered: died before acking
    AFTER_500 = "after-500"  # forwarded, then 500: the work was done, the ack is lost
    KILL = "kill"  # forwarded while the function's process is killed, then restarted


@dataclass(frozen=True)
class Fault:
    function: str
    crash: Crash
    attempt: int = 1  # which delivery of the stage's input it hits


@dataclass(frozen=True)
class Duplicate:
    copies: int = 3
    concurrent: bool = False


@dataclass(frozen=True)
class Delivery:
    function: str
    path: str
    body: bytes
    headers: dict[str, str]
    job_id: str | None
    is_input: bool  # the message the stage acts on (not another object's finalize)


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes = b""
    content_type: str = "text/plain"


Killer = Callable[[str, str], None]  # (function, job id): kill the function mid-request


def describe(function: str, path: str, body: bytes, headers: dict[str, str]) -> Delivery:
    """Which job a push (attributes, or the finalized object's name) or a task (its JSON
    body) concerns."""
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    job_id, is_input = None, True
    if isinstance(doc, dict) and isinstance(doc.get("message"), dict):  # a Pub/Sub push
        attributes = doc["message"].get("attributes") or {}
        name = attributes.get("objectId")
        if name is not None:
            match = _JOB_OBJECT.match(name)
            job_id = match.group(1) if match else None
            is_input = name.startswith(STAGE_INPUT.get(function, ""))
        else:
            job_id = attributes.get("job_id")
    elif isinstance(doc, dict):  # a Cloud Task: the body is the message itself
        job_id = doc.get("job_id")
    return Delivery(function, path, body, headers, job_id, is_input)


class Rules:
    """The faults and duplications wanted per job, shared by every proxy of a stack."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[str, list[Fault]] = {}
        self._duplicates: dict[str, Duplicate] = {}
        self._inputs: Counter[tuple[str, str]] = Counter()
        self.forwarded: Counter[str] = Counter()  # requests that reached a function, by job
        self.injected: Counter[str] = Counter()  # faults fired, by job
        self.refused: Counter[tuple[str, str, int]] = Counter()  # (job, function, status)
        self.killer: Killer | None = None
        self._active = 0
        self._last = time.monotonic()

    def inject(self, job_id: str, *faults: Fault) -> None:
        with self._lock:
            self._faults.setdefault(job_id, []).extend(faults)

    def duplicate(self, job_id: str, duplicate: Duplicate) -> None:
        with self._lock:
            self._duplicates[job_id] = duplicate

    def plan(self, delivery: Delivery) -> Fault | Duplicate | None:
        job_id = delivery.job_id
        if job_id is None:
            return None
        with self._lock:
            if delivery.is_input:
                key = (delivery.function, job_id)
                self._inputs[key] += 1
                for fault in self._faults.get(job_id, []):
                    if fault.function == delivery.function and fault.attempt == self._inputs[key]:
                        self.injected[job_id] += 1
                        return fault
            return self._duplicates.get(job_id)

    def inputs(self, function: str, job_id: str) -> int:
        """How many times the stage's input for the job reached the proxy."""
        with self._lock:
            return self._inputs[(function, job_id)]

    def busy(self, entering: bool) -> None:
        with self._lock:
            self._active += 1 if entering else -1
            self._last = time.monotonic()

    def quiet_for(self) -> float:
        """Seconds since the last delivery ended (0 while one is in flight)."""
        with self._lock:
            return 0.0 if self._active else time.monotonic() - self._last

    def count(self, job_id: str | None) -> None:
        if job_id is not None:
            with self._lock:
                self.forwarded[job_id] += 1

    def refuse(self, delivery: Delivery, status: int) -> None:
        """A function itself answered a failure (the platform will deliver again)."""
        if delivery.job_id is not None:
            with self._lock:
                self.refused[(delivery.job_id, delivery.function, status)] += 1


class FaultProxy:
    """One threaded HTTP server forwarding to `target` (`available` holds deliveries while
    the function restarts, as the platform would during a cold start)."""

    def __init__(self, function: str, target: str, rules: Rules, host: str = "127.0.0.1") -> None:
        self.function = function
        self.target = target.rstrip("/")
        self.rules = rules
        self.available = threading.Event()
        self.available.set()
        # Idle connections dropped before the function's gunicorn closes them (clients.py).
        self._http = httpx.Client(timeout=httpx.Timeout(600.0, connect=5.0), limits=LIMITS)
        self._server = _Server((host, 0), _Handler, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=f"proxy-{function}", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._http.close()

    def respond(self, delivery: Delivery) -> Reply | None:
        """The answer the platform gets; None closes the connection without one."""
        plan = self.rules.plan(delivery)
        if isinstance(plan, Fault):
            return self._crash(plan, delivery)
        copies = plan or Duplicate(copies=1)
        if copies.concurrent:
            with ThreadPoolExecutor(copies.copies) as pool:
                replies = list(pool.map(self.forward, [delivery] * copies.copies))
        else:
            replies = [self.forward(delivery) for _ in range(copies.copies)]
        failed = [reply for reply in replies if reply.status >= 300]
        return failed[0] if failed else replies[0]  # any failure asks for a redelivery

    def _crash(self, fault: Fault, delivery: Delivery) -> Reply | None:
        if fault.crash is Crash.BEFORE:
            return Reply(500, b"injected: crashed before the work")
        if fault.crash is Crash.KILL and self.rules.killer is not None and delivery.job_id:
            args = (self.function, delivery.job_id)
            threading.Thread(target=self.rules.killer, args=args, daemon=True).start()
        reply = self.forward(delivery)
        if fault.crash is Crash.AFTER:
            return None
        return Reply(500, b"injected: crashed before acking") if reply.status < 300 else reply

    def forward(self, delivery: Delivery) -> Reply:
        self.available.wait()
        headers = {k: v for k, v in delivery.headers.items() if k.lower() not in _HOP_BY_HOP}
        self.rules.count(delivery.job_id)
        try:
            response = self._http.post(
                self.target + delivery.path, content=delivery.body, headers=headers
            )
        except httpx.HTTPError as exc:  # the function died under the request
            self.rules.refuse(delivery, 502)
            return Reply(502, f"proxy: {exc!r}".encode())
        if response.status_code >= 300:
            self.rules.refuse(delivery, response.status_code)
        kind = response.headers.get("content-type", "text/plain")
        return Reply(response.status_code, response.content, kind)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler], proxy: FaultProxy
    ) -> None:
        self.proxy = proxy
        super().__init__(address, handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        proxy = self.server.proxy
        delivery = describe(proxy.function, self.path, body, dict(self.headers.items()))
        proxy.rules.busy(True)
        try:
            reply = proxy.respond(delivery)
        finally:
            proxy.rules.busy(False)
        if reply is None:
            self.close_connection = True  # no status line: the caller sees a dropped connection
            return
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: object) -> None:
        return  # the functions' own logs say what happened
