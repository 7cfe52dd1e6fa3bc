"""The `TaskQueue` on Cloud Tasks: named HTTP tasks with an OIDC token, one queue per tier."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from google.api_core import exceptions as gexc
from google.cloud import tasks_v2

from klair.domain.errors import Transient
from klair.domain.events import Message
from klair.entry import wire


class TaskCreator(Protocol):
    """The part of `tasks_v2.CloudTasksClient` the queue uses."""

    def create_task(self, request: tasks_v2.CreateTaskRequest, *, timeout: float) -> object: ...


def default_client() -> TaskCreator:
    return tasks_v2.CloudTasksClient()


class CloudTasksQueue:
    """Creates one HTTP POST task per message, named so that a repeat is refused (dedup).

    The caller derives the name from the job id; it is sanitised to the characters Cloud
    Tasks accepts (see `wire.task_id`). The target authenticates the call with the OIDC
    token Cloud Tasks mints for `service_account_email`, whose audience is the target URL.
    """

    def __init__(
        self,
        project: str,
        location: str,
        service_account_email: str,
        client_factory: Callable[[], TaskCreator] = default_client,
        timeout: float = 30.0,
    ) -> None:
        self._project = project
        self._location = location
        self._service_account = service_account_email
        self._factory = client_factory
        self._timeout = timeout
        self._client: TaskCreator | None = None
        self._lock = threading.Lock()

    def queue_path(self, queue: str) -> str:
        return f"projects/{self._project}/locations/{self._location}/queues/{queue}"

    def build_request(
        self, queue: str, name: str, url: str, message: Message
    ) -> tasks_v2.CreateTaskRequest:
        parent = self.queue_path(queue)
        http_request = tasks_v2.HttpRequest(
            url=url,
            http_method=tasks_v2.HttpMethod.POST,
            headers=wire.task_headers(message),
            body=message.model_dump_json().encode(),
            oidc_token=tasks_v2.OidcToken(
                service_account_email=self._service_account, audience=url
            ),
        )
        task = tasks_v2.Task(name=f"{parent}/tasks/{wire.task_id(name)}", http_request=http_request)
        return tasks_v2.CreateTaskRequest(parent=parent, task=task)

    def enqueue(self, queue: str, name: str, url: str, message: Message) -> bool:
        request = self.build_request(queue, name, url, message)
        try:
            self._tasks().create_task(request, timeout=self._timeout)
        except gexc.AlreadyExists:
            return False
        except gexc.GoogleAPIError as exc:
            raise Transient(f"creating task {name} on {queue} failed: {exc}", queue=queue) from exc
        return True

    def _tasks(self) -> TaskCreator:
        with self._lock:
            if self._client is None:
                self._client = self._factory()
            return self._client
