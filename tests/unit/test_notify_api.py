"""`/api/klair/user/webhook` through the api router: a URL the SSRF guard refuses is a 400 with
the rule's code and stores nothing; the secret is shown once; the status shows deliveries."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from svix.webhooks import Webhook
from werkzeug.test import Client, TestResponse
from werkzeug.wrappers import Request

from klair.config import Settings
from klair.handlers.outbound.notify_delivery import signed_headers
from klair.handlers.steps.lifecycle import complete_job
from klair.http.api_routes import build_api
from klair.http.cors import CorsPolicy
from tests.unit.api_world import HeaderVerifier
from tests.unit.notify_world import OWNER, World, make_world, sender

PATH = "/api/klair/user/webhook"
DNS = {
    "hooks.example.com": ["93.184.215.14"],
    "internal.example.com": ["10.1.2.3"],
    "rebind.example.com": ["93.184.215.14", "127.0.0.1"],
    "mapped.example.com": ["::ffff:169.254.169.254"],
}


def resolve(host: str, port: int) -> Sequence[str]:
    if host not in DNS:
        raise socket.gaierror(socket.EAI_NONAME, host)
    return DNS[host]


class Api:
    def __init__(self, world: World) -> None:
        self.world = world
        router = build_api(lambda: world.deps, HeaderVerifier(), "demo-klair", CorsPolicy.of(()))

        def app(environ: Any, start_response: Any) -> Any:
            return router.dispatch(Request(environ))(environ, start_response)

        self.client = Client(app)

    def call(self, method: str, path: str = PATH, user: str = OWNER, **kw: Any) -> TestResponse:
        headers = {"Authorization": f"Bearer as:{user}"}
        return self.client.open(path, method=method, headers=headers, **kw)


@pytest.fixture
def api() -> Api:
    settings = Settings(webhook_max_attempts=3)  # no allow-list: the production policy
    return Api(make_world(settings, sender=sender((), resolve)))


def code(response: TestResponse) -> str:
    return str(response.get_json()["error"]["code"])


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://hooks.example.com/klair", "url_https_required"),
        ("https://127.0.0.1/klair", "url_address_not_allowed"),
        ("https://169.254.169.254/latest/meta-data/", "url_address_not_allowed"),
        ("https://[::1]/klair", "url_address_not_allowed"),
        ("https://localhost/klair", "url_host_not_allowed"),
        ("https://metadata/computeMetadata/v1/", "url_host_not_allowed"),
        ("https://2130706433/klair", "url_host_not_allowed"),
        ("https://internal.example.com/klair", "url_address_not_allowed"),
        ("https://rebind.example.com/klair", "url_address_not_allowed"),
        ("https://mapped.example.com/klair", "url_address_not_allowed"),
        ("https://hooks.example.com:8443/klair", "url_port_not_allowed"),
        ("https://user:pw@hooks.example.com/klair", "url_credentials_not_allowed"),
        ("ftp://hooks.example.com/klair", "url_scheme_not_allowed"),
        ("https://nowhere.example.com/klair", "url_host_not_found"),
    ],
)
def test_a_url_the_guard_refuses_is_a_400_with_its_code(api: Api, url: str, expected: str) -> None:
    response = api.call("PUT", json={"url": url})
    assert (response.status_code, code(response)) == (400, expected)
    assert api.call("GET").status_code == 404


def test_the_secret_is_shown_once_and_kept_when_the_url_changes(api: Api) -> None:
    created = api.call("PUT", json={"url": "https://hooks.example.com/klair"})
    assert created.status_code == 201
    secret = created.get_json()["secret"]
    assert secret.startswith("whsec_") and Webhook(secret)  # svix accepts it as a secret
    shown = api.call("GET").get_json()
    assert shown["url"] == "https://hooks.example.com/klair" and shown["secret"] is None
    assert shown["events"] == [
        "job.completed", "job.failed", "job.cancelled", "clip.ready", "export.completed",
        "batch.completed",
    ]  # fmt: skip
    moved = api.call("PUT", json={"url": "https://hooks.example.com/v2"})
    assert moved.status_code == 200 and moved.get_json()["secret"] is None
    endpoint = api.world.deps.webhooks.get(OWNER)  # type: ignore[union-attr]
    assert endpoint is not None and endpoint.secret == secret
    assert endpoint.url == "https://hooks.example.com/v2"


def test_rotating_the_secret_shows_the_new_one(api: Api) -> None:
    first = api.call("PUT", json={"url": "https://hooks.example.com/klair"}).get_json()["secret"]
    rotated = api.call(
        "PUT", json={"url": "https://hooks.example.com/klair", "rotate_secret": True}
    )
    assert rotated.status_code == 200
    second = rotated.get_json()["secret"]
    assert second and second != first
    body = '{"id": "evt_1"}'
    headers = signed_headers(second, "evt_1", datetime.now(UTC), body)
    Webhook(second).verify(body, headers)


def test_a_refused_replacement_keeps_the_registered_webhook(api: Api) -> None:
    api.call("PUT", json={"url": "https://hooks.example.com/klair"})
    refused = api.call("PUT", json={"url": "https://internal.example.com/klair"})
    assert refused.status_code == 400
    assert api.call("GET").get_json()["url"] == "https://hooks.example.com/klair"


def test_delete_then_404(api: Api) -> None:
    assert code(api.call("DELETE")) == "webhook_not_found"
    api.call("PUT", json={"url": "https://hooks.example.com/klair"})
    deleted = api.call("DELETE")
    assert (deleted.status_code, deleted.get_json()) == (200, {"deleted": True})
    assert api.call("DELETE").status_code == 404
    assert code(api.call("GET")) == "webhook_not_found"


def test_each_user_has_their_own_webhook(api: Api) -> None:
    api.call("PUT", json={"url": "https://hooks.example.com/klair"})
    assert api.call("GET", user="user_other").status_code == 404


@pytest.mark.parametrize(
    "body", [{}, {"url": ""}, {"url": "https://hooks.example.com/" + "a" * 2100}, {"url": 3},
             {"url": "https://hooks.example.com/k", "events": ["job.completed"]}],
)  # fmt: skip
def test_malformed_bodies_are_400(api: Api, body: dict[str, Any]) -> None:
    response = api.call("PUT", json=body)
    assert response.status_code == 400
    assert api.call("GET").status_code == 404


def test_the_status_shows_each_delivery_attempt(api: Api) -> None:
    api.call("PUT", json={"url": "https://hooks.example.com/klair"})
    world = api.world
    job = world.job()
    assert complete_job(world.deps, job)
    DNS["hooks.example.com"] = ["10.9.9.9"]  # now refused at send time: no connection made
    try:
        world.bus.drain()
    finally:
        DNS["hooks.example.com"] = ["93.184.215.14"]
    status = api.call("GET", f"/api/klair/status/{job.id}").get_json()
    (shown,) = status["notifications"]
    assert shown["event"] == "job.completed" and shown["event_id"].startswith("evt_")
    assert (shown["state"], shown["attempts"], shown["last_status"], shown["last_error"]) == (
        "rejected", 1, None, "url_address_not_allowed",
    )  # fmt: skip
    assert shown["created_at"].endswith("Z") and shown["delivered_at"] is None


def test_the_routes_are_in_the_openapi_document(api: Api) -> None:
    spec = api.call("GET", "/api/openapi.json").get_json()
    assert set(spec["paths"][PATH]) >= {"put", "get", "delete"}
    status = spec["components"]["schemas"]["StatusView"]["properties"]
    assert "notifications" in status
