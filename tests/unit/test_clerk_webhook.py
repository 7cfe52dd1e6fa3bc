"""Clerk's webhooks through the `webhooks` router: Svix-signed events change users once."""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from svix.webhooks import Webhook
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Response

from klair.adapters.local.bus import InProcessBus, InProcessTaskQueue
from klair.adapters.memory.blobs import MemoryBlobs
from klair.adapters.memory.store import MemoryJobStore
from klair.adapters.memory.usage import MemoryUsageLedger
from klair.adapters.memory.users import MemoryUserStore
from klair.bootstrap import for_tests, media_adapters
from klair.config import Settings
from klair.domain.errors import NotFound
from klair.domain.ids import UserId
from klair.domain.user import User
from klair.handlers.deps import Deps
from klair.http.router import Router
from klair.http.webhook_routes import build_webhooks

EVENTS = Path(__file__).parent / "clerk_events"
UID = UserId("user_29w83sxmDNGwOuEthce5gg56FcC")
SECRET = "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


class ManualClock:
    def __init__(self) -> None:
        self.at = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.at


@dataclass
class Clerk:
    """Signs events the way Clerk's Svix endpoint does and posts them to the router."""

    router: Router
    deps: Deps
    secret: str = SECRET

    def post(
        self,
        event: dict[str, Any],
        msg_id: str | None = None,
        at: datetime | None = None,
        body: str | None = None,
    ) -> Response:
        payload = json.dumps(event)
        msg_id = msg_id or "msg_" + secrets.token_hex(12)
        at = at or datetime.now(UTC)
        headers = {
            "svix-id": msg_id,
            "svix-timestamp": str(int(at.timestamp())),
            "svix-signature": Webhook(self.secret).sign(msg_id, at, payload),
        }
        return self.send(payload if body is None else body, headers)

    def send(self, body: str, headers: dict[str, str]) -> Response:
        request = EnvironBuilder(
            method="POST", path="/webhooks/clerk", data=body, headers=list(headers.items()),
            content_type="application/json",
        ).get_request()  # fmt: skip
        return self.router.dispatch(request)

    def user(self) -> User:
        return self.deps.users.get(UID)


def event(name: str, **data: Any) -> dict[str, Any]:
    """A recorded Clerk event (`clerk_events/<name>.json`) with `data` fields replaced."""
    loaded: dict[str, Any] = json.loads((EVENTS / f"{name}.json").read_text())
    loaded["data"].update(data)
    return loaded


def answer(response: Response) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(response.get_data())
    return body


def make_deps(settings: Settings) -> Deps:
    clock = ManualClock()
    bus = InProcessBus()
    probe, downloader, transcoder, analyzer, renderer = media_adapters(settings)
    return for_tests(
        settings=settings, store=MemoryJobStore(clock), usage=MemoryUsageLedger(),
        blobs=MemoryBlobs(), bus=bus, tasks=InProcessTaskQueue(bus), clock=clock, probe=probe,
        downloader=downloader, transcoder=transcoder, analyzer=analyzer, renderer=renderer,
        users=MemoryUserStore(clock),
    )  # fmt: skip


@pytest.fixture
def clerk() -> Clerk:
    settings = Settings(clerk_webhook_secret=SECRET)
    deps = make_deps(settings)
    return Clerk(build_webhooks(lambda: deps, settings), deps)


def test_created_user_is_stored_with_primary_email_name_and_tier(clerk: Clerk) -> None:
    response = clerk.post(event("user.created"))
    assert response.status_code == 200
    assert answer(response) == {"type": "user.created", "outcome": "applied", "duplicate": False}
    user = clerk.user()
    assert (user.email, user.name, user.tier, user.status) == (
        "example@example.org", "Example Example", "pro", "active",
    )  # fmt: skip
    assert user.created_at == datetime(2022, 5, 31, 15, 56, 31, 514000, tzinfo=UTC)


def test_updated_user_gets_new_email_name_and_tier(clerk: Clerk) -> None:
    clerk.post(event("user.created"))
    assert clerk.post(event("user.updated")).status_code == 200
    user = clerk.user()
    assert (user.email, user.name, user.tier) == (
        "new-address@example.org", "Renamed Person", "creator",
    )  # fmt: skip
    assert user.created_at == datetime(2022, 5, 31, 15, 56, 31, 514000, tzinfo=UTC)


def test_a_tier_that_is_not_configured_is_ignored(clerk: Clerk) -> None:
    clerk.post(event("user.created", public_metadata={"tier": "platinum"}))
    assert clerk.user().tier == "free"
    clerk.post(event("user.updated", public_metadata={"tier": "creator"}))
    clerk.post(event("user.updated", public_metadata={"tier": 3}, updated_at=1654012900000))
    assert clerk.user().tier == "creator"
    clerk.post(event("user.updated", public_metadata={}, updated_at=1654013000000))
    assert clerk.user().tier == "creator"


