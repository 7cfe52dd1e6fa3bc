"""`POST /api/klair/batch` through the real `api` function on Firestore and fake-gcs-server:
accepted items are jobs with their ingest tasks, a batch over the plan is refused whole
with nothing left in Firestore or the task queue, bad input names its item, replays and
another user's reads."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from tests.e2e.api_app import ApiApp, _clear_caches, _roomy, api_app
from tests.unit.api_world import ROOMY_TIERS

__all__ = ["api_app"]
pytestmark = [pytest.mark.e2e, pytest.mark.emulator]

URLS = [f"https://videos.example/batch-{n}.mp4" for n in range(25)]


def post(api: ApiApp, user: str, body: dict[str, Any], **headers: str) -> Any:
    return api.client.post("/api/klair/batch", json=body, headers=api.headers(user, **headers))


def items(count: int, start: int = 0) -> list[dict[str, str]]:
    return [{"url": url} for url in URLS[start : start + count]]


def left_behind(api: ApiApp, user: str) -> dict[str, int]:
    """What Firestore and the task queue hold of `user`: jobs, batches, slots, usage."""
    client = firestore.Client(project=api.emulators.project)
    try:
        owned = FieldFilter("owner", "==", user)
        jobs = [d.id for d in client.collection("jobs").where(filter=owned).stream()]
        batches = list(client.collection("batches").where(filter=owned).stream())
        active = client.collection("usage_active").document(user).get().to_dict() or {}
        months = client.collection("users").document(user).collection("usage").stream()
        reservations = client.collection("usage_reservations").where(filter=owned).stream()
        return {
            "jobs": len(jobs), "batches": len(batches), "slots": len(active.get("jobs", [])),
            "admitted": sum(int((m.to_dict() or {}).get("jobs", 0)) for m in months),
            "reservations": len(list(reservations)),
            "tasks": sum(1 for name in api.dispatcher.tasks if name[len("ingest-"):] in jobs),
        }  # fmt: skip
    finally:
        client.close()  # type: ignore[no-untyped-call]  # untyped in google-cloud-firestore


NOTHING = {"jobs": 0, "batches": 0, "slots": 0, "admitted": 0, "reservations": 0, "tasks": 0}


@pytest.fixture
def tight(api_app: ApiApp) -> Iterator[ApiApp]:
    """The free plan at two jobs at once."""
    tiers = {name: _roomy(tier) for name, tier in ROOMY_TIERS.items()}
    tiers["free"].update(max_concurrent_jobs=2)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KLAIR_TIERS", json.dumps(tiers))
        _clear_caches()
        yield api_app
    _clear_caches()


def test_a_batch_becomes_jobs_with_tasks_and_replays(api_app: ApiApp) -> None:
    user, key = "user_batch_ok", {"Idempotency-Key": "batch-e2e-1"}
    body = {"items": items(3), "options": {"clip_count": 2}}
    accepted = post(api_app, user, body, **key)
    assert accepted.status_code == 202, accepted.get_json()
    batch = accepted.get_json()
    assert [i["status"] for i in batch["items"]] == ["queued"] * 3
    assert left_behind(api_app, user) == {"jobs": 3, "batches": 1, "slots": 3, "admitted": 3,
                                         "reservations": 3, "tasks": 3}  # fmt: skip
    replay = post(api_app, user, body, **key)
    assert replay.status_code == 200 and replay.get_json()["batch_id"] == batch["batch_id"]
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert left_behind(api_app, user)["jobs"] == 3
    shown = api_app.client.get(batch["status_url"], headers=api_app.headers(user))
    assert shown.status_code == 200 and shown.get_json()["items_total"] == 3
    other = api_app.client.get(batch["status_url"], headers=api_app.headers("user_batch_other"))
    assert (other.status_code, other.get_json()["error"]["code"]) == (404, "batch_not_found")


def test_a_batch_over_the_plan_leaves_nothing(tight: ApiApp) -> None:
    user = "user_batch_quota"
    refused = post(tight, user, {"items": items(3)})
    assert refused.status_code == 402, refused.get_json()
    error = refused.get_json()["error"]
    assert (error["code"], error["details"]["reason"]) == ("quota_exceeded", "concurrent_jobs")
    assert left_behind(tight, user) == NOTHING
    assert post(tight, user, {"items": items(2)}).status_code == 202  # two fit
    assert post(tight, user, {"items": items(1, 5)}).status_code == 402  # and no more
    assert left_behind(tight, user)["jobs"] == 2


@pytest.mark.parametrize(
    ("body", "code", "item"),
    [
        ({"items": []}, "batch_empty", None),
        ({"items": items(21)}, "batch_too_large", None),
        ({"items": [*items(2), {"url": URLS[1]}]}, "batch_duplicate_item", 2),
        ({"items": [*items(1), {"url": URLS[2], "upload_id": "job_" + "1" * 20}]},
         "batch_item_source", 1),
        ({"items": [*items(3), {"url": "http://169.254.169.254/latest"}]},
         "url_address_not_allowed", 3),
        ({"items": [*items(1), {"upload_id": "job_" + "2" * 20}]}, "job_not_found", 1),
    ],
)  # fmt: skip
def test_bad_input_names_the_item_and_leaves_nothing(
    api_app: ApiApp, body: dict[str, Any], code: str, item: int | None
) -> None:
    user = "user_batch_bad"
    refused = post(api_app, user, body)
    assert refused.status_code in (400, 404), refused.get_json()
    error = refused.get_json()["error"]
    assert error["code"] == code and error.get("details", {}).get("item") == item
    assert left_behind(api_app, user) == NOTHING
