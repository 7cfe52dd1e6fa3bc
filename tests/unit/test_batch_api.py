"""`POST /api/klair/batch` on fakes: each item its own job, admitted all or nothing (a 402
leaves no job, task, slot or minute), bad input refused with a code and the item's index
before any state, idempotent replays, uploads joining as their own job, owner-only reads."""

from __future__ import annotations

from typing import Any

import pytest

from klair.config import Settings
from klair.domain.errors import NotFound
from klair.domain.ids import JobId
from klair.domain.quota import Quota
from klair.domain.status import JobStatus as S
from klair.handlers.inbound.delete_user import delete_user
from tests.unit.api_world import ALICE, BOB, World, make_world

URLS = [f"https://videos.example/talk-{n}.mp4" for n in range(25)]


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.fixture
def plans() -> World:
    """The real tiers: free runs one job at a time, creator three, pro ten."""
    return make_world(settings=Settings())


def batch(world: World, *items: dict[str, Any], user: Any = ALICE, **body: Any) -> Any:
    headers = body.pop("headers", {})
    return world.call(
        "POST", "/api/klair/batch", user, json={"items": list(items), **body}, headers=headers
    )


def urls(count: int) -> list[dict[str, Any]]:
    return [{"url": url} for url in URLS[:count]]


def nothing_left(world: World, user: Any = ALICE) -> None:
    listed = world.call("GET", "/api/klair/jobs", user).get_json()["jobs"]
    assert listed == [] and world.tasks.tasks == {}
    assert world.deps.usage.active_jobs(user) == 0
    assert world.deps.usage.usage(user, "2026-03").jobs == 0


def test_each_item_becomes_a_queued_job_of_the_batch(world: World) -> None:
    response = batch(world, *urls(3), options={"aspect_ratios": ["9:16"]})
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert body["items_total"] == 3 and body["status"] == "running"
    jobs = [world.job(item["job_id"]) for item in body["items"]]
    assert [str(j.source.url) for j in jobs] == URLS[:3]
    assert {j.batch_id for j in jobs} == {body["batch_id"]}
    assert all(j.options.aspect_ratios == ("9:16",) for j in jobs)
    assert sorted(world.tasks.tasks) == sorted(f"ingest-{j.id}" for j in jobs)
    assert world.deps.usage.active_jobs(ALICE) == 3
    status = world.call("GET", body["status_url"]).get_json()
    assert status["counts"] == {"queued": 3} and status["items_finished"] == 0


def test_an_item_overrides_the_shared_options_field_by_field(world: World) -> None:
    items = [{"url": URLS[0]}, {"url": URLS[1], "options": {"clip_count": 2}}]
    body = batch(world, *items, options={"aspect_ratios": ["9:16"], "clip_count": 5}).get_json()
    first, second = (world.job(item["job_id"]).options for item in body["items"])
    assert (first.clip_count, first.aspect_ratios) == (5, ("9:16",))
    assert (second.clip_count, second.aspect_ratios) == (2, ("9:16",))


def test_the_batch_is_completed_when_every_item_ended(world: World) -> None:
    body = batch(world, *urls(2)).get_json()
    first, second = (item["job_id"] for item in body["items"])
    world.call("POST", f"/api/klair/jobs/{first}/cancel")
    assert world.call("GET", body["status_url"]).get_json()["status"] == "running"
    world.move(second, S.DOWNLOADING, S.FAILED)
    status = world.call("GET", body["status_url"]).get_json()
    assert status["status"] == "completed" and status["items_finished"] == 2
    assert status["counts"] == {"cancelled": 1, "failed": 1}


def test_a_batch_over_the_concurrent_jobs_is_refused_whole(plans: World) -> None:
    plans.set_tier(ALICE, "creator")  # three at a time
    response = batch(plans, *urls(4))
    assert response.status_code == 402, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "quota_exceeded"
    assert error["details"]["reason"] == "concurrent_jobs"
    assert error["details"]["requested_jobs"] == 4
    nothing_left(plans)
    assert batch(plans, *urls(3)).status_code == 202  # three fit


