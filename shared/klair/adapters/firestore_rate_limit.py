"""RateLimiter on Firestore: one document per bucket, `rate_limits/{key}`, holding its
theoretical arrival time; shared by every instance of the API."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from google.cloud.firestore_v1.document import DocumentReference

from klair.adapters.firestore_store import ClientSource, LazyClient, retry_conflicts
from klair.domain.rate_limit import RateDecision, RateRule, take

COLLECTION = "rate_limits"


def bucket_id(key: str) -> str:
    """Keys hold user ids and IP addresses; hashing gives a valid, fixed-size document id
    and keeps addresses out of document names."""
    return hashlib.sha256(key.encode()).hexdigest()[:40]


class FirestoreRateLimiter:
    """Read the bucket, decide, and write the new TAT only if the bucket is unchanged
    (retried on conflict), so concurrent requests from many instances are each counted.
    A refused request writes nothing. `expires_at` (the instant the bucket is full again)
    lets a TTL policy delete idle buckets: a missing bucket is a full one."""

    def __init__(self, client: ClientSource) -> None:
        self._client = LazyClient(client)

    def _ref(self, key: str) -> DocumentReference:
        return self._client().collection(COLLECTION).document(bucket_id(key))

    def hit(self, key: str, rule: RateRule, now: datetime) -> RateDecision:
        ref = self._ref(key)

        def attempt() -> RateDecision:
            snap = ref.get()
            data = snap.to_dict() if snap.exists else None
            stored = float(data["tat"]) if data and "tat" in data else None
            tat, decision = take(stored, now.timestamp(), rule)
            if not decision.allowed:
                return decision
            fields = {"tat": tat, "expires_at": datetime.fromtimestamp(tat, UTC)}
            if snap.exists:
                ref.update(fields, option=self._client.unchanged_since(snap))
            else:
                ref.create(fields)
            return decision

        return retry_conflicts(attempt)
