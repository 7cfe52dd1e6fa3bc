"""The `api` function through functions-framework's test client, on Firestore and
fake-gcs-server: every route's happy path, the JWT attack matrix, IDOR and CORS."""

from __future__ import annotations

import re
import time

import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage

from tests.e2e.api_app import ORIGIN, ApiApp, api_app
from tests.unit.jwt_attacks import ATTACKS, auth_headers

__all__ = ["api_app"]
pytestmark = [pytest.mark.e2e, pytest.mark.emulator]

URL = "https://videos.example/talk.mp4"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def _bucket(api: ApiApp) -> storage.Bucket:
    client = storage.Client(
        api.emulators.project,
        AnonymousCredentials(),  # type: ignore[no-untyped-call]
        client_options={"api_endpoint": api.emulators.gcs},
    )
    return client.bucket(api.bucket)


def test_submit_replay_list_cancel_and_delete_on_firestore(api_app: ApiApp) -> None:
    client, alice = api_app.client, api_app.headers()
    keyed = {**alice, "Idempotency-Key": "e2e-1"}
    first = client.post("/api/klair/analyze", json={"url": URL}, headers=keyed)
    assert first.status_code == 202, first.get_json()
    job_id = first.get_json()["job_id"]
    assert first.get_json()["queue_position"] >= 0 and RFC3339.match(first.get_json()["created_at"])
    replay = client.post("/api/klair/analyze", json={"url": URL}, headers=keyed)
    assert (replay.status_code, replay.get_json()["job_id"]) == (200, job_id)
    clash = client.post("/api/klair/analyze/audio", json={"url": URL}, headers=keyed)
    assert clash.status_code == 409
    assert f"ingest-{job_id}" in api_app.dispatcher.tasks
    time.sleep(0.01)
    audio = client.post("/api/klair/analyze/audio", json={"url": URL}, headers=alice).get_json()

    page = client.get("/api/klair/jobs?limit=1", headers=alice).get_json()
    assert [j["job_id"] for j in page["jobs"]] == [audio["job_id"]] and page["has_more"]
    rest = client.get(
        "/api/klair/jobs", query_string={"cursor": page["next_cursor"]}, headers=alice
    )
    assert job_id in [j["job_id"] for j in rest.get_json()["jobs"]]
    kinds = client.get("/api/klair/jobs?kind=audio&status=queued", headers=alice).get_json()
    assert [j["job_id"] for j in kinds["jobs"]] == [audio["job_id"]]

    cancelled = client.post(f"/api/klair/jobs/{job_id}/cancel", headers=alice)
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert client.get(f"/api/klair/results/{job_id}", headers=alice).status_code == 409

    bucket = _bucket(api_app)
    for name in (f"sources/{job_id}/source.mp4", f"clips/{job_id}/clip_01/source.mp4"):
        bucket.blob(name).upload_from_string(b"x")
    deleted = client.delete(f"/api/klair/jobs/{job_id}", headers=alice)
    assert deleted.status_code == 200 and deleted.get_json()["objects_deleted"] == 2
    assert list(bucket.list_blobs(prefix=f"sources/{job_id}/")) == []
    assert client.delete(f"/api/klair/jobs/{job_id}", headers=alice).status_code == 404
    again = client.post("/api/klair/analyze", json={"url": URL}, headers=keyed)
    assert again.status_code == 202 and again.get_json()["job_id"] != job_id


def test_uploads_usage_stats_health_and_the_spec(api_app: ApiApp) -> None:
    client, alice = api_app.client, api_app.headers()
    ticket = client.post(
        "/api/upload-url", json={"filename": "talk.mp4", "size_bytes": 1000}, headers=alice
    )
    assert ticket.status_code == 201 and ticket.get_json()["upload_url"].startswith("http")
    usage = client.get("/api/klair/user/usage", headers=alice).get_json()
    assert usage["tier"] == "free" and usage["limits"]["monthly_minutes"] > 0
    stats = client.get("/api/klair/user/stats?days=3", headers=alice).get_json()
    assert stats["totals"]["jobs"] >= 1 and len(stats["daily"]) == 3
    assert client.get("/api/health").status_code == 200
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"] == "3.1.0" and "/api/klair/jobs/{job_id}/cancel" in spec["paths"]


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_the_jwt_attack_matrix_is_401(api_app: ApiApp, attack: str) -> None:
    headers = auth_headers(ATTACKS[attack](api_app.issuer))
    for method, path in (("GET", "/api/klair/jobs"), ("POST", "/api/klair/analyze")):
        response = api_app.client.open(path, method=method, headers=headers, json={"url": URL})
        assert response.status_code == 401, (attack, response.get_json())


def test_another_users_job_is_404_on_every_route(api_app: ApiApp) -> None:
    client = api_app.client
    job_id = client.post(
        "/api/klair/analyze", json={"url": URL}, headers=api_app.headers()
    ).get_json()["job_id"]
    bob = api_app.headers("user_bob")
    for method, path in (
        ("GET", f"/api/klair/status/{job_id}"),
        ("GET", f"/api/klair/results/{job_id}"),
        ("POST", f"/api/klair/jobs/{job_id}/cancel"),
        ("DELETE", f"/api/klair/jobs/{job_id}"),
    ):
        response = client.open(path, method=method, headers=bob)
        assert response.status_code == 404, (method, path)
    stolen = client.post("/api/klair/analyze", json={"upload_id": job_id}, headers=bob)
    assert stolen.status_code == 404
    assert client.get("/api/klair/jobs", headers=bob).get_json()["jobs"] == []
    status = client.get(f"/api/klair/status/{job_id}", headers=api_app.headers()).get_json()
    assert status["status"] == "queued"


def test_cors_on_the_deployed_shape(api_app: ApiApp) -> None:
    preflight = api_app.client.options(
        "/api/klair/analyze",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == ORIGIN
    response = api_app.client.get("/api/klair/jobs", headers=api_app.headers(Origin=ORIGIN))
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


def test_klair_token_with_a_tier_sets_the_users_tier(api_app: ApiApp) -> None:
    from typer.testing import CliRunner

    from klair.cli.main import app

    # api_app trusts its own issuer; `klair token` mints only where the dev issuer is trusted.
    dev_shell = {"KLAIR_CLERK_ISSUER": None}
    result = CliRunner().invoke(
        app, ["token", "--user", "user_pro", "--tier", "pro"], env=dev_shell
    )
    assert result.exit_code == 0, result.output
    assert result.output.strip().count(".") == 2  # a JWT
    usage = api_app.client.get("/api/klair/user/usage", headers=api_app.headers("user_pro"))
    assert usage.get_json()["tier"] == "pro"
    unknown = CliRunner().invoke(
        app, ["token", "--user", "user_pro", "--tier", "platinum"], env=dev_shell
    )
    assert unknown.exit_code == 2
