"""Driving jobs through the stack's API and judging how each ended, from what is stored:
the job and its clips in Firestore, the usage ledger, and the clip objects in the bucket."""

from __future__ import annotations

import contextlib
import json
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter
from google.cloud.storage import Client as StorageClient

from klair.adapters.firestore.users import FirestoreUserStore
from klair.devstack.stack import LocalStack
from klair.domain.ids import UserId
from klair.domain.status import JobStatus
from klair.domain.user import User

EPSILON = 1e-6
Clip = tuple[str, float, float]  # id, start, end


@dataclass
class Outcome:
    """How one job ended; `problems` holds the reasons it counts as lost, double-charged or
    stuck."""

    job_id: str
    status: str
    clips: tuple[Clip, ...] = ()
    objects: frozenset[str] = frozenset()  # clip files, relative to clips/{job}/
    chunks: int = 0  # the analysis fan-out
    error_code: str | None = None
    problems: dict[str, list[str]] = field(
        default_factory=lambda: {"lost": [], "double-charged": [], "stuck": []}
    )

    def flag(self, kind: str, reason: str) -> None:
        self.problems[kind].append(reason)

    def counts(self, kind: str) -> bool:
        return bool(self.problems[kind])


class Inspector:
    """Reads what the stack stored (the test's own clients, not Klair's code)."""

    def __init__(self, stack: LocalStack) -> None:
        emulators = stack.emulators
        self.db = firestore.Client(project=emulators.project)
        anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
        gcs = StorageClient(
            emulators.project, anonymous, client_options={"api_endpoint": emulators.gcs}
        )
        self.bucket = gcs.bucket(stack.options.topology.bucket)
        self.users = FirestoreUserStore(self.db)

    def status(self, job_id: str) -> str | None:
        data = self.db.collection("jobs").document(job_id).get().to_dict()
        return str(data["status"]) if data else None

    def wait_terminal(self, job_ids: Iterable[str], deadline: float) -> None:
        """Until every job is terminal or `deadline` (monotonic) passes; stuck ones are
        judged as such by `outcome`."""
        waiting = set(job_ids)
        while waiting and time.monotonic() < deadline:
            waiting = {job for job in waiting if not _terminal(self.status(job))}
            time.sleep(1.0)

    def outcome(self, job_id: str, owner: str) -> Outcome:
        snap = self.db.collection("jobs").document(job_id).get()
        job = snap.to_dict()
        if job is None:
            found = Outcome(job_id, "missing")
            found.flag("lost", "the job document is gone")
            return found
        found = Outcome(job_id, str(job["status"]), chunks=int(job.get("chunks_total") or 0))
        found.error_code = (job.get("error") or {}).get("code")
        if not _terminal(found.status):
            found.flag("stuck", f"still {found.status}")
        found.clips = tuple(sorted(self._clips(job_id)))
        found.objects = frozenset(self._objects(job_id))
        if found.status == JobStatus.COMPLETED.value:
            self._judge_completed(found, job)
        self._judge_usage(found, job, owner)
        mine = FieldFilter("owner", "==", owner)
        jobs = list(self.db.collection("jobs").where(filter=mine).stream())
        if len(jobs) != 1:
            found.flag("double-charged", f"{len(jobs)} jobs for one submission")
        return found

    def _clips(self, job_id: str) -> list[Clip]:
        docs = self.db.collection("jobs").document(job_id).collection("clips").stream()
        return [(d.id, float(d.get("start")), float(d.get("end"))) for d in docs]

    def _objects(self, job_id: str) -> list[str]:
        prefix = f"clips/{job_id}/"
        return [blob.name[len(prefix) :] for blob in self.bucket.list_blobs(prefix=prefix)]

    def _judge_completed(self, found: Outcome, job: dict[str, Any]) -> None:
        ref = self.db.collection("jobs").document(found.job_id)
        exported = len(list(ref.collection("exports").list_documents()))
        total = int(job.get("clips_total") or 0)
        if not found.clips or len(found.clips) != total:
            found.flag("lost", f"{len(found.clips)} clips stored of {total}")
        if job.get("clips_exported") != total or exported != total:
            found.flag("lost", f"exports counted {job.get('clips_exported')}/{exported} of {total}")
        folders = {name.split("/", 1)[0] for name in found.objects}
        missing = {clip_id for clip_id, _, _ in found.clips} - folders
        if missing:
            found.flag("lost", f"no files for clips {sorted(missing)}")

    def _judge_usage(self, found: Outcome, job: dict[str, Any], owner: str) -> None:
        """One reservation, settled once: committed at the job's minutes, or refunded."""
        held = self.db.collection("usage_reservations").document(found.job_id).get().to_dict()
        totals = [d.to_dict() or {} for d in self._usage(owner)]
        used = sum(float(t.get("minutes_used", 0.0)) for t in totals)
        reserved = sum(float(t.get("minutes_reserved", 0.0)) for t in totals)
        admitted = sum(int(t.get("jobs", 0)) for t in totals)
        completed = found.status == JobStatus.COMPLETED.value
        media = job.get("media") or {}
        expected = round(float(media.get("duration", 0.0)) / 60.0, 3) if completed else 0.0
        if used > expected + EPSILON or admitted > 1:
            found.flag("double-charged", f"{used} min used for {expected}, {admitted} admitted")
        if completed and used < expected - EPSILON:
            found.flag("lost", f"charge lost: {used} min used for {expected}")
        if _terminal(found.status):
            state = (held or {}).get("state")
            want = "committed" if completed else "refunded"
            if state != want or reserved > EPSILON:
                found.flag("lost", f"reservation {state}, {reserved} min still held")
            active = self.db.collection("usage_active").document(owner).get().to_dict() or {}
            if active.get("jobs"):
                found.flag("lost", f"slot still taken by {active['jobs']}")

    def _usage(self, owner: str) -> list[Any]:
        return list(self.db.collection("users").document(owner).collection("usage").stream())

    def make_user(self, uid: str, tier: str = "pro") -> None:
        now = datetime.now(UTC)
        self.users.upsert(User(id=UserId(uid), tier=tier, created_at=now, updated_at=now))


