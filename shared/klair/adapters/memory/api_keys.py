"""In-memory ApiKeyStore: keys in a dict behind one lock (tests, embedded mode)."""

from __future__ import annotations

import threading
from datetime import datetime

from klair.domain.api_keys import ApiKey, too_many
from klair.domain.ids import UserId


class MemoryApiKeyStore:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._keys: dict[str, ApiKey] = {}

    def add(self, key: ApiKey, limit: int) -> None:
        with self._lock:
            active = [k for k in self._keys.values() if k.owner == key.owner and k.active]
            if len(active) >= limit:
                raise too_many(limit)
            if key.id in self._keys:
                raise ValueError(f"API key {key.id} exists")
            self._keys[key.id] = key

    def get(self, key_id: str) -> ApiKey | None:
        with self._lock:
            return self._keys.get(key_id)

    def list_keys(self, owner: UserId) -> list[ApiKey]:
        with self._lock:
            mine = [key for key in self._keys.values() if key.owner == owner]
        return sorted(mine, key=lambda key: (key.created_at, key.id), reverse=True)

    def revoke(self, owner: UserId, key_id: str, at: datetime) -> ApiKey | None:
        with self._lock:
            key = self._keys.get(key_id)
            if key is None or key.owner != owner:
                return None
            if key.active:
                key = self._keys[key_id] = key.model_copy(update={"revoked_at": at})
            return key

    def record_use(self, key_id: str, at: datetime) -> None:
        with self._lock:
            key = self._keys.get(key_id)
            if key is not None:
                self._keys[key_id] = key.model_copy(update={"last_used_at": at})

    def delete_owner(self, owner: UserId) -> int:
        with self._lock:
            mine = [key_id for key_id, key in self._keys.items() if key.owner == owner]
            for key_id in mine:
                del self._keys[key_id]
            return len(mine)
