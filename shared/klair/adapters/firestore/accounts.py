"""UsageEraser on Firestore: a deleted user's `users/{uid}/usage/*` months, `usage_active/{uid}`
slots and `usage_reservations/*` of their jobs (the layout of `FirestoreUsageLedger`)."""

from __future__ import annotations

from google.cloud.firestore_v1.base_query import FieldFilter
from google.cloud.firestore_v1.document import DocumentReference

from klair.adapters.firestore.client import ClientSource, LazyClient
from klair.domain.ids import UserId

BATCH = 400  # under Firestore's 500 writes per batch


class FirestoreUsageEraser:
    def __init__(self, client: ClientSource) -> None:
        self._client = LazyClient(client)

    def erase_usage(self, owner: UserId) -> int:
        client = self._client()
        months = client.collection("users").document(owner).collection("usage")
        reservations = client.collection("usage_reservations").where(
            filter=FieldFilter("owner", "==", owner)
        )
        refs: list[DocumentReference] = [snap.reference for snap in months.stream()]
        refs += [snap.reference for snap in reservations.stream()]
        active = client.collection("usage_active").document(owner)
        if active.get().exists:
            refs.append(active)
        for start in range(0, len(refs), BATCH):
            batch = client.batch()
            for ref in refs[start : start + BATCH]:
                batch.delete(ref)
            batch.commit()
        return len(refs)
