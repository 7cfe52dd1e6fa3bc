"""Clerk's events, svix-signed, through the real `webhooks` function on Firestore (emulator),
seen through the real `api` function in the same process: a replay or a stale event
changes nothing, any delivery order (concurrent too) ends on the newest state, and a
deleted user's next request is refused."""

from __future__ import annotations

import json
import random
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pytest
from svix.webhooks import Webhook

from tests.e2e.api_app import CLERK_WEBHOOK_SECRET, ApiApp, api_app
from tests.unit.test_clerk_webhook import event

__all__ = ["api_app"]
pytestmark = [pytest.mark.e2e, pytest.mark.emulator]

T0 = 1654012591835  # ms, the recorded user.created's updated_at


def user_event(kind: str, uid: str, tier: str | None = None, at: int | None = T0) -> dict[str, Any]:
    fields: dict[str, Any] = {"id": uid}
    if kind != "user.deleted":
        fields.update(public_metadata={"tier": tier}, updated_at=at)
    return event(kind, **fields)


def deliver(api: ApiApp, body: dict[str, Any], msg_id: str | None = None) -> dict[str, Any]:
    """POST `body` to `/webhooks/clerk` as Clerk's Svix endpoint does; the 200 answer."""
    payload, msg_id = json.dumps(body), msg_id or "msg_" + secrets.token_hex(12)
    now = datetime.now(UTC)
    headers = {
        "svix-id": msg_id,
        "svix-timestamp": str(int(now.timestamp())),
        "svix-signature": Webhook(CLERK_WEBHOOK_SECRET).sign(msg_id, now, payload),
    }
    response = api.webhooks.post(
        "/webhooks/clerk", data=payload, headers=headers, content_type="application/json"
    )
    assert response.status_code == 200, response.get_json()
    answer: dict[str, Any] = response.get_json()
    return answer


def tier(api: ApiApp, uid: str) -> str:
    usage = api.client.get("/api/klair/user/usage", headers=api.headers(uid))
    assert usage.status_code == 200, usage.get_json()
    name: str = usage.get_json()["tier"]
    return name


@pytest.mark.parametrize("stamped", [True, False], ids=["stamped", "without_updated_at"])
def test_a_replayed_creation_after_an_update_keeps_the_newer_tier(
    api_app: ApiApp, stamped: bool
) -> None:
    # Without `updated_at` an event counts as "now": only its message id tells a replay.
    uid, msg_id = f"user_e2e_replay_{stamped}", f"msg_e2e_created_{stamped}"
    created = user_event("user.created", uid, "pro", at=T0 if stamped else None)
    deliver(api_app, created, msg_id=msg_id)
    deliver(api_app, user_event("user.updated", uid, "creator", at=T0 + 1000 if stamped else None))
    replay = deliver(api_app, created, msg_id=msg_id)
    assert replay == {"type": "user.created", "outcome": "unchanged", "duplicate": True}
    assert tier(api_app, uid) == "creator"


def test_an_event_as_old_as_the_stored_user_is_unchanged(api_app: ApiApp) -> None:
    uid = "user_e2e_same_stamp"
    assert deliver(api_app, user_event("user.created", uid, "pro"))["outcome"] == "applied"
    same = deliver(api_app, user_event("user.updated", uid, "creator", at=T0))
    assert same == {"type": "user.updated", "outcome": "unchanged", "duplicate": False}
    assert tier(api_app, uid) == "pro"


@pytest.mark.parametrize("seed", range(3))
def test_shuffled_and_concurrent_deliveries_converge_on_the_newest(
    api_app: ApiApp, seed: int
) -> None:
    uid = f"user_e2e_shuffled_{seed}"
    tiers = ["free", "creator", "pro", "enterprise", "creator", "pro"]
    messages = [
        (f"msg_e2e_{seed}_{n}", user_event("user.updated", uid, name, at=T0 + 1000 * n))
        for n, name in enumerate(tiers)
    ]
    deliveries = messages * 2  # every message twice: Svix retries and replays
    random.Random(seed).shuffle(deliveries)
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda m: deliver(api_app, m[1], m[0]), deliveries))
    assert tier(api_app, uid) == "pro"  # the last stamp's tier
    assert sum(a["outcome"] == "applied" for a in answers) <= len(tiers)
    late = deliver(api_app, user_event("user.updated", uid, "enterprise", at=T0 + 2500))
    assert (late["outcome"], tier(api_app, uid)) == ("unchanged", "pro")


def test_a_deleted_users_next_request_is_refused(api_app: ApiApp) -> None:
    uid = "user_e2e_deleted"
    deliver(api_app, user_event("user.created", uid, "pro"))
    assert tier(api_app, uid) == "pro"  # the api instance now holds the user as active
    assert deliver(api_app, user_event("user.deleted", uid))["outcome"] == "applied"
    refused = api_app.client.get("/api/klair/user/usage", headers=api_app.headers(uid))
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "user_deleted"
    replay_of_life = deliver(api_app, user_event("user.updated", uid, "creator", at=T0 * 2))
    assert replay_of_life["outcome"] == "unchanged"
    assert (
        api_app.client.get("/api/klair/user/usage", headers=api_app.headers(uid)).status_code == 401
    )
