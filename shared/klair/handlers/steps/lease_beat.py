"""A paid chunk's lease kept alive by its delivery: short (`chunk_lease_seconds`, 90 s), and
renewed every `chunk_heartbeat_seconds` (30 s) while the delivery works, so a delivery that
dies mid-call (a crash, the function's timeout) frees its chunk within the short lease
rather than the whole function's run, and Pub/Sub's redelivery takes it over (paying again:
both attempts' costs are counted) instead of being refused until it dead-letters."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import structlog

from klair.domain.ids import JobId
from klair.handlers.deps import Deps

log = structlog.get_logger(__name__)


def lease_end(deps: Deps) -> datetime:
    return deps.clock.now() + timedelta(seconds=deps.settings.chunk_lease_seconds)


@contextmanager
def beating(deps: Deps, job_id: JobId, index: int, attempt: int | None) -> Iterator[None]:
    """Renew attempt `attempt`'s lease on chunk `index` while the block runs (nothing to
    renew when `attempt` is None: the chunk was not leased)."""
    if attempt is None:
        yield
        return
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(deps.settings.chunk_heartbeat_seconds):
            try:
                kept = deps.store.renew_chunk_lease(job_id, index, attempt, lease_end(deps))
            except Exception as exc:  # a failed renewal is retried at the next beat
                log.warning(
                    "chunk lease renewal failed", job_id=job_id, chunk=index, error=str(exc)
                )
                continue
            if not kept:  # taken over after it expired, or recorded: nothing left to keep
                log.warning("chunk lease lost", job_id=job_id, chunk=index, attempt=attempt)
                return

    thread = threading.Thread(target=beat, name=f"lease-{job_id}-{index}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
