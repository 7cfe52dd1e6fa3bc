"""Ports for forgetting a user (Clerk's `user.deleted`) beyond what `JobStore`, `Blobs` and
`UserStore` already remove."""

from __future__ import annotations

from typing import Protocol

from klair.domain.ids import UserId


class UsageEraser(Protocol):
    def erase_usage(self, owner: UserId) -> int:
        """Delete the user's usage books (every month), slots and per-job reservations;
        returns how many records went. Idempotent: nothing left is 0."""
