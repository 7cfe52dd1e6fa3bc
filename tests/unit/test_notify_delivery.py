"""Outbound webhooks end to end on the in-process bus and task queue: a local receiver verifies
every request with svix, sees Klair retry after its 500s, and never accepts the same event id
twice, whatever is redelivered; what happened is on the job's status."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from svix.webhooks import Webhook

from klair.domain.errors import KlairError
from klair.domain.events import DeadLettered, DeliverNotification, JobFinished
from klair.domain.ids import UserId
from klair.domain.notification import EventKind, event_id, new_secret
from klair.domain.status import JobStatus
from klair.handlers.api.queries import job_status
from klair.handlers.api.user_webhook import WebhookRequest, delete_webhook, put_webhook
from klair.handlers.outbound.notify import notify_job_finished
from klair.handlers.outbound.notify_delivery import deliver_notification, signed_headers
from klair.handlers.pipeline.fail_dead_letter import fail_dead_letter
from klair.handlers.steps.lifecycle import complete_job, fail_job
from klair.handlers.steps.removal import cancel
from tests.unit.notify_world import (
    OWNER,
    Receiver,
    World,
    make_world,
    receiver_fixture,
    sender,
    world_fixture,
)

__all__ = ["receiver_fixture", "world_fixture"]  # the notify tests' fixtures


def flaky(*script: int) -> Receiver:
    """Answers `script` in turn, then 204."""
    return Receiver(script)


def status(world: World, job_id: str) -> list[dict[str, object]]:
    view = job_status(world.deps, OWNER, job_id).model_dump(mode="json")
    return list(view["notifications"])


@settings(max_examples=50, deadline=None)
@given(msg_id=st.text(min_size=1, max_size=40), body=st.text(max_size=300))
def test_signatures_verify_with_svix(msg_id: str, body: str) -> None:
    secret = new_secret()
    at = datetime.now(UTC)
    headers = signed_headers(secret, msg_id, at, body)
    Webhook(secret).verify(body.encode(), headers)  # raises on a mismatch
    assert headers["webhook-signature"] == Webhook(secret).sign(msg_id, at, body)
    other = "whsec_" + base64.b64encode(b"k" * 24).decode()
    with pytest.raises(Exception, match="signature"):
        Webhook(other).verify(body.encode(), headers)


def test_the_signature_is_the_one_klair_always_sent() -> None:
    """Bytes fixed by the hand-rolled HMAC signer svix's replaced: receivers see no change."""
    body = '{"id":"evt_0123456789abcdef0123456789abcdef","type":"job.completed","sequence":3}'
    at = datetime.fromtimestamp(1_700_000_000.75, UTC)
    headers = signed_headers(
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "evt_0123456789abcdef0123456789abcdef", at, body
    )
    assert headers["webhook-timestamp"] == "1700000000"
    assert headers["webhook-signature"] == "v1,Dk8tSkPlMpbQ7C4pJkKVZaystDaVw+uMINaaF/P7zng="


def test_event_ids_are_one_per_transition() -> None:
    job = "job_00000000000000000001"
    assert event_id(job, EventKind.JOB_COMPLETED) == event_id(job, EventKind.JOB_COMPLETED)
    ids = {
        event_id(job, EventKind.JOB_COMPLETED),
        event_id(job, EventKind.JOB_FAILED),
        event_id(job, EventKind.CLIP_READY, "clip_01"),
        event_id(job, EventKind.CLIP_READY, "clip_02"),
        event_id("job_00000000000000000002", EventKind.JOB_COMPLETED),
    }
    assert len(ids) == 5