def test_the_seventh_item_refused_takes_the_first_six_with_it(plans: World) -> None:
    plans.set_tier(ALICE, "pro")  # ten at a time
    plans.submit(url=URLS[20])
    plans.submit(url=URLS[21])
    plans.submit(url=URLS[22])  # seven slots left
    assert batch(plans, *urls(8)).status_code == 402
    assert plans.deps.usage.active_jobs(ALICE) == 3
    listed = plans.call("GET", "/api/klair/jobs").get_json()["jobs"]
    assert len(listed) == 3 and len(plans.tasks.tasks) == 3


def test_a_batch_with_no_minutes_left_is_refused_whole(plans: World) -> None:
    plans.set_tier(ALICE, "creator")  # 600 minutes
    spent = JobId("job_spent")
    plans.deps.usage.admit(ALICE, spent, 600, Quota(period="2026-03", monthly_minutes=1e6,
                                                    max_concurrent_jobs=99))  # fmt: skip
    plans.deps.usage.commit(ALICE, spent, 600)
    response = batch(plans, *urls(2))
    assert response.status_code == 402
    assert response.get_json()["error"]["details"]["reason"] == "monthly_minutes"
    assert plans.call("GET", "/api/klair/jobs").get_json()["jobs"] == []
    assert plans.tasks.tasks == {} and plans.deps.usage.active_jobs(ALICE) == 0


@pytest.mark.parametrize(
    ("items", "status", "code", "item"),
    [
        ([], 400, "batch_empty", None),
        ([{"url": u} for u in URLS[:21]], 400, "batch_too_large", None),
        ([{"url": URLS[0]}, {"url": URLS[1]}, {"url": URLS[0]}], 400, "batch_duplicate_item", 2),
        ([{"url": URLS[0]}, {"url": URLS[1], "upload_id": "job_" + "0" * 20}], 400,
         "batch_item_source", 1),
        ([{"url": URLS[0]}, {}], 400, "batch_item_source", 1),
        ([{"url": URLS[0]}, {"url": "ftp://videos.example/a.mp4"}], 400, "invalid_url", 1),
        ([{"url": URLS[0]}, {"url": "not a url"}], 400, "invalid_url", 1),
        ([{"url": URLS[0]}, {"upload_id": "../../etc"}], 400, "invalid_upload_id", 1),
        ([{"url": URLS[0]}, {"url": URLS[1]}, {"url": "http://127.0.0.1/a.mp4"}], 400,
         "url_address_not_allowed", 2),
        ([{"url": URLS[0]}, {"upload_id": "job_" + "0" * 20}], 404, "job_not_found", 1),
        ([{"url": URLS[0]}, {"url": URLS[1], "options": {"aspect_ratios": ["16:9"]}}], 403,
         "export_variant_not_in_plan", 1),
        ([{"url": URLS[0]}, {"url": URLS[1], "options": {"min_clip_seconds": 30}}], 400,
         "invalid_options", 1),
    ],
)  # fmt: skip
def test_bad_input_names_the_item_and_leaves_nothing(
    plans: World, items: list[dict[str, Any]], status: int, code: str, item: int | None
) -> None:
    response = batch(plans, *items, options={"max_clip_seconds": 20})
    assert response.status_code == status, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error.get("details", {}).get("item") == item
    nothing_left(plans)


def test_a_malformed_item_is_refused_with_its_index(world: World) -> None:
    response = batch(world, {"url": URLS[0]}, {"url": URLS[1], "colour": "red"})
    assert response.status_code == 400
    errors = response.get_json()["error"]["details"]["errors"]
    assert errors[0]["loc"][:2] == ["items", 1]
    nothing_left(world)


def test_a_repeated_key_replays_the_first_batch(world: World) -> None:
    key = {"Idempotency-Key": "batch-1"}
    first = batch(world, *urls(2), headers=key)
    again = batch(world, *urls(2), headers=key)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["batch_id"] == first.get_json()["batch_id"]
    assert len(world.call("GET", "/api/klair/jobs").get_json()["jobs"]) == 2
    other = batch(world, *urls(3), headers=key)
    assert (other.status_code, other.get_json()["error"]["code"]) == (
        409,
        "idempotency_key_reused",
    )


