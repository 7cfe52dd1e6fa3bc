"""A re-export's progress (`POST /api/klair/export` on a completed job): the clips it renders,
how many ended, and its state. Kept on the job (`Job.export`, the latest one), each clip
counted once by the JobStore, shown on the job's status and announced when it ends."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict

# One clip's step in a run: it began rendering, or ended (exported, or failed for good).
ClipStep = Literal["started", "exported", "failed"]


class ExportState(StrEnum):
    QUEUED = "queued"  # accepted, no clip rendering yet
    EXPORTING = "exporting"
    COMPLETED = "completed"  # every clip exported
    FAILED = "failed"  # every clip ended, at least one failed (its `export_error` says why)


class ExportRun(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    variants: tuple[str, ...]  # what each clip's `urls` gains
    state: ExportState = ExportState.QUEUED
    clips_total: int
    clips_done: int = 0
    clips_failed: int = 0
    requested_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def ended(self) -> bool:
        return self.state in (ExportState.COMPLETED, ExportState.FAILED)

    @property
    def progress(self) -> float:
        """Percent of the clips that ended (exported or failed)."""
        ended = self.clips_done + self.clips_failed
        return round(100.0 * ended / self.clips_total, 1) if self.clips_total else 100.0

    def after(self, step: ClipStep, now: datetime) -> ExportRun:
        """The run once one clip took `step` (an ended clip is counted by the caller once)."""
        started = self.started_at or now
        if step == "started":
            if self.state is not ExportState.QUEUED:
                return self
            return self.model_copy(update={"state": ExportState.EXPORTING, "started_at": now})
        done = self.clips_done + (step == "exported")
        failed = self.clips_failed + (step == "failed")
        state = ExportState.EXPORTING
        if done + failed >= self.clips_total:
            state = ExportState.FAILED if failed else ExportState.COMPLETED
        finished = now if state in (ExportState.COMPLETED, ExportState.FAILED) else None
        return self.model_copy(
            update={"clips_done": done, "clips_failed": failed, "state": state,
                    "started_at": started, "finished_at": finished}
        )  # fmt: skip
