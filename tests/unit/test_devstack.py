"""The local stack: clear start-up errors, Pub/Sub wiring on the emulator, push delivery."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import functions_framework
import httpx
import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import pubsub_v1, storage
from google.oauth2 import service_account

from klair.devstack.emulators import Emulators
from klair.devstack.process import StackError, port_free
from klair.devstack.pubsub_setup import Backoff, duration, load_backoff, provision
from klair.devstack.stack import LocalStack, StackOptions
from klair.devstack.topology import Subscription, Topology

EVENT_FUNCTION = """
import json, os
from pathlib import Path
import functions_framework

@functions_framework.cloud_event
def {name}(event):
    out = Path(os.environ.get("DEVSTACK_OUT", Path(__file__).with_name("event.json")))
    out.write_text(json.dumps({{"source": event["source"], "type": event["type"],
                                "data": event.data}}))
"""

HTTP_FUNCTION = """
import os
import functions_framework

@functions_framework.http
def {name}(request):
    return {{k: v for k, v in os.environ.items() if k.startswith("KLAIR_")}}
"""


def write_function(functions_dir: Path, name: str, template: str) -> Path:
    folder = functions_dir / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "main.py").write_text(template.format(name=name))
    return folder / "main.py"


class Receiver:
    """A tiny push endpoint: records each request and answers with `status`."""

    def __init__(self, status: int = 204) -> None:
        self.status = status
        self.requests: list[tuple[str, dict[str, Any]]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, json.loads(body)))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver()
    yield endpoint
    endpoint.server.shutdown()
    endpoint.server.server_close()


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        time.sleep(0.1)


def test_a_taken_port_is_named_before_anything_starts(tmp_path: Path) -> None:
    write_function(tmp_path / "functions", "api", HTTP_FUNCTION)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        stack = LocalStack(
            StackOptions(
                free_ports=True,
                ports={"api": port},
                functions=["api"],
                functions_dir=tmp_path / "functions",
                workdir=tmp_path / "devstack",
            )
        )
        with pytest.raises(StackError, match=f"api: 127.0.0.1:{port}"):
            stack.start()
    assert not (tmp_path / "devstack" / "logs").exists()  # nothing was started


def test_unknown_or_missing_functions_are_refused(tmp_path: Path) -> None:
    with pytest.raises(StackError, match="no such function in the topology: nope"):
        LocalStack(StackOptions(functions=["nope"]))
    stack = LocalStack(StackOptions(free_ports=True, functions=["admit"], functions_dir=tmp_path))
    with pytest.raises(StackError, match=r"admit/main\.py does not exist"):
        stack.start()


def test_durations_use_pubsub_syntax() -> None:
    assert duration("5s") == timedelta(seconds=5)
    assert duration("0.25s") == timedelta(milliseconds=250)
    with pytest.raises(ValueError, match="not a Pub/Sub duration"):
        duration("5m")


def read_subscription(project: str, spec: Subscription) -> Any:
    subscriber = pubsub_v1.SubscriberClient()
    return subscriber.get_subscription(subscription=f"projects/{project}/subscriptions/{spec.name}")


@pytest.mark.emulator
def test_provision_creates_the_topology(emulator_stack: Emulators, topology: Topology) -> None:
    project = "devstack-provision"  # its own project: no other test sees these topics
    urls = {name: f"http://127.0.0.1:{fn.port}/" for name, fn in topology.functions.items()}
    provision(project, topology, urls, emulator_host=emulator_stack.pubsub)
    provision(project, topology, urls, emulator_host=emulator_stack.pubsub)  # idempotent

    publisher = pubsub_v1.PublisherClient()
    listed = {t.name for t in publisher.list_topics(project=f"projects/{project}")}
    assert listed == {f"projects/{project}/topics/{t}" for t in topology.topics}
    backoff = load_backoff()
    for spec in topology.subscriptions:
        sub = read_subscription(project, spec)
        assert sub.topic == f"projects/{project}/topics/{spec.topic}"
        assert sub.push_config.push_endpoint == (
            f"http://127.0.0.1:{topology.functions[spec.function].port}"
            f"/projects/{project}/topics/{spec.topic}"
        )
        assert sub.ack_deadline_seconds == spec.ack_deadline
        assert sub.retry_policy.minimum_backoff == duration(backoff.minimum_backoff)
        assert sub.retry_policy.maximum_backoff == duration(backoff.maximum_backoff)
        if spec.dead_letter:
            dead_letter = f"projects/{project}/topics/{topology.dead_letter_topic}"
            assert sub.dead_letter_policy.dead_letter_topic == dead_letter
            assert sub.dead_letter_policy.max_delivery_attempts == spec.max_delivery_attempts
        else:
            assert not sub.dead_letter_policy.dead_letter_topic


@pytest.mark.emulator
def test_provision_again_moves_endpoints_and_parks_absent_functions(
    emulator_stack: Emulators, topology: Topology
) -> None:
    project = "devstack-reprovision"
    everything = {name: f"http://127.0.0.1:{fn.port}/" for name, fn in topology.functions.items()}
    provision(project, topology, everything, emulator_host=emulator_stack.pubsub)
    only_admit = {"admit": "http://127.0.0.1:9/"}
    provision(project, topology, only_admit, emulator_host=emulator_stack.pubsub)
    by_function = {spec.function: spec for spec in topology.subscriptions}
    moved = read_subscription(project, by_function["admit"]).push_config.push_endpoint
    assert moved == f"http://127.0.0.1:9/projects/{project}/topics/gcs-events"
    assert read_subscription(project, by_function["analyze"]).push_config.push_endpoint == ""


def publish(project: str, topic: str, data: bytes, **attributes: str) -> None:
    publisher = pubsub_v1.PublisherClient()
    publisher.publish(f"projects/{project}/topics/{topic}", data, **attributes).result(timeout=10)


@pytest.mark.emulator
def test_push_delivers_the_raw_body_that_functions_framework_converts(
    emulator_stack: Emulators, topology: Topology, receiver: Receiver, tmp_path: Path
) -> None:
    project = "devstack-push"
    provision(project, topology, {"analyze": receiver.url}, emulator_host=emulator_stack.pubsub)
    publish(project, "chunk-ready", b'{"chunk": 3}', type="ChunkReady")

    wait_for(lambda: bool(receiver.requests))
    path, body = receiver.requests[0]
    assert path == f"/projects/{project}/topics/chunk-ready"
    assert body["subscription"] == f"projects/{project}/subscriptions/analyze-chunk-ready"
    assert base64.b64decode(body["message"]["data"]) == b'{"chunk": 3}'
    assert body["message"]["attributes"] == {"type": "ChunkReady"}
    assert body["message"]["messageId"]

    source = write_function(tmp_path, "analyze", EVENT_FUNCTION)
    app = functions_framework.create_app("analyze", str(source), "cloudevent")  # type: ignore[no-untyped-call]
    assert app.test_client().post(path, json=body).status_code == 200
    event = json.loads(source.with_name("event.json").read_text())
    assert event["type"] == "google.cloud.pubsub.topic.v1.messagePublished"
    assert event["source"] == f"//pubsub.googleapis.com/projects/{project}/topics/chunk-ready"
    assert event["data"]["message"]["data"] == body["message"]["data"]
    assert event["data"]["message"]["attributes"] == {"type": "ChunkReady"}


@pytest.mark.emulator
def test_a_message_never_acked_goes_to_the_dead_letter_topic(
    emulator_stack: Emulators, topology: Topology, receiver: Receiver
) -> None:
    project = "devstack-dead-letter"
    receiver.status = 500
    fast = Backoff(minimum_backoff="0.1s", maximum_backoff="0.5s")
    provision(
        project,
        topology,
        {"select": receiver.url},
        emulator_host=emulator_stack.pubsub,
        backoff=fast,
    )
    publish(project, "analysis-completed", b"{}", job_id="j1")

    subscriber = pubsub_v1.SubscriberClient()
    parked = f"projects/{project}/subscriptions/fail-dead-letter"  # `fail` is not running
    received: list[Any] = []

    def pulled() -> bool:
        received.extend(subscriber.pull(subscription=parked, max_messages=1).received_messages)
        return bool(received)

    wait_for(pulled, timeout=60)
    spec = next(s for s in topology.subscriptions if s.function == "select")
    assert len(receiver.requests) == spec.max_delivery_attempts
    attributes = received[0].message.attributes
    assert attributes["job_id"] == "j1"
    assert attributes["CloudPubSubDeadLetterSourceSubscription"] == spec.name
    assert attributes["CloudPubSubDeadLetterSourceDeliveryCount"] == str(spec.max_delivery_attempts)


def signed_put(stack: LocalStack, emulators: Emulators, name: str, data: bytes) -> httpx.Response:
    """Upload like a client: PUT to a V4 URL signed with the stack's throwaway key."""
    key_file = stack.env["KLAIR_SIGNING_KEY_FILE"]
    signer = service_account.Credentials.from_service_account_file(key_file)  # type: ignore[no-untyped-call]
    anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
    gcs = storage.Client(
        emulators.project, anonymous, client_options={"api_endpoint": emulators.gcs}
    )
    blob = gcs.bucket(stack.env["KLAIR_BUCKET"]).blob(name)
    url = blob.generate_signed_url(
        version="v4",
        expiration=timedelta(minutes=5),
        method="PUT",
        content_type="video/mp4",
        credentials=signer,
        api_access_endpoint=emulators.gcs,
    )
    return httpx.put(url, content=data, headers={"Content-Type": "video/mp4"})


