"""In-process `Bus` and `TaskQueue` for the embedded mode: FIFO delivery to subscribed handlers
through the same wire encoding as Pub/Sub, with retries and a dead-letter like the cloud's."""

from __future__ import annotations

import itertools
import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TypeVar

from klair.domain.errors import KlairError
from klair.domain.events import DeadLettered, Message
from klair.domain.ids import JobId
from klair.entry import wire

M = TypeVar("M", bound=Message)
Deliver = Callable[[bytes, Mapping[str, str]], None]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Envelope:
    """One copy of a published message waiting for one subscription."""

    id: str
    subscription: str
    data: bytes
    attributes: Mapping[str, str]
    attempt: int = 1


@dataclass(frozen=True)
class _Subscription:
    name: str
    type_name: str
    deliver: Deliver = field(repr=False)


class InProcessBus:
    """Publishing enqueues one envelope per subscription of the message's type; `drain()`
    delivers them in order until none are left. A handler that publishes only enqueues, so
    delivery never recurses and the order is breadth-first, like a real broker's.

    Failures follow the cloud contract: a retryable `KlairError` is redelivered (at the back
    of the queue) up to `max_attempts` times, then a `DeadLettered` is published; a permanent
    `KlairError` acks the message (the handler has already failed the job); any other
    exception is a bug and propagates out of `drain()`.
    """

    def __init__(self, max_attempts: int = 5) -> None:
        self._max_attempts = max_attempts
        self._subscriptions: list[_Subscription] = []
        self._queue: deque[tuple[_Subscription, Envelope]] = deque()
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        self._draining = False

    def subscribe(
        self, message_type: type[M], handler: Callable[[M], None], name: str | None = None
    ) -> None:
        """Deliver every later message of `message_type` to `handler` (decoded from the wire)."""

        def deliver(data: bytes, attributes: Mapping[str, str]) -> None:
            handler(wire.decode(data, attributes, message_type))

        label = name or str(getattr(handler, "__name__", message_type.type_name()))
        with self._lock:
            self._subscriptions.append(_Subscription(label, message_type.type_name(), deliver))

    def publish(self, message: Message) -> str:
        data, attributes = wire.encode(message)
        with self._lock:
            message_id = str(next(self._ids))
            for sub in self._subscriptions:
                if sub.type_name == message.type_name():
                    self._queue.append((sub, Envelope(message_id, sub.name, data, attributes)))
        return message_id

    def pending(self) -> list[Envelope]:
        """The envelopes not yet delivered, in delivery order."""
        with self._lock:
            return [envelope for _, envelope in self._queue]

    def drain(self) -> int:
        """Deliver until the queue is empty; returns the number of deliveries made.

        A nested call (a handler calling `drain`) returns 0 at once: the outer loop will
        deliver whatever the handler published.
        """
        with self._lock:
            if self._draining:
                return 0
            self._draining = True
        delivered = 0
        try:
            while (item := self._next()) is not None:
                self._deliver(*item)
                delivered += 1
        finally:
            with self._lock:
                self._draining = False
        return delivered

    def _next(self) -> tuple[_Subscription, Envelope] | None:
        with self._lock:
            return self._queue.popleft() if self._queue else None

    def _deliver(self, sub: _Subscription, envelope: Envelope) -> None:
        try:
            sub.deliver(envelope.data, envelope.attributes)
        except KlairError as exc:
            if not exc.retryable:
                log.warning("%s dropped %s: %s", sub.name, envelope.attributes, exc.message)
                return
            if envelope.attempt < self._max_attempts:
                with self._lock:
                    self._queue.append((sub, replace(envelope, attempt=envelope.attempt + 1)))
                return
            self._dead_letter(envelope, exc)

    def _dead_letter(self, envelope: Envelope, exc: KlairError) -> None:
        kind = envelope.attributes.get("type")
        log.error(
            "%s gave up on %s after %d attempts: %s",
            envelope.subscription,
            kind,
            envelope.attempt,
            exc.message,
        )
        if kind == DeadLettered.type_name():
            return  # never dead-letter a dead letter: that would loop forever
        job_id = envelope.attributes.get("job_id")
        self.publish(
            DeadLettered(
                subscription=envelope.subscription,
                job_id=JobId(job_id) if job_id else None,
                original_type=kind,
            )
        )


class InProcessTaskQueue:
    """`TaskQueue` over an `InProcessBus`: a task is its message, delivered by `drain()` to the
    handler subscribed to its type; a repeated (queue, name) is refused like Cloud Tasks does."""

    def __init__(self, bus: InProcessBus) -> None:
        self._bus = bus
        self._names: set[tuple[str, str]] = set()
        self._lock = threading.Lock()

    def enqueue(self, queue: str, name: str, url: str, message: Message) -> bool:
        with self._lock:
            if (queue, name) in self._names:
                return False
            self._names.add((queue, name))
        self._bus.publish(message)
        return True