def test_a_refused_batch_frees_its_key(plans: World) -> None:
    key = {"Idempotency-Key": "batch-2"}
    assert batch(plans, *urls(2), headers=key).status_code == 402  # free: one at a time
    plans.set_tier(ALICE, "pro")
    assert batch(plans, *urls(2), headers=key).status_code == 202


def test_an_upload_waiting_for_its_file_joins_the_batch_as_its_own_job(plans: World) -> None:
    plans.set_tier(ALICE, "pro")
    ticket = plans.call("POST", "/api/upload-url", json={"filename": "a.mp4", "size_bytes": 10})
    upload = ticket.get_json()["upload_id"]
    body = batch(plans, {"upload_id": upload}, {"url": URLS[0]},
                 options={"clip_count": 3}).get_json()  # fmt: skip
    assert body["items"][0]["job_id"] == upload
    assert plans.job(upload).batch_id == body["batch_id"]
    assert plans.job(upload).options.clip_count == 3
    assert plans.deps.usage.active_jobs(ALICE) == 2  # the upload kept its own slot
    assert set(plans.tasks.tasks) == {f"ingest-{body['items'][1]['job_id']}"}


def test_a_refused_batch_leaves_a_joined_upload_as_it_was(plans: World) -> None:
    ticket = plans.call("POST", "/api/upload-url", json={"filename": "a.mp4", "size_bytes": 10})
    upload = ticket.get_json()["upload_id"]  # free: that was the one slot
    response = batch(plans, {"upload_id": upload}, {"url": URLS[0]}, options={"clip_count": 3})
    assert response.status_code == 402
    assert plans.job(upload).batch_id is None and plans.job(upload).options.clip_count != 3


def test_another_users_batch_is_not_found(world: World) -> None:
    body = batch(world, *urls(1)).get_json()
    for user, path in ((BOB, body["status_url"]), (ALICE, "/api/klair/batch/batch_nope")):
        response = world.call("GET", path, user)
        assert (response.status_code, response.get_json()["error"]["code"]) == (
            404,
            "batch_not_found",
        )
    item = {"upload_id": body["items"][0]["job_id"]}
    assert batch(world, item, user=BOB).get_json()["error"]["code"] == "job_not_found"


def test_deleting_the_user_deletes_their_batches(world: World) -> None:
    body = batch(world, *urls(2)).get_json()
    kept = batch(world, *urls(1), user=BOB).get_json()
    delete_user(world.deps, ALICE)
    with pytest.raises(NotFound):
        world.deps.store.get_batch(body["batch_id"])
    assert world.deps.store.get_batch(kept["batch_id"]).owner == BOB


def test_a_replay_with_a_joined_upload_is_the_same_batch(plans: World) -> None:
    plans.set_tier(ALICE, "pro")
    ticket = plans.call("POST", "/api/upload-url", json={"filename": "a.mp4", "size_bytes": 10})
    upload, key = ticket.get_json()["upload_id"], {"Idempotency-Key": "with-upload"}
    first = batch(plans, {"upload_id": upload}, {"url": URLS[0]}, headers=key)
    again = batch(plans, {"upload_id": upload}, {"url": URLS[0]}, headers=key)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.get_json()["batch_id"] == first.get_json()["batch_id"]
    other = batch(plans, {"upload_id": upload})  # another batch may not take it
    assert (other.status_code, other.get_json()["error"]["code"]) == (409, "upload_in_batch")
    assert other.get_json()["error"]["details"]["item"] == 0


@pytest.mark.parametrize("batch_id", ["batch_XYZ", "__x__", "..", "batch_" + "0" * 300])
def test_a_malformed_batch_id_is_404(world: World, batch_id: str) -> None:
    response = world.call("GET", f"/api/klair/batch/{batch_id}")
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "batch_not_found")
