"""Reads `emulator-config/topology.yaml`: the wiring shared by the local stack and terraform."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict

DEFAULT_PATH = Path(__file__).resolve().parents[3] / "emulator-config" / "topology.yaml"


class Endpoint(BaseModel):
    host: str
    port: int

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"


class Subscription(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str
    topic: str
    function: str
    ack_deadline: int = 60
    filter: str | None = None
    max_delivery_attempts: int = 5
    dead_letter: bool = True


class Queue(BaseModel):
    name: str
    tier: str
    max_dispatches_per_second: float
    max_concurrent_dispatches: int
    max_attempts: int = 5


class WebhookQueue(Queue):
    """The queue of outbound webhook deliveries: it serves no tier and has its own backoff."""

    tier: str = ""
    min_backoff: str = "10s"
    max_backoff: str = "3600s"
    max_doublings: int = 6


class Function(BaseModel):
    model_config = ConfigDict(extra="ignore")

    trigger: str
    entry_point: str
    port: int
    memory: str = "512Mi"
    cpu: float = 1
    timeout: int = 60
    concurrency: int = 1


class RetryPolicy(BaseModel):
    minimum_backoff: str = "10s"
    maximum_backoff: str = "600s"


class Topology(BaseModel):
    model_config = ConfigDict(extra="ignore")

    project: str
    bucket: str
    emulators: dict[str, Endpoint]
    notification: dict[str, Any]
    dead_letter_topic: str
    topics: list[str]
    subscriptions: list[Subscription]
    queues: list[Queue]
    retry_policy: RetryPolicy = RetryPolicy()
    functions: dict[str, Function]
    webhook_queue: WebhookQueue | None = None

    def task_queues(self) -> list[Queue]:
        """Every Cloud Tasks queue: one per tier, and the webhook queue."""
        return [*self.queues, *([self.webhook_queue] if self.webhook_queue else [])]

    def queue_for_tier(self, tier: str) -> Queue:
        for queue in self.queues:
            if queue.tier == tier:
                return queue
        raise KeyError(tier)


@lru_cache(maxsize=4)
def load_topology(path: Path = DEFAULT_PATH) -> Topology:
    return Topology.model_validate(yaml.safe_load(path.read_text()))
