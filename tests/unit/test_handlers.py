"""Handlers on the in-memory fakes: redelivery, failure, refund and sweeping rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from klair.adapters.local.blobs import LocalBlobs
from klair.adapters.local.bus import InProcessBus, InProcessTaskQueue
from klair.adapters.memory.store import MemoryJobStore
from klair.adapters.memory.usage import MemoryUsageLedger
from klair.adapters.memory.users import MemoryUserStore
from klair.bootstrap import for_tests, media_adapters
from klair.config import Settings
from klair.domain.errors import UnsupportedMedia
from klair.domain.events import DeadLettered, JobFinished, ObjectFinalized, StartIngest
from klair.domain.ids import JobId, UserId
from klair.domain.job import JobKind, JobOptions
from klair.domain.status import JobStatus
from klair.handlers.api.submit_job import submit_local_file
from klair.handlers.deps import Deps
from klair.handlers.pipeline.admit_upload import admit_upload
from klair.handlers.pipeline.fail_dead_letter import fail_dead_letter
from klair.handlers.pipeline.ingest_source import ingest_source
from klair.handlers.pipeline.sweep import sweep
from klair.handlers.steps.delivery import deliver

OWNER = UserId("user_1")


class ManualClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


@pytest.fixture
def world(tmp_path: Path) -> tuple[Deps, InProcessBus, ManualClock, list[object]]:
    clock = ManualClock()
    bus = InProcessBus()
    seen: list[object] = []
    bus.subscribe(JobFinished, seen.append)
    blobs = LocalBlobs(tmp_path / "blobs")  # finalize events are delivered by hand below
    probe, downloader, transcoder, analyzer, renderer = media_adapters(Settings())
    deps = for_tests(
        settings=Settings(local_root=tmp_path),
        store=MemoryJobStore(clock),
        usage=MemoryUsageLedger(),
        blobs=blobs,
        bus=bus,
        tasks=InProcessTaskQueue(bus),
        clock=clock,
        probe=probe,
        downloader=downloader,
        transcoder=transcoder,
        analyzer=analyzer,
        renderer=renderer,
        users=MemoryUserStore(),
    )
    return deps, bus, clock, seen


def _upload(deps: Deps, tmp_path: Path, content: bytes = b"not media") -> JobId:
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)
    return submit_local_file(deps, OWNER, path, JobKind.VIDEO, JobOptions())


def _finalized(deps: Deps, job_id: JobId, generation: str = "1") -> ObjectFinalized:
    name = deps.store.get(job_id).source.upload_object
    assert name is not None
    return ObjectFinalized(bucket="local", name=name, generation=generation)


def test_a_redelivered_finalize_admits_the_job_once(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    deps, *_ = world
    job_id = _upload(deps, tmp_path)
    assert admit_upload(deps, _finalized(deps, job_id)) is True
    assert admit_upload(deps, _finalized(deps, job_id)) is False
    assert deps.store.get(job_id).status is JobStatus.QUEUED
    assert (
        deps.tasks.enqueue("klair-free", f"ingest-{job_id}", "x", StartIngest(job_id=job_id))
        is False
    )


def test_objects_outside_uploads_are_ignored(world) -> None:  # type: ignore[no-untyped-def]
    deps, *_ = world
    assert (
        admit_upload(deps, ObjectFinalized(bucket="b", name="work/job_1/x", generation="1"))
        is False
    )


def test_unreadable_media_fails_the_job_once_with_its_code(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    deps, bus, _, seen = world
    job_id = _upload(deps, tmp_path)
    admit_upload(deps, _finalized(deps, job_id))
    assert deliver(deps, ingest_source, StartIngest(job_id=job_id), "ingest") is False
    job = deps.store.get(job_id)
    assert job.status is JobStatus.FAILED
    assert job.error is not None and job.error.code == UnsupportedMedia.code
    assert job.error.stage == "ingest"
    bus.drain()
    assert [m.status for m in seen if isinstance(m, JobFinished)] == ["failed"]
    # a redelivered task finds a terminal job and does nothing
    assert deliver(deps, ingest_source, StartIngest(job_id=job_id), "ingest") is False


def test_a_dead_letter_fails_and_refunds_exactly_once(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    deps, *_ = world
    job_id = _upload(deps, tmp_path)
    admit_upload(deps, _finalized(deps, job_id))
    deps.usage.reserve(OWNER, job_id, 3.0, 60, "2026-11")
    letter = DeadLettered(subscription="export-clip-selected", job_id=job_id)
    assert fail_dead_letter(deps, letter) is True
    assert fail_dead_letter(deps, letter) is False
    usage = deps.usage.usage(OWNER, "2026-11")
    assert usage.minutes_reserved == 0 and usage.minutes_used == 0
    job = deps.store.get(job_id)
    assert job.error is not None and job.error.code == "delivery_exhausted"


def test_sweeper_flags_then_fails_a_job_without_progress(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    deps, _, clock, _ = world
    job_id = _upload(deps, tmp_path)
    admit_upload(deps, _finalized(deps, job_id))  # queued, budget 2 h
    clock.at += timedelta(minutes=30)
    assert sweep(deps).flagged == 0
    clock.at += timedelta(hours=2)
    assert sweep(deps).flagged == 1
    assert deps.store.get(job_id).stalled is True
    clock.at += timedelta(minutes=30)
    assert sweep(deps).failed == 0  # the flag gave it one more budget
    clock.at += timedelta(hours=2)
    assert sweep(deps).failed == 1
    job = deps.store.get(job_id)
    assert job.status is JobStatus.FAILED and job.error is not None
    assert job.error.code == "stalled"


def test_sweeper_expires_uploads_that_never_arrive(world, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    deps, _, clock, _ = world
    job_id = _upload(deps, tmp_path)
    clock.at += timedelta(hours=25)
    assert sweep(deps).failed == 1
    error = deps.store.get(job_id).error
    assert error is not None and error.code == "upload_expired"
