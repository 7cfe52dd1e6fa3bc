"""Firestore contention: every chunk completion of several jobs at once, each delivered three
times, through the real store adapter on the emulator; each delivery that counts (or finds)
the last chunk announces it, and every announcement runs the real selection handler. The
counters must end exact, no delivery may see analysis complete early, and each job must
leave analysis, and fan out its exports, exactly once."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
from google.cloud import firestore

from klair.adapters.clock import SystemClock
from klair.adapters.firestore.store import FirestoreJobStore
from klair.adapters.firestore.usage import FirestoreUsageLedger
from klair.adapters.firestore.users import FirestoreUserStore
from klair.adapters.memory.blobs import MemoryBlobs
from klair.bootstrap import for_tests, media_adapters
from klair.config import Settings
from klair.devstack import emulators as emu
from klair.domain.clip import Candidate
from klair.domain.errors import Transient
from klair.domain.events import AnalysisCompleted, ClipSelected, Message
from klair.domain.ids import JobId, UserId, new_job_id
from klair.domain.job import Job, JobOptions, JobSource
from klair.domain.status import JobStatus
from klair.handlers.deps import Deps
from klair.handlers.pipeline.select_clips import select_clips
from tests.reliability.conftest import Row, Summary
from tests.unit.api_world import RecordingTasks

pytestmark = [pytest.mark.emulator, pytest.mark.reliability]

JOBS = 3
CHUNKS = 12
COPIES = 3
CLIPS = 3
OWNER = UserId("user_contention")


class RecordingBus:
    """The Bus port, keeping what was published (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.published: list[Message] = []

    def publish(self, message: Message) -> str:
        with self._lock:
            self.published.append(message)
            return str(len(self.published))


@pytest.fixture
def deps(emulator_stack: emu.Emulators) -> Iterator[Deps]:
    client = firestore.Client(project=emulator_stack.project)
    settings = Settings()
    probe, downloader, transcoder, analyzer, renderer = media_adapters(settings)
    clock = SystemClock()
    yield for_tests(
        settings=settings, store=FirestoreJobStore(client, clock),
        usage=FirestoreUsageLedger(client), blobs=MemoryBlobs(), bus=RecordingBus(),
        tasks=RecordingTasks(), clock=clock, probe=probe, downloader=downloader,
        transcoder=transcoder, analyzer=analyzer, renderer=renderer,
        users=FirestoreUserStore(client, clock),
    )  # fmt: skip
    client.close()  # type: ignore[no-untyped-call]  # untyped in google-cloud-firestore


def _analyzing_job(deps: Deps) -> Job:
    now = datetime.now(UTC)
    job = Job(
        id=new_job_id(), owner=OWNER, status=JobStatus.ANALYZING, tier="pro",
        source=JobSource(url="https://videos.example/talk.mp4"),
        options=JobOptions(clip_count=CLIPS, min_clip_seconds=10, max_clip_seconds=30),
        chunks_total=CHUNKS, chunks_done=0, stage_started_at=now, created_at=now, updated_at=now,
    )  # fmt: skip
    deps.store.create(job)
    return job


def _candidate(index: int) -> Candidate:
    start = 60.0 * index
    return Candidate(start=start, end=start + 20.0, score=40.0 + index, reason=f"chunk {index}")


class Deliveries:
    """What the analyze handler does once a chunk's analysis is done, per delivery."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._lock = threading.Lock()
        self.counted: dict[JobId, list[tuple[int, int]]] = {}
        self.early: list[str] = []
        self.selected: Counter[JobId] = Counter()  # selection runs that moved the job on
        self.redelivered = 0  # a Transient: the platform would deliver again

    def chunk_done(self, job_id: JobId, index: int) -> None:
        while True:
            try:
                return self._once(job_id, index)
            except Transient:
                with self._lock:
                    self.redelivered += 1
                time.sleep(0.5)

    def _once(self, job_id: JobId, index: int) -> None:
        store = self.deps.store
        counted = store.record_chunk(job_id, index, [_candidate(index)])
        if counted is None:  # a redelivery: the announcement may have been lost, so repeat it
            job = store.get(job_id)
            seen = (job.chunks_done, job.chunks_total)
        else:
            seen = counted
        recorded = len(store.chunk_candidates(job_id))  # read after the count it must cover
        with self._lock:
            if counted is not None:
                self.counted.setdefault(job_id, []).append(counted)
            if seen[0] > recorded:
                self.early.append(f"{job_id}: counted {seen[0]}, {recorded} recorded")
        if seen[0] >= seen[1]:
            if recorded < CHUNKS:
                with self._lock:
                    self.early.append(f"{job_id}: complete with {recorded} chunks recorded")
            if select_clips(self.deps, AnalysisCompleted(job_id=job_id, chunks=seen[1])):
                with self._lock:
                    self.selected[job_id] += 1


def _judge(deps: Deps, jobs: list[Job], deliveries: Deliveries) -> dict[str, list[str]]:
    """What went wrong per kind: lost (a count or chunk missing, or seen complete early),
    double (counted or moved on twice), stuck (never reached exporting with its clips)."""
    assert isinstance(deps.bus, RecordingBus)
    published = Counter(m.job_id for m in deps.bus.published if isinstance(m, ClipSelected))
    found: dict[str, list[str]] = {"lost": list(deliveries.early), "double": [], "stuck": []}
    for job in jobs:
        stored = deps.store.get(job.id)
        counts = sorted(deliveries.counted.get(job.id, []))
        if counts != [(n, CHUNKS) for n in range(1, CHUNKS + 1)]:
            kind = "double" if len(counts) > CHUNKS else "lost"
            found[kind].append(f"{job.id} counted {counts}")
        if stored.chunks_done != CHUNKS or len(deps.store.chunk_candidates(job.id)) != CHUNKS:
            found["lost"].append(f"{job.id}: {stored.chunks_done} done")
        if deliveries.selected[job.id] > 1 or published[job.id] > CLIPS:
            found["double"].append(f"{job.id} selected {deliveries.selected[job.id]}×")
        if stored.status is not JobStatus.EXPORTING or published[job.id] != CLIPS:
            found["stuck"].append(f"{job.id} {stored.status.value}, {published[job.id]} exports")
    return found


def test_chunk_completions_at_once_count_exactly_and_move_on_once(
    deps: Deps, summary: Summary
) -> None:
    jobs = [_analyzing_job(deps) for _ in range(JOBS)]
    work = [(job.id, index) for job in jobs for index in range(CHUNKS) for _ in range(COPIES)]
    deliveries = Deliveries(deps)
    barrier = threading.Barrier(len(work))

    def deliver(item: tuple[JobId, int]) -> None:
        barrier.wait()  # all released together
        deliveries.chunk_done(*item)

    with ThreadPoolExecutor(max_workers=len(work)) as pool:
        list(pool.map(deliver, work))

    found = _judge(deps, jobs, deliveries)
    moved = sum(1 for job in jobs if deliveries.selected[job.id] == 1)
    lost, double, stuck = (len(found[kind]) for kind in ("lost", "double", "stuck"))
    name = f"{CHUNKS} chunks x{COPIES} at once, {JOBS} jobs"
    calls = len(work) + deliveries.redelivered
    row = summary.add(Row(name, JOBS, calls, moved, 0, lost, double, stuck))
    assert found == {"lost": [], "double": [], "stuck": []}
    assert row.clean and moved == JOBS
