"""API keys through the real `api` function on Firestore (emulator): made with a Clerk-like
session, a key submits and reads as its owner, a read key cannot submit, a revoked key is
refused by the next request, keys cannot manage keys, bad input is a 4xx with a code, a key
spends its owner's rate limit and plan, and deleting the user in Clerk deletes the keys."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from google.cloud import firestore

from klair.adapters.firestore.api_keys import FirestoreApiKeyStore
from klair.domain.api_keys import MAX_ACTIVE_KEYS
from klair.domain.ids import UserId
from tests.e2e.api_app import ApiApp, _clear_caches, _roomy, api_app
from tests.e2e.test_clerk_emulator import deliver, user_event
from tests.unit.api_world import ROOMY_TIERS

__all__ = ["api_app"]
pytestmark = [pytest.mark.e2e, pytest.mark.emulator]

KEYS = "/api/klair/user/api-keys"
URL = "https://videos.example/talk.mp4"


def create(api: ApiApp, user: str, *scopes: str, name: str = "ci") -> dict[str, Any]:
    response = api.client.post(
        KEYS, json={"name": name, "scopes": list(scopes)}, headers=api.headers(user)
    )
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def keyed(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def error(response: Any) -> tuple[int, str]:
    return response.status_code, response.get_json()["error"]["code"]


def test_a_key_submits_and_reads_a_read_key_cannot_submit_and_a_revoke_is_at_once(
    api_app: ApiApp,
) -> None:
    client, user = api_app.client, "user_key_flow"
    writer, reader = create(api_app, user, "read", "write"), create(api_app, user, "read")
    assert writer["secret"].startswith("klair_sk_")
    submitted = client.post(
        "/api/klair/analyze", json={"url": URL}, headers=keyed(writer["secret"])
    )
    assert submitted.status_code == 202, submitted.get_json()
    job_id = submitted.get_json()["job_id"]
    status = client.get(f"/api/klair/status/{job_id}", headers=keyed(writer["secret"]))
    assert status.status_code == 200 and status.get_json()["status"] == "queued"
    mine = client.get("/api/klair/jobs", headers=api_app.headers(user)).get_json()["jobs"]
    assert [job["job_id"] for job in mine] == [job_id]  # the owner's job, seen by the session
    assert (
        client.get(f"/api/klair/status/{job_id}", headers=keyed(reader["secret"])).status_code
        == 200
    )

    refused = client.post("/api/klair/analyze", json={"url": URL}, headers=keyed(reader["secret"]))
    assert error(refused) == (403, "insufficient_scope")
    assert refused.get_json()["error"]["details"] == {"required": "write", "granted": ["read"]}

    listed = client.get(KEYS, headers=api_app.headers(user)).get_json()
    used = {key["id"]: key["last_used_at"] for key in listed["keys"]}
    assert used[writer["id"]] is not None and "secret" not in json.dumps(listed)
    revoked = client.delete(f"{KEYS}/{writer['id']}", headers=api_app.headers(user))
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    again = client.get(f"/api/klair/status/{job_id}", headers=keyed(writer["secret"]))
    assert error(again) == (401, "invalid_api_key")


def test_keys_cannot_manage_keys_and_bad_input_is_a_4xx_with_a_code(api_app: ApiApp) -> None:
    client, user = api_app.client, "user_key_input"
    session = api_app.headers(user)
    key = create(api_app, user, "read", "write")
    for method, path in (("GET", KEYS), ("POST", KEYS), ("DELETE", f"{KEYS}/{key['id']}")):
        response = client.open(
            path,
            method=method,
            headers=keyed(key["secret"]),
            json={"name": "x", "scopes": ["read"]},
        )
        assert error(response) == (403, "session_required"), (method, path)
    unknown = client.post(KEYS, json={"name": "x", "scopes": ["admin"]}, headers=session)
    assert error(unknown) == (400, "unknown_scope")
    assert unknown.get_json()["error"]["details"]["allowed"] == ["read", "write"]
    assert error(client.post(KEYS, json={"scopes": ["read"]}, headers=session)) == (
        400, "invalid_input",
    )  # fmt: skip
    for n in range(MAX_ACTIVE_KEYS - 1):
        create(api_app, user, "read", name=f"k{n}")
    too_many = client.post(KEYS, json={"name": "one more", "scopes": ["read"]}, headers=session)
    assert error(too_many) == (409, "too_many_api_keys")
    assert (
        client.delete(f"{KEYS}/{key['id']}", headers=api_app.headers("user_other")).status_code
        == 404
    )
    assert client.delete(f"{KEYS}/{key['id']}", headers=session).status_code == 200
    assert create(api_app, user, "read", name="after a revoke")["name"] == "after a revoke"


@pytest.fixture
def tight(api_app: ApiApp) -> Iterator[ApiApp]:
    """The free plan at one job at once and four requests at once (one a minute after)."""
    tiers = {name: _roomy(tier) for name, tier in ROOMY_TIERS.items()}
    tiers["free"].update(max_concurrent_jobs=1, requests_per_minute=1, burst=4)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KLAIR_TIERS", json.dumps(tiers))
        _clear_caches()
        yield api_app
    _clear_caches()


def test_a_key_spends_its_owners_plan_and_rate_limit(tight: ApiApp) -> None:
    client, user = tight.client, "user_key_limits"
    session, secret = tight.headers(user), create(tight, user, "write")["secret"]  # request 1
    first = client.post("/api/klair/analyze", json={"url": URL}, headers=keyed(secret))  # 2
    assert first.status_code == 202, first.get_json()
    by_session = client.post("/api/klair/analyze", json={"url": URL}, headers=session)  # 3
    by_key = client.post("/api/klair/analyze", json={"url": URL}, headers=keyed(secret))  # 4
    assert error(by_session) == error(by_key) == (402, "quota_exceeded")
    details = by_key.get_json()["error"]["details"]
    assert details == by_session.get_json()["error"]["details"]
    assert details["reason"] == "concurrent_jobs"
    limited = client.get("/api/klair/jobs", headers=keyed(secret))  # 5: the owner's bucket
    assert error(limited) == (429, "rate_limited") and int(limited.headers["Retry-After"]) > 0
    assert error(client.get("/api/klair/jobs", headers=session)) == (429, "rate_limited")
    other = client.get("/api/klair/jobs", headers=tight.headers("user_key_limits_other"))
    assert other.status_code == 200


def test_deleting_the_user_deletes_their_keys_at_once(api_app: ApiApp) -> None:
    user = "user_key_deleted"
    secret = create(api_app, user, "read")["secret"]
    assert api_app.client.get("/api/klair/jobs", headers=keyed(secret)).status_code == 200
    deliver(api_app, user_event("user.deleted", user))
    refused = api_app.client.get("/api/klair/jobs", headers=keyed(secret))
    assert error(refused) == (401, "invalid_api_key")
    client = firestore.Client(project=api_app.emulators.project)
    try:
        assert FirestoreApiKeyStore(client).list_keys(UserId(user)) == []
    finally:
        client.close()  # type: ignore[no-untyped-call]  # untyped in google-cloud-firestore