def test_a_finished_export_sends_clip_ready_then_job_completed_signed(
    world: World, receiver: Receiver
) -> None:
    world.register(receiver)
    job = world.with_clips(world.job(), 2)
    world.export_all(job)
    assert world.deps.store.get(job.id).status is JobStatus.COMPLETED
    assert [h.event for h in receiver.hits] == ["clip.ready", "clip.ready", "job.completed"]
    assert all(h.verified for h in receiver.hits)
    completed = receiver.hits[-1].body
    assert completed["id"] == event_id(job.id, EventKind.JOB_COMPLETED)
    assert completed["data"] == {
        "job_id": job.id, "status": "completed", "clips_ready": 2, "clips_total": 2,
        "error": None, "status_url": f"/api/klair/status/{job.id}",
        "results_url": f"/api/klair/results/{job.id}",
    }  # fmt: skip
    clip = receiver.hits[0].body["data"]
    assert (clip["clip_id"], clip["rank"], clip["start"], clip["end"]) == ("clip_01", 1, 10, 18)
    shown = status(world, job.id)
    assert [(n["event"], n["state"], n["attempts"], n["last_status"]) for n in shown] == [
        ("clip.ready", "delivered", 1, 204),
        ("clip.ready", "delivered", 1, 204),
        ("job.completed", "delivered", 1, 204),
    ]
    assert all(n["delivered_at"] for n in shown)


def test_retries_after_500s_until_accepted_under_one_event_id(world: World) -> None:
    target = flaky(500, 502, 503)
    try:
        world.register(target)
        job = world.job(JobStatus.EXPORTING)
        assert complete_job(world.deps, job)
        world.bus.drain()
    finally:
        target.close()
    expected = event_id(job.id, EventKind.JOB_COMPLETED)
    assert [(h.event_id, h.answered) for h in target.hits] == [
        (expected, 500), (expected, 502), (expected, 503), (expected, 204),
    ]  # fmt: skip
    assert all(h.verified for h in target.hits)
    (shown,) = status(world, job.id)
    assert (shown["state"], shown["attempts"], shown["last_status"]) == ("delivered", 4, 204)


def test_redeliveries_never_give_the_receiver_an_event_id_twice(
    world: World, receiver: Receiver
) -> None:
    world.register(receiver)
    job = world.with_clips(world.job(), 1)
    world.export_all(job)
    world.export_all(job)  # every ClipSelected redelivered
    world.finished(job.id)  # the JobFinished redelivered
    world.finished(job.id, "completed")
    # A delivery task run again (Cloud Tasks is at-least-once) after it succeeded:
    record = world.log.records(job.id)[-1]
    body = receiver.hits[-1].body
    task = DeliverNotification(job_id=job.id, owner=OWNER, event_id=record.event_id,
                               event=record.event.value, body=json.dumps(body))  # fmt: skip
    assert deliver_notification(world.deps, task) is False
    accepted = receiver.accepted()
    assert len(accepted) == len(set(accepted)) == 2


def test_failed_and_cancelled_jobs_are_announced(world: World, receiver: Receiver) -> None:
    world.register(receiver)
    failed, running = world.job(JobStatus.ANALYZING), world.job(JobStatus.DOWNLOADING)
    fail_job(world.deps, failed.id, KlairError("no speech", code="no_speech"), "analyze")
    cancel(world.deps, running)
    world.bus.drain()
    events = {h.body["data"]["job_id"]: h.body for h in receiver.hits}
    assert events[failed.id]["type"] == "job.failed"
    assert events[failed.id]["data"]["error"] == {
        "code": "no_speech",
        "message": "no speech",
        "stage": "analyze",
    }
    assert events[running.id]["type"] == "job.cancelled"


def run_to_completion(world: World, target: Receiver) -> str:
    """Register `target`, complete a job, deliver; the job id."""
    try:
        world.register(target)
        job = world.job()
        assert complete_job(world.deps, job)
        world.bus.drain()
    finally:
        target.close()
    return job.id


def test_a_4xx_is_final_and_recorded(world: World) -> None:
    target = flaky(410)
    job_id = run_to_completion(world, target)
    assert [h.answered for h in target.hits] == [410]
    (shown,) = status(world, job_id)
    assert (shown["state"], shown["attempts"], shown["last_status"]) == ("rejected", 1, 410)


