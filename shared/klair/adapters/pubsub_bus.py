"""The `Bus` on Google Cloud Pub/Sub (and its emulator, via PUBSUB_EMULATOR_HOST)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Protocol

from google.api_core import exceptions as gexc

from klair.domain.errors import Transient
from klair.domain.events import Message
from klair.entry import wire


class PublishFuture(Protocol):
    def result(self, timeout: float | None = None) -> str: ...


class Publisher(Protocol):
    """The part of `google.cloud.pubsub_v1.PublisherClient` the bus uses."""

    def publish(self, topic: str, data: bytes, **attrs: str) -> PublishFuture: ...


def default_publisher() -> Publisher:
    from google.cloud.pubsub_v1 import PublisherClient

    publisher: Publisher = PublisherClient()
    return publisher


class PubSubBus:
    """Publishes each message as its JSON with `type`/`version`/`job_id` attributes.

    The client is created on first publish (no network at import or construction time) and
    reused; each publish waits for the server's message id so a failure surfaces to the
    caller as `Transient` (the caller's own trigger is then retried).
    """

    def __init__(
        self,
        project: str,
        publisher_factory: Callable[[], Publisher] = default_publisher,
        timeout: float = 30.0,
    ) -> None:
        self._project = project
        self._factory = publisher_factory
        self._timeout = timeout
        self._publisher: Publisher | None = None
        self._lock = threading.Lock()

    def topic_path(self, topic: str) -> str:
        return f"projects/{self._project}/topics/{topic}"

    def publish(self, message: Message) -> str:
        data, attributes = wire.encode(message)
        topic = self.topic_path(message.topic)
        try:
            future = self._client().publish(topic, data, **attributes)
            return str(future.result(timeout=self._timeout))
        except (gexc.GoogleAPIError, FutureTimeout) as exc:
            raise Transient(
                f"publish to {message.topic} failed: {exc}",
                topic=message.topic,
                type=message.type_name(),
            ) from exc

    def _client(self) -> Publisher:
        with self._lock:
            if self._publisher is None:
                self._publisher = self._factory()
            return self._publisher
