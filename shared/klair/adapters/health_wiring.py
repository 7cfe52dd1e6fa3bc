"""Which dependencies `GET /api/health` probes in a deployed mode, from the settings: Firestore,
GCS, Pub/Sub and Cloud Tasks (the local dispatcher on the emulator stack) always; Vertex AI
when the Gemini analyzer is on; Sieve when it is configured. Used by `klair.bootstrap`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from klair.adapters.health_probes import (
    CloudTasksProbe,
    FirestoreProbe,
    GcsProbe,
    HttpProbe,
    PubSubProbe,
    VertexProbe,
)
from klair.config import Mode, Settings
from klair.domain.events import JobFinished
from klair.ports.health import DependencyProbe

if TYPE_CHECKING:
    from google.cloud import firestore, pubsub_v1, storage, tasks_v2
    from google.genai import Client as GenaiClient


def deployed_probes(
    settings: Settings, db: firestore.Client, storage: Callable[[], storage.Client]
) -> tuple[DependencyProbe, ...]:
    """The probes of a function started by `klair dev` (emulator) or deployed (cloud); their
    clients are made on the first probe (cold starts import none of them)."""
    topic = f"projects/{settings.project}/topics/{JobFinished.topic}"
    probes: list[DependencyProbe] = [
        FirestoreProbe(lambda: db),
        GcsProbe(storage, settings.bucket),
        PubSubProbe(_publisher, topic),
    ]
    if settings.mode is Mode.EMULATOR:  # the local dispatcher stands in for Cloud Tasks
        probes.append(HttpProbe("cloud_tasks", settings.dispatcher_url))
    else:
        queue = f"projects/{settings.project}/locations/{settings.region}/queues/"
        probes.append(CloudTasksProbe(_tasks, queue + settings.webhook_queue))
    if settings.model_analyzer == "gemini":
        from klair.adapters.gemini.options import DEFAULT_MODEL  # reads the model's description

        probes.append(VertexProbe(lambda: _genai(settings), DEFAULT_MODEL))
    if settings.sieve_configured and settings.sieve_api_key:
        url = settings.sieve_api_url.rstrip("/") + "/v2/jobs?limit=1"
        probes.append(HttpProbe("sieve", url, {"X-API-Key": settings.sieve_api_key}))
    return tuple(probes)


def _publisher() -> pubsub_v1.PublisherClient:
    from google.cloud import pubsub_v1

    return pubsub_v1.PublisherClient()


def _tasks() -> tasks_v2.CloudTasksClient:
    from google.cloud import tasks_v2

    return tasks_v2.CloudTasksClient()


def _genai(settings: Settings) -> GenaiClient:
    """A client of its own: the health deadline as its HTTP timeout, and no retries."""
    from google import genai
    from google.genai import types
    from google.oauth2.credentials import Credentials

    stub = settings.mode is Mode.EMULATOR and settings.gemini_base_url is not None
    return genai.Client(
        vertexai=True,
        project=settings.project,
        location=settings.gemini_location,
        # A local stub takes any token; deployed, the function's service account (ADC).
        credentials=Credentials(token="emulator") if stub else None,  # type: ignore[no-untyped-call]  # noqa: S106
        http_options=types.HttpOptions(
            base_url=settings.gemini_base_url,
            timeout=round(settings.health_timeout_seconds * 1000),
        ),
    )
