"""The health answer's rules, on the fakes: a probe that raises or outlives the deadline is
down and named in `failing` (503); the others still answer with their latency."""

from __future__ import annotations

import threading

from werkzeug.test import Client
from werkzeug.wrappers import Request

from klair.bootstrap import for_tests
from klair.config import Settings
from klair.http.api_routes import build_api
from tests.unit.api_world import HeaderVerifier


class Probe:
    def __init__(self, name: str, error: Exception | None = None) -> None:
        self.name = name
        self.error = error

    def check(self, timeout: float) -> None:
        if self.error is not None:
            raise self.error


class Hung:
    """A client that ignores its timeout: blocks until the test lets it go."""

    name = "pubsub"

    def __init__(self) -> None:
        self.release = threading.Event()

    def check(self, timeout: float) -> None:
        self.release.wait(30)


def get_health(*probes: object) -> tuple[int, dict[str, object]]:
    deps = for_tests(Settings(health_timeout_seconds=0.2), health=probes)
    router = build_api(lambda: deps, HeaderVerifier())
    client = Client(lambda environ, start: router.dispatch(Request(environ))(environ, start))
    answer = client.get("/api/health")
    return answer.status_code, answer.get_json()


def test_the_in_process_modes_probe_their_store_and_blobs_through_the_ports() -> None:
    deps = for_tests()
    router = build_api(lambda: deps, HeaderVerifier())
    client = Client(lambda environ, start: router.dispatch(Request(environ))(environ, start))
    body = client.get("/api/health").get_json()
    assert set(body["dependencies"]) == {"job_store", "blobs"} and body["failing"] == []


def test_a_failing_probe_is_503_naming_it_and_its_error() -> None:
    status, body = get_health(Probe("firestore"), Probe("gcs", ConnectionError("refused")))
    assert status == 503 and body["status"] == "degraded" and body["failing"] == ["gcs"]
    deps = body["dependencies"]
    assert isinstance(deps, dict)
    assert deps["gcs"]["error"] == "ConnectionError" and deps["firestore"]["ok"] is True


def test_a_probe_past_the_deadline_is_down_as_a_timeout() -> None:
    hung = Hung()
    try:
        status, body = get_health(Probe("firestore"), hung)
    finally:
        hung.release.set()
    assert status == 503 and body["failing"] == ["pubsub"]
    deps = body["dependencies"]
    assert isinstance(deps, dict)
    assert deps["pubsub"]["error"] == "Timeout" and deps["firestore"]["ok"] is True