@pytest.mark.emulator
def test_local_stack_runs_functions_wired_to_the_emulators(
    emulator_stack: Emulators, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KLAIR_SSRF_ALLOWED_HOSTS")  # the stack's own default is under test
    functions = tmp_path / "functions"
    write_function(functions, "api", HTTP_FUNCTION)
    write_function(functions, "admit", EVENT_FUNCTION)
    out = tmp_path / "admit-event.json"
    options = StackOptions(
        free_ports=True,
        functions=["api", "admit"],
        functions_dir=functions,
        workdir=tmp_path / "devstack",
        emulators=emulator_stack,
        extra_env={"DEVSTACK_OUT": str(out)},
    )
    with LocalStack(options) as stack:
        assert stack.urls.api is not None
        settings = httpx.get(stack.urls.api, timeout=10).json()
        assert settings["KLAIR_MODE"] == "emulator"
        assert settings["KLAIR_CLERK_JWKS_URL"] == stack.urls.jwks
        assert json.loads(settings["KLAIR_SSRF_ALLOWED_HOSTS"]) == ["127.0.0.1", "localhost"]
        assert httpx.get(stack.urls.jwks, timeout=5).json()["keys"]
        assert httpx.get(stack.urls.dispatcher, timeout=5).status_code == 200

        upload = signed_put(stack, emulator_stack, "uploads/u1/up1/video.mp4", b"not a video")
        assert upload.status_code == 200, upload.text
        wait_for(out.exists)
        event = json.loads(out.read_text())
        assert event["source"].endswith(f"/projects/{emulator_stack.project}/topics/gcs-events")
        assert event["data"]["message"]["attributes"]["objectId"] == "uploads/u1/up1/video.mp4"
        ports = [stack.ports[name] for name in ("api", "admit", "dispatcher", "issuer")]
    assert all(port_free("127.0.0.1", port) for port in ports)
    assert all(p.popen is not None and p.popen.poll() is not None for p in stack.processes)
