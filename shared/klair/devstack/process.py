"""Child processes of the local stack: started in their own group, stopped by group."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx


class StackError(RuntimeError):
    """The local stack could not start (a port is taken, a tool is missing, a timeout)."""


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def require_tool(name: str, hint: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise StackError(f"{name} is not installed: {hint}")
    return path


def http_ready(url: str) -> Callable[[], bool]:
    def check() -> bool:
        try:
            return httpx.get(url, timeout=1.0).status_code < 500
        except httpx.HTTPError:
            return False

    return check


@dataclass
class ManagedProcess:
    """One child of the stack; `start` refuses a taken port instead of sharing it."""

    name: str
    argv: Sequence[str]
    host: str
    port: int
    ready: Callable[[], bool]
    env: dict[str, str] = field(default_factory=dict)
    log_dir: Path | None = None
    cwd: Path | None = None
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if not port_free(self.host, self.port):
            raise StackError(f"{self.name}: port {self.host}:{self.port} is already in use")
        log = subprocess.DEVNULL
        if self.log_dir is not None:
            self.log_dir.mkdir(parents=True, exist_ok=True)
            log = (self.log_dir / f"{self.name}.log").open("ab")  # type: ignore[assignment]
        self.popen = subprocess.Popen(
            list(self.argv),
            env={**os.environ, **self.env},
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.cwd,
            start_new_session=True,  # own group: gcloud spawns java, which must die with it
        )

    def wait_ready(self, timeout: float = 90.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen is not None and self.popen.poll() is not None:
                raise StackError(f"{self.name} exited with {self.popen.returncode}{self._tail()}")
            if self.ready():
                return
            time.sleep(0.2)
        raise StackError(f"{self.name} not ready after {timeout:.0f}s{self._tail()}")

    def _tail(self) -> str:
        if self.log_dir is None:
            return ""
        log = self.log_dir / f"{self.name}.log"
        text = log.read_text(errors="replace")[-1500:] if log.exists() else ""
        return f"; log tail:\n{text}" if text else ""

    def stop(self) -> None:
        if self.popen is None or self.popen.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.popen.pid, signal.SIGTERM)
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signal.SIGKILL)
            self.popen.wait(timeout=5)
