"""The local Cloud Tasks stand-in, observed from a receiving HTTP server: limits, dedup,
retries. Timing assertions are lower bounds only (a slow machine only makes them truer)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from klair.adapters.local.dispatcher_queue import DispatcherTaskQueue
from klair.devstack.dispatcher import Dispatcher
from klair.devstack.process import free_port
from klair.devstack.task_runner import RetryPolicy
from klair.devstack.topology import Queue
from klair.domain.errors import Transient
from klair.domain.events import StartIngest
from klair.domain.ids import JobId
from klair.entry import wire

Starter = Callable[..., Dispatcher]
FAST_RETRIES = RetryPolicy(min_backoff=0.02, max_backoff=0.1, dispatch_deadline=10)


@dataclass(frozen=True)
class Arrival:
    at: float
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver:
    """An HTTP target recording every call; the path chooses how it answers."""

    def __init__(self) -> None:
        self.arrivals: list[Arrival] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def paths(self) -> list[str]:
        with self.lock:
            return [a.path for a in self.arrivals]

    def _answer(self, arrival: Arrival) -> int:
        calls = Counter(a.path for a in self.arrivals)[arrival.path]
        answers = {
            "/slow": 200,
            "/ok": 200,
            "/flaky": 503 if calls <= 2 else 200,
            "/busy": 429 if calls <= 1 else 204,
            "/down": 503,
            "/bad": 400,
        }
        return answers.get(arrival.path, 404)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                arrival = Arrival(time.monotonic(), self.path, dict(self.headers), body)
                with receiver.lock:
                    receiver.arrivals.append(arrival)
                    receiver.in_flight += 1
                    receiver.max_in_flight = max(receiver.max_in_flight, receiver.in_flight)
                    status = receiver._answer(arrival)
                if self.path == "/slow":
                    time.sleep(0.3)
                with receiver.lock:
                    receiver.in_flight -= 1
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    target = Receiver()
    yield target
    target.server.shutdown()
    target.server.server_close()


@pytest.fixture
def start_dispatcher() -> Iterator[Callable[..., Dispatcher]]:
    started: list[Dispatcher] = []

    def start(rate: float = 100, concurrency: int = 5, attempts: int = 3) -> Dispatcher:
        queue = Queue(
            name="q",
            tier="test",
            max_dispatches_per_second=rate,
            max_concurrent_dispatches=concurrency,
            max_attempts=attempts,
        )
        dispatcher = Dispatcher([queue], FAST_RETRIES)
        dispatcher.start("127.0.0.1", 0)
        started.append(dispatcher)
        return dispatcher

    yield start
    for dispatcher in started:
        dispatcher.stop()


def post_task(dispatcher: Dispatcher, name: str, url: str, queue: str = "q") -> httpx.Response:
    task = {"name": name, "url": url, "body": '{"n": 1}', "headers": {"X-Test": name}}
    return httpx.post(f"{dispatcher.url}/queues/{queue}/tasks", json=task)


def stats(dispatcher: Dispatcher) -> dict[str, int]:
    return dict(httpx.get(f"{dispatcher.url}/queues/q/stats").json())


def wait_until(check: Callable[[], bool], timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.02)


def test_concurrency_never_exceeds_the_queue_limit(
    start_dispatcher: Starter, receiver: Receiver
) -> None:
    dispatcher = start_dispatcher(rate=100, concurrency=2)
    for i in range(8):
        assert post_task(dispatcher, f"t{i}", receiver.url("/slow")).status_code == 200
    wait_until(lambda: stats(dispatcher)["succeeded"] == 8)
    assert receiver.paths() == ["/slow"] * 8
    assert receiver.max_in_flight <= 2


def test_a_low_rate_spreads_the_dispatches(start_dispatcher: Starter, receiver: Receiver) -> None:
    dispatcher = start_dispatcher(rate=5, concurrency=10)
    for i in range(10):
        post_task(dispatcher, f"t{i}", receiver.url("/ok"))
    wait_until(lambda: stats(dispatcher)["succeeded"] == 10)
    times = sorted(a.at for a in receiver.arrivals)
    assert times[-1] - times[0] >= 1.5  # 9 gaps at 5/s is 1.8 s


def test_a_repeated_name_is_refused_and_delivered_once(
    start_dispatcher: Starter, receiver: Receiver
) -> None:
    dispatcher = start_dispatcher()
    first = post_task(dispatcher, "job_1", receiver.url("/ok"))
    again = post_task(dispatcher, "job_1", receiver.url("/ok"))
    assert (first.status_code, first.json()) == (200, {"created": True})
    assert (again.status_code, again.json()) == (409, {"created": False})
    wait_until(lambda: stats(dispatcher)["succeeded"] == 1)
    time.sleep(0.2)
    assert receiver.paths() == ["/ok"]
    assert stats(dispatcher)["duplicates"] == 1


@pytest.mark.parametrize("path", ["/flaky", "/busy"])
def test_a_refusal_to_retry_is_retried_until_it_succeeds(
    start_dispatcher: Starter, receiver: Receiver, path: str
) -> None:
    dispatcher = start_dispatcher(attempts=5)
    post_task(dispatcher, "job_1", receiver.url(path))
    wait_until(lambda: stats(dispatcher)["succeeded"] == 1)
    retries = [a.headers["X-CloudTasks-TaskRetryCount"] for a in receiver.arrivals]
    assert retries == [str(n) for n in range(len(retries))]
    assert receiver.arrivals[0].headers["X-Test"] == "job_1"
    assert receiver.arrivals[0].body == b'{"n": 1}'


def test_it_gives_up_after_max_attempts(start_dispatcher: Starter, receiver: Receiver) -> None:
    dispatcher = start_dispatcher(attempts=3)
    post_task(dispatcher, "job_1", receiver.url("/down"))
    wait_until(lambda: stats(dispatcher)["failed"] == 1)
    time.sleep(0.3)
    assert receiver.paths() == ["/down"] * 3


def test_a_client_error_is_not_retried(start_dispatcher: Starter, receiver: Receiver) -> None:
    dispatcher = start_dispatcher(attempts=5)
    post_task(dispatcher, "job_1", receiver.url("/bad"))
    wait_until(lambda: stats(dispatcher)["failed"] == 1)
    time.sleep(0.2)
    assert receiver.paths() == ["/bad"]


def test_an_unreachable_target_is_retried_then_given_up(start_dispatcher: Starter) -> None:
    dispatcher = start_dispatcher(attempts=3)
    post_task(dispatcher, "job_1", f"http://127.0.0.1:{free_port()}/")
    wait_until(lambda: stats(dispatcher)["failed"] == 1)
    assert stats(dispatcher)["dispatches"] == 3


def test_health_unknown_queue_and_bad_task(start_dispatcher: Starter) -> None:
    dispatcher = start_dispatcher()
    assert httpx.get(dispatcher.url).json() == {"status": "ok", "queues": ["q"]}
    assert post_task(dispatcher, "x", "http://127.0.0.1:1/", queue="nope").status_code == 404
    bad = httpx.post(f"{dispatcher.url}/queues/q/tasks", json={"name": "x"})
    assert bad.status_code == 400


def test_task_queue_adapter_over_the_dispatcher(
    start_dispatcher: Starter, receiver: Receiver
) -> None:
    dispatcher = start_dispatcher()
    tasks = DispatcherTaskQueue(dispatcher.url)
    command = StartIngest(job_id=JobId("job_1"))
    assert tasks.enqueue("q", "job_1", receiver.url("/ok"), command) is True
    assert tasks.enqueue("q", "job_1", receiver.url("/ok"), command) is False
    wait_until(lambda: stats(dispatcher)["succeeded"] == 1)
    (arrival,) = receiver.arrivals
    assert arrival.headers["X-CloudTasks-QueueName"] == "q"
    assert wire.decode_task(arrival.body, arrival.headers, StartIngest) == command


def test_task_queue_adapter_without_a_dispatcher_is_transient() -> None:
    tasks = DispatcherTaskQueue(f"http://127.0.0.1:{free_port()}")
    with pytest.raises(Transient):
        tasks.enqueue("q", "job_1", "http://127.0.0.1:1/", StartIngest(job_id=JobId("job_1")))
