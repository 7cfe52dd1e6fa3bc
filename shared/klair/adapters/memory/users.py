"""In-memory UserStore: users and seen webhook message ids in dicts behind one lock."""

from __future__ import annotations

import threading
from collections.abc import Callable

from klair.adapters.clock import SystemClock
from klair.domain.ids import UserId
from klair.domain.user import User, tombstone_for, unknown_user
from klair.ports.jobs import Clock


class MemoryUserStore:
    """Users kept in a dict; nothing a caller holds aliases stored state."""

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._users: dict[UserId, User] = {}
        self._messages: set[str] = set()

    def get(self, uid: UserId) -> User:
        with self._lock:
            user = self._users.get(uid)
            if user is None:
                raise unknown_user(uid)
            return user.model_copy(deep=True)

    def upsert(self, user: User) -> None:
        with self._lock:
            self._users[user.id] = user.model_copy(deep=True)

    def revise(self, uid: UserId, revision: Callable[[User | None], User | None]) -> bool:
        with self._lock:  # the revision runs under the lock: nothing changes meanwhile
            stored = self._users.get(uid)
            user = revision(None if stored is None else stored.model_copy(deep=True))
            if user is None:
                return False
            self._users[uid] = user.model_copy(deep=True)
            return True

    def mark_deleted(self, uid: UserId) -> bool:
        now = self._clock.now()
        return self.revise(uid, lambda user: tombstone_for(user, uid, now))

    def knows_message(self, message_id: str) -> bool:
        with self._lock:
            return message_id in self._messages

    def record_message(self, message_id: str) -> bool:
        # Never forgotten here: a process's lifetime is far shorter than MESSAGE_TTL.
        with self._lock:
            if message_id in self._messages:
                return False
            self._messages.add(message_id)
            return True