def test_a_redirect_is_not_followed(world: World) -> None:
    target = flaky(307)
    job_id = run_to_completion(world, target)
    assert [h.answered for h in target.hits] == [307]  # /elsewhere was never requested
    assert status(world, job_id)[0]["state"] == "rejected"


def test_a_receiver_that_keeps_failing_is_abandoned_after_the_last_attempt(world: World) -> None:
    target = Receiver(then=500)
    job_id = run_to_completion(world, target)
    assert len(target.hits) == world.deps.settings.webhook_max_attempts == 4
    (shown,) = status(world, job_id)
    assert (shown["state"], shown["attempts"], shown["delivered_at"]) == ("abandoned", 4, None)


def test_a_slow_receiver_times_out_and_is_retried() -> None:
    world = make_world(sender=sender(timeout=0.3))
    target = Receiver(delay=0.6)
    job_id = run_to_completion(world, target)
    (shown,) = status(world, job_id)
    assert (shown["state"], shown["attempts"], shown["last_error"]) == ("abandoned", 4, "timeout")


def test_an_event_for_a_removed_webhook_is_skipped(world: World, receiver: Receiver) -> None:
    world.register(receiver)
    job = world.job()
    assert complete_job(world.deps, job)
    delete_webhook(world.deps, OWNER)
    world.bus.drain()
    assert receiver.hits == []
    assert status(world, job.id) == []  # nothing is scheduled without a webhook


def test_a_webhook_removed_after_scheduling_skips_the_delivery(
    world: World, receiver: Receiver
) -> None:
    world.register(receiver)
    job = world.job()
    assert complete_job(world.deps, job)  # JobFinished is on the bus
    job = world.deps.store.get(job.id)
    assert notify_job_finished(world.deps, JobFinished(job_id=job.id, status="completed"))
    delete_webhook(world.deps, OWNER)  # before the queued delivery runs
    world.bus.drain()
    assert receiver.hits == []
    (shown,) = status(world, job.id)
    assert (shown["state"], shown["attempts"], shown["last_error"]) == (
        "skipped", 0, "webhook_removed",
    )  # fmt: skip


def test_users_without_a_webhook_get_nothing(world: World, receiver: Receiver) -> None:
    job = world.with_clips(world.job(), 1)
    world.export_all(job)
    assert world.deps.store.get(job.id).status is JobStatus.COMPLETED
    assert receiver.hits == [] and status(world, job.id) == []


def test_a_url_that_now_resolves_inside_the_network_is_refused_at_send_time() -> None:
    answers = {"hooks.example.com": ["93.184.215.14"]}
    world = make_world(sender=sender((), lambda host, port: answers[host]))
    put_webhook(world.deps, OWNER, WebhookRequest(url="https://hooks.example.com/klair"))
    answers["hooks.example.com"] = ["10.0.0.7"]  # DNS rebinding after registration
    job = world.job()
    assert complete_job(world.deps, job)
    world.bus.drain()
    (shown,) = status(world, job.id)
    assert (shown["state"], shown["last_error"], shown["last_status"]) == (
        "rejected", "url_address_not_allowed", None,
    )  # fmt: skip


def test_a_dead_lettered_announcement_never_fails_its_job(world: World) -> None:
    job = world.job(JobStatus.EXPORTING)
    for kind in ("ClipExported", "JobFinished"):
        letter = DeadLettered(subscription="notify-clip-exported", job_id=job.id,
                              original_type=kind)  # fmt: skip
        assert fail_dead_letter(world.deps, letter) is False
    assert world.deps.store.get(job.id).status is JobStatus.EXPORTING


def test_another_users_job_is_not_sent_to_my_webhook(world: World, receiver: Receiver) -> None:
    world.register(receiver)
    theirs = world.job(owner=UserId("user_other"))
    assert complete_job(world.deps, theirs)
    world.bus.drain()
    assert receiver.hits == []
