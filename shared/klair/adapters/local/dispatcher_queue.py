"""The `TaskQueue` on the local dispatcher (`klair.devstack.dispatcher`), used by the
emulator mode in place of Cloud Tasks."""

from __future__ import annotations

import threading

import httpx

from klair.domain.errors import KlairError, Transient
from klair.domain.events import Message
from klair.entry import wire


class DispatcherTaskQueue:
    """Creates tasks over the dispatcher's HTTP API; names are sanitised like Cloud Tasks
    ids so the same name dedups the same way locally and in the cloud."""

    def __init__(
        self,
        base_url: str,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._transport = transport
        self._timeout = timeout
        self._client: httpx.Client | None = None
        self._lock = threading.Lock()

    def enqueue(self, queue: str, name: str, url: str, message: Message) -> bool:
        payload = {
            "name": wire.task_id(name),
            "url": url,
            "body": message.model_dump_json(),
            "headers": wire.task_headers(message),
        }
        try:
            response = self._http().post(f"/queues/{queue}/tasks", json=payload)
        except httpx.HTTPError as exc:
            raise Transient(f"dispatcher unreachable at {self._base_url}: {exc}") from exc
        if response.status_code == 409:
            return False
        if response.status_code >= 500:
            raise Transient(f"dispatcher answered {response.status_code}", queue=queue)
        if response.status_code != 200:
            raise KlairError(
                f"dispatcher refused the task ({response.status_code}): {response.text}",
                code="task_refused",
                queue=queue,
            )
        return True

    def _http(self) -> httpx.Client:
        with self._lock:
            if self._client is None:
                self._client = httpx.Client(
                    base_url=self._base_url, timeout=self._timeout, transport=self._transport
                )
            return self._client
