"""UserStore on Firestore: `users/{uid}` documents and `webhook_messages/{id}` markers."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud.firestore_v1.document import DocumentReference

from klair.adapters.clock import SystemClock
from klair.adapters.firestore.client import ClientSource, LazyClient, Snapshot, retry_conflicts
from klair.adapters.firestore.records import claim_doc_id
from klair.domain.ids import UserId
from klair.domain.user import MESSAGE_TTL, User, tombstone_for, unknown_user
from klair.ports.jobs import Clock

_USER_FIELDS = frozenset(User.model_fields)


def user_data(user: User) -> dict[str, Any]:
    """The stored form: JSON-safe values, but datetimes kept so Firestore stores timestamps."""
    data = user.model_dump(mode="json")
    data["created_at"] = user.created_at
    data["updated_at"] = user.updated_at
    return data


def user_from(snap: Snapshot) -> User | None:
    data = snap.to_dict() if snap.exists else None
    if data is None:
        return None
    # The same document holds other fields (and the usage subcollection): read only ours.
    return User.model_validate({k: v for k, v in data.items() if k in _USER_FIELDS})


class FirestoreUserStore:
    """The UserStore port on Firestore (native mode).

    `upsert` merges, so fields other writers keep on `users/{uid}` survive. `revise` (and
    `mark_deleted` through it) reads, then writes with an `update_time` precondition (or
    `create()` for a new id) and re-runs on conflict: a compare-and-set, no transaction.
    Message markers are created with `create()`, which fails for an existing id: one winner.
    Firestore deletes them after `expires_at` (TTL policy on `webhook_messages`).
    """

    def __init__(self, client: ClientSource, clock: Clock | None = None) -> None:
        self._client = LazyClient(client)
        self._clock: Clock = clock or SystemClock()

    def _user_ref(self, uid: UserId) -> DocumentReference:
        return self._client().collection("users").document(uid)

    def get(self, uid: UserId) -> User:
        user = user_from(self._user_ref(uid).get())
        if user is None:
            raise unknown_user(uid)
        return user

    def upsert(self, user: User) -> None:
        self._user_ref(user.id).set(user_data(user), merge=True)

    def revise(self, uid: UserId, revision: Callable[[User | None], User | None]) -> bool:
        ref = self._user_ref(uid)

        def attempt() -> bool:
            snap = ref.get()
            user = revision(user_from(snap))
            if user is None:
                return False
            # The write fails if the document changed (or appeared) since the read: re-run.
            if snap.exists:
                ref.update(user_data(user), option=self._client.unchanged_since(snap))
            else:
                ref.create(user_data(user))
            return True

        return retry_conflicts(attempt)

    def mark_deleted(self, uid: UserId) -> bool:
        now = self._clock.now()
        return self.revise(uid, lambda user: tombstone_for(user, uid, now))

    def _message_ref(self, message_id: str) -> DocumentReference:
        return self._client().collection("webhook_messages").document(claim_doc_id(message_id))

    def knows_message(self, message_id: str) -> bool:
        # A marker past `expires_at` that the TTL policy has not removed yet still counts.
        return bool(self._message_ref(message_id).get().exists)

    def record_message(self, message_id: str) -> bool:
        now = self._clock.now()
        marker = {"message_id": message_id, "created_at": now, "expires_at": now + MESSAGE_TTL}
        ref = self._message_ref(message_id)
        try:
            ref.create(marker)
        except gexc.AlreadyExists:
            return False
        return True
