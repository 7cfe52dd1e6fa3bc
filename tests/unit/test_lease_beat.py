"""A paid chunk's delivery keeps its short lease alive while it works, and a delivery that
stops (it died) frees the chunk within that lease for Pub/Sub's redelivery."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from klair.adapters.clock import SystemClock
from klair.adapters.memory.store import MemoryJobStore
from klair.bootstrap import for_tests
from klair.config import Settings
from klair.domain.chunking import ChunkLease
from klair.domain.ids import new_job_id
from klair.domain.job import Job, JobKind, JobSource
from klair.domain.status import JobStatus
from klair.handlers.steps.lease_beat import beating, lease_end

SHORT = Settings(chunk_lease_seconds=0.4, chunk_heartbeat_seconds=0.1)


def test_a_working_delivery_keeps_its_chunk_and_a_dead_one_frees_it() -> None:
    clock = SystemClock()
    deps = for_tests(SHORT, store=MemoryJobStore(clock=clock), clock=clock)
    now = datetime.now(UTC)
    job = Job(id=new_job_id(), owner="u", kind=JobKind.VIDEO, status=JobStatus.ANALYZING,
              source=JobSource(url="https://example.com/v"), created_at=now, updated_at=now,
              stage_started_at=now, chunks_total=1)  # fmt: skip
    deps.store.create(job)
    held = deps.store.lease_chunk(job.id, 0, lease_end(deps))

    with beating(deps, job.id, 0, held.attempt):
        time.sleep(1.0)  # well past the 0.4 s lease: the heartbeat renewed it
        assert deps.store.lease_chunk(job.id, 0, lease_end(deps)).state == "held"
    time.sleep(0.6)  # the delivery stopped beating (it died without recording the chunk)

    assert deps.store.lease_chunk(job.id, 0, lease_end(deps)) == ChunkLease(
        state="granted", attempt=2
    )


def test_an_unleased_chunk_has_nothing_to_renew() -> None:
    deps = for_tests(SHORT)
    with beating(deps, new_job_id(), 0, None):
        pass  # no thread, no store call: a free chunk is not leased
