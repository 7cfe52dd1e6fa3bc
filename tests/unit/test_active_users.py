"""Tokens of users deleted in Clerk are refused; unknown and active users get through."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from klair.adapters.memory.users import MemoryUserStore
from klair.adapters.revocations import LocalRevocations
from klair.domain.errors import Unauthorized
from klair.domain.ids import UserId
from klair.domain.user import User
from klair.http.active_users import ActiveUserVerifier
from klair.http.call import Call
from klair.http.router import Router

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


class BearerIsSubject:
    """Stands in for Clerk: `Bearer <uid>` authenticates as `<uid>`."""

    def verify(self, request: Request, access: str = "session") -> UserId:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token:
            raise Unauthorized("a session token is required", code="missing_token")
        return UserId(token)


@pytest.fixture
def router() -> Router:
    users = MemoryUserStore()
    for uid in ("user_active", "user_gone"):
        users.upsert(User(id=UserId(uid), created_at=NOW, updated_at=NOW))
    users.mark_deleted(UserId("user_gone"))
    revocations = LocalRevocations()
    router = Router(ActiveUserVerifier(BearerIsSubject(), lambda: users, lambda: revocations))

    def whoami(call: Call) -> dict[str, str]:
        return {"user": call.principal}

    router.add("GET", "/api/me", whoami)
    return router


def get(router: Router, token: str | None) -> tuple[int, dict[str, object]]:
    headers = [("Authorization", f"Bearer {token}")] if token else []
    response = router.dispatch(EnvironBuilder(path="/api/me", headers=headers).get_request())
    return response.status_code, json.loads(response.get_data())


def test_an_active_user_gets_through(router: Router) -> None:
    assert get(router, "user_active") == (200, {"user": "user_active"})


def test_a_user_the_webhook_has_not_announced_yet_gets_through(router: Router) -> None:
    assert get(router, "user_brand_new") == (200, {"user": "user_brand_new"})


def test_a_deleted_users_token_is_refused(router: Router) -> None:
    status, body = get(router, "user_gone")
    assert status == 401
    assert body["error"] == {"code": "user_deleted", "message": "this account has been deleted"}


def test_the_inner_verifiers_refusal_stands(router: Router) -> None:
    status, body = get(router, None)
    assert (status, body["error"]) == (
        401,
        {"code": "missing_token", "message": "a session token is required"},
    )
