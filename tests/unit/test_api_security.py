"""Security of every API route: the JWT attack matrix (401), IDOR (404, indistinguishable
from a missing job), CORS with credentials, size limits and unknown fields."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from klair.devstack.dev_issuer import DevIssuer
from klair.domain.status import JobStatus as S
from klair.http.auth import ClerkVerifier
from tests.unit.api_world import ALICE, BOB, World, make_world
from tests.unit.jwt_attacks import APP, ATTACKS, auth_headers

JOB = "job_0123456789abcdef0123"
KEY = "key_0123456789abcdef01234567"
BATCH = "batch_0123456789abcdef0123"
PROTECTED = [
    ("POST", "/api/klair/analyze"),
    ("POST", "/api/klair/analyze/audio"),
    ("POST", "/api/upload-url"),
    ("GET", "/api/klair/jobs"),
    ("GET", f"/api/klair/status/{JOB}"),
    ("GET", f"/api/klair/results/{JOB}"),
    ("POST", f"/api/klair/jobs/{JOB}/cancel"),
    ("DELETE", f"/api/klair/jobs/{JOB}"),
    ("POST", "/api/klair/export"),
    ("GET", "/api/klair/user/usage"),
    ("GET", "/api/klair/user/stats"),
    ("PUT", "/api/klair/user/webhook"),
    ("GET", "/api/klair/user/webhook"),
    ("DELETE", "/api/klair/user/webhook"),
    ("POST", "/api/klair/user/api-keys"),
    ("GET", "/api/klair/user/api-keys"),
    ("DELETE", f"/api/klair/user/api-keys/{KEY}"),
    ("POST", "/api/klair/batch"),
    ("GET", f"/api/klair/batch/{BATCH}"),
    ("GET", f"/api/klair/results/{JOB}/archive"),
]
BY_JOB = [(m, p.replace(JOB, "{job}")) for m, p in PROTECTED if JOB in p]


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DevIssuer]:
    with DevIssuer(tmp_path_factory.mktemp("issuer")) as dev:
        yield dev


@pytest.fixture(scope="module")
def clerk_world(issuer: DevIssuer) -> World:
    return make_world(ClerkVerifier(issuer.issuer, issuer.jwks_url, (APP,), timeout=2))


def test_the_documented_routes_are_exactly_the_protected_ones(clerk_world: World) -> None:
    document = clerk_world.call("GET", "/api/openapi.json", None).get_json()
    secured = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        for method, op in item.items()
        if op["security"]
    }
    documented = {
        (m, p.replace(JOB, "{job_id}").replace(KEY, "{key_id}").replace(BATCH, "{batch_id}"))
        for m, p in PROTECTED
    }
    assert secured == documented


def test_a_real_clerk_token_is_accepted(clerk_world: World, issuer: DevIssuer) -> None:
    headers = auth_headers(issuer.mint("user_alice", azp=APP))
    response = clerk_world.client.get("/api/klair/user/usage", headers=headers)
    assert response.status_code == 200 and response.get_json()["user_id"] == "user_alice"


@pytest.mark.parametrize("attack", sorted(ATTACKS))
@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_attack_on_every_route_is_401(
    clerk_world: World, issuer: DevIssuer, attack: str, method: str, path: str
) -> None:
    headers = auth_headers(ATTACKS[attack](issuer))
    response = clerk_world.client.open(
        path, method=method, headers=headers, json={"url": "https://v.example/a.mp4"}
    )
    assert response.status_code == 401, (attack, response.get_json())
    assert set(response.get_json()) == {"error"}
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.fixture
def world() -> World:
    return make_world()


@pytest.mark.parametrize(("method", "path"), BY_JOB)
def test_another_users_job_is_exactly_as_absent_as_no_job(
    world: World, method: str, path: str
) -> None:
    job_id = world.submit(ALICE)
    theirs = world.call(method, path.format(job=job_id), BOB)
    unknown = world.call(method, path.format(job=JOB), BOB)
    assert theirs.status_code == unknown.status_code == 404
    assert theirs.get_json()["error"]["code"] == unknown.get_json()["error"]["code"]
    assert theirs.get_json()["error"].keys() == unknown.get_json()["error"].keys()
    assert world.job(job_id).status is S.QUEUED  # Bob's cancel or delete changed nothing


def test_other_users_jobs_and_uploads_stay_invisible(world: World) -> None:
    job_id = world.submit(ALICE)
    assert world.call("GET", "/api/klair/jobs", BOB).get_json()["jobs"] == []
    reuse = world.call("POST", "/api/klair/analyze", BOB, json={"upload_id": job_id})
    assert reuse.status_code == 404


@pytest.mark.parametrize("job_id", ["..", "__x__", "job_" + "0" * 300, "a%2Fb", "job_XYZ"])
def test_malformed_job_ids_are_404(world: World, job_id: str) -> None:
    assert world.call("GET", f"/api/klair/status/{job_id}").status_code == 404


def test_cors_grants_listed_origins_with_credentials() -> None:
    world = make_world(cors=("https://app.klair.example",))
    origin = {"Origin": "https://app.klair.example"}
    ok = world.call("GET", "/api/klair/user/usage", headers=origin)
    assert ok.headers["Access-Control-Allow-Origin"] == "https://app.klair.example"
    assert ok.headers["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in ok.headers["Vary"]
    assert "Retry-After" in ok.headers["Access-Control-Expose-Headers"]
    evil = world.call("GET", "/api/klair/user/usage", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in evil.headers
    denied = world.call("GET", "/api/klair/user/usage", None, headers=origin)
    assert denied.status_code == 401  # errors carry the grant too, so browsers can read them
    assert denied.headers["Access-Control-Allow-Origin"] == "https://app.klair.example"


def test_preflights_are_answered_without_auth() -> None:
    world = make_world(cors=("https://app.klair.example",))
    ask = {
        "Origin": "https://app.klair.example",
        "Access-Control-Request-Method": "DELETE",
        "Access-Control-Request-Headers": "authorization, idempotency-key",
    }
    response = world.call("OPTIONS", f"/api/klair/jobs/{JOB}", None, headers=ask)
    assert response.status_code == 204
    assert set(response.headers["Access-Control-Allow-Methods"].split(", ")) >= {"DELETE"}
    assert "Idempotency-Key" in response.headers["Access-Control-Allow-Headers"]
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    assert int(response.headers["Access-Control-Max-Age"]) > 0
    evil = world.call(
        "OPTIONS", f"/api/klair/jobs/{JOB}", None, headers={**ask, "Origin": "https://evil.example"}
    )
    assert evil.status_code == 403 and "Access-Control-Allow-Origin" not in evil.headers
    unknown = world.call("OPTIONS", "/api/nowhere", None, headers=ask)
    assert unknown.status_code == 404


def test_a_wildcard_origin_never_comes_with_credentials() -> None:
    world = make_world(cors=("*",))
    response = world.call("GET", "/api/health", None, headers={"Origin": "https://any.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_a_plain_options_lists_the_allowed_methods(world: World) -> None:
    response = world.call("OPTIONS", "/api/klair/analyze", None)
    assert response.status_code == 204
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}


def test_an_oversized_body_is_413(world: World, tmp_path: Path) -> None:
    huge = {"url": "https://v.example/" + "a" * (1024 * 1024)}
    response = world.call("POST", "/api/klair/analyze", json=huge)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "body_too_large"


def test_errors_are_json_with_code_and_message(world: World) -> None:
    for response in (
        world.call("GET", "/api/nowhere"),
        world.call("PUT", "/api/klair/analyze"),
        world.call("POST", "/api/klair/analyze", data="{", content_type="application/json"),
    ):
        error = response.get_json()["error"]
        assert response.status_code in (400, 404, 405)
        assert isinstance(error["code"], str) and isinstance(error["message"], str)
