"""A whole `api` router on in-memory fakes, for route tests that need no emulator."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from werkzeug.test import Client, TestResponse
from werkzeug.wrappers import Request

from klair.adapters.local.bus import InProcessBus
from klair.adapters.memory.blobs import MemoryBlobs
from klair.adapters.memory.store import MemoryJobStore
from klair.adapters.memory.usage import MemoryUsageLedger
from klair.adapters.memory.users import MemoryUserStore
from klair.bootstrap import for_tests, media_adapters
from klair.config import Settings
from klair.domain.errors import Unauthorized
from klair.domain.events import Message
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job
from klair.domain.status import JobStatus
from klair.domain.tiers import DEFAULT_TIERS
from klair.domain.user import User
from klair.handlers.deps import Deps
from klair.http.api_routes import build_api
from klair.http.cors import CorsPolicy
from klair.http.router import Router, Verifier
from klair.ports.jobs import JobStore
from klair.ports.media import ModelAnalyzer

ALICE, BOB = UserId("user_alice"), UserId("user_bob")
# Route tests keep many jobs in flight; the plans' concurrency is tested in test_admission.py.
ROOMY_TIERS = {
    name: tier.model_copy(update={"max_concurrent_jobs": 1000})
    for name, tier in DEFAULT_TIERS.items()
}


class ManualClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at

    def tick(self, seconds: float = 1.0) -> datetime:
        self.at += timedelta(seconds=seconds)
        return self.at


class HeaderVerifier:
    """`Authorization: Bearer as:<user>`: the route tests' stand-in for Clerk."""

    def verify(self, request: Request, access: str = "session") -> UserId:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer as:"):
            raise Unauthorized("a session token is required", code="missing_token")
        return UserId(header.removeprefix("Bearer as:"))


@dataclass
class RecordingTasks:
    tasks: dict[str, tuple[str, Message]] = field(default_factory=dict)

    def enqueue(self, queue: str, name: str, url: str, message: Message) -> bool:
        if name in self.tasks:
            return False
        self.tasks[name] = (queue, message)
        return True


@dataclass
class World:
    deps: Deps
    clock: ManualClock
    tasks: RecordingTasks
    bus: InProcessBus
    router: Router
    client: Client

    def as_(self, user: UserId) -> dict[str, str]:
        return {"Authorization": f"Bearer as:{user}"}

    def call(self, method: str, path: str, user: UserId | None = ALICE, **kw: Any) -> TestResponse:
        headers = {**(self.as_(user) if user else {}), **kw.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kw)

    def submit(self, user: UserId = ALICE, **body: Any) -> str:
        body.setdefault("url", "https://videos.example/talk.mp4")
        response = self.call("POST", "/api/klair/analyze", user, json=body)
        assert response.status_code == 202, response.get_json()
        return str(response.get_json()["job_id"])

    def job(self, job_id: str) -> Job:
        return self.deps.store.get(JobId(job_id))

    def move(self, job_id: str, *path: JobStatus, **fields: Any) -> Job:
        """Walk the job along the pipeline; `fields` are written with the last step."""
        job = self.job(job_id)
        for n, status in enumerate(path):
            extra = fields if n == len(path) - 1 else {}
            moved = self.deps.store.transition(job.id, {job.status}, status, **extra)
            assert moved is not None
            job = moved
        return job

    def set_tier(self, user: UserId, tier: str) -> None:
        now = self.clock.now()
        self.deps.users.upsert(User(id=user, tier=tier, created_at=now, updated_at=now))


def make_world(
    verifier: Verifier | None = None,
    cors: tuple[str, ...] = (),
    settings: Settings | None = None,
    around_store: Callable[[JobStore], JobStore] | None = None,
    model_analyzer: ModelAnalyzer | None = None,
) -> World:
    """`around_store` wraps the in-memory store (a test's counting one); the status reads
    that bootstrap wires go through the wrapper. No model analyzer unless one is given."""
    clock = ManualClock()
    # Positions read fresh on every poll here; their caching is tested in test_queue_snapshot.
    settings = settings or Settings(
        cors_origins=cors, tiers=ROOMY_TIERS, queue_cache_seconds=0, fan_out_seconds=0.3
    )
    probe, downloader, transcoder, analyzer, renderer = media_adapters(settings)
    tasks, bus = RecordingTasks(), InProcessBus()
    deps = for_tests(
        settings=settings,
        store=(around_store or (lambda store: store))(MemoryJobStore(clock)),
        usage=MemoryUsageLedger(),
        blobs=MemoryBlobs(),
        bus=bus,
        tasks=tasks,
        clock=clock,
        probe=probe,
        downloader=downloader,
        transcoder=transcoder,
        analyzer=analyzer,
        renderer=renderer,
        users=MemoryUserStore(clock),
        model_analyzer=model_analyzer,
    )
    router = build_api(
        lambda: deps, verifier or HeaderVerifier(), "demo-klair", CorsPolicy.of(cors)
    )

    def app(environ: Any, start_response: Any) -> Any:
        return router.dispatch(Request(environ))(environ, start_response)

    return World(deps, clock, tasks, bus, router, Client(app))
