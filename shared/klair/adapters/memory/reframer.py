"""An in-memory Reframer for unit tests: jobs wait until the test finishes or fails them,
and the callback URLs are kept so a test can deliver them."""

from __future__ import annotations

import itertools
import threading
from pathlib import Path

from klair.domain.errors import Conflict, NotFound
from klair.ports.reframe import ReframeJob


class MemoryReframer:
    def __init__(self) -> None:
        self._jobs: dict[str, ReframeJob] = {}
        self._outputs: dict[str, bytes] = {}
        self.submitted: dict[str, tuple[str, str, str]] = {}  # id → (video_url, aspect, cb)
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def submit(self, video_url: str, aspect: str, callback_url: str) -> ReframeJob:
        with self._lock:
            job = ReframeJob(id=f"sieve-job-{next(self._ids)}", status="queued")
            self._jobs[job.id] = job
            self.submitted[job.id] = (video_url, aspect, callback_url)
            return job

    def job(self, job_id: str) -> ReframeJob:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFound(f"no reframe job {job_id}", code="sieve_job_not_found")
        return job

    def download(self, job: ReframeJob, dest: Path) -> Path:
        with self._lock:
            data = self._outputs.get(job.id)
        if not job.succeeded or data is None:
            raise Conflict(f"reframe job {job.id} has no output", code="sieve_no_output")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        return dest

    # What the service does on its side, driven by the test.
    def finish(self, job_id: str, video: bytes) -> None:
        with self._lock:
            self._outputs[job_id] = video
            url = f"memory://reframer/{job_id}.mp4"
            self._jobs[job_id] = ReframeJob(id=job_id, status="finished", output_url=url)

    def fail(self, job_id: str, reason: str) -> None:
        with self._lock:
            self._jobs[job_id] = ReframeJob(id=job_id, status="error", error=reason)

    def callback_url(self, job_id: str) -> str:
        return self.submitted[job_id][2]
