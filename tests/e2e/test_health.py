"""`GET /api/health` on the emulator stack: every dependency answers (200), and stopping any
one of them (its own emulator, dispatcher or stub, started here so the session's shared stack
keeps serving the other tests) turns the answer into a 503 that names it, and only it."""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Request

from klair.bootstrap import bootstrap
from klair.config import Mode, Settings
from klair.devstack import emulators as emu
from klair.devstack import pubsub_setup
from klair.devstack.dispatcher import Dispatcher
from klair.devstack.process import ManagedProcess, free_port, port_free
from klair.devstack.stack import create_bucket
from klair.domain.events import JobFinished
from klair.http.api_routes import build_api
from tests.contract.sieve_stub import API_KEY, SieveStub
from tests.unit.api_world import HeaderVerifier
from tests.unit.gemini_fixtures.stub import VertexStub

BUCKET = "klair-health"
DEPLOYED = {"firestore", "gcs", "pubsub", "cloud_tasks"}


@pytest.fixture
def shared_stack(emulator_stack: emu.Emulators) -> emu.Emulators:
    """The session's emulators with what the probes read: the topic and the bucket."""
    pubsub_setup.create_topic(
        emulator_stack.project, JobFinished.topic, emulator_host=emulator_stack.pubsub
    )
    create_bucket(emulator_stack.gcs, emulator_stack.project, BUCKET)
    return emulator_stack


@pytest.fixture
def dispatcher() -> Iterator[Dispatcher]:
    local = Dispatcher([])
    local.start("127.0.0.1", 0)
    yield local
    local.stop()


def health(dispatcher: Dispatcher, **settings: Any) -> tuple[int, dict[str, Any]]:
    """GET /api/health on the API built by bootstrap for the emulator mode (fresh clients,
    so each call reads the environment as it is now)."""
    values: dict[str, Any] = {
        "mode": Mode.EMULATOR,
        "project": os.environ["KLAIR_PROJECT"],
        "bucket": BUCKET,
        "dispatcher_url": dispatcher.url,
        "health_timeout_seconds": 3,
        **settings,
    }
    config = Settings(**values)
    deps = bootstrap(config)
    router = build_api(lambda: deps, HeaderVerifier())
    client = Client(lambda environ, start: router.dispatch(Request(environ))(environ, start))
    answer = client.get("/api/health")
    return answer.status_code, answer.get_json()


def assert_down(status: int, body: dict[str, Any], name: str) -> None:
    assert status == 503, body
    assert body["status"] == "degraded" and body["failing"] == [name], body
    assert body["dependencies"][name]["error"], body
    assert all(dep["ok"] for n, dep in body["dependencies"].items() if n != name), body


def assert_up(status: int, body: dict[str, Any], names: set[str]) -> None:
    assert status == 200, body
    assert set(body["dependencies"]) == names, body
    assert all(dep["ok"] and dep["latency_ms"] >= 0 for dep in body["dependencies"].values())


@contextlib.contextmanager
def own(process: ManagedProcess) -> Iterator[ManagedProcess]:
    process.start()
    try:
        process.wait_ready(timeout=120)
        yield process
    finally:
        process.stop()


def stop(process: ManagedProcess) -> None:
    """Stop it and wait until nothing answers on its port: gcloud's launcher exits before the
    emulator's JVM has let go of the port, and a probe in between still gets answers."""
    process.stop()
    deadline = time.monotonic() + 20
    while not port_free(process.host, process.port) and time.monotonic() < deadline:
        time.sleep(0.1)


def test_every_dependency_answers_on_the_stack(
    shared_stack: emu.Emulators, dispatcher: Dispatcher
) -> None:
    status, body = health(dispatcher)
    assert_up(status, body, DEPLOYED)
    assert body["mode"] == "emulator" and body["failing"] == []


def test_firestore_down_is_503_naming_it(
    shared_stack: emu.Emulators,
    dispatcher: Dispatcher,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with own(emu.firestore("127.0.0.1", free_port(), tmp_path)) as firestore:
        monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"{firestore.host}:{firestore.port}")
        assert_up(*health(dispatcher), DEPLOYED)
        stop(firestore)
        assert_down(*health(dispatcher), "firestore")


def test_pubsub_down_is_503_naming_it(
    shared_stack: emu.Emulators,
    dispatcher: Dispatcher,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = shared_stack.project
    with own(emu.pubsub("127.0.0.1", free_port(), project, tmp_path / "data", tmp_path)) as ps:
        address = f"{ps.host}:{ps.port}"
        pubsub_setup.create_topic(project, JobFinished.topic, emulator_host=address)
        monkeypatch.setenv("PUBSUB_EMULATOR_HOST", address)
        assert_up(*health(dispatcher), DEPLOYED)
        stop(ps)
        assert_down(*health(dispatcher), "pubsub")


def test_gcs_down_is_503_naming_it(
    shared_stack: emu.Emulators,
    dispatcher: Dispatcher,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project, port = shared_stack.project, free_port()
    gcs = emu.gcs("127.0.0.1", port, project, "gcs-events", shared_stack.pubsub, tmp_path)
    with own(gcs):
        url = f"http://127.0.0.1:{port}"
        create_bucket(url, project, BUCKET)
        monkeypatch.setenv("STORAGE_EMULATOR_HOST", url)
        assert_up(*health(dispatcher), DEPLOYED)
        stop(gcs)
        assert_down(*health(dispatcher), "gcs")


def test_a_missing_bucket_is_503_naming_gcs(
    shared_stack: emu.Emulators, dispatcher: Dispatcher
) -> None:
    assert_down(*health(dispatcher, bucket="klair-no-such-bucket"), "gcs")


def test_the_task_dispatcher_down_is_503_naming_cloud_tasks(shared_stack: emu.Emulators) -> None:
    local = Dispatcher([])
    local.start("127.0.0.1", 0)
    try:
        assert_up(*health(local), DEPLOYED)
    finally:
        local.stop()
    assert_down(*health(local), "cloud_tasks")


def sieve_settings(url: str, key: str = API_KEY) -> dict[str, Any]:
    return {
        "sieve_api_url": url,
        "sieve_api_key": key,
        "sieve_callback_secret": "s" * 32,
        "webhooks_url": "http://127.0.0.1:9",
    }


def test_sieve_is_probed_when_configured_and_503_when_down_or_refusing_the_key(
    shared_stack: emu.Emulators, dispatcher: Dispatcher
) -> None:
    assert "sieve" not in health(dispatcher)[1]["dependencies"]  # not configured: not probed
    stub = SieveStub()
    server = stub.start()
    try:
        assert_up(*health(dispatcher, **sieve_settings(stub.url)), DEPLOYED | {"sieve"})
        assert_down(*health(dispatcher, **sieve_settings(stub.url, key="wrong")), "sieve")
    finally:
        server.shutdown()
        server.server_close()
    assert_down(*health(dispatcher, **sieve_settings(stub.url)), "sieve")


def test_vertex_is_probed_when_gemini_is_on_and_503_when_down(
    shared_stack: emu.Emulators, dispatcher: Dispatcher
) -> None:
    gemini = {"model_analyzer": "gemini", "gemini_location": "us-central1"}
    stub = VertexStub({"name": "publishers/google/models/gemini"})
    with stub.running():
        status, body = health(dispatcher, gemini_base_url=stub.url, **gemini)
        assert_up(status, body, DEPLOYED | {"vertex_ai"})
        assert any(r.method == "GET" and "/models/" in r.path for r in stub.requests)
    assert_down(*health(dispatcher, gemini_base_url=stub.url, **gemini), "vertex_ai")
