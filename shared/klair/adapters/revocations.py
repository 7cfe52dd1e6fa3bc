"""`Revocations` kept in this process: the users a deletion here has just revoked, so the
API's token check in the same process refuses them from the next request on.

Cleared whole when full: past `http.active_users.CACHE_SECONDS` after a deletion every
instance refuses the user anyway (from the tombstone in the store), so forgetting an old
revocation costs nothing."""

from __future__ import annotations

import threading

from klair.domain.ids import UserId

ENTRIES = 10_000  # bounded: an instance deletes few users at once


class LocalRevocations:
    """A set of user ids behind a lock; one per `Deps` (bootstrap), shared by its routers."""

    def __init__(self, entries: int = ENTRIES) -> None:
        self._entries = entries
        self._lock = threading.Lock()
        self._revoked: set[UserId] = set()

    def revoke(self, uid: UserId) -> None:
        with self._lock:
            if len(self._revoked) >= self._entries:
                self._revoked.clear()
            self._revoked.add(uid)

    def revoked(self, uid: UserId) -> bool:
        with self._lock:
            return uid in self._revoked
