"""Clerk's `user.deleted`, signed with svix and posted to the webhooks router: the user's running
jobs are cancelled and refunded, every job, clip, object (uploads too), usage record and the
webhook are deleted, a tombstone refuses their tokens, nobody is notified, other users keep
everything, and it is idempotent (also when it runs out of time and Svix retries it)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder

from klair.adapters.memory.usage import MemoryUsageLedger
from klair.config import Settings
from klair.domain import naming
from klair.domain.errors import NotFound, Unauthorized
from klair.domain.events import JobFinished
from klair.domain.ids import UserId, new_job_id
from klair.domain.job import Job, JobSource
from klair.domain.listing import JobFilter
from klair.domain.quota import Quota, Usage
from klair.domain.status import JobStatus
from klair.handlers.steps.lifecycle import complete_job
from klair.http.active_users import ActiveUserVerifier
from klair.http.webhook_routes import build_webhooks
from tests.unit.notify_world import Receiver, World, make_world
from tests.unit.test_clerk_webhook import SECRET, UID, Clerk, answer, event

BOB = UserId("user_bob")
PERIOD = "2026-11"
QUOTA = Quota(period=PERIOD, monthly_minutes=1000, max_concurrent_jobs=50)


class SteppingClock:
    """Each reading is `step` later than the one before: time passes as work is done."""

    def __init__(self, step: timedelta) -> None:
        self.at, self.step = datetime.now(UTC), step

    def now(self) -> datetime:
        self.at += self.step
        return self.at


class Fixed:
    def __init__(self, uid: UserId) -> None:
        self.uid = uid

    def verify(self, request: Any, access: str = "session") -> UserId:
        return self.uid


def make(clock: Any = None) -> tuple[World, Clerk]:
    settings = Settings(clerk_webhook_secret=SECRET, ssrf_allowed_hosts=("127.0.0.1",))
    ledger = MemoryUsageLedger()
    world = make_world(settings, usage=ledger, usage_eraser=ledger)
    if clock is not None:
        world.deps = replace(world.deps, clock=clock)
    deps = world.deps
    return world, Clerk(build_webhooks(lambda: world.deps, settings), deps)


def upload_job(world: World, uid: UserId) -> Job:
    job_id, now = new_job_id(), datetime.now(UTC)
    name = naming.upload(uid, job_id, "talk.mp4")
    source = JobSource(upload_object=name, filename="talk.mp4")
    job = Job(id=job_id, owner=uid, status=JobStatus.AWAITING_UPLOAD, source=source,
              created_at=now, updated_at=now)  # fmt: skip
    world.deps.store.create(job)
    world.deps.blobs.put_bytes(name, b"upload")
    return job


def populate(world: World, uid: UserId) -> list[Job]:
    """A queued, an analyzing, a completed (with clips) and an awaiting-upload job, each
    holding minutes, with objects under every prefix; plus a stray upload."""
    deps = world.deps
    jobs = [world.job(JobStatus.QUEUED, uid), world.job(JobStatus.ANALYZING, uid)]
    done = world.with_clips(world.job(JobStatus.EXPORTING, uid), 2)
    jobs += [done, upload_job(world, uid)]
    for job in jobs:
        deps.usage.admit(uid, job.id, 4.0, QUOTA)
        for prefix in naming.job_prefixes(job.id):
            deps.blobs.put_bytes(prefix + "file.bin", b"x")
    assert complete_job(deps, deps.store.get(done.id))
    deps.blobs.put_bytes(f"uploads/{uid}/job_ffffffffffffffffffff/old.mp4", b"stray")
    world.bus.drain()
    return jobs


@pytest.fixture
def setup() -> tuple[World, Clerk]:
    return make()


def test_everything_of_the_user_is_deleted_and_their_tokens_refused(
    setup: tuple[World, Clerk],
) -> None:
    world, clerk = setup
    deps = world.deps
    clerk.post(event("user.created"))
    receiver = Receiver()
    try:
        world.register(receiver, UID)
        jobs = populate(world, UID)
        bobs = populate(world, BOB)
        sent_before = len(receiver.hits)
        response = clerk.post(event("user.deleted"))
        world.bus.drain()  # the cancellations' JobFinished reach notify: nobody to tell
    finally:
        receiver.close()
    assert (response.status_code, answer(response)["outcome"]) == (200, "applied")
    assert len(receiver.hits) == sent_before
    for job in jobs:
        with pytest.raises(NotFound):
            deps.store.get(job.id)
    assert deps.store.list_jobs(UID, JobFilter(), 100) == []
    assert [n for n in deps.blobs.list("") if UID in n or any(j.id in n for j in jobs)] == []
    assert deps.usage.usage(UID, PERIOD) == Usage(period=PERIOD)
    assert deps.usage.active_jobs(UID) == 0
    assert deps.webhooks is not None and deps.webhooks.get(UID) is None
    user = deps.users.get(UID)
    assert (user.status, user.email, user.name) == ("deleted", None, None)
    verifier = ActiveUserVerifier(Fixed(UID), lambda: deps.users, lambda: deps.revocations)
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(EnvironBuilder().get_request())
    assert refused.value.code == "user_deleted"
    # Bob keeps every job, object and minute.
    assert {j.id for j in deps.store.list_jobs(BOB, JobFilter(), 100)} == {j.id for j in bobs}
    assert len(deps.blobs.list(f"uploads/{BOB}/")) == 2
    assert deps.usage.usage(BOB, PERIOD).minutes_reserved > 0


def test_running_jobs_are_cancelled_and_refunded_before_they_go(
    setup: tuple[World, Clerk],
) -> None:
    world, clerk = setup
    jobs = populate(world, UID)
    finished: list[JobFinished] = []
    world.bus.subscribe(JobFinished, finished.append)
    assert world.deps.usage.usage(UID, PERIOD).minutes_reserved == 12.0  # three still held
    clerk.post(event("user.deleted"))
    world.bus.drain()
    cancelled = {f.job_id for f in finished if f.status == "cancelled"}
    assert cancelled == {jobs[0].id, jobs[1].id, jobs[3].id}


def test_a_replay_or_a_second_deletion_changes_nothing(setup: tuple[World, Clerk]) -> None:
    world, clerk = setup
    populate(world, UID)
    first = clerk.post(event("user.deleted"), msg_id="msg_deleted")
    replay = clerk.post(event("user.deleted"), msg_id="msg_deleted")
    again = clerk.post(event("user.deleted"))
    assert answer(first)["outcome"] == "applied"
    assert answer(replay) == {"type": "user.deleted", "outcome": "unchanged", "duplicate": True}
    assert answer(again)["outcome"] == "unchanged"
    assert world.deps.store.list_jobs(UID, JobFilter(), 100) == []


def test_a_deletion_past_its_time_budget_is_finished_by_svix_retries() -> None:
    world, clerk = make(SteppingClock(timedelta(seconds=7)))
    jobs = populate(world, UID)
    statuses = []
    for _ in range(10):
        response = clerk.post(event("user.deleted"), msg_id="msg_big_deletion")
        statuses.append(response.status_code)
        if response.status_code == 200:
            break
        assert answer(response)["error"]["code"] == "deletion_in_progress"
    assert statuses[0] == 503 and statuses[-1] == 200
    assert world.deps.store.list_jobs(UID, JobFilter(), 100) == []
    assert world.deps.blobs.list(f"uploads/{UID}/") == []
    assert len(statuses) <= len(jobs) + 1


def test_a_user_never_seen_is_still_refused_afterwards(setup: tuple[World, Clerk]) -> None:
    world, clerk = setup
    response = clerk.post(event("user.deleted"))
    assert answer(response)["outcome"] == "applied"
    assert world.deps.users.get(UID).status == "deleted"
