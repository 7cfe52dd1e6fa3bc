"""ApiKeyStore on Firestore: `api_keys/{key_id}` (owner, digest, prefix, name, scopes, times)
and `api_key_owners/{uid}` `{active: [key ids]}`, the owner's active keys, which every add
and revoke changes in the same batch as the key under a precondition: the limit holds under
concurrent adds without a transaction's locks (`client.retry_conflicts`)."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter
from google.cloud.firestore_v1.document import DocumentReference

from klair.adapters.firestore.client import ClientSource, LazyClient, Snapshot, retry_conflicts
from klair.domain.api_keys import ApiKey, too_many
from klair.domain.ids import UserId

BATCH = 400  # under Firestore's 500 writes per batch
KEYS, OWNERS = "api_keys", "api_key_owners"


def key_data(key: ApiKey) -> dict[str, Any]:
    """The stored form: JSON-safe values, but datetimes kept so Firestore stores timestamps."""
    data = key.model_dump(mode="json")
    for name in ("created_at", "last_used_at", "revoked_at"):
        data[name] = getattr(key, name)
    return data


def key_from(snap: Snapshot) -> ApiKey | None:
    data = snap.to_dict() if snap.exists else None
    return None if data is None else ApiKey.model_validate(data)


class FirestoreApiKeyStore:
    def __init__(self, client: ClientSource) -> None:
        self._client = LazyClient(client)

    def _ref(self, key_id: str) -> DocumentReference:
        return self._client().collection(KEYS).document(key_id)

    def _owner_ref(self, owner: UserId) -> DocumentReference:
        return self._client().collection(OWNERS).document(owner)

    def add(self, key: ApiKey, limit: int) -> None:
        ref, owner_ref = self._ref(key.id), self._owner_ref(key.owner)

        def attempt() -> None:
            snap = owner_ref.get()
            active = list((snap.to_dict() or {}).get("active", [])) if snap.exists else []
            if len(active) >= limit:
                raise too_many(limit)
            batch = self._client().batch()
            batch.create(ref, key_data(key))
            if snap.exists:  # the batch fails if another add or revoke came in between
                option = self._client.unchanged_since(snap)
                batch.update(owner_ref, {"active": [*active, key.id]}, option=option)
            else:
                batch.create(owner_ref, {"active": [key.id]})
            batch.commit()

        retry_conflicts(attempt)

    def get(self, key_id: str) -> ApiKey | None:
        return key_from(self._ref(key_id).get())

    def list_keys(self, owner: UserId) -> list[ApiKey]:
        query = self._client().collection(KEYS).where(filter=FieldFilter("owner", "==", owner))
        keys = [key for snap in query.stream() if (key := key_from(snap)) is not None]
        return sorted(keys, key=lambda key: (key.created_at, key.id), reverse=True)

    def revoke(self, owner: UserId, key_id: str, at: datetime) -> ApiKey | None:
        ref = self._ref(key_id)

        def attempt() -> ApiKey | None:
            snap = ref.get()
            key = key_from(snap)
            if key is None or key.owner != owner:
                return None
            if not key.active:
                return key
            batch = self._client().batch()
            batch.update(ref, {"revoked_at": at}, option=self._client.unchanged_since(snap))
            removed = {"active": firestore.ArrayRemove([key_id])}
            batch.set(self._owner_ref(owner), removed, merge=True)
            batch.commit()
            return key.model_copy(update={"revoked_at": at})

        return retry_conflicts(attempt)

    def record_use(self, key_id: str, at: datetime) -> None:
        # A key deleted meanwhile (its owner's deletion) stays deleted; a revoked one is updated.
        with contextlib.suppress(gexc.NotFound):
            self._ref(key_id).update({"last_used_at": at})

    def delete_owner(self, owner: UserId) -> int:
        query = self._client().collection(KEYS).where(filter=FieldFilter("owner", "==", owner))
        refs = [snap.reference for snap in query.stream()]
        for start in range(0, len(refs), BATCH):
            batch = self._client().batch()
            for ref in refs[start : start + BATCH]:
                batch.delete(ref)
            batch.commit()
        self._owner_ref(owner).delete()
        return len(refs)
