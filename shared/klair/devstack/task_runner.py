"""One local task queue: named tasks delivered over HTTP at the queue's rate and concurrency,
retried with exponential backoff like Cloud Tasks (the engine behind the local dispatcher)."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from enum import Enum

import httpx

from klair.devstack.clients import LIMITS
from klair.devstack.topology import Queue

log = logging.getLogger(__name__)


@dataclass
class Task:
    name: str
    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    attempts: int = 0


@dataclass(frozen=True)
class RetryPolicy:
    min_backoff: float = 0.1
    max_backoff: float = 10.0
    dispatch_deadline: float = 600.0  # Cloud Tasks' default for HTTP targets

    def backoff(self, attempts: int) -> float:
        return float(min(self.max_backoff, self.min_backoff * 2 ** max(attempts - 1, 0)))


class Outcome(Enum):
    DONE = "succeeded"
    RETRY = "retried"
    DROP = "failed"


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; `take` blocks until one is free."""

    def __init__(self, rate: float, burst: float = 1.0) -> None:
        self._rate = rate
        self._burst = burst
        self._tokens = burst
        self._stamp = time.monotonic()

    def take(self, stop: threading.Event) -> bool:
        """Spend one token; False if `stop` was set while waiting."""
        while not stop.is_set():
            now = time.monotonic()
            self._tokens = min(self._burst, self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            stop.wait((1 - self._tokens) / self._rate)
        return False


class QueueRunner:
    """Accepts tasks (refusing a name seen before) and dispatches each when due, holding a
    rate token and one of `max_concurrent_dispatches` slots for the duration of the call."""

    def __init__(self, queue: Queue, policy: RetryPolicy) -> None:
        self.queue = queue
        self._policy = policy
        self._heap: list[tuple[float, int, Task]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._names: set[str] = set()
        self._counts: Counter[str] = Counter()
        self._in_flight = 0
        self._stop = threading.Event()
        self._slots = threading.Semaphore(queue.max_concurrent_dispatches)
        self._bucket = TokenBucket(queue.max_dispatches_per_second)
        self._pool = ThreadPoolExecutor(
            queue.max_concurrent_dispatches, thread_name_prefix=f"task-{queue.name}"
        )
        self._http = httpx.Client(
            timeout=httpx.Timeout(policy.dispatch_deadline, connect=5.0),
            limits=httpx.Limits(
                max_connections=queue.max_concurrent_dispatches,
                keepalive_expiry=LIMITS.keepalive_expiry,  # below gunicorn's: see clients.py
            ),
        )
        self._thread = threading.Thread(
            target=self._schedule, name=f"schedule-{queue.name}", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with self._wake:
            self._wake.notify_all()
        self._thread.join(timeout=5)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._http.close()

    def add(self, task: Task) -> bool:
        with self._wake:
            if task.name in self._names:
                self._counts["duplicates"] += 1
                return False
            self._names.add(task.name)
            self._counts["created"] += 1
            self._push(task, time.monotonic())
        return True

    def stats(self) -> dict[str, int]:
        with self._wake:
            counts = {key: self._counts[key] for key in ("created", "duplicates", "dispatches")}
            counts |= {o.value: self._counts[o.value] for o in Outcome}
            return counts | {"pending": len(self._heap), "in_flight": self._in_flight}

    def _push(self, task: Task, due: float) -> None:
        heapq.heappush(self._heap, (due, next(self._order), task))
        self._wake.notify()

    def _schedule(self) -> None:
        while (task := self._next_due()) is not None:
            if not self._bucket.take(self._stop):
                return
            while not self._slots.acquire(timeout=0.2):
                if self._stop.is_set():
                    return
            with self._wake:
                self._in_flight += 1
            self._pool.submit(self._run, task)

    def _next_due(self) -> Task | None:
        with self._wake:
            while not self._stop.is_set():
                now = time.monotonic()
                if self._heap and self._heap[0][0] <= now:
                    return heapq.heappop(self._heap)[2]
                self._wake.wait(self._heap[0][0] - now if self._heap else None)
        return None

    def _run(self, task: Task) -> None:
        task.attempts += 1
        try:
            outcome = self._dispatch(task)
        finally:
            with self._wake:
                self._in_flight -= 1
            self._slots.release()
        if outcome is Outcome.RETRY and task.attempts >= self.queue.max_attempts:
            log.warning("task %s gave up after %d attempts", task.name, task.attempts)
            outcome = Outcome.DROP
        with self._wake:
            self._counts[outcome.value] += 1
            if outcome is Outcome.RETRY:
                self._push(task, time.monotonic() + self._policy.backoff(task.attempts))

    def _dispatch(self, task: Task) -> Outcome:
        headers = task.headers | {
            "X-CloudTasks-QueueName": self.queue.name,
            "X-CloudTasks-TaskName": task.name,
            "X-CloudTasks-TaskRetryCount": str(task.attempts - 1),
            "X-CloudTasks-TaskExecutionCount": str(task.attempts - 1),
        }
        with self._wake:
            self._counts["dispatches"] += 1
        try:
            response = self._http.post(task.url, content=task.body, headers=headers)
        except httpx.HTTPError as exc:
            log.info("task %s: %s, will retry", task.name, exc)
            return Outcome.RETRY
        status = response.status_code
        if status < 300:
            return Outcome.DONE
        if status >= 500 or status == 429:
            return Outcome.RETRY
        log.warning("task %s dropped: %s answered %d", task.name, task.url, status)
        return Outcome.DROP
