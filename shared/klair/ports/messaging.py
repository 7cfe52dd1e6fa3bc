"""Ports that carry work on: the event bus (Pub/Sub) and named tasks on tier queues."""

from __future__ import annotations

from typing import Protocol

from klair.domain.events import Message


class Bus(Protocol):
    def publish(self, message: Message) -> str:
        """Publish on the message's topic; returns the message id."""


class TaskQueue(Protocol):
    def enqueue(self, queue: str, name: str, url: str, message: Message) -> bool:
        """Create a named HTTP task; False when a task of that name exists (dedup)."""
