"""Which dependencies `GET /api/health` probes in a deployed mode: Firestore, GCS, Pub/Sub and
Cloud Tasks (the local dispatcher on the emulator stack) always; Vertex AI when the Gemini
analyzer is on; Sieve when it is configured. `klair.bootstrap` reads the `ProbeTargets` from
the settings (adapters take values, never `Settings`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from klair.adapters.health_probes import (
    CloudTasksProbe,
    FirestoreProbe,
    GcsProbe,
    HttpProbe,
    PubSubProbe,
    VertexProbe,
)
from klair.domain.events import JobFinished
from klair.ports.health import DependencyProbe

if TYPE_CHECKING:
    from google.cloud import firestore, pubsub_v1, storage, tasks_v2
    from google.genai import Client as GenaiClient


@dataclass(frozen=True)
class ProbeTargets:
    project: str
    bucket: str
    region: str
    webhook_queue: str
    timeout_seconds: float
    dispatcher_url: str | None = None  # the emulator stack's stand-in for Cloud Tasks
    gemini_location: str | None = None  # set when the Gemini analyzer is on
    gemini_base_url: str | None = None
    gemini_stub: bool = False  # a local stub: any token will do
    sieve_api_url: str | None = None  # set when Sieve is configured
    sieve_api_key: str | None = None


def deployed_probes(
    targets: ProbeTargets, db: firestore.Client, storage: Callable[[], storage.Client]
) -> tuple[DependencyProbe, ...]:
    """The probes of a function started by `klair dev` (emulator) or deployed (cloud); their
    clients are made on the first probe (cold starts import none of them)."""
    t = targets
    probes: list[DependencyProbe] = [
        FirestoreProbe(lambda: db),
        GcsProbe(storage, t.bucket),
        PubSubProbe(_publisher, f"projects/{t.project}/topics/{JobFinished.topic}"),
    ]
    if t.dispatcher_url is not None:  # the local dispatcher stands in for Cloud Tasks
        probes.append(HttpProbe("cloud_tasks", t.dispatcher_url))
    else:
        queue = f"projects/{t.project}/locations/{t.region}/queues/{t.webhook_queue}"
        probes.append(CloudTasksProbe(_tasks, queue))
    if t.gemini_location is not None:
        from klair.adapters.gemini.options import DEFAULT_MODEL  # reads the model's description

        probes.append(VertexProbe(lambda: _genai(t), DEFAULT_MODEL))
    if t.sieve_api_url and t.sieve_api_key:
        url = t.sieve_api_url.rstrip("/") + "/v2/jobs?limit=1"
        probes.append(HttpProbe("sieve", url, {"X-API-Key": t.sieve_api_key}))
    return tuple(probes)


def _publisher() -> pubsub_v1.PublisherClient:
    from google.cloud import pubsub_v1

    return pubsub_v1.PublisherClient()


def _tasks() -> tasks_v2.CloudTasksClient:
    from google.cloud import tasks_v2

    return tasks_v2.CloudTasksClient()


def _genai(t: ProbeTargets) -> GenaiClient:
    """A client of its own: the health deadline as its HTTP timeout, and no retries."""
    from google import genai
    from google.genai import types
    from google.oauth2.credentials import Credentials

    return genai.Client(
        vertexai=True,
        project=t.project,
        location=t.gemini_location,
        # A local stub takes any token; deployed, the function's service account (ADC).
        credentials=Credentials(token="emulator") if t.gemini_stub else None,  # type: ignore[no-untyped-call]  # noqa: S106
        http_options=types.HttpOptions(
            base_url=t.gemini_base_url, timeout=round(t.timeout_seconds * 1000)
        ),
    )
