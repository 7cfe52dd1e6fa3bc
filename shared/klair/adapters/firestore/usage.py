"""UsageLedger on Firestore: `users/{uid}/usage/{period}` totals, `usage_reservations/{job}`
(one per job: reserved → committed | refunded) and `usage_active/{uid}` (the ids of the
user's jobs in flight, which hold its concurrency slots)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from google.cloud import firestore
from google.cloud.firestore_v1.batch import WriteBatch
from google.cloud.firestore_v1.document import DocumentReference

from klair.adapters.firestore.client import ClientSource, LazyClient, Snapshot, retry_conflicts
from klair.domain.ids import JobId, UserId
from klair.domain.quota import (
    Quota,
    ReservationState,
    Usage,
    with_adjustment,
    with_admission,
    with_admissions,
    with_commit,
    with_refund,
    with_reservation,
)

RESERVED = ReservationState.RESERVED.value


def _usage_from(snap: Snapshot, period: str) -> Usage:
    data = snap.to_dict() if snap.exists else None
    return Usage.model_validate({**(data or {}), "period": period})


def _active_ids(snap: Snapshot) -> list[str]:
    data = snap.to_dict() if snap.exists else None
    return [str(job) for job in (data or {}).get("jobs", [])]


class FirestoreUsageLedger:
    """The UsageLedger port on Firestore (native mode).

    Each change reads what it decides on (in one round trip), then commits one batch with
    preconditions (the reservation absent or unchanged, the totals unchanged, and for an
    admission the set of jobs in flight unchanged), retried on conflict. So concurrent
    admissions at the quota edge cannot together pass the minutes or the concurrency limit.
    Freeing a slot is a server-side array removal: it needs no read and never conflicts.
    """

    def __init__(self, client: ClientSource) -> None:
        self._client = LazyClient(client)

    def _usage_ref(self, owner: UserId | str, period: str) -> DocumentReference:
        users = self._client().collection("users")
        ref: DocumentReference = users.document(owner).collection("usage").document(period)
        return ref

    def _reservation_ref(self, job_id: JobId) -> DocumentReference:
        return self._client().collection("usage_reservations").document(job_id)

    def _active_ref(self, owner: UserId | str) -> DocumentReference:
        return self._client().collection("usage_active").document(owner)

    def _read(self, *refs: DocumentReference) -> list[Snapshot]:
        """The documents in one round trip, in the order asked."""
        found = {snap.reference.path: snap for snap in self._client().get_all(list(refs))}
        return [found[ref.path] for ref in refs]

    def _write(
        self, batch: WriteBatch, ref: DocumentReference, snap: Snapshot, data: dict[str, Any]
    ) -> None:
        """Create the document, or update it only if unchanged since `snap`."""
        if snap.exists:
            batch.update(ref, data, option=self._client.unchanged_since(snap))
        else:
            batch.create(ref, data)

    def _write_usage(
        self, batch: WriteBatch, ref: DocumentReference, snap: Snapshot, usage: Usage
    ) -> None:
        self._write(batch, ref, snap, usage.model_dump())

    def admit(self, owner: UserId, job_id: JobId, minutes: float, quota: Quota) -> Usage:
        res_ref, ref = self._reservation_ref(job_id), self._usage_ref(owner, quota.period)
        act_ref = self._active_ref(owner)

        def attempt() -> Usage:
            held, snap, act = self._read(res_ref, ref, act_ref)
            if held.exists:
                return self.usage(held.get("owner"), held.get("period"))
            active = _active_ids(act)
            usage = with_admission(_usage_from(snap, quota.period), len(active), minutes, quota)
            batch = self._client().batch()
            batch.create(res_ref, self._reservation(owner, quota.period, minutes))
            self._write_usage(batch, ref, snap, usage)
            self._write(batch, act_ref, act, {"jobs": [*active, job_id]})
            batch.commit()
            return usage

        return retry_conflicts(attempt)

    def admit_all(self, owner: UserId, jobs: Sequence[tuple[JobId, float]], quota: Quota) -> Usage:
        """One batch of writes (a reservation per job, the totals, the slots) under the same
        preconditions as `admit`: a concurrent admission makes it read and judge again."""
        ref, act_ref = self._usage_ref(owner, quota.period), self._active_ref(owner)
        res_refs = [self._reservation_ref(job) for job, _ in jobs]

        def attempt() -> Usage:
            snap, act, *held = self._read(ref, act_ref, *res_refs)
            new = [(job, m) for (job, m), h in zip(jobs, held, strict=True) if not h.exists]
            active, usage = _active_ids(act), _usage_from(snap, quota.period)
            if not new:
                return usage
            usage = with_admissions(usage, len(active), [m for _, m in new], quota)
            batch = self._client().batch()
            for job, minutes in new:
                batch.create(
                    self._reservation_ref(job), self._reservation(owner, quota.period, minutes)
                )
            self._write_usage(batch, ref, snap, usage)
            self._write(batch, act_ref, act, {"jobs": [*active, *(job for job, _ in new)]})
            batch.commit()
            return usage

        return retry_conflicts(attempt)

    def reserve(
        self, owner: UserId, job_id: JobId, minutes: float, limit: float, period: str
    ) -> Usage:
        res_ref = self._reservation_ref(job_id)

        def attempt() -> Usage:
            held = res_ref.get()
            if held.exists:
                return self._adjust(owner, held, minutes, limit)
            ref = self._usage_ref(owner, period)
            snap = ref.get()
            usage = with_reservation(_usage_from(snap, period), minutes, limit)
            batch = self._client().batch()
            batch.create(res_ref, self._reservation(owner, period, minutes))
            self._write_usage(batch, ref, snap, usage)
            self._mark_active(batch, owner, job_id, True)
            batch.commit()
            return usage

        return retry_conflicts(attempt)

    def _adjust(self, owner: UserId, held: Snapshot, minutes: float, limit: float) -> Usage:
        """Grow or shrink a held reservation; a settled or foreign one is left alone."""
        data = held.to_dict() or {}
        period = str(data.get("period"))
        if data.get("owner") != owner or data.get("state") != RESERVED:
            return self.usage(UserId(str(data.get("owner"))), period)
        ref, snap, usage = self._totals(owner, held)
        before = float(data.get("minutes", 0.0))
        if minutes == before:
            return usage
        usage = with_adjustment(usage, before, minutes, limit)
        batch = self._client().batch()
        batch.update(
            held.reference, {"minutes": minutes}, option=self._client.unchanged_since(held)
        )
        self._write_usage(batch, ref, snap, usage)
        batch.commit()
        return usage

    @staticmethod
    def _reservation(owner: UserId, period: str, minutes: float) -> dict[str, Any]:
        return {"owner": owner, "period": period, "minutes": minutes, "state": RESERVED}

    def _mark_active(self, batch: WriteBatch, owner: UserId, job_id: JobId, on: bool) -> None:
        change = firestore.ArrayUnion([job_id]) if on else firestore.ArrayRemove([job_id])
        batch.set(self._active_ref(owner), {"jobs": change}, merge=True)

    def commit(self, owner: UserId, job_id: JobId, minutes: float) -> bool:
        def attempt() -> bool:
            held = self._held(owner, job_id)
            if held is None:
                return False
            ref, snap, usage = self._totals(owner, held)
            usage = with_commit(usage, float(held.get("minutes")), minutes)
            self._settle(held, ReservationState.COMMITTED, ref, snap, usage, minutes)
            return True

        return retry_conflicts(attempt)

    def refund(self, owner: UserId, job_id: JobId) -> bool:
        def attempt() -> bool:
            held = self._held(owner, job_id)
            if held is None:
                return False
            ref, snap, usage = self._totals(owner, held)
            usage = with_refund(usage, float(held.get("minutes")))
            self._settle(held, ReservationState.REFUNDED, ref, snap, usage)
            return True

        return retry_conflicts(attempt)

    def usage(self, owner: UserId, period: str) -> Usage:
        return _usage_from(self._usage_ref(owner, period).get(), period)

    def active_jobs(self, owner: UserId) -> int:
        return len(_active_ids(self._active_ref(owner).get()))

    def _held(self, owner: UserId, job_id: JobId) -> Snapshot | None:
        """The job's reservation if it is still held by `owner`."""
        snap = self._reservation_ref(job_id).get()
        data = snap.to_dict() if snap.exists else None
        if data is None or data.get("owner") != owner:
            return None
        return snap if data.get("state") == RESERVED else None

    def _totals(self, owner: UserId, held: Snapshot) -> tuple[DocumentReference, Snapshot, Usage]:
        period = str(held.get("period"))
        ref = self._usage_ref(owner, period)
        snap = ref.get()
        return ref, snap, _usage_from(snap, period)

    def _settle(
        self,
        held: Snapshot,
        state: ReservationState,
        ref: DocumentReference,
        snap: Snapshot,
        usage: Usage,
        used: float | None = None,
    ) -> None:
        """Move the reservation to its final state, write the totals and free the slot,
        atomically."""
        change: dict[str, Any] = {"state": state.value}
        if used is not None:
            change["minutes_used"] = used
        batch = self._client().batch()
        batch.update(held.reference, change, option=self._client.unchanged_since(held))
        self._write_usage(batch, ref, snap, usage)
        owner = UserId(str(held.get("owner")))
        self._mark_active(batch, owner, JobId(held.reference.id), False)
        batch.commit()
