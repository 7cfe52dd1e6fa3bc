"""UsageLedger on Firestore: `users/{uid}/usage/{period}` totals, `usage_reservations/{job}`."""

from __future__ import annotations

from typing import Any

from google.cloud.firestore_v1.batch import WriteBatch
from google.cloud.firestore_v1.document import DocumentReference

from klair.adapters.firestore_store import (
    ClientSource,
    LazyClient,
    Snapshot,
    retry_conflicts,
)
from klair.adapters.memory.usage import (
    ReservationState,
    with_commit,
    with_refund,
    with_reservation,
)
from klair.domain.ids import JobId, UserId
from klair.ports import Usage


def _usage_from(snap: Snapshot, period: str) -> Usage:
    data = snap.to_dict() if snap.exists else None
    return Usage.model_validate({**(data or {}), "period": period})


class FirestoreUsageLedger:
    """The UsageLedger port on Firestore (native mode).

    Each change reads the reservation and the period's totals, then commits one batch with
    preconditions (reservation absent or unchanged, totals unchanged), retried on conflict,
    so concurrent reserves at the quota edge cannot together go over the limit.
    """

    def __init__(self, client: ClientSource) -> None:
        self._client = LazyClient(client)

    def _usage_ref(self, owner: UserId | str, period: str) -> DocumentReference:
        users = self._client().collection("users")
        ref: DocumentReference = users.document(owner).collection("usage").document(period)
        return ref

    def _reservation_ref(self, job_id: JobId) -> DocumentReference:
        return self._client().collection("usage_reservations").document(job_id)

    def _write_usage(
        self, batch: WriteBatch, ref: DocumentReference, snap: Snapshot, usage: Usage
    ) -> None:
        """Create the totals, or update them only if unchanged since `snap`."""
        data = usage.model_dump()
        if snap.exists:
            batch.update(ref, data, option=self._client.unchanged_since(snap))
        else:
            batch.create(ref, data)

    def reserve(
        self, owner: UserId, job_id: JobId, minutes: float, limit: float, period: str
    ) -> Usage:
        res_ref = self._reservation_ref(job_id)

        def attempt() -> Usage:
            held = res_ref.get()
            if held.exists:
                return self.usage(held.get("owner"), held.get("period"))
            ref = self._usage_ref(owner, period)
            snap = ref.get()
            usage = with_reservation(_usage_from(snap, period), minutes, limit)
            batch = self._client().batch()
            batch.create(res_ref, self._reservation(owner, period, minutes))
            self._write_usage(batch, ref, snap, usage)
            batch.commit()
            return usage

        return retry_conflicts(attempt)

    @staticmethod
    def _reservation(owner: UserId, period: str, minutes: float) -> dict[str, Any]:
        state = ReservationState.RESERVED.value
        return {"owner": owner, "period": period, "minutes": minutes, "state": state}

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

    def _held(self, owner: UserId, job_id: JobId) -> Snapshot | None:
        """The job's reservation if it is still held by `owner`."""
        snap = self._reservation_ref(job_id).get()
        data = snap.to_dict() if snap.exists else None
        if data is None or data.get("owner") != owner:
            return None
        return snap if data.get("state") == ReservationState.RESERVED.value else None

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
        """Move the reservation to its final state and write the totals, atomically."""
        change: dict[str, Any] = {"state": state.value}
        if used is not None:
            change["minutes_used"] = used
        batch = self._client().batch()
        batch.update(held.reference, change, option=self._client.unchanged_since(held))
        self._write_usage(batch, ref, snap, usage)
        batch.commit()
