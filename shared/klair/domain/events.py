"""Versioned event and command models, each bound to the topic it travels on.

Facts are past tense (`ChunkReady`); the handler that consumes one is imperative.
The wire format is the model's JSON; `type` and `version` travel as message attributes
so a consumer can refuse a version it does not understand.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from klair.domain.export_options import ExportRequest
from klair.domain.ids import ClipId, JobId, UserId


class Message(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    topic: ClassVar[str]
    version: ClassVar[int] = 1

    @classmethod
    def type_name(cls) -> str:
        return cls.__name__

    def attributes(self) -> dict[str, str]:
        return {"type": self.type_name(), "version": str(self.version)}


class JobMessage(Message):
    job_id: JobId


class StartIngest(JobMessage):
    """Command carried by a Cloud Task on the job's tier queue to the `ingest` function."""

    topic = "tasks"


class ObjectFinalized(Message):
    """A GCS object was written (bucket notification, JSON_API_V1 payload)."""

    topic = "gcs-events"

    bucket: str
    name: str
    generation: str
    size: int = 0
    content_type: str | None = None

    @property
    def key(self) -> str:
        return f"{self.bucket}/{self.name}#{self.generation}"


class ChunkReady(JobMessage):
    topic = "chunk-ready"

    index: int
    start: float
    end: float
    total: int


class AnalysisCompleted(JobMessage):
    topic = "analysis-completed"

    chunks: int


class ClipSelected(JobMessage):
    topic = "clip-selected"

    clip_id: ClipId
    total: int
    # Set for a re-export of a finished job's clip (`POST /api/klair/export`): render these
    # choices instead of the job's options, and leave the job's counters alone; the run it
    # belongs to (`Job.export`) counts the clip.
    export: ExportRequest | None = None
    export_id: str | None = None
    # Set (with an empty `clip_id`) to build the finished job's zip of this key
    # (`GET /api/klair/results/{id}/archive`; `handlers.pipeline.build_archive`).
    archive: str | None = None


class JobFinished(JobMessage):
    """The job reached a terminal status; consumed by notifications."""

    topic = "job-finished"

    status: str
    error_code: str | None = None


class ClipExported(JobMessage):
    """One clip of a job was rendered and stored; consumed by notifications (`clip.ready`)."""

    topic = "clip-exported"

    clip_id: ClipId


class ExportFinished(JobMessage):
    """A re-export run ended (every clip exported, or some failed); consumed by
    notifications (`export.completed`). Travels with the job's other announcements."""

    topic = "job-finished"

    export_id: str
    state: str


class DeliverNotification(JobMessage):
    """Command carried by a Cloud Task on the webhook queue to the `notify` function: POST one
    signed event (`body`, fixed when it was scheduled) to the owner's webhook URL."""

    topic = "tasks"

    owner: UserId
    event_id: str
    event: str
    body: str


# Announcements: losing one must never fail its job (the dead-letter handler skips them).
NOTICES = frozenset({"JobFinished", "ClipExported", "ExportFinished"})


class DeadLettered(Message):
    """A message that exhausted its delivery attempts on `subscription`."""

    topic = "dead-letter"

    subscription: str
    job_id: JobId | None = None
    original_type: str | None = None


EVENT_TYPES: dict[str, type[Message]] = {
    cls.type_name(): cls
    for cls in (
        StartIngest,
        ObjectFinalized,
        ChunkReady,
        AnalysisCompleted,
        ClipSelected,
        JobFinished,
        ClipExported,
        ExportFinished,
        DeliverNotification,
        DeadLettered,
    )
}
