"""A local stand-in for Cloud Tasks (used by `klair dev` and the e2e tests): an HTTP API that
creates named tasks on the topology's tier queues and delivers them at each queue's limits."""

from __future__ import annotations

import argparse
import json
import logging
import re
import signal
import threading
import uuid
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from pydantic import BaseModel, ValidationError

from klair.devstack.task_runner import QueueRunner, RetryPolicy, Task
from klair.devstack.topology import Queue, load_topology

log = logging.getLogger(__name__)

_TASKS = re.compile(r"^/queues/([^/]+)/tasks/?$")
_STATS = re.compile(r"^/queues/([^/]+)/stats/?$")


class NewTask(BaseModel):
    name: str | None = None
    url: str
    body: str = ""
    headers: dict[str, str] = {}


class Dispatcher:
    """The queues of one local stack behind one HTTP server.

    API: `POST /queues/{queue}/tasks` with JSON `{name, url, body, headers}` answers 200
    `{"created": true}`, or 409 `{"created": false}` for a name the queue has seen; `GET
    /queues/{queue}/stats` answers the queue's counts; `GET /` is the health check.
    `start` returns the bound port (pass 0 for a free one).
    """

    def __init__(self, queues: Sequence[Queue], policy: RetryPolicy | None = None) -> None:
        policy = policy or RetryPolicy()
        self.runners = {queue.name: QueueRunner(queue, policy) for queue in queues}
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("dispatcher not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self, host: str = "127.0.0.1", port: int = 0) -> int:
        for runner in self.runners.values():
            runner.start()
        self._server = _Server((host, port), _Api, self)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="dispatcher-http", daemon=True
        )
        self._thread.start()
        return int(self._server.server_address[1])

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        for runner in self.runners.values():
            runner.stop()

    def create(self, queue: str, new: NewTask) -> bool:
        """Add a task; False for a name seen before on that queue. KeyError: unknown queue."""
        task = Task(
            name=new.name or uuid.uuid4().hex,
            url=new.url,
            body=new.body.encode(),
            headers=dict(new.headers),
        )
        return self.runners[queue].add(task)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        dispatcher: Dispatcher,
    ) -> None:
        self.dispatcher = dispatcher
        super().__init__(address, handler)


class _Api(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        if self.path in ("/", ""):
            self._reply(200, {"status": "ok", "queues": sorted(self.server.dispatcher.runners)})
            return
        match = _STATS.match(self.path)
        runner = self.server.dispatcher.runners.get(match.group(1)) if match else None
        if runner is None:
            self._reply(404, {"error": f"no such resource {self.path}"})
            return
        self._reply(200, runner.stats())

    def do_POST(self) -> None:
        match = _TASKS.match(self.path)
        if match is None or match.group(1) not in self.server.dispatcher.runners:
            self._reply(404, {"error": f"no such queue at {self.path}"})
            return
        length = int(self.headers.get("Content-Length") or 0)
        try:
            new = NewTask.model_validate_json(self.rfile.read(length))
        except ValidationError as exc:
            self._reply(400, {"error": "invalid task", "details": json.loads(exc.json())})
            return
        created = self.server.dispatcher.create(match.group(1), new)
        self._reply(200 if created else 409, {"created": created})

    def _reply(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        log.debug(format, *args)


def main(argv: Sequence[str] | None = None) -> None:
    topology = load_topology()
    default = topology.emulators.get("dispatcher")
    parser = argparse.ArgumentParser(description="Local Cloud Tasks stand-in for Klair")
    parser.add_argument("--host", default=default.host if default else "127.0.0.1")
    parser.add_argument("--port", type=int, default=default.port if default else 8799)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    dispatcher = Dispatcher(topology.task_queues())
    port = dispatcher.start(args.host, args.port)
    log.info("dispatcher on http://%s:%d for %s", args.host, port, sorted(dispatcher.runners))
    done = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    dispatcher.stop()


if __name__ == "__main__":
    main()
