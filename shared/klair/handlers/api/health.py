"""Health of each dependency, probed with a cheap read that must answer (even "absent")."""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import BaseModel

from klair.domain.errors import NotFound
from klair.domain.ids import JobId
from klair.handlers.deps import Deps


class DependencyHealth(BaseModel):
    ok: bool
    latency_ms: float
    error: str | None = None


class Health(BaseModel):
    status: str
    mode: str
    dependencies: dict[str, DependencyHealth]


def _probe(check: Callable[[], object]) -> DependencyHealth:
    started = time.perf_counter()
    try:
        check()
    except NotFound:
        pass  # the probe key never exists: answering "absent" proves the service is up
    except Exception as error:  # any failure is the answer we report
        return DependencyHealth(ok=False, latency_ms=_ms(started), error=type(error).__name__)
    return DependencyHealth(ok=True, latency_ms=_ms(started))


def _ms(started: float) -> float:
    return round((time.perf_counter() - started) * 1000, 1)


def health(deps: Deps) -> Health:
    checks = {
        "job_store": _probe(lambda: deps.store.get(JobId("health-probe"))),
        "blobs": _probe(lambda: deps.blobs.exists("health/probe")),
    }
    status = "ok" if all(c.ok for c in checks.values()) else "degraded"
    return Health(status=status, mode=deps.settings.mode.value, dependencies=checks)
