"""A chunk's model cost on Firestore: added to `jobs/{id}.cost` exactly once per attempt,
guarded by a `jobs/{id}/costs/{n}` marker (`{n}-{attempt}` after the first) created in the
same batch."""

from __future__ import annotations

from typing import Any

from google.cloud.firestore_v1.document import DocumentReference

from klair.adapters.firestore.client import LazyClient, retry_conflicts
from klair.adapters.firestore.records import job_from
from klair.domain.cost import Cost
from klair.domain.ids import JobId
from klair.ports.jobs import Clock


def add_once(
    client: LazyClient,
    ref: DocumentReference,
    job_id: JobId,
    index: int,
    cost: Cost,
    fallback: str | None,
    clock: Clock,
    attempt: int = 1,
) -> bool:
    """True for the call that added it; the job write is conditional on the job read, so a
    concurrent change (another chunk's cost, a status move) makes it re-read and retry."""
    marker = ref.collection("costs").document(str(index) if attempt == 1 else f"{index}-{attempt}")

    def add() -> bool:
        snap = ref.get()
        job = job_from(snap, job_id)
        if marker.get().exists:
            return False
        now = clock.now()
        fields: dict[str, Any] = {"cost": (job.cost + cost).model_dump(), "updated_at": now}
        if fallback is not None:
            fields["analysis_fallbacks"] = {**job.analysis_fallbacks, str(index): fallback}
        batch = client().batch()
        batch.create(marker, {**cost.model_dump(), "fallback": fallback, "recorded_at": now})
        batch.update(ref, fields, option=client.unchanged_since(snap))
        batch.commit()
        return True

    return retry_conflicts(add)
