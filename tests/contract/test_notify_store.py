"""Webhook ports' contract: the in-memory fakes and the Firestore adapters (emulator) behave
alike: a user's webhook, the delivery log (opened once with one sequence, attempts counted,
no progress after the job's end, deleted with its job) and the usage eraser of a deleted
user."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from klair.adapters.firestore.accounts import FirestoreUsageEraser
from klair.adapters.firestore.notify import FirestoreDeliveryLog, FirestoreWebhookStore
from klair.adapters.firestore.store import FirestoreJobStore
from klair.adapters.firestore.usage import FirestoreUsageLedger
from klair.adapters.memory.notify import MemoryDeliveryLog, MemoryWebhookStore
from klair.adapters.memory.store import MemoryJobStore
from klair.adapters.memory.usage import MemoryUsageLedger
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job, JobSource
from klair.domain.notification import Attempt, DeliveryState, EventKind, WebhookEndpoint
from klair.domain.quota import Quota, Usage
from klair.ports.accounts import UsageEraser, UsageLedger
from klair.ports.jobs import JobStore
from klair.ports.notify import DeliveryLog, WebhookStore
from tests.contract.step_clock import START

ALICE, BOB = UserId("user_alice"), UserId("user_bob")
JOB = JobId("job_00000000000000000042")
EVENT = "evt_0123456789abcdef0123456789abcdef"


@dataclass
class Ports:
    webhooks: WebhookStore
    log: DeliveryLog
    store: JobStore
    ledger: UsageLedger
    eraser: UsageEraser


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.emulator)])
def ports(request: pytest.FixtureRequest) -> Iterator[Ports]:
    if request.param == "memory":
        ledger = MemoryUsageLedger()
        yield Ports(MemoryWebhookStore(), MemoryDeliveryLog(), MemoryJobStore(), ledger, ledger)
        return
    client = request.getfixturevalue("firestore_client")
    yield Ports(
        FirestoreWebhookStore(client), FirestoreDeliveryLog(client), FirestoreJobStore(client),
        FirestoreUsageLedger(client), FirestoreUsageEraser(client),
    )  # fmt: skip


def body(sequence: int, created_at: datetime) -> str:
    return f"{sequence}@{created_at.isoformat()}"


def open_(log: DeliveryLog, event: str, kind: EventKind, at: datetime = START) -> int | None:
    """Open `event`; its sequence, None when refused."""
    record = log.open(JOB, event, kind, at, body)
    return None if record is None else record.sequence


def endpoint(url: str = "https://hooks.example.com/klair") -> WebhookEndpoint:
    return WebhookEndpoint(url=url, secret="whsec_c2VjcmV0", created_at=START, updated_at=START)


def test_a_webhook_is_stored_replaced_and_removed(ports: Ports) -> None:
    assert ports.webhooks.get(ALICE) is None
    ports.webhooks.put(ALICE, endpoint())
    assert ports.webhooks.get(ALICE) == endpoint()
    ports.webhooks.put(ALICE, endpoint("https://hooks.example.com/v2"))
    assert ports.webhooks.get(ALICE) == endpoint("https://hooks.example.com/v2")
    assert ports.webhooks.get(BOB) is None
    assert [ports.webhooks.remove(ALICE), ports.webhooks.remove(ALICE)] == [True, False]
    assert ports.webhooks.get(ALICE) is None


def test_a_record_is_opened_once_and_counts_every_attempt(ports: Ports) -> None:
    log = ports.log
    assert [open_(log, EVENT, EventKind.JOB_COMPLETED) for _ in range(2)] == [1, 1]
    later = START + timedelta(seconds=30)
    log.record(JOB, EVENT, Attempt(status=500), DeliveryState.RETRYING, START)
    log.record(JOB, EVENT, Attempt(error="timeout"), DeliveryState.RETRYING, START)
    log.record(JOB, EVENT, Attempt(status=204), DeliveryState.DELIVERED, later)
    record = log.get(JOB, EVENT)
    assert record is not None
    assert (record.state, record.attempts, record.last_status, record.last_error) == (
        DeliveryState.DELIVERED, 3, 204, None,
    )  # fmt: skip
    assert record.delivered_at == later == record.last_attempt_at
    assert record.created_at == START and log.records(JOB) == [record]


def test_concurrent_attempts_are_all_counted(ports: Ports) -> None:
    open_(ports.log, EVENT, EventKind.CLIP_READY)

    def attempt(_: int) -> None:
        ports.log.record(JOB, EVENT, Attempt(status=503), DeliveryState.RETRYING, START)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(attempt, range(16)))
    record = ports.log.get(JOB, EVENT)
    assert record is not None and record.attempts == 16


def test_a_skipped_delivery_is_not_an_attempt(ports: Ports) -> None:
    open_(ports.log, EVENT, EventKind.JOB_FAILED)
    ports.log.record(JOB, EVENT, Attempt(error="webhook_removed"), DeliveryState.SKIPPED, START)
    record = ports.log.get(JOB, EVENT)
    assert record is not None
    assert (record.state, record.attempts, record.last_attempt_at) == ("skipped", 0, None)


def test_records_list_oldest_first_and_an_unopened_event_stays_absent(ports: Ports) -> None:
    for n, kind in enumerate((EventKind.CLIP_READY, EventKind.JOB_COMPLETED)):
        open_(ports.log, f"evt_{n}", kind, START + timedelta(seconds=n))
    ports.log.record(JOB, "evt_never", Attempt(status=204), DeliveryState.DELIVERED, START)
    assert [r.event_id for r in ports.log.records(JOB)] == ["evt_0", "evt_1"]
    assert ports.log.get(JOB, "evt_never") is None


def test_the_log_goes_with_its_job(ports: Ports) -> None:
    job = Job(id=JOB, owner=ALICE, source=JobSource(url="https://v.example/a.mp4"),
              created_at=START, updated_at=START)  # fmt: skip
    ports.store.create(job)
    open_(ports.log, EVENT, EventKind.JOB_COMPLETED)
    ports.store.delete_job(JOB)
    if isinstance(ports.log, MemoryDeliveryLog):
        ports.log.forget(JOB)  # the fake's stand-in for Firestore's recursive delete
    assert ports.log.records(JOB) == []


def test_events_are_numbered_once_each_with_distinct_times(ports: Ports) -> None:
    events = [f"evt_{n:02d}" for n in range(12)]

    def open_twice(event: str) -> list[int | None]:
        return [open_(ports.log, event, EventKind.CLIP_READY) for _ in range(2)]

    with ThreadPoolExecutor(6) as pool:  # every event opened twice, all at the same instant
        opened = list(pool.map(open_twice, events + events))
    assert all(first == second for first, second in opened)
    records = ports.log.records(JOB)
    assert [r.sequence for r in records] == list(range(1, 13))
    assert sorted(r.event_id for r in records) == events
    times = [r.created_at for r in records]
    assert times == sorted(times) and len(set(times)) == 12
    assert times[0] == START and times[-1] - START == timedelta(milliseconds=11)
    assert all(r.body == body(r.sequence, r.created_at) for r in records)


def test_no_progress_is_opened_after_the_jobs_end(ports: Ports) -> None:
    assert open_(ports.log, "evt_clip1", EventKind.CLIP_READY) == 1
    assert open_(ports.log, "evt_done", EventKind.JOB_COMPLETED) == 2
    assert open_(ports.log, "evt_clip2", EventKind.CLIP_READY) is None  # late: refused
    assert open_(ports.log, "evt_clip1", EventKind.CLIP_READY) == 1  # opened before: kept
    assert [r.event_id for r in ports.log.records(JOB)] == ["evt_clip1", "evt_done"]


def test_erasing_a_users_usage_leaves_the_others(ports: Ports) -> None:
    quota = Quota(period="2025-03", monthly_minutes=100, max_concurrent_jobs=5)
    for owner in (ALICE, BOB):
        for n in range(3):
            ports.ledger.admit(owner, JobId(f"job_{owner[-3:]}{n}"), 5.0, quota)
        ports.ledger.commit(owner, JobId(f"job_{owner[-3:]}0"), 4.0)
    erased = ports.eraser.erase_usage(ALICE)
    assert erased >= 4  # a month and three reservations (and the slots document)
    assert ports.ledger.usage(ALICE, "2025-03") == Usage(period="2025-03")
    assert ports.ledger.active_jobs(ALICE) == 0
    assert ports.eraser.erase_usage(ALICE) == 0
    kept = ports.ledger.usage(BOB, "2025-03")
    assert (kept.minutes_used, kept.minutes_reserved, ports.ledger.active_jobs(BOB)) == (4, 10, 2)
