"""What `GET /api/health` asks of each dependency: one cheap, authenticated call."""

from __future__ import annotations

from typing import Protocol


class DependencyProbe(Protocol):
    """One dependency of the deployment (Firestore, GCS, Pub/Sub, Cloud Tasks, ...)."""

    @property
    def name(self) -> str:
        """The dependency's name in the health report (`firestore`, `pubsub`, ...)."""
        ...

    def check(self, timeout: float) -> None:
        """Return when the dependency answered within `timeout` seconds (an answer of
        "absent" counts: the service is up); raise otherwise."""
        ...
