"""API keys on the in-memory fakes through the whole `api` router: the rules of the secret,
scopes and limits, and what a caller sees (201 with the secret once, 403 `insufficient_scope`,
401 `invalid_api_key` from the request after a revoke, last-used writes throttled)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest

from klair.domain.api_keys import (
    MAX_ACTIVE_KEYS,
    SECRET_PREFIX,
    access_for,
    digest_of,
    key_id_of,
    new_key,
    parse_scopes,
    well_formed,
)
from klair.domain.errors import InvalidInput
from klair.handlers.deps import Deps
from klair.http.api_key_auth import KeyOrSessionVerifier
from klair.http.openapi import openapi_document
from klair.ports.accounts import ApiKeyStore
from tests.unit.api_world import ALICE, BOB, HeaderVerifier, World, make_world

KEYS = "/api/klair/user/api-keys"
URL = "https://videos.example/talk.mp4"
AT = datetime(2026, 3, 14, 9, 30, tzinfo=UTC)


@pytest.fixture
def world() -> World:
    holder: list[World] = []
    made = make_world(KeyOrSessionVerifier(HeaderVerifier(), lambda: holder[0].deps))
    holder.append(made)
    return made


def create(world: World, *scopes: str, name: str = "ci", user: Any = ALICE) -> dict[str, Any]:
    response = world.call("POST", KEYS, user, json={"name": name, "scopes": list(scopes)})
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def with_key(world: World, method: str, path: str, secret: str, **kw: Any) -> Any:
    return world.call(method, path, None, headers={"Authorization": f"Bearer {secret}"}, **kw)


def test_a_secret_is_prefixed_high_entropy_and_only_its_digest_is_kept() -> None:
    key, secret = new_key(ALICE, "ci", ("read",), AT)
    assert secret.startswith(SECRET_PREFIX) and len(secret) == len(SECRET_PREFIX) + 43
    assert key.digest == digest_of(secret) != secret and key.id == key_id_of(key.digest)
    assert secret not in key.model_dump_json() and key.prefix == secret[:15]
    assert new_key(ALICE, "ci", ("read",), AT)[1] != secret
    assert well_formed(secret) and not well_formed(secret + "x") and not well_formed(secret[:-1])
    assert not well_formed(secret[:-1] + "/") and not well_formed("klair_pk_" + secret[9:])


def test_scopes_are_deduplicated_and_an_unknown_one_lists_the_allowed() -> None:
    assert parse_scopes(["write", "read", "write"]) == ("read", "write")
    for asked in (["read", "admin"], []):
        with pytest.raises(InvalidInput) as refused:
            parse_scopes(asked)
        assert refused.value.code == "unknown_scope"
        assert refused.value.details["allowed"] == ["read", "write"]


def test_reading_needs_read_and_changing_needs_write() -> None:
    key, _ = new_key(ALICE, "ci", ("write",), AT)
    assert [access_for(m) for m in ("GET", "POST", "PUT", "DELETE")] == [
        "read", "write", "write", "write",
    ]  # fmt: skip
    assert key.grants("read") and key.grants("write") and not key.grants("session")
    reader, _ = new_key(ALICE, "ci", ("read",), AT)
    assert reader.grants("read") and not reader.grants("write")


def test_the_secret_is_shown_once_and_the_key_acts_as_its_owner(world: World) -> None:
    created = create(world, "read", "write", name="  nightly import  ")
    assert created["name"] == "nightly import" and created["scopes"] == ["read", "write"]
    secret = created["secret"]
    submitted = with_key(world, "POST", "/api/klair/analyze", secret, json={"url": URL})
    assert submitted.status_code == 202, submitted.get_json()
    job_id = submitted.get_json()["job_id"]
    assert world.job(job_id).owner == ALICE  # metered and limited as Alice
    status = with_key(world, "GET", f"/api/klair/status/{job_id}", secret)
    assert status.status_code == 200
    listed = world.call("GET", KEYS).get_json()
    assert secret not in str(listed) and "secret" not in listed["keys"][0]
    assert listed["keys"][0]["prefix"] == secret[:15] and listed["active"] == 1
    assert all(secret not in key.model_dump_json() for key in world.deps.api_keys.list_keys(ALICE))


def test_a_read_key_cannot_change_anything(world: World) -> None:
    secret = create(world, "read")["secret"]
    job_id = world.submit(ALICE)
    assert with_key(world, "GET", f"/api/klair/status/{job_id}", secret).status_code == 200
    for method, path in (
        ("POST", "/api/klair/analyze"),
        ("POST", f"/api/klair/jobs/{job_id}/cancel"),
        ("DELETE", f"/api/klair/jobs/{job_id}"),
        ("PUT", "/api/klair/user/webhook"),
        ("POST", "/api/upload-url"),
    ):
        response = with_key(world, method, path, secret, json={"url": URL})
        assert response.status_code == 403, (method, path)
        error = response.get_json()["error"]
        assert error["code"] == "insufficient_scope" and error["details"]["required"] == "write"
    assert world.job(job_id).status.value == "queued"


def test_keys_cannot_manage_keys(world: World) -> None:
    created = create(world, "read", "write")
    secret, key_id = created["secret"], created["id"]
    for method, path in (("GET", KEYS), ("POST", KEYS), ("DELETE", f"{KEYS}/{key_id}")):
        response = with_key(world, method, path, secret, json={"name": "x", "scopes": ["read"]})
        assert response.status_code == 403, (method, path)
        assert response.get_json()["error"]["code"] == "session_required"
    assert world.call("GET", KEYS).get_json()["active"] == 1


def test_a_revoked_key_is_refused_on_the_next_request(world: World) -> None:
    created = create(world, "read")
    assert with_key(world, "GET", "/api/klair/jobs", created["secret"]).status_code == 200
    revoked = world.call("DELETE", f"{KEYS}/{created['id']}")
    assert revoked.status_code == 200 and revoked.get_json()["revoked_at"]
    refused = with_key(world, "GET", "/api/klair/jobs", created["secret"])
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "invalid_api_key"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert world.call("DELETE", f"{KEYS}/{created['id']}").status_code == 200  # again: same
    assert world.call("GET", KEYS).get_json()["keys"][0]["revoked_at"] is not None


@pytest.mark.parametrize(
    "secret", [SECRET_PREFIX, SECRET_PREFIX + "x" * 43, SECRET_PREFIX + "../../etc", "klair_sk_é"]
)
def test_an_unknown_key_is_401_invalid_api_key(world: World, secret: str) -> None:
    response = with_key(world, "GET", "/api/klair/jobs", secret)
    assert (response.status_code, response.get_json()["error"]["code"]) == (401, "invalid_api_key")


def test_another_users_key_cannot_be_revoked(world: World) -> None:
    created = create(world, "read")
    assert world.call("DELETE", f"{KEYS}/{created['id']}", BOB).status_code == 404
    assert world.call("DELETE", f"{KEYS}/key_nope", BOB).get_json()["error"]["code"] == (
        "api_key_not_found"
    )
    assert with_key(world, "GET", "/api/klair/jobs", created["secret"]).status_code == 200


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"name": "ci", "scopes": ["read", "admin"]}, "unknown_scope"),
        ({"scopes": ["read"]}, "invalid_input"),
        ({"name": "   ", "scopes": ["read"]}, "invalid_input"),
        ({"name": "ci", "scopes": []}, "invalid_input"),
        ({"name": "ci", "scopes": ["read"], "owner": "user_bob"}, "invalid_input"),
    ],
)
def test_bad_key_requests_are_400_with_a_code(
    world: World, body: dict[str, Any], code: str
) -> None:
    response = world.call("POST", KEYS, json=body)
    assert (response.status_code, response.get_json()["error"]["code"]) == (400, code)
    if code == "unknown_scope":
        assert response.get_json()["error"]["details"]["allowed"] == ["read", "write"]
    assert world.call("GET", KEYS).get_json()["keys"] == []


def test_the_active_keys_are_limited_and_a_revoke_frees_one(world: World) -> None:
    made = [create(world, "read", name=f"k{n}") for n in range(MAX_ACTIVE_KEYS)]
    refused = world.call("POST", KEYS, json={"name": "one more", "scopes": ["read"]})
    assert refused.status_code == 409
    assert refused.get_json()["error"] == {
        "code": "too_many_api_keys",
        "message": refused.get_json()["error"]["message"],
        "details": {"limit": MAX_ACTIVE_KEYS},
    }
    assert create(world, "read", user=BOB)["id"]  # Bob's count is his own
    world.call("DELETE", f"{KEYS}/{made[0]['id']}")
    assert create(world, "read", name="replacement")["name"] == "replacement"


def test_last_use_is_written_at_most_once_a_minute(world: World) -> None:
    created = create(world, "read")

    def last_used() -> Any:
        key = world.deps.api_keys.get(created["id"])
        assert key is not None
        return key.last_used_at

    assert last_used() is None
    first = world.clock.now()
    with_key(world, "GET", "/api/klair/jobs", created["secret"])
    assert last_used() == first
    world.clock.tick(59)
    with_key(world, "GET", "/api/klair/jobs", created["secret"])
    assert last_used() == first  # a poll loop does not write on each request
    later = world.clock.tick(1)
    with_key(world, "GET", "/api/klair/jobs", created["secret"])
    assert last_used() == later == first + timedelta(seconds=60)
    listed = world.call("GET", KEYS).get_json()["keys"][0]
    assert listed["last_used_at"] == "2026-03-14T09:31:00.000Z"


def test_the_spec_documents_keys_and_the_scope_each_operation_needs(world: World) -> None:
    document = openapi_document(world.router)
    scheme = document["components"]["securitySchemes"]["apiKey"]
    assert scheme["scheme"] == "bearer" and "klair_sk_" in scheme["description"]
    paths = document["paths"]
    assert {"apiKey": ["read"]} in paths["/api/klair/status/{job_id}"]["get"]["security"]
    assert {"apiKey": ["write"]} in paths["/api/klair/analyze"]["post"]["security"]
    assert (
        "insufficient_scope"
        in paths["/api/klair/export"]["post"]["responses"]["403"]["description"]
    )
    for method, path in (("post", KEYS), ("get", KEYS), ("delete", KEYS + "/{key_id}")):
        operation = paths[path][method]
        assert not any("apiKey" in scheme for scheme in operation["security"]), path
        assert "session_required" in operation["responses"]["403"]["description"]
    created = paths[KEYS]["post"]["responses"]["201"]["content"]["application/json"]["schema"]
    assert created["$ref"].endswith("/ApiKeyCreated")


class CountingKeys:
    """The in-memory key store, counting lookups."""

    def __init__(self, inner: ApiKeyStore) -> None:
        self.inner, self.gets = inner, 0

    def get(self, key_id: str) -> Any:
        self.gets += 1
        return self.inner.get(key_id)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_guessed_keys_are_refused_per_ip_before_they_are_looked_up() -> None:
    holder: list[World] = []
    keys: list[CountingKeys] = []

    def deps() -> Deps:
        inner = holder[0].deps
        if not keys:
            keys.append(CountingKeys(inner.api_keys))
        return replace(inner, api_keys=cast(ApiKeyStore, keys[0]))

    world = make_world(KeyOrSessionVerifier(HeaderVerifier(), deps))
    holder.append(world)
    secret = create(world, "read")["secret"]
    guess, burst = SECRET_PREFIX + "x" * 43, world.deps.settings.ip_burst
    guesser, neighbour = "203.0.113.7", "198.51.100.9"

    def jobs(key: str, ip: str) -> Any:
        return with_key(world, "GET", "/api/klair/jobs", key, environ_base={"REMOTE_ADDR": ip})

    assert [jobs(guess, guesser).status_code for _ in range(burst)] == [401] * burst
    looked_up = keys[0].gets
    assert looked_up == burst
    throttled = jobs(guess, guesser)
    assert throttled.status_code == 429 and throttled.headers["Retry-After"]
    assert throttled.get_json()["error"]["details"]["scope"] == "ip"
    # No lookup past the burst: a key from that address waits too, one from another does not.
    assert jobs(secret, guesser).status_code == 429 and keys[0].gets == looked_up
    assert jobs(secret, neighbour).status_code == 200
    world.clock.tick(60 / world.deps.settings.ip_requests_per_minute)  # one request's worth
    assert jobs(guess, guesser).status_code == 401
    # A valid key is never counted: its owner's own limit applies.
    for _ in range(burst + 5):
        jobs(secret, neighbour)
    assert jobs(guess, neighbour).status_code == 401
