"""The port of a reframing service that works asynchronously (Sieve autocrop): submit a
cut with a callback URL, read the job back, fetch the reframed video."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

ReframeStatus = Literal["queued", "processing", "finished", "error", "cancelled"]
TERMINAL: frozenset[str] = frozenset({"finished", "error", "cancelled"})


class ReframeJob(BaseModel):
    """A reframing job as the service reports it."""

    model_config = ConfigDict(frozen=True)

    id: str
    status: ReframeStatus
    output_url: str | None = None  # the reframed video, once finished
    error: str | None = None  # why it ended without one

    @property
    def terminal(self) -> bool:
        return self.status in TERMINAL

    @property
    def succeeded(self) -> bool:
        return self.status == "finished" and self.output_url is not None


class Reframer(Protocol):
    def submit(self, video_url: str, aspect: str, callback_url: str) -> ReframeJob:
        """Start reframing the video at `video_url` (a URL the service can fetch) to `aspect`
        ("9:16"). The service POSTs `callback_url` when the job ends: at least once, maybe
        more often, maybe before this call returns. Raises `Transient` (unreachable,
        throttled, 5xx) or `InvalidInput` (refused)."""

    def job(self, job_id: str) -> ReframeJob:
        """The job as the service reports it now; what a callback claims is never trusted.
        Raises `NotFound` for an id it does not know, `Transient` when unreachable."""

    def download(self, job: ReframeJob, dest: Path) -> Path:
        """Fetch the finished job's reframed video to `dest`; raises `Conflict` when the job
        has no output, `Transient` when the fetch fails."""
