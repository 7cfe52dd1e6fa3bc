"""Health of each dependency: every probe at once, each with a short deadline and its latency;
"degraded" (503 at the route) names the dependencies that did not answer."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor, wait

from pydantic import BaseModel

from klair.handlers.deps import Deps
from klair.ports.health import DependencyProbe


class DependencyHealth(BaseModel):
    ok: bool
    latency_ms: float
    error: str | None = None


class Health(BaseModel):
    status: str
    mode: str
    dependencies: dict[str, DependencyHealth]
    # The dependencies that did not answer, so a caller (or an uptime check) reads one field.
    failing: list[str] = []


def _probe(probe: DependencyProbe, timeout: float) -> DependencyHealth:
    started = time.perf_counter()
    try:
        probe.check(timeout)
    except Exception as error:  # any failure is the answer we report
        return DependencyHealth(ok=False, latency_ms=_ms(started), error=type(error).__name__)
    return DependencyHealth(ok=True, latency_ms=_ms(started))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def health(deps: Deps) -> Health:
    """Probe every dependency in parallel. A probe that outlives the deadline (a client
    that ignores its timeout) is reported as down; its thread is left to finish alone."""
    timeout = deps.settings.health_timeout_seconds
    pool = ThreadPoolExecutor(max_workers=max(1, len(deps.health)), thread_name_prefix="health")
    started = time.perf_counter()
    futures: dict[str, Future[DependencyHealth]] = {
        probe.name: pool.submit(_probe, probe, timeout) for probe in deps.health
    }
    wait(futures.values(), timeout=timeout + 0.5)
    pool.shutdown(wait=False, cancel_futures=True)
    checks = {
        name: future.result()
        if future.done() and not future.cancelled()
        else DependencyHealth(ok=False, latency_ms=_ms(started), error="Timeout")
        for name, future in futures.items()
    }
    failing = sorted(name for name, check in checks.items() if not check.ok)
    return Health(
        status="degraded" if failing else "ok",
        mode=deps.settings.mode.value,
        dependencies=checks,
        failing=failing,
    )
