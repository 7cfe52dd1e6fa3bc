"""Job statuses and the state machine that is the only way to move between them."""

from __future__ import annotations

from enum import StrEnum
from itertools import pairwise

from klair.domain.errors import IllegalTransition


class JobStatus(StrEnum):
    AWAITING_UPLOAD = "awaiting_upload"
    QUEUED = "queued"
    DOWNLOADING = "downloading"
    TRANSCODING = "transcoding"
    ANALYZING = "analyzing"
    SELECTING = "selecting"
    EXPORTING = "exporting"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def terminal(self) -> bool:
        return self in TERMINAL


TERMINAL = frozenset({JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED})

_PIPELINE = [
    JobStatus.AWAITING_UPLOAD,
    JobStatus.QUEUED,
    JobStatus.DOWNLOADING,
    JobStatus.TRANSCODING,
    JobStatus.ANALYZING,
    JobStatus.SELECTING,
    JobStatus.EXPORTING,
    JobStatus.COMPLETED,
]

TRANSITIONS: dict[JobStatus, frozenset[JobStatus]] = {
    status: frozenset({nxt, JobStatus.FAILED, JobStatus.CANCELLED})
    for status, nxt in pairwise(_PIPELINE)
}
for _status in TERMINAL:
    TRANSITIONS[_status] = frozenset()


def can_transition(from_: JobStatus, to: JobStatus) -> bool:
    return to in TRANSITIONS[from_]


def check_transition(from_: JobStatus, to: JobStatus) -> None:
    """Raise `IllegalTransition` unless the state machine allows `from_` → `to`."""
    if not can_transition(from_, to):
        raise IllegalTransition(
            f"a job cannot go from {from_.value} to {to.value}",
            from_status=from_.value,
            to_status=to.value,
        )
