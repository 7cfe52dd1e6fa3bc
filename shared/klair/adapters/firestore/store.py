"""JobStore on Firestore: `jobs/{id}` with chunk and clip subcollections, `claims/{key}` markers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from google.api_core import exceptions as gexc
from google.cloud.firestore_v1.base_query import FieldFilter
from google.cloud.firestore_v1.document import DocumentReference
from google.cloud.firestore_v1.field_path import FieldPath

from klair.adapters.clock import SystemClock
from klair.adapters.firestore import job_queries as queries
from klair.adapters.firestore.batches import FirestoreBatches
from klair.adapters.firestore.client import ClientSource, LazyClient, retry_conflicts
from klair.adapters.firestore.costs import add_once
from klair.adapters.firestore.leases import lease, renew
from klair.adapters.firestore.records import claim_doc_id, job_data, job_from
from klair.domain.chunking import ChunkLease
from klair.domain.clip import Candidate, Clip
from klair.domain.cost import Cost
from klair.domain.errors import Conflict, NotFound
from klair.domain.export_run import ClipStep, ExportRun
from klair.domain.ids import ClipId, JobId
from klair.domain.job import Job
from klair.domain.job_records import apply_fields, key_reused, not_exporting
from klair.domain.status import JobStatus, check_transition
from klair.ports.jobs import Clock

CLAIM_TTL = timedelta(days=7)


class FirestoreJobStore(queries.JobQueries, FirestoreBatches):
    """The JobStore port on Firestore (native mode); its read side is `queries.JobQueries`."""

    _client: LazyClient

    def __init__(self, client: ClientSource, clock: Clock | None = None) -> None:
        self._client = LazyClient(client)
        self._clock: Clock = clock or SystemClock()

    def _job_ref(self, job_id: JobId) -> DocumentReference:
        return self._client().collection("jobs").document(job_id)

    def create(self, job: Job) -> None:
        try:
            self._job_ref(job.id).create(job_data(job))
        except gexc.AlreadyExists as exc:
            raise Conflict(f"job {job.id} already exists", job_id=job.id) from exc

    def get(self, job_id: JobId) -> Job:
        return job_from(self._job_ref(job_id).get(), job_id)

    def transition(
        self, job_id: JobId, from_: Iterable[JobStatus], to: JobStatus, **fields: Any
    ) -> Job | None:
        allowed = frozenset(from_)
        ref = self._job_ref(job_id)

        def attempt() -> Job | None:
            snap = ref.get()
            job = job_from(snap, job_id)
            if job.status not in allowed:
                return None
            check_transition(job.status, to)
            new = apply_fields(job, fields, self._clock.now(), status=to)
            ref.update(job_data(new), option=self._client.unchanged_since(snap))
            return new

        return retry_conflicts(attempt)

    def update(self, job_id: JobId, **fields: Any) -> Job:
        ref = self._job_ref(job_id)

        def attempt() -> Job:
            snap = ref.get()
            new = apply_fields(job_from(snap, job_id), fields, self._clock.now())
            ref.update(job_data(new), option=self._client.unchanged_since(snap))
            return new

        return retry_conflicts(attempt)

    def claim(self, key: str) -> bool:
        now = self._clock.now()
        marker = {"key": key, "created_at": now, "expires_at": now + CLAIM_TTL}
        try:
            self._client().collection("claims").document(claim_doc_id(key)).create(marker)
        except gexc.AlreadyExists:
            return False
        return True

    def lease_chunk(self, job_id: JobId, index: int, until: datetime) -> ChunkLease:
        return lease(self._client, self._job_ref(job_id), index, until, self._clock)

    def renew_chunk_lease(self, job_id: JobId, index: int, attempt: int, until: datetime) -> bool:
        return renew(self._client, self._job_ref(job_id), index, attempt, until)

    def record_chunk(
        self, job_id: JobId, index: int, candidates: list[Candidate]
    ) -> tuple[int, int] | None:
        ref = self._job_ref(job_id)
        marker = ref.collection("chunks").document(str(index))
        payload = {"index": index, "candidates": [c.model_dump(mode="json") for c in candidates]}
        return retry_conflicts(
            lambda: self._count_once(ref, job_id, marker, payload, "chunks_done", "chunks_total")
        )

    def add_analysis_cost(
        self, job_id: JobId, index: int, cost: Cost, fallback: str | None = None, attempt: int = 1
    ) -> bool:
        ref = self._job_ref(job_id)
        return add_once(self._client, ref, job_id, index, cost, fallback, self._clock, attempt)

    def chunk_candidates(self, job_id: JobId) -> list[Candidate]:
        chunks = [d.to_dict() or {} for d in self._job_ref(job_id).collection("chunks").stream()]
        chunks.sort(key=lambda chunk: int(chunk["index"]))
        return [Candidate.model_validate(c) for chunk in chunks for c in chunk["candidates"]]

    def put_clips(self, job_id: JobId, clips: list[Clip]) -> None:
        """One batch of merge writes: each clip's fields replaced, and of its exports only
        those given written, key by key. Exports already recorded survive (a redelivered
        selection, a re-export's merge), even one recorded at this very moment: nothing is
        read first, so there is nothing to race with."""
        clips_ref = self._job_ref(job_id).collection("clips")
        batch = self._client().batch()
        for clip in clips:
            data = clip.model_dump(mode="json")
            exports = data.pop("exports")
            paths = [*data, *(FieldPath("exports", key).to_api_repr() for key in exports)]
            batch.set(clips_ref.document(clip.id), {**data, "exports": exports}, merge=paths)
        batch.commit()

    def clips(self, job_id: JobId) -> list[Clip]:
        docs = self._job_ref(job_id).collection("clips").stream()
        return sorted((Clip.model_validate(d.to_dict()) for d in docs), key=lambda c: c.rank)

    def record_export(
        self, job_id: JobId, clip_id: ClipId, exports: Mapping[str, str]
    ) -> tuple[int, int] | None:
        ref = self._job_ref(job_id)
        clip_ref = ref.collection("clips").document(clip_id)
        if not clip_ref.get().exists:
            raise NotFound(f"clip {clip_id} of job {job_id} not found", job_id=job_id)
        marker = ref.collection("exports").document(clip_id)
        payload = {"clip_id": clip_id, "exports": dict(exports)}
        also = (clip_ref, {"exports": dict(exports)})
        return retry_conflicts(
            lambda: self._count_once(
                ref, job_id, marker, payload, "clips_exported", "clips_total", also,
                only_in=JobStatus.EXPORTING,
            )
        )  # fmt: skip

    def record_reexport(
        self, job_id: JobId, export_id: str, clip_id: ClipId, step: ClipStep
    ) -> ExportRun | None:
        """An end is marked by `jobs/{id}/reexports/{run}:{clip}`, created in the batch
        that writes the run (the job document's precondition makes it one step)."""
        ref = self._job_ref(job_id)
        marker = ref.collection("reexports").document(f"{export_id}:{clip_id}")

        def attempt() -> ExportRun | None:
            snap = ref.get()
            job, now = job_from(snap, job_id), self._clock.now()
            run = job.export
            if run is None or run.id != export_id:
                return None
            ends = step != "started"
            if ends and marker.get().exists:
                return None
            new = run.after(step, now)
            if new == run:
                return None
            batch = self._client().batch()
            if ends:
                batch.create(marker, {"clip_id": clip_id, "step": step, "recorded_at": now})
            stored = apply_fields(job, {"export": new}, now)
            batch.update(ref, job_data(stored), option=self._client.unchanged_since(snap))
            batch.commit()
            return new

        return retry_conflicts(attempt)

    def idle_jobs(self, updated_before: datetime, limit: int) -> list[Job]:
        """Needs the (status, updated_at) composite index (terraform's firestore module)."""
        active = [s.value for s in JobStatus if not s.terminal]
        query = (
            self._client()
            .collection("jobs")
            .where(filter=FieldFilter("status", "in", active))
            .where(filter=FieldFilter("updated_at", "<", updated_before))
            .order_by("updated_at")
            .limit(limit)
        )
        return [Job.model_validate(snap.to_dict()) for snap in query.stream()]

    def delete_job(self, job_id: JobId) -> None:
        """Delete the job, everything under it and its idempotency record (claims stay)."""
        client = self._client()
        snap = self._job_ref(job_id).get()
        key = (snap.to_dict() or {}).get("idempotency_key") if snap.exists else None
        if key:
            record = client.collection("idempotency").document(key)
            if (record.get().to_dict() or {}).get("job_id") == job_id:
                record.delete()
        client.recursive_delete(self._job_ref(job_id))

    def create_idempotent(self, job: Job, key: str, fingerprint: str, ttl: timedelta) -> Job:
        """The record and the job are written in one batch, both guarded by preconditions."""
        record_ref = self._client().collection("idempotency").document(key)
        new = job.model_copy(update={"idempotency_key": key})

        def attempt() -> Job:
            snap, now = record_ref.get(), self._clock.now()
            held = snap.to_dict() if snap.exists else None
            if held is not None and held["expires_at"] > now:
                existing = self._job_ref(held["job_id"]).get()
                if existing.exists and held["fingerprint"] != fingerprint:
                    raise key_reused()
                if existing.exists:
                    return job_from(existing, JobId(held["job_id"]))
            record = {"job_id": job.id, "fingerprint": fingerprint, "expires_at": now + ttl}
            batch = self._client().batch()
            if snap.exists:
                batch.update(record_ref, record, option=self._client.unchanged_since(snap))
            else:
                batch.create(record_ref, record)
            batch.create(self._job_ref(job.id), job_data(new))
            batch.commit()
            return new

        return retry_conflicts(attempt)

    def _count_once(
        self,
        ref: DocumentReference,
        job_id: JobId,
        marker: DocumentReference,
        payload: dict[str, Any],
        done_field: str,
        total_field: str,
        also: tuple[DocumentReference, dict[str, Any]] | None = None,
        only_in: JobStatus | None = None,
    ) -> tuple[int, int] | None:
        """Create `marker` and bump the job's `done_field` in one batch, unless marked; with
        `only_in`, only while the job has that status (the batch's precondition on the job
        document makes the check and the count one atomic step)."""
        snap = ref.get()
        job = job_from(snap, job_id)
        if only_in is not None and job.status is not only_in:
            raise not_exporting(job)
        if marker.get().exists:
            return None
        done = int(getattr(job, done_field)) + 1
        now = self._clock.now()
        batch = self._client().batch()
        batch.create(marker, {**payload, "recorded_at": now})
        batch.update(
            ref, {done_field: done, "updated_at": now}, option=self._client.unchanged_since(snap)
        )
        if also is not None:
            batch.update(*also)
        batch.commit()
        return done, int(getattr(job, total_field))
