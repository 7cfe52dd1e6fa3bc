"""One contract for the Reframer port, run against the memory fake and the Sieve adapter
talking to the local Sieve stub over HTTP; then what only the real API shape shows (the
webhook Sieve calls, the API key, the push body)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from klair.adapters.memory.reframer import MemoryReframer
from klair.adapters.sieve_reframer import SieveReframer
from klair.domain.errors import Conflict, InvalidInput, NotFound
from klair.ports.reframe import Reframer
from tests.contract.sieve_stub import API_KEY, SieveStub

VIDEO = b"\x00\x00\x00\x18ftypmp42 not really a video"


@dataclass
class Service:
    """A Reframer and the hands of the service behind it."""

    reframer: Reframer
    finish: Callable[[str, bytes], None]
    fail: Callable[[str, str], None]


@pytest.fixture(params=["memory", "sieve"])
def service(request: pytest.FixtureRequest) -> Iterator[Service]:
    if request.param == "memory":
        fake = MemoryReframer()
        yield Service(fake, fake.finish, fake.fail)
        return
    stub = SieveStub()
    server = stub.start()
    yield Service(SieveReframer(stub.url, API_KEY), stub.finish, stub.fail)
    server.shutdown()


def submit(service: Service) -> str:
    job = service.reframer.submit("https://media.example/cut.mp4", "9:16", "http://127.0.0.1:9/")
    return job.id


def test_a_submitted_job_waits(service: Service) -> None:
    job = service.reframer.submit("https://media.example/cut.mp4", "9:16", "http://127.0.0.1:9/")
    assert job.status in ("queued", "processing")
    assert not job.terminal
    again = service.reframer.job(job.id)
    assert (again.id, again.terminal, again.output_url) == (job.id, False, None)


def test_a_finished_job_gives_its_video(service: Service, tmp_path: Path) -> None:
    job_id = submit(service)
    service.finish(job_id, VIDEO)
    job = service.reframer.job(job_id)
    assert (job.status, job.succeeded, job.terminal) == ("finished", True, True)
    path = service.reframer.download(job, tmp_path / "out" / "reframed.mp4")
    assert path.read_bytes() == VIDEO


def test_a_failed_job_says_why_and_has_no_video(service: Service, tmp_path: Path) -> None:
    job_id = submit(service)
    service.fail(job_id, "no subject found")
    job = service.reframer.job(job_id)
    assert (job.status, job.succeeded, job.terminal, job.error) == (
        "error", False, True, "no subject found",
    )  # fmt: skip
    with pytest.raises(Conflict):
        service.reframer.download(job, tmp_path / "x.mp4")


def test_an_unknown_job_is_not_found(service: Service) -> None:
    with pytest.raises(NotFound):
        service.reframer.job("00000000-0000-0000-0000-000000000000")


def test_jobs_are_independent(service: Service) -> None:
    first, second = submit(service), submit(service)
    assert first != second
    service.finish(second, VIDEO)
    assert not service.reframer.job(first).terminal
    assert service.reframer.job(second).succeeded


# What only the Sieve adapter against the stub shows.


class Receiver:
    """An HTTP endpoint that records webhook bodies and answers 200."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                owner.bodies.append(
                    json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                )
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                """Quiet."""

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?token=t"


@pytest.fixture
def stub() -> Iterator[SieveStub]:
    stub = SieveStub()
    server = stub.start()
    yield stub
    server.shutdown()


def test_push_names_autocrop_its_inputs_and_the_completion_webhook(stub: SieveStub) -> None:
    SieveReframer(stub.url, API_KEY).submit("https://m.example/c.mp4", "1:1", "https://k/cb")
    (body,) = stub.pushes
    assert body["function"] == "sieve/autocrop"
    assert body["inputs"]["file"] == {"url": "https://m.example/c.mp4"}
    assert (body["inputs"]["aspect_ratio"], body["inputs"]["return_video"]) == ("1:1", True)
    assert body["webhooks"] == [{"type": "job.complete", "url": "https://k/cb"}]


def test_sieve_calls_the_webhook_when_the_job_ends(stub: SieveStub) -> None:
    receiver = Receiver()
    job = SieveReframer(stub.url, API_KEY).submit("https://m.example/c.mp4", "9:16", receiver.url)
    stub.finish(job.id, VIDEO)
    (body,) = receiver.bodies
    assert (body["type"], body["body"]["job_id"], body["body"]["status"]) == (
        "job.complete", job.id, "finished",
    )  # fmt: skip
    receiver.server.shutdown()


def test_a_wrong_api_key_is_refused_not_retried(stub: SieveStub) -> None:
    with pytest.raises(InvalidInput) as refused:
        SieveReframer(stub.url, "wrong").submit("https://m.example/c.mp4", "9:16", "https://k/")
    assert refused.value.code == "sieve_refused"
