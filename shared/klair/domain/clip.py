"""Chunks of a source, candidate moments, and the clips selected from them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from klair.domain.ids import ClipId
from klair.domain.sieve_task import SieveTask


class Evidence(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: float
    text: str


class Candidate(BaseModel):
    """A moment an analyzer proposes: absolute seconds, scores 0–100 per criterion."""

    model_config = ConfigDict(frozen=True)

    start: float = Field(ge=0)
    end: float = Field(gt=0)
    score: float = Field(ge=0, le=100)
    scores: dict[str, float] = {}
    evidence: dict[str, list[Evidence]] = {}
    reason: str = ""
    transcript: str = ""
    # What a model analyzer (Gemini) adds: a title for the clip and its opening hook line.
    title: str = ""
    hook_line: str = ""

    @property
    def duration(self) -> float:
        return self.end - self.start


class ExportFailure(BaseModel):
    """Why the clip's latest re-export failed; its earlier files stay as they were.
    `retryable`: a transient failure, so the export is delivered again a few times and a
    later success clears it."""

    model_config = ConfigDict(frozen=True)

    code: str
    message: str
    variants: tuple[str, ...] = ()  # what the re-export was to add
    retryable: bool = False


class Clip(Candidate):
    """A selected candidate with its rank and, once exported, its objects per variant."""

    id: ClipId
    rank: int = Field(ge=1)
    # "manual": a range the user chose (`POST /api/klair/export` with `ranges`), ranked
    # after the detected clips in the order asked.
    origin: Literal["detected", "manual"] = "detected"
    exports: dict[str, str] = {}
    export_error: ExportFailure | None = None  # the latest re-export's failure, if it failed
    # A Sieve autocrop in flight or done for this clip (klair.handlers.steps.sieve).
    sieve: SieveTask | None = None
