"""Ports that carry work on: the event bus (Pub/Sub) and named tasks on tier queues."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from klair.domain.events import Message


class Bus(Protocol):
    def publish(self, message: Message) -> str:
        """Publish on the message's topic; returns the message id."""


class TaskQueue(Protocol):
    def enqueue(self, queue: str, name: str, url: str, message: Message) -> bool:
        """Create a named HTTP task; False when a task of that name exists (dedup)."""


@runtime_checkable
class LocalBus(Bus, Protocol):
    """A bus this process delivers itself (`klair run`): subscribers are called by `drain`,
    which returns when nothing is left to deliver."""

    def subscribe(
        self, message_type: type[Any], handler: Callable[[Any], None], name: str | None = None
    ) -> None: ...

    def drain(self) -> int: ...
