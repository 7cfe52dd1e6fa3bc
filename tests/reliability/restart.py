"""A real crash: SIGKILL to a function's process group while it serves a request (no cleanup,
as when an instance is OOM-killed), then a new functions-framework process on the same
port, with its proxy holding deliveries meanwhile as the platform would for a cold start."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping

from klair.devstack.functions import function_process
from klair.devstack.process import ManagedProcess, port_free
from klair.devstack.stack import LocalStack
from tests.reliability.proxy import FaultProxy

# The status a job shows once the function's handler has begun its work.
BUSY = {"ingest": "downloading", "analyze": "analyzing", "export": "exporting"}


class Restarter:
    """The proxies' `Killer`: (function, job id) → kill mid-request and restart."""

    def __init__(
        self,
        stack: LocalStack,
        proxies: Mapping[str, FaultProxy],
        status: Callable[[str], str | None],
    ) -> None:
        self._stack = stack
        self._proxies = proxies
        self._status = status
        self._lock = threading.Lock()
        self.replaced: dict[str, ManagedProcess] = {}
        self.kills: list[tuple[str, str]] = []
        self.errors: list[str] = []

    def __call__(self, function: str, job_id: str) -> None:
        try:
            self._wait_busy(function, job_id)
            with self._lock:
                self._restart(function)
                self.kills.append((function, job_id))
        except Exception as exc:  # a daemon thread: the test reads the errors
            self.errors.append(f"{function} {job_id}: {exc!r}")

    def stop(self) -> None:
        for proc in self.replaced.values():
            proc.stop()

    def _wait_busy(self, function: str, job_id: str) -> None:
        deadline = time.monotonic() + 120
        while self._status(job_id) != BUSY[function]:
            if time.monotonic() > deadline:
                raise TimeoutError(f"{job_id} never showed {BUSY[function]}")
            time.sleep(0.05)

    def _current(self, function: str) -> ManagedProcess:
        if function in self.replaced:
            return self.replaced[function]
        return next(p for p in self._stack.processes if p.name == function)

    def _restart(self, function: str) -> None:
        proxy = self._proxies[function]
        proxy.available.clear()
        try:
            old = self._current(function)
            assert old.popen is not None
            with contextlib.suppress(ProcessLookupError):
                os.killpg(old.popen.pid, signal.SIGKILL)
            old.popen.wait(timeout=30)
            stack = self._stack
            new = function_process(
                function,
                stack.options.topology.functions[function],
                stack.env,
                stack.log_dir,
                functions_dir=stack.options.functions_dir,
                host=stack.options.host,
                port=stack.ports[function],
            )
            while not port_free(new.host, new.port):
                time.sleep(0.1)
            new.start()
            self.replaced[function] = new
            new.wait_ready(timeout=stack.options.ready_timeout)
        finally:
            proxy.available.set()
