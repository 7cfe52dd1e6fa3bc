"""The real `api` function (functions-framework's Flask app) on the emulators: Firestore,
fake-gcs-server, a dev Clerk issuer and a stand-in task dispatcher that records tasks; the
real `webhooks` function beside it, in the same process (one instance of each)."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import functions_framework
import pytest

from klair.config import get_settings
from klair.devstack import emulators as emu
from klair.devstack import pubsub_setup
from klair.devstack.dev_issuer import DevIssuer
from klair.devstack.signing_key import write_signing_key
from klair.devstack.stack import REPO_ROOT, create_bucket
from klair.devstack.topology import load_topology
from klair.entry import api as entry_api
from klair.entry import runtime
from klair.entry import webhooks as entry_webhooks
from tests.conftest import TEST_SOURCE_HOSTS
from tests.unit.api_world import ROOMY_TIERS
from tests.unit.jwt_attacks import APP

ORIGIN = "https://app.klair.example"
CLERK_WEBHOOK_SECRET = "whsec_" + base64.b64encode(b"klair-e2e-clerk-webhook-secret!!").decode()


@dataclass
class Dispatcher:
    """Accepts tasks like the local dispatcher does (409 for a name seen before)."""

    tasks: dict[str, dict[str, Any]] = field(default_factory=dict)
    url: str = ""

    def start(self) -> ThreadingHTTPServer:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # the health check, like the local dispatcher's `GET /`
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def do_POST(self) -> None:
                task = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fresh = task["name"] not in owner.tasks
                owner.tasks.setdefault(task["name"], task)
                self.send_response(200 if fresh else 409)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{server.server_address[1]}"
        return server


@dataclass
class ApiApp:
    client: Any  # flask.testing.FlaskClient
    app: Any
    issuer: DevIssuer
    dispatcher: Dispatcher
    emulators: emu.Emulators
    bucket: str
    webhooks: Any  # the `webhooks` function's test client (Clerk signs with CLERK_WEBHOOK_SECRET)

    def headers(self, user: str = "user_alice", **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.issuer.mint(user, azp=APP)}", **extra}


def _roomy(tier: Any) -> dict[str, Any]:
    return {**tier.model_dump(mode="json"), "requests_per_minute": 6000, "burst": 1000}


def _clear_caches() -> None:
    get_settings.cache_clear()
    runtime.deps.cache_clear()
    entry_api.api_router.cache_clear()
    entry_webhooks.webhooks_router.cache_clear()


@pytest.fixture(scope="module")
def api_app(
    emulator_stack: emu.Emulators, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ApiApp]:
    workdir: Path = tmp_path_factory.mktemp("api-app")
    bucket = load_topology().bucket
    emu.reset_firestore(emulator_stack.firestore, emulator_stack.project)
    for topic in ("gcs-events", "job-finished"):
        pubsub_setup.create_topic(
            emulator_stack.project, topic, emulator_host=emulator_stack.pubsub
        )
    create_bucket(emulator_stack.gcs, emulator_stack.project, bucket)
    signer = write_signing_key(workdir / "signer.json", emulator_stack.project)
    dispatcher = Dispatcher()
    server = dispatcher.start()
    with DevIssuer(workdir / "keys") as issuer, pytest.MonkeyPatch.context() as env:
        for name, value in {
            **emulator_stack.env(),
            "KLAIR_MODE": "emulator",
            "KLAIR_BUCKET": bucket,
            "KLAIR_DISPATCHER_URL": dispatcher.url,
            "KLAIR_SIGNING_KEY_FILE": str(workdir / "signer.json"),
            "KLAIR_SIGNER_EMAIL": signer,
            "KLAIR_CLERK_ISSUER": issuer.issuer,
            "KLAIR_CLERK_JWKS_URL": issuer.jwks_url,
            "KLAIR_CLERK_AUTHORIZED_PARTIES": json.dumps([APP]),
            "KLAIR_CLERK_WEBHOOK_SECRET": CLERK_WEBHOOK_SECRET,
            "KLAIR_CORS_ORIGINS": json.dumps([ORIGIN]),
            "KLAIR_LOG_LEVEL": "WARNING",
            "KLAIR_SSRF_ALLOWED_HOSTS": json.dumps(TEST_SOURCE_HOSTS),
            # The tests keep many jobs in flight and call fast; limits: tests/unit/test_admission.py
            "KLAIR_TIERS": json.dumps({n: _roomy(t) for n, t in ROOMY_TIERS.items()}),
        }.items():
            env.setenv(name, value)
        _clear_caches()
        try:
            app = functions_framework.create_app("api", str(REPO_ROOT / "functions/api/main.py"))
            hooks = functions_framework.create_app(
                "webhooks", str(REPO_ROOT / "functions/webhooks/main.py")
            )
            yield ApiApp(
                app.test_client(), app, issuer, dispatcher, emulator_stack, bucket,
                hooks.test_client(),
            )  # fmt: skip
        finally:
            _clear_caches()
            server.shutdown()
