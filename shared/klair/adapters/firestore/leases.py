"""A chunk's analysis lease on Firestore: `jobs/{id}/leases/{n}` holds the attempt number and
when it expires; the chunk's result (`jobs/{id}/chunks/{n}`) means there is nothing to lease."""

from __future__ import annotations

from datetime import datetime

from google.cloud.firestore_v1.document import DocumentReference

from klair.adapters.firestore.client import LazyClient, retry_conflicts
from klair.domain.chunking import ChunkLease
from klair.domain.ids import JobId
from klair.domain.job_records import missing
from klair.ports.jobs import Clock


def lease(
    client: LazyClient, ref: DocumentReference, index: int, until: datetime, clock: Clock
) -> ChunkLease:
    """Read the result and the lease, then write the next lease with a precondition (create
    when there was none, else unchanged since read): of racing callers one wins, the others
    re-read and find it held."""
    doc = ref.collection("leases").document(str(index))
    result = ref.collection("chunks").document(str(index))

    def attempt() -> ChunkLease:
        if not ref.get().exists:
            raise missing(JobId(ref.id))
        if result.get().exists:
            return ChunkLease(state="done")
        snap = doc.get()
        held = snap.to_dict() or {}
        attempt = int(held.get("attempt", 0))
        if snap.exists and held["until"] > clock.now():
            return ChunkLease(state="held", attempt=attempt)
        fields = {"attempt": attempt + 1, "until": until, "taken_at": clock.now()}
        if snap.exists:
            doc.update(fields, option=client.unchanged_since(snap))
        else:
            doc.create(fields)
        return ChunkLease(state="granted", attempt=attempt + 1)

    return retry_conflicts(attempt)


def renew(
    client: LazyClient, ref: DocumentReference, index: int, attempt: int, until: datetime
) -> bool:
    """Move attempt `attempt`'s lease to `until`, unless another attempt holds it now or the
    chunk is recorded (a precondition keeps a racing takeover from being overwritten)."""
    doc = ref.collection("leases").document(str(index))
    result = ref.collection("chunks").document(str(index))

    def extend() -> bool:
        snap = doc.get()
        held = snap.to_dict() or {}
        if not snap.exists or int(held.get("attempt", 0)) != attempt or result.get().exists:
            return False
        doc.update({"until": until}, option=client.unchanged_since(snap))
        return True

    return retry_conflicts(extend)