def test_tampered_body_is_refused_and_changes_nothing(clerk: Clerk) -> None:
    signed = event("user.created")
    forged = json.dumps(event("user.created", public_metadata={"tier": "enterprise"}))
    response = clerk.post(signed, body=forged)
    assert response.status_code == 401
    assert answer(response)["error"]["code"] == "invalid_signature"
    with pytest.raises(NotFound):
        clerk.user()


def test_another_endpoints_secret_is_refused(clerk: Clerk) -> None:
    other = replace(clerk, secret="whsec_" + base64.b64encode(b"x" * 24).decode())
    assert other.post(event("user.created")).status_code == 401
    with pytest.raises(NotFound):
        clerk.user()


@pytest.mark.parametrize("skew", [timedelta(minutes=-10), timedelta(minutes=10)])
def test_stale_or_future_timestamp_is_refused(clerk: Clerk, skew: timedelta) -> None:
    response = clerk.post(event("user.created"), at=datetime.now(UTC) + skew)
    assert (response.status_code, answer(response)["error"]["code"]) == (401, "invalid_signature")
    with pytest.raises(NotFound):
        clerk.user()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"svix-id": "msg_1", "svix-timestamp": "now", "svix-signature": "v1,AAAA"},
        {"svix-id": "msg_1", "svix-timestamp": "1", "svix-signature": "garbage"},
        {"svix-id": "msg_1", "svix-timestamp": str(int(datetime.now(UTC).timestamp())),
         "svix-signature": "v1,not base64!"},
    ],
)  # fmt: skip
def test_missing_or_malformed_signature_headers_are_refused(
    clerk: Clerk, headers: dict[str, str]
) -> None:
    response = clerk.send(json.dumps(event("user.created")), headers)
    assert (response.status_code, answer(response)["error"]["code"]) == (401, "invalid_signature")
    with pytest.raises(NotFound):
        clerk.user()


def test_a_replayed_message_changes_nothing(clerk: Clerk) -> None:
    clerk.post(event("user.created"), msg_id="msg_created")
    clerk.post(event("user.updated"), msg_id="msg_updated")
    before = clerk.user()
    replay = clerk.post(event("user.created"), msg_id="msg_created")
    assert replay.status_code == 200
    assert answer(replay)["duplicate"] is True
    assert clerk.user() == before
    assert clerk.user().tier == "creator"


def test_an_event_older_than_the_stored_user_changes_nothing(clerk: Clerk) -> None:
    clerk.post(event("user.updated"))
    late = clerk.post(event("user.created"))
    assert answer(late) == {"type": "user.created", "outcome": "unchanged", "duplicate": False}
    assert clerk.user().email == "new-address@example.org"


def test_unknown_event_types_are_acknowledged_and_ignored(clerk: Clerk) -> None:
    session = {"data": {"id": "sess_2abc", "user_id": UID, "object": "session"},
               "object": "event", "type": "session.created"}  # fmt: skip
    response = clerk.post(session)
    assert response.status_code == 200
    assert answer(response) == {"type": "session.created", "outcome": "ignored", "duplicate": False}
    with pytest.raises(NotFound):
        clerk.user()


def test_deleted_user_is_marked_deleted_once_and_stays_deleted(clerk: Clerk) -> None:
    clerk.post(event("user.created"))
    assert answer(clerk.post(event("user.deleted")))["outcome"] == "applied"
    user = clerk.user()
    assert (user.status, user.email, user.name, user.tier) == ("deleted", None, None, "pro")
    assert answer(clerk.post(event("user.deleted")))["outcome"] == "unchanged"
    late = clerk.post(event("user.updated", updated_at=1893456000000))
    assert answer(late)["outcome"] == "unchanged"
    assert clerk.user().status == "deleted"


def test_deleting_a_user_never_seen_still_refuses_them_later(clerk: Clerk) -> None:
    assert clerk.post(event("user.deleted")).status_code == 200
    assert clerk.user().status == "deleted"


def test_a_signed_event_without_a_user_id_is_a_bad_request(clerk: Clerk) -> None:
    response = clerk.post({"object": "event", "type": "user.created", "data": {"first_name": "X"}})
    assert (response.status_code, answer(response)["error"]["code"]) == (400, "invalid_event")


def test_without_a_secret_the_endpoint_is_unavailable(clerk: Clerk) -> None:
    settings = Settings(clerk_webhook_secret=None)
    unconfigured = replace(clerk, router=build_webhooks(lambda: clerk.deps, settings))
    response = unconfigured.post(event("user.created"))
    assert response.status_code == 503
    assert answer(response)["error"]["code"] == "webhook_not_configured"
    with pytest.raises(NotFound):
        clerk.user()


def test_only_post_is_allowed(clerk: Clerk) -> None:
    request = EnvironBuilder(method="GET", path="/webhooks/clerk").get_request()
    assert clerk.router.dispatch(request).status_code == 405
