"""How a job is stored as a Firestore document and read back, and the ids of claim documents."""

from __future__ import annotations

import hashlib
from typing import Any

from klair.adapters.firestore.client import Snapshot
from klair.domain.ids import JobId
from klair.domain.job import Job
from klair.domain.job_records import missing


def job_data(job: Job) -> dict[str, Any]:
    """The stored form: JSON-safe values, but datetimes kept so Firestore stores timestamps."""
    data = job.model_dump(mode="json")
    data["created_at"] = job.created_at
    data["updated_at"] = job.updated_at
    return data


def job_from(snap: Snapshot, job_id: JobId) -> Job:
    data = snap.to_dict() if snap.exists else None
    if data is None:
        raise missing(job_id)
    return Job.model_validate(data)


def claim_doc_id(key: str) -> str:
    """Keys may hold '/' (object names); such keys, and other invalid ids, are hashed."""
    reserved = key in {"", ".", ".."} or (key.startswith("__") and key.endswith("__"))
    if "/" in key or reserved or len(key.encode()) > _MAX_DOC_ID_BYTES:
        return "sha256-" + hashlib.sha256(key.encode()).hexdigest()
    return key


_MAX_DOC_ID_BYTES = 1500
