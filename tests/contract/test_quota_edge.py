"""Fifty concurrent submits at the quota edge, through the submit and ingest handlers on the
Firestore emulator: the user never ends over their minutes nor their concurrent jobs, and
every refused submit leaves no job behind."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from google.cloud import firestore

from klair.adapters.firestore.store import FirestoreJobStore
from klair.adapters.firestore.usage import FirestoreUsageLedger
from klair.adapters.firestore.users import FirestoreUserStore
from klair.adapters.memory.blobs import MemoryBlobs
from klair.bootstrap import for_tests, media_adapters
from klair.config import Settings
from klair.domain.errors import QuotaExceeded
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job, JobSource
from klair.domain.listing import JobFilter
from klair.domain.media import MediaInfo
from klair.domain.periods import period_at
from klair.domain.quota import Quota
from klair.domain.status import JobStatus
from klair.domain.tiers import DEFAULT_TIERS
from klair.domain.user import User
from klair.handlers.api.submit_job import SubmitRequest, submit
from klair.handlers.deps import Deps
from klair.handlers.steps.metering import reserve_minutes
from tests.conftest import TEST_SOURCE_HOSTS
from tests.unit.api_world import RecordingTasks

pytestmark = pytest.mark.emulator

SUBMITS = 50
OWNER = UserId("user_edge")
NOW = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)
PERIOD = period_at(NOW)


class FixedClock:
    def now(self) -> datetime:
        return NOW


def _deps(client: firestore.Client, concurrent: int) -> Deps:
    edge = DEFAULT_TIERS["creator"].model_copy(
        update={"name": "edge", "monthly_minutes": 30, "max_concurrent_jobs": concurrent}
    )
    settings = Settings(tiers={**DEFAULT_TIERS, "edge": edge}, ssrf_allowed_hosts=TEST_SOURCE_HOSTS)
    clock = FixedClock()
    probe, downloader, transcoder, analyzer, renderer = media_adapters(settings)
    deps = for_tests(
        settings=settings, store=FirestoreJobStore(client, clock),
        usage=FirestoreUsageLedger(client), blobs=MemoryBlobs(), bus=None,  # type: ignore[arg-type]
        tasks=RecordingTasks(), clock=clock, probe=probe, downloader=downloader,
        transcoder=transcoder, analyzer=analyzer, renderer=renderer,
        users=FirestoreUserStore(client, clock),
    )  # fmt: skip
    deps.users.upsert(User(id=OWNER, tier="edge", created_at=NOW, updated_at=NOW))
    return deps


def _all_at_once(count: int, call: Callable[[int], object]) -> list[object]:
    """Run `call(i)` on `count` threads released together: its result or its QuotaExceeded."""
    barrier = threading.Barrier(count)

    def run(i: int) -> object:
        barrier.wait()
        try:
            return call(i)
        except QuotaExceeded as refused:
            return refused

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def _refusals(outcomes: list[object]) -> list[str]:
    return [str(o.details["reason"]) for o in outcomes if isinstance(o, QuotaExceeded)]


def _queued(deps: Deps) -> list[Job]:
    return deps.store.list_jobs(OWNER, JobFilter(statuses=(JobStatus.QUEUED,)), 100)


def test_re_analyses_of_known_length_stop_exactly_at_the_minutes_left(
    firestore_client: firestore.Client,
) -> None:
    deps = _deps(firestore_client, concurrent=SUBMITS)
    upload_id = JobId("job_" + "0" * 20)
    upload = Job(
        id=upload_id, owner=OWNER, tier="edge", status=JobStatus.COMPLETED,
        source=JobSource(upload_object=f"uploads/{OWNER}/{upload_id}/talk.mp4"),
        media=MediaInfo(duration=180, container="mp4", video_codec="h264"),
        created_at=NOW, updated_at=NOW,
    )  # fmt: skip
    deps.store.create(upload)
    deps.blobs.put_bytes(upload.source.upload_object or "", b"video")
    deps.usage.admit(
        OWNER, upload.id, 9, Quota(period=PERIOD, monthly_minutes=30, max_concurrent_jobs=1)
    )
    deps.usage.commit(OWNER, upload.id, 9)
    request = SubmitRequest(upload_id=upload.id)

    outcomes = _all_at_once(SUBMITS, lambda _: submit(deps, OWNER, request))

    assert _refusals(outcomes) == ["monthly_minutes"] * (SUBMITS - 7)  # 21 min left, 3 each
    usage = deps.usage.usage(OWNER, PERIOD)
    assert (usage.minutes_used, usage.minutes_reserved, usage.jobs) == (9, 21, 8)
    assert len(_queued(deps)) == 7  # refused submits left no job


def test_url_submits_then_their_ingests_never_pass_either_limit(
    firestore_client: firestore.Client,
) -> None:
    deps = _deps(firestore_client, concurrent=10)
    request = SubmitRequest.model_validate({"url": "https://videos.example/talk.mp4"})

    outcomes = _all_at_once(SUBMITS, lambda _: submit(deps, OWNER, request))

    assert _refusals(outcomes) == ["concurrent_jobs"] * (SUBMITS - 10)
    admitted = _queued(deps)
    assert len(admitted) == 10 == deps.usage.active_jobs(OWNER)

    held = _all_at_once(10, lambda i: reserve_minutes(deps, admitted[i], 4 * 60))

    assert held.count(True) == 7 and _refusals(held) == ["monthly_minutes"] * 3
    usage = deps.usage.usage(OWNER, PERIOD)
    assert usage.minutes_used + usage.minutes_reserved == 28 <= 30