def permanent_failures(log_dir: Path) -> Counter[str]:
    """Permanent failures the functions logged (JSON lines), by job: for a job that then
    completed, a redelivery was mistaken for an error."""
    found: Counter[str] = Counter()
    for log in log_dir.glob("*.log"):
        for line in log.read_text(errors="replace").splitlines():
            if '"permanent failure"' not in line:
                continue
            with contextlib.suppress(ValueError):
                found[str(json.loads(line).get("job_id"))] += 1
    return found


def _terminal(status: str | None) -> bool:
    return status is not None and JobStatus(status).terminal


@dataclass(frozen=True)
class Ticket:
    job_id: str
    url: str
    headers: dict[str, str]


def request_upload(stack: LocalStack, owner: str, path: Path, options: dict[str, Any]) -> Ticket:
    """POST /api/upload-url as `owner`: the job now awaits its upload."""
    assert stack.urls.api is not None
    token = stack.issuer.mint(owner)
    reply = httpx.post(
        stack.urls.api.rstrip("/") + "/api/upload-url",
        json={
            "filename": path.name,
            "size_bytes": path.stat().st_size,
            "content_type": "video/mp4",
            "options": options,
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert reply.status_code == 201, reply.text
    body = reply.json()
    return Ticket(str(body["job_id"]), str(body["upload_url"]), dict(body["upload_headers"]))


def upload(ticket: Ticket, path: Path) -> None:
    """The signed PUT; its finalize notification starts the pipeline."""
    put = httpx.put(ticket.url, content=path.read_bytes(), headers=ticket.headers, timeout=60)
    assert put.status_code == 200, put.text
