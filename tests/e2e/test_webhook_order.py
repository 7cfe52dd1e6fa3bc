"""Outbound webhooks on the emulator stack: a real job's events reach a receiver (verifying
with svix) numbered 1..n, with distinct growing `created_at`, one at a time in that order and
`job.completed` last, although a proxy in front of the `notify` function holds back every
`clip-exported` push (the clip announcements arrive after the job's end) and every
`clip.ready` delivery task (the dispatcher's tasks finish out of order)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from klair.cli.sample import make_sample_video
from klair.devstack import emulators as emu
from klair.devstack.clients import api_client, function_client
from klair.devstack.process import free_port
from klair.devstack.stack import LocalStack
from tests.conftest import local_stack
from tests.unit.notify_world import Receiver

pytestmark = [pytest.mark.e2e, pytest.mark.emulator, pytest.mark.media]

USER = "user_webhook_order"
FUNCTIONS = ("api", "ingest", "admit", "transcode", "analyze", "select", "export", "fail", "notify")
OPTIONS = {"clip_count": 3, "min_clip_seconds": 8, "max_clip_seconds": 15}
HOLD = 4.0  # seconds a held request waits before it is forwarded


class HoldingProxy:
    """Forwards every request to `target`, holding back clip announcements and clip.ready
    delivery tasks for `HOLD` seconds."""

    def __init__(self) -> None:
        self.port = free_port()
        self.target = ""
        self.in_flight = 0
        self.last = time.monotonic()
        self.lock = threading.Lock()
        self.http = function_client(timeout=60)  # forwards to the webhooks' gunicorn
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _held(self, path: str, body: bytes) -> bool:
        if "/topics/clip-exported" in path:
            return True
        try:
            return bool(json.loads(body).get("event") == "clip.ready")  # a delivery task
        except (ValueError, AttributeError):
            return False

    def forward(self, path: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        with self.lock:
            self.in_flight += 1
        try:
            if self._held(path, body):
                time.sleep(HOLD)
            return self.http.post(self.target + path, content=body, headers=headers)
        finally:
            with self.lock:
                self.in_flight -= 1
                self.last = time.monotonic()

    def quiet_for(self) -> float:
        """Seconds since the last request ended (0 while one is in flight)."""
        with self.lock:
            return 0.0 if self.in_flight else time.monotonic() - self.last

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self
        skip = {"host", "content-length", "connection", "transfer-encoding"}

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
                response = proxy.forward(self.path, body, headers)
                self.send_response(response.status_code)
                self.send_header("Content-Length", str(len(response.content)))
                self.end_headers()
                self.wfile.write(response.content)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler


@pytest.fixture(scope="module")
def proxy() -> Iterator[HoldingProxy]:
    holding = HoldingProxy()
    yield holding
    holding.server.shutdown()


@pytest.fixture(scope="module")
def stack(
    emulator_stack: emu.Emulators, tmp_path_factory: pytest.TempPathFactory, proxy: HoldingProxy
) -> Iterator[LocalStack]:
    running_on = local_stack(
        emulator_stack, tmp_path_factory, FUNCTIONS, delivery_urls={"notify": proxy.url}
    )
    with running_on as running:
        proxy.target = running.url("notify")
        yield running


def test_a_jobs_events_arrive_in_sequence_with_job_completed_last(
    stack: LocalStack, proxy: HoldingProxy, tmp_path: Path
) -> None:
    receiver = Receiver()
    api = api_client(stack, USER)
    try:
        registered = api.put("/api/klair/user/webhook", json={"url": receiver.url()})
        assert registered.status_code in (200, 201), registered.text
        receiver.secret = registered.json()["secret"]
        sample = tmp_path / "talk.mp4"
        make_sample_video(sample, seconds=60)
        job_id = submit(api, sample)
        status = wait(api, job_id, lambda s: s["status"] in ("completed", "failed"))
        assert status["status"] == "completed", status
        clips = len(api.get(f"/api/klair/results/{job_id}").json()["clips"])
        wait(api, job_id, lambda s: settled(s, clips + 1))
        while proxy.quiet_for() < 2.0:  # the held announcements, and whatever they send
            time.sleep(0.2)
    finally:
        receiver.close()
        api.close()
    bodies = [h.body for h in receiver.hits]
    assert all(h.verified and 200 <= h.answered < 300 for h in receiver.hits)
    assert clips >= 2
    assert [b["type"] for b in bodies] == ["clip.ready"] * clips + ["job.completed"]
    assert [b["sequence"] for b in bodies] == list(range(1, clips + 2))
    stamps = [datetime.fromisoformat(b["created_at"]) for b in bodies]
    assert stamps == sorted(stamps) and len(set(stamps)) == len(stamps)
    assert len({b["data"]["clip_id"] for b in bodies[:-1]}) == clips


def submit(api: httpx.Client, path: Path) -> str:
    ticket = api.post("/api/upload-url", json={
        "filename": path.name, "size_bytes": path.stat().st_size, "content_type": "video/mp4",
        "options": OPTIONS,
    })  # fmt: skip
    assert ticket.status_code == 201, ticket.text
    body = ticket.json()
    put = httpx.put(body["upload_url"], content=path.read_bytes(), headers=body["upload_headers"],
                    timeout=60)  # fmt: skip
    assert put.status_code == 200, put.text
    return str(body["job_id"])


def settled(status: Status, count: int) -> bool:
    shown = status.get("notifications")
    assert isinstance(shown, list)
    return len(shown) >= count and all(n["state"] == "delivered" for n in shown)


Status = dict[str, object]


def wait(
    api: httpx.Client, job_id: str, done: Callable[[Status], bool], timeout: float = 300
) -> Status:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = api.get(f"/api/klair/status/{job_id}")
        if response.status_code == 429:
            time.sleep(float(response.headers.get("Retry-After", "1")))
            continue
        status: Status = response.json()
        if done(status):
            return status
        time.sleep(1)
    raise AssertionError(f"{job_id}: timed out waiting")
