"""The `notify` function (its main.py under functions-framework) over HTTP with the local
Cloud Tasks stand-in between: a Pub/Sub push of JobFinished (delivered twice) becomes one task
on the topology's webhook queue; the dispatcher retries it with backoff while the receiver
answers 500 (the function answers 503), and the receiver accepts the event once, verified by
svix."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import functions_framework
import httpx
import pytest
from werkzeug.serving import make_server

from klair.adapters.local.dispatcher_queue import DispatcherTaskQueue
from klair.config import Settings
from klair.devstack.dispatcher import Dispatcher
from klair.devstack.topology import load_topology
from klair.domain.events import JobFinished, Message
from klair.domain.notification import EventKind, event_id
from klair.entry import runtime, wire
from klair.handlers.api.queries import job_status
from klair.handlers.steps.lifecycle import complete_job
from tests.unit.notify_world import OWNER, Receiver, World, make_world
from tests.unit.test_dispatcher import FAST_RETRIES

MAIN = Path(__file__).resolve().parents[2] / "functions" / "notify" / "main.py"


class NotifyFunction:
    """`functions/notify/main.py` served by functions-framework on a free port; records the
    status of every answer."""

    def __init__(self) -> None:
        self.answers: list[int] = []
        app = functions_framework.create_app(target="notify", source=str(MAIN))

        def recording(environ: Any, start_response: Any) -> Any:
            def start(status: str, headers: Any, *rest: Any) -> Any:
                self.answers.append(int(status.split()[0]))
                return start_response(status, headers, *rest)

            return app(environ, start)

        self.server = make_server("127.0.0.1", 0, recording, threaded=True)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/"


def push_envelope(message: Message, subscription: str) -> bytes:
    data, attributes = wire.encode(message)
    return json.dumps({
        "message": {"data": base64.b64encode(data).decode(), "attributes": attributes,
                    "messageId": "17"},
        "subscription": f"projects/demo-klair/subscriptions/{subscription}",
    }).encode()  # fmt: skip


def wait_until(done: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[World, Dispatcher, NotifyFunction]]:
    queue = load_topology().webhook_queue
    assert queue is not None and queue.name == Settings().webhook_queue
    assert queue.max_attempts == Settings().webhook_max_attempts
    dispatcher = Dispatcher([queue], FAST_RETRIES)
    dispatcher.start("127.0.0.1", 0)
    function = NotifyFunction()
    settings = Settings(ssrf_allowed_hosts=("127.0.0.1",), notify_url=function.url)
    world = make_world(settings, tasks=DispatcherTaskQueue(dispatcher.url))
    monkeypatch.setattr(runtime, "deps", lambda: world.deps)
    yield world, dispatcher, function
    function.server.shutdown()
    dispatcher.stop()


def stats(dispatcher: Dispatcher) -> dict[str, Any]:
    return dict(httpx.get(f"{dispatcher.url}/queues/klair-webhooks/stats").json())


def test_pushes_become_one_task_retried_until_the_receiver_accepts(
    stack: tuple[World, Dispatcher, NotifyFunction],
) -> None:
    world, dispatcher, function = stack
    receiver = Receiver([500, 500])
    try:
        world.register(receiver)
        job = world.job()
        assert complete_job(world.deps, job)
        envelope = push_envelope(JobFinished(job_id=job.id, status="completed"), "notify-job")
        for _ in range(2):  # Pub/Sub redelivers
            assert httpx.post(function.url, content=envelope).status_code == 200
        wait_until(lambda: stats(dispatcher)["succeeded"] == 1)
    finally:
        receiver.close()
    expected = event_id(job.id, EventKind.JOB_COMPLETED)
    assert [(h.event_id, h.answered, h.verified) for h in receiver.hits] == [
        (expected, 500, True), (expected, 500, True), (expected, 204, True),
    ]  # fmt: skip
    counts = stats(dispatcher)
    assert (counts["created"], counts["duplicates"], counts["retried"]) == (1, 1, 2)
    assert function.answers.count(503) == 2  # what made the dispatcher retry
    (shown,) = job_status(world.deps, OWNER, job.id).notifications
    assert (shown.state, shown.attempts, shown.last_status) == ("delivered", 3, 204)


def test_an_undecodable_push_is_acknowledged(
    stack: tuple[World, Dispatcher, NotifyFunction],
) -> None:
    _, _, function = stack
    for body in (b"not json", b"[]", b'{"message": {"data": "e30=", "attributes": {}}}'):
        response = httpx.post(function.url, content=body)
        assert (response.status_code, response.json()["code"]) == (200, "invalid_message")
