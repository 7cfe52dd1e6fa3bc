"""The probes behind `GET /api/health`: one cheap, authenticated call per dependency, each
bounded by the caller's timeout and never retried (a retry would hide an outage behind the
deadline). Clients are made on the first probe, never at import or bootstrap."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Generic, TypeVar

import httpx

from klair.domain.errors import NotFound

if TYPE_CHECKING:
    from google.cloud import firestore, pubsub_v1, storage, tasks_v2
    from google.genai import Client as GenaiClient

    from klair.ports.jobs import JobStore
    from klair.ports.storage import Blobs

C = TypeVar("C")
PROBE_KEY = "health-probe"  # never exists: an answer of "absent" proves the service is up


class _Lazy(Generic[C]):
    """One client per probe, built by `factory` on first use (thread-safe)."""

    def __init__(self, factory: Callable[[], C]) -> None:
        self._factory = factory
        self._client: C | None = None
        self._lock = threading.Lock()

    def __call__(self) -> C:
        with self._lock:
            if self._client is None:
                self._client = self._factory()
            return self._client


class FirestoreProbe:
    """Reads a document that never exists."""

    name = "firestore"

    def __init__(self, client: Callable[[], firestore.Client]) -> None:
        self._client = _Lazy(client)

    def check(self, timeout: float) -> None:
        doc = self._client().collection("health").document(PROBE_KEY)
        doc.get(retry=None, timeout=timeout)


class GcsProbe:
    """Lists at most one object of the media bucket (what the functions' object roles allow):
    up, authorised, and the bucket exists (a missing bucket is a 404)."""

    name = "gcs"

    def __init__(self, client: Callable[[], storage.Client], bucket: str) -> None:
        self._client = _Lazy(client)
        self._bucket = bucket

    def check(self, timeout: float) -> None:
        blobs = self._client().list_blobs(
            self._bucket, prefix="health/", max_results=1, timeout=timeout, retry=None
        )
        next(iter(blobs), None)


class PubSubProbe:
    """Reads the topic every function publishes to (roles/pubsub.viewer on it)."""

    name = "pubsub"

    def __init__(self, client: Callable[[], pubsub_v1.PublisherClient], topic: str) -> None:
        self._client = _Lazy(client)
        self._topic = topic

    def check(self, timeout: float) -> None:
        client = self._client()
        client.get_topic(request={"topic": self._topic}, timeout=timeout, retry=None)


class CloudTasksProbe:
    """Reads a queue (roles/cloudtasks.viewer on it)."""

    name = "cloud_tasks"

    def __init__(self, client: Callable[[], tasks_v2.CloudTasksClient], queue: str) -> None:
        self._client = _Lazy(client)
        self._queue = queue  # projects/P/locations/L/queues/Q

    def check(self, timeout: float) -> None:
        self._client().get_queue(name=self._queue, timeout=timeout, retry=None)


class VertexProbe:
    """Reads the model's description from Vertex AI (no tokens, no charge)."""

    name = "vertex_ai"

    def __init__(self, client: Callable[[], GenaiClient], model: str) -> None:
        self._client = _Lazy(client)  # its HTTP timeout is the health deadline
        self._model = model

    def check(self, timeout: float) -> None:
        self._client().models.get(model=self._model)


class HttpProbe:
    """GET `url`; any answer below 500 but 401/403 means up and authorised (Sieve's job
    list with its key; the local task dispatcher standing in for Cloud Tasks)."""

    def __init__(self, name: str, url: str, headers: dict[str, str] | None = None) -> None:
        self.name = name
        self._url = url
        self._headers = headers or {}

    def check(self, timeout: float) -> None:
        answer = httpx.get(self._url, headers=self._headers, timeout=timeout)
        if answer.status_code in (401, 403) or answer.status_code >= 500:
            answer.raise_for_status()


class PortProbe:
    """A dependency reached through one of our ports (the in-process modes' store and
    blobs): the port's cheapest read of a key that never exists."""

    def __init__(self, name: str, read: Callable[[], object]) -> None:
        self.name = name
        self._read = read

    def check(self, timeout: float) -> None:
        with contextlib.suppress(NotFound):
            self._read()


def port_probes(store: JobStore, blobs: Blobs) -> tuple[PortProbe, ...]:
    from klair.domain.ids import JobId

    return (
        PortProbe("job_store", lambda: store.get(JobId(PROBE_KEY))),
        PortProbe("blobs", lambda: blobs.exists(f"health/{PROBE_KEY}")),
    )
