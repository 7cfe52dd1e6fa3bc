"""Webhook ports' contract: the in-memory fakes and the Firestore adapters (emulator) behave
alike: a user's webhook, the delivery log (opened once, attempts counted, deleted with its
job) and the usage eraser of a deleted user."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta

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
    assert [log.open(JOB, EVENT, EventKind.JOB_COMPLETED, START) for _ in range(2)] == [True, False]
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
    ports.log.open(JOB, EVENT, EventKind.CLIP_READY, START)

    def attempt(_: int) -> None:
        ports.log.record(JOB, EVENT, Attempt(status=503), DeliveryState.RETRYING, START)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(attempt, range(16)))
    record = ports.log.get(JOB, EVENT)
    assert record is not None and record.attempts == 16


def test_a_skipped_delivery_is_not_an_attempt(ports: Ports) -> None:
    ports.log.open(JOB, EVENT, EventKind.JOB_FAILED, START)
    ports.log.record(JOB, EVENT, Attempt(error="webhook_removed"), DeliveryState.SKIPPED, START)
    record = ports.log.get(JOB, EVENT)
    assert record is not None
    assert (record.state, record.attempts, record.last_attempt_at) == ("skipped", 0, None)


def test_records_list_oldest_first_and_an_unopened_event_stays_absent(ports: Ports) -> None:
    for n, kind in enumerate((EventKind.CLIP_READY, EventKind.JOB_COMPLETED)):
        ports.log.open(JOB, f"evt_{n}", kind, START + timedelta(seconds=n))
    ports.log.record(JOB, "evt_never", Attempt(status=204), DeliveryState.DELIVERED, START)
    assert [r.event_id for r in ports.log.records(JOB)] == ["evt_0", "evt_1"]
    assert ports.log.get(JOB, "evt_never") is None


def test_the_log_goes_with_its_job(ports: Ports) -> None:
    job = Job(id=JOB, owner=ALICE, source=JobSource(url="https://v.example/a.mp4"),
              created_at=START, updated_at=START)  # fmt: skip
    ports.store.create(job)
    ports.log.open(JOB, EVENT, EventKind.JOB_COMPLETED, START)
    ports.store.delete_job(JOB)
    if isinstance(ports.log, MemoryDeliveryLog):
        ports.log.forget(JOB)  # the fake's stand-in for Firestore's recursive delete
    assert ports.log.records(JOB) == []


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
