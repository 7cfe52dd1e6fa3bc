"""Creates the topology's topics and push subscriptions in the Pub/Sub emulator, idempotently."""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path

from google.api_core.exceptions import Conflict, NotFound
from google.auth.credentials import AnonymousCredentials
from google.pubsub_v1 import (
    DeadLetterPolicy,
    PublisherClient,
    PushConfig,
    RetryPolicy,
    SubscriberClient,
    Subscription,
)
from google.pubsub_v1.services.publisher.transports import PublisherRestTransport
from google.pubsub_v1.services.subscriber.transports import SubscriberRestTransport

from klair.devstack.process import StackError
from klair.devstack.topology import DEFAULT_PATH, Topology, load_topology
from klair.devstack.topology import RetryPolicy as Backoff
from klair.devstack.topology import Subscription as SubscriptionSpec

_DURATION = re.compile(r"^(\d+)(?:\.(\d{1,9}))?s$")
_UPDATED_FIELDS = ["push_config", "ack_deadline_seconds", "retry_policy", "dead_letter_policy"]


def load_backoff(path: Path = DEFAULT_PATH) -> Backoff:
    """The `retry_policy` block of topology.yaml, in Pub/Sub's duration syntax ("5s")."""
    return load_topology(path).retry_policy


def duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"not a Pub/Sub duration (like '5s' or '0.5s'): {text!r}")
    micros = int((match.group(2) or "").ljust(9, "0")) // 1000
    return timedelta(seconds=int(match.group(1)), microseconds=micros)


def push_endpoint(base_url: str, project: str, topic: str) -> str:
    """The function URL plus the topic path, so functions-framework fills the CloudEvent source.

    functions-framework converts a raw push body into a `messagePublished` CloudEvent whose
    `source` is `//pubsub.googleapis.com/` + the `projects/P/topics/T` it finds in the path.
    """
    return f"{base_url.rstrip('/')}/projects/{project}/topics/{topic}"


def _emulator_address(emulator_host: str | None) -> str:
    address = emulator_host or os.environ.get("PUBSUB_EMULATOR_HOST")
    if not address:
        # Refuse rather than fall through to real Pub/Sub with ambient credentials.
        raise StackError("PUBSUB_EMULATOR_HOST is not set: provision() only targets the emulator")
    return address


def _publisher(address: str) -> PublisherClient:
    # REST over plain HTTP: the emulator speaks it, and it needs no grpc channel juggling.
    return PublisherClient(
        transport=PublisherRestTransport(
            host=address,
            url_scheme="http",
            credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
        )
    )


def _subscriber(address: str) -> SubscriberClient:
    return SubscriberClient(
        transport=SubscriberRestTransport(
            host=address,
            url_scheme="http",
            credentials=AnonymousCredentials(),  # type: ignore[no-untyped-call]
        )
    )


def _subscription(
    project: str,
    topology: Topology,
    spec: SubscriptionSpec,
    base_url: str | None,
    backoff: Backoff,
) -> Subscription:
    sub = Subscription(
        name=f"projects/{project}/subscriptions/{spec.name}",
        topic=f"projects/{project}/topics/{spec.topic}",
        ack_deadline_seconds=spec.ack_deadline,
        retry_policy=RetryPolicy(
            minimum_backoff=duration(backoff.minimum_backoff),
            maximum_backoff=duration(backoff.maximum_backoff),
        ),
    )
    if base_url is not None:
        sub.push_config = PushConfig(push_endpoint=push_endpoint(base_url, project, spec.topic))
    if spec.dead_letter:
        sub.dead_letter_policy = DeadLetterPolicy(
            dead_letter_topic=f"projects/{project}/topics/{topology.dead_letter_topic}",
            max_delivery_attempts=spec.max_delivery_attempts,
        )
    return sub


def _ensure_topics(publisher: PublisherClient, project: str, topics: list[str]) -> None:
    for topic in topics:
        with contextlib.suppress(Conflict):  # AlreadyExists over REST
            publisher.create_topic(name=f"projects/{project}/topics/{topic}")


def _ensure_subscription(subscriber: SubscriberClient, sub: Subscription) -> None:
    try:
        subscriber.create_subscription(request=sub)
    except Conflict:
        # Endpoints change between runs (free ports), so an existing one is brought up to date.
        subscriber.update_subscription(
            request={"subscription": sub, "update_mask": {"paths": _UPDATED_FIELDS}}
        )


def provision(
    project: str,
    topology: Topology,
    function_base_urls: Mapping[str, str],
    *,
    emulator_host: str | None = None,
    backoff: Backoff | None = None,
) -> list[str]:
    """Create every topic and subscription; return the subscription names.

    A subscription whose function has no URL in `function_base_urls` (not running) is
    created as a pull subscription, so its messages wait there and tests can pull them.
    """
    address = _emulator_address(emulator_host)
    policy = backoff or topology.retry_policy
    names: list[str] = []
    with _publisher(address) as publisher, _subscriber(address) as subscriber:
        topics = [*topology.topics]
        topics += [t for t in (topology.dead_letter_topic,) if t not in topics]
        _ensure_topics(publisher, project, topics)
        for spec in topology.subscriptions:
            url = function_base_urls.get(spec.function)
            sub = _subscription(project, topology, spec, url, policy)
            _ensure_subscription(subscriber, sub)
            names.append(sub.name)
    return names


def create_topic(project: str, topic: str, *, emulator_host: str | None = None) -> None:
    """Create one topic (the GCS notification topic must exist before any object is written)."""
    with _publisher(_emulator_address(emulator_host)) as publisher:
        _ensure_topics(publisher, project, [topic])


def deprovision(project: str, topology: Topology, *, emulator_host: str | None = None) -> None:
    """Delete the topology's subscriptions (their push endpoints die with the stack)."""
    with _subscriber(_emulator_address(emulator_host)) as subscriber:
        for spec in topology.subscriptions:
            with contextlib.suppress(NotFound):
                subscriber.delete_subscription(
                    subscription=f"projects/{project}/subscriptions/{spec.name}"
                )
