"""RateLimiter on Firestore: one document per bucket, `rate_limits/{key}`, holding its
theoretical arrival time; shared by every instance of the API.

Each instance fronts the shared buckets with short leases (`Leases`), so a busy key costs
about one Firestore round trip per `LEASE_SECONDS` instead of one per request, and a key
that is over its limit costs none until its `retry_after` has passed. Why the limits still
hold across instances:
- a leased request is paid for in the shared bucket before it is let through (the TAT is
  advanced by every leased request at once), so the bucket never admits more than the
  rule allows; the leased requests are only let through later, within `LEASE_SECONDS` of
  that write, so in any window at most one lease period's worth of the sustained rate
  (`per_minute / 60 × LEASE_SECONDS`, the largest lease) passes beyond the rule;
- a lease holds at most that many requests, and an instance sizes it by the demand it sees
  (doubling while they are used up, halving when they expire unused), so requests leased
  but never used — lost to the user, never to the limit — are at most one lease a period;
- a refusal is remembered until its `retry_after`: the bucket cannot have room earlier
  (other instances only move its TAT later), so refusing locally until then is exact.
Slow rules (≤ 1 request per `LEASE_SECONDS`, like the free tier) never lease: one request
per round trip, exactly as without leases.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from google.cloud.firestore_v1.document import DocumentReference

from klair.adapters.firestore.client import ClientSource, LazyClient, retry_conflicts
from klair.domain.rate_limit import RateDecision, RateRule, take

COLLECTION = "rate_limits"
LEASE_SECONDS = 1.0
LOCAL_KEYS = 10_000  # bounded: an instance sees few callers at once
TakeMany = Callable[[str, RateRule, float, int], list[RateDecision]]


def bucket_id(key: str) -> str:
    """Keys hold user ids and IP addresses; hashing gives a valid, fixed-size document id
    and keeps addresses out of document names."""
    return hashlib.sha256(key.encode()).hexdigest()[:40]


def take_many(
    tat: float | None, now: float, rule: RateRule, count: int
) -> tuple[float, list[RateDecision]]:
    """Up to `count` requests at `now` from the bucket at `tat`: (the TAT to store, the
    decisions), stopping at the first refusal (which is last and changes nothing)."""
    decisions: list[RateDecision] = []
    for _ in range(max(1, count)):
        new_tat, decision = take(tat, now, rule)
        decisions.append(decision)
        if not decision.allowed:
            break
        tat = new_tat
    return (tat if tat is not None else now), decisions


def lease_cap(rule: RateRule, seconds: float = LEASE_SECONDS) -> int:
    """The most requests one lease holds: the rule's sustained rate over `seconds`."""
    return max(1, math.floor(rule.per_minute / 60.0 * seconds + 1e-9))


@dataclass
class _Local:
    rule: RateRule
    expires: float = 0.0  # leased decisions are spent before this instant only
    leased: deque[RateDecision] = field(default_factory=deque)
    want: int = 1
    refused_until: float = 0.0
    refused: RateDecision | None = None


class Leases:
    """This instance's view of shared buckets: leased requests and remembered refusals in
    front of `take` (which spends up to n requests in the shared bucket at once)."""

    def __init__(self, take: TakeMany, seconds: float = LEASE_SECONDS) -> None:
        self._take = take
        self.seconds = seconds
        self._lock = threading.Lock()
        self._stripes = [threading.Lock() for _ in range(64)]
        self._keys: dict[str, _Local] = {}

    def hit(self, key: str, rule: RateRule, now: float) -> RateDecision:
        # One round trip at a time per key: concurrent requests wait for its lease.
        with self._stripes[hash(key) % len(self._stripes)]:
            local = self._state(key, rule)
            found = self._spend_local(local, now)
            if found is not None:
                return found
            decisions = self._take(key, rule, now, self._size(local, now))
            first, rest = decisions[0], decisions[1:]
            local.leased = deque(d for d in rest if d.allowed)
            local.expires = now + self.seconds
            local.refused = None if first.allowed else first
            local.refused_until = now + first.retry_after
            if not decisions[-1].allowed:  # the bucket is empty: lease no more than needed
                local.want = 1
            return first

    def _state(self, key: str, rule: RateRule) -> _Local:
        with self._lock:
            local = self._keys.get(key)
            if local is None or local.rule != rule:  # a new rule (a plan change) starts afresh
                if len(self._keys) >= LOCAL_KEYS:
                    self._keys.clear()
                local = self._keys[key] = _Local(rule)
            return local

    @staticmethod
    def _spend_local(local: _Local, now: float) -> RateDecision | None:
        if local.refused is not None and now < local.refused_until:
            wait = local.refused_until - now
            return local.refused.model_copy(update={"retry_after": wait})
        if local.leased and now < local.expires:
            return local.leased.popleft()
        return None

    def _size(self, local: _Local, now: float) -> int:
        """Double the lease while leases are used up within their period, halve it when
        one expires unused."""
        if now < local.expires and not local.leased:
            local.want *= 2
        elif local.leased:
            local.want = max(1, local.want // 2)
        local.want = min(local.want, lease_cap(local.rule, self.seconds))
        return local.want


class FirestoreRateLimiter:
    """Read the bucket, decide, and write the new TAT only if the bucket is unchanged
    (retried on conflict), so concurrent requests from many instances are each counted.
    A refused request writes nothing. `expires_at` (the instant the bucket is full again)
    lets a TTL policy delete idle buckets: a missing bucket is a full one."""

    def __init__(self, client: ClientSource, lease_seconds: float = LEASE_SECONDS) -> None:
        self._client = LazyClient(client)
        self._leases = Leases(self._take, lease_seconds)

    def _ref(self, key: str) -> DocumentReference:
        return self._client().collection(COLLECTION).document(bucket_id(key))

    def hit(self, key: str, rule: RateRule, now: datetime) -> RateDecision:
        return self._leases.hit(key, rule, now.timestamp())

    def _take(self, key: str, rule: RateRule, now: float, count: int) -> list[RateDecision]:
        ref = self._ref(key)

        def attempt() -> list[RateDecision]:
            snap = ref.get()
            data = snap.to_dict() if snap.exists else None
            stored = float(data["tat"]) if data and "tat" in data else None
            tat, decisions = take_many(stored, now, rule, count)
            if not decisions[0].allowed:
                return decisions
            fields = {"tat": tat, "expires_at": datetime.fromtimestamp(tat, UTC)}
            if snap.exists:
                ref.update(fields, option=self._client.unchanged_since(snap))
            else:
                ref.create(fields)
            return decisions

        return retry_conflicts(attempt)
