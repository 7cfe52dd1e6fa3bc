"""Outbound webhook tests' world: memory adapters, the in-process bus and task queue wired to the
export and notify handlers like the deployed functions, the real SSRF-guarded sender, and a
local receiver that verifies every request with svix's own `Webhook.verify`."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from svix.webhooks import Webhook, WebhookVerificationError

from klair.adapters.clock import SystemClock
from klair.adapters.local.bus import InProcessBus, InProcessTaskQueue
from klair.adapters.memory.blobs import MemoryBlobs
from klair.adapters.memory.notify import MemoryDeliveryLog, MemoryWebhookStore
from klair.adapters.memory.store import MemoryJobStore
from klair.adapters.memory.usage import MemoryUsageLedger
from klair.adapters.memory.users import MemoryUserStore
from klair.adapters.ssrf import Guard, Resolver, system_resolver
from klair.adapters.webhook_sender import GuardedWebhookSender
from klair.bootstrap import for_tests, media_adapters
from klair.config import Settings
from klair.domain.clip import Clip
from klair.domain.events import ClipExported, ClipSelected, DeliverNotification, JobFinished
from klair.domain.export_options import RenderSpec
from klair.domain.ids import ClipId, JobId, UserId, new_job_id
from klair.domain.job import Job, JobSource
from klair.domain.status import JobStatus
from klair.domain.url_policy import UrlPolicy
from klair.handlers.api.user_webhook import WebhookRequest, put_webhook
from klair.handlers.deps import Deps
from klair.handlers.outbound.notify import run_notice
from klair.handlers.pipeline.export_clip import export_clip
from klair.handlers.steps.delivery import deliver

OWNER = UserId("user_owner")
PIPELINE = [
    JobStatus.QUEUED, JobStatus.DOWNLOADING, JobStatus.TRANSCODING, JobStatus.ANALYZING,
    JobStatus.SELECTING, JobStatus.EXPORTING,
]  # fmt: skip


@dataclass(frozen=True)
class Hit:
    """One request the receiver got: its svix headers, whether they verified, its answer."""

    event_id: str
    event: str
    verified: bool
    answered: int
    body: dict[str, Any]


class Receiver:
    """A webhook endpoint on 127.0.0.1 answering `script` in turn (then `then`), optionally
    after `delay` seconds; it verifies each request with the secret it is given."""

    def __init__(self, script: Sequence[int] = (), then: int = 204, delay: float = 0.0) -> None:
        self.script, self.then, self.delay = list(script), then, delay
        self.secret: str | None = None
        self.hits: list[Hit] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, path: str = "/hooks/klair") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def accepted(self) -> list[str]:
        """Event ids answered 2xx, in arrival order."""
        with self.lock:
            return [h.event_id for h in self.hits if 200 <= h.answered < 300]

    def _verify(self, body: bytes, headers: dict[str, str]) -> bool:
        try:
            Webhook(self.secret or "whsec_AAAA").verify(body, headers)
        except WebhookVerificationError:
            return False
        return True

    def _take(self, body: bytes, headers: dict[str, str]) -> Hit:
        with self.lock:
            answer = self.script.pop(0) if self.script else self.then
            hit = Hit(
                event_id=headers.get("webhook-id", ""),
                event=json.loads(body).get("type", ""),
                verified=self._verify(body, headers),
                answered=answer,
                body=json.loads(body),
            )
            self.hits.append(hit)
            return hit

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                headers = {k.lower(): v for k, v in self.headers.items()}
                hit = receiver._take(body, headers)
                time.sleep(receiver.delay)
                self.send_response(hit.answered)
                if 300 <= hit.answered < 400:
                    self.send_header("Location", receiver.url("/elsewhere"))
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler


class FakeRenderer:
    """Writes a tiny file per clip: the export handler's I/O without ffmpeg."""

    def render(
        self, source: Path, clip: Clip, out_dir: Path, spec: RenderSpec | None = None
    ) -> dict[str, Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / f"{clip.id}.mp4"
        path.write_bytes(b"clip")
        return {"source": path}


def sender(
    hosts: Sequence[str] = ("127.0.0.1",), resolver: Resolver = system_resolver, timeout: float = 2
) -> GuardedWebhookSender:
    return GuardedWebhookSender(Guard(UrlPolicy.from_settings(hosts), resolver), timeout=timeout)


@dataclass
class World:
    deps: Deps
    bus: InProcessBus
    log: MemoryDeliveryLog

    def register(self, receiver: Receiver, owner: UserId = OWNER) -> str:
        view, _ = put_webhook(self.deps, owner, WebhookRequest(url=receiver.url()))
        assert view.secret is not None
        receiver.secret = view.secret
        return view.secret

    def job(self, status: JobStatus = JobStatus.EXPORTING, owner: UserId = OWNER) -> Job:
        now = datetime.now(UTC)
        job = Job(id=new_job_id(), owner=owner, source=JobSource(url="https://v.example/a.mp4"),
                  created_at=now, updated_at=now)  # fmt: skip
        self.deps.store.create(job)
        for step in PIPELINE[1 : PIPELINE.index(status) + 1]:
            moved = self.deps.store.transition(job.id, {job.status}, step)
            assert moved is not None
            job = moved
        return job

    def with_clips(self, job: Job, count: int) -> Job:
        """An exporting job with `count` selected clips and its source stored."""
        clips = [
            Clip(
                id=ClipId(f"clip_{n:02d}"),
                rank=n,
                start=10.0 * n,
                end=10.0 * n + 8,
                score=90 - n,
                reason=f"moment {n}",
            )
            for n in range(1, count + 1)
        ]
        self.deps.store.put_clips(job.id, clips)
        self.deps.blobs.put_bytes(f"sources/{job.id}/source.mp4", b"source")
        return self.deps.store.update(
            job.id, clips_total=count, source_object=f"sources/{job.id}/source.mp4"
        )

    def export_all(self, job: Job) -> None:
        for clip in self.deps.store.clips(job.id):
            self.bus.publish(ClipSelected(job_id=job.id, clip_id=clip.id, total=job.clips_total))
        self.bus.drain()

    def finished(self, job_id: JobId, status: str = "completed") -> None:
        """Announce a terminal status again (a redelivered JobFinished)."""
        self.bus.publish(JobFinished(job_id=job_id, status=status))
        self.bus.drain()


def make_world(settings: Settings | None = None, **ports: Any) -> World:
    settings = settings or Settings(
        ssrf_allowed_hosts=("127.0.0.1",), webhook_max_attempts=4, webhook_timeout_seconds=2
    )
    clock, bus, log = SystemClock(), InProcessBus(max_attempts=10), MemoryDeliveryLog()
    probe, downloader, transcoder, analyzer, _ = media_adapters(settings)
    wired: dict[str, Any] = dict(
        settings=settings, store=MemoryJobStore(clock), usage=MemoryUsageLedger(),
        blobs=MemoryBlobs(), bus=bus, tasks=InProcessTaskQueue(bus), clock=clock, probe=probe,
        downloader=downloader, transcoder=transcoder, analyzer=analyzer,
        renderer=FakeRenderer(), users=MemoryUserStore(clock), webhooks=MemoryWebhookStore(),
        deliveries=log, sender=sender(settings.ssrf_allowed_hosts),
    )  # fmt: skip
    deps = for_tests(**(wired | ports))
    for kind in (JobFinished, ClipExported, DeliverNotification):
        bus.subscribe(kind, lambda message: run_notice(deps, message) and None)
    bus.subscribe(
        ClipSelected, lambda message: deliver(deps, export_clip, message, "export") and None
    )
    return World(deps, bus, log)


@pytest.fixture(name="world")
def world_fixture() -> World:
    """The notify tests' world (import it with `receiver` into a test module)."""
    return make_world()


@pytest.fixture(name="receiver")
def receiver_fixture() -> Iterator[Receiver]:
    """A webhook endpoint of the user's, closed after the test."""
    target = Receiver()
    yield target
    target.close()
