"""Typed identifiers and their generation."""

from __future__ import annotations

import secrets
from typing import NewType

JobId = NewType("JobId", str)
UserId = NewType("UserId", str)
ClipId = NewType("ClipId", str)


def new_job_id() -> JobId:
    """A URL-safe, sortable-enough random id (Firestore document ids must not contain '/')."""
    return JobId("job_" + secrets.token_hex(10))


def clip_id(rank: int) -> ClipId:
    """Clip ids are derived from the rank so a redelivered selection yields the same ids."""
    return ClipId(f"clip_{rank:02d}")


def manual_clip_id(start: float, end: float) -> ClipId:
    """A manual clip's id is its span in milliseconds: cutting the same span again renders
    that clip again rather than adding a twin."""
    return ClipId(f"manual_{round(start * 1000)}_{round(end * 1000)}")
