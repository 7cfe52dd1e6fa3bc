"""The Job aggregate, its options and the media facts recorded on it."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from klair.domain.cost import Cost
from klair.domain.export_options import (
    ASPECTS,
    DEFAULT_LOUDNESS_LUFS,
    CaptionStyle,
    ReframeMode,
)
from klair.domain.export_run import ExportRun
from klair.domain.ids import JobId, UserId
from klair.domain.languages import language_code
from klair.domain.media import MediaInfo
from klair.domain.presets import Preset, with_preset
from klair.domain.status import JobStatus


class JobKind(StrEnum):
    VIDEO = "video"
    AUDIO = "audio"


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class JobOptions(Frozen):
    """What the user asked for; every field has the default a creator would expect."""

    clip_count: Annotated[int, Field(ge=1, le=30)] = 5
    min_clip_seconds: Annotated[float, Field(ge=3, le=300)] = 15.0
    max_clip_seconds: Annotated[float, Field(ge=5, le=600)] = 60.0
    aspect_ratios: tuple[str, ...] = ("source",)
    captions: bool = False
    # Export (klair.domain.export_options): how burned captions look, the EBU R128 target
    # of the clips' audio, and how vertical/square variants follow the subject.
    caption_style: CaptionStyle = "clean"
    loudness_lufs: Annotated[float, Field(ge=-30, le=-8)] = DEFAULT_LOUDNESS_LUFS
    reframe: ReframeMode = "auto"
    # The spoken language (ISO 639-1): None detects it on the job's first speech.
    language: str | None = None
    # "auto": the tier's analyzer model (Gemini on paid tiers); "offline": never a model.
    analyzer: str = "auto"
    # How results list the clips: best first ("score") or in source order ("time"); ranks
    # and clip ids always follow the score.
    order: Literal["score", "time"] = "score"
    # A platform's defaults under the options given (klair.domain.presets): aspect, clip
    # lengths, loudness, and where burned captions clear its buttons.
    preset: Preset | None = None

    @model_validator(mode="before")
    @classmethod
    def _preset_defaults(cls, data: Any) -> Any:
        # An unknown preset raises InvalidInput itself (not a ValueError pydantic would
        # wrap), so the 400 carries `unknown_preset` and the allowed names.
        return with_preset(data) if isinstance(data, dict) else data

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str | None) -> str | None:
        return None if value is None else language_code(value)  # InvalidInput: not ValueError

    @field_validator("aspect_ratios")
    @classmethod
    def _known_aspects(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [a for a in value if a not in ASPECTS]
        if unknown:
            raise ValueError(
                f"unknown aspect ratio {', '.join(unknown)}; allowed: {', '.join(ASPECTS)}"
            )
        return value

    @model_validator(mode="after")
    def _lengths_ordered(self) -> Self:
        if self.min_clip_seconds > self.max_clip_seconds:
            raise ValueError("min_clip_seconds must not exceed max_clip_seconds")
        return self


class JobSource(Frozen):
    """Exactly one of a URL or an uploaded object."""

    url: HttpUrl | None = None
    upload_object: str | None = None
    filename: str | None = None
    upload_bytes: int | None = None  # an upload's declared size: the file must be this long

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        if (self.url is None) == (self.upload_object is None):
            raise ValueError("a source is either a url or an upload, not both or neither")
        return self


class JobError(Frozen):
    code: str
    message: str
    stage: str | None = None


class Job(BaseModel):
    """One request to turn a source into clips; persisted as `jobs/{id}`."""

    model_config = ConfigDict(extra="ignore")

    id: JobId
    owner: UserId
    kind: JobKind = JobKind.VIDEO
    tier: str = "free"
    source: JobSource
    options: JobOptions = JobOptions()
    status: JobStatus = JobStatus.QUEUED
    stage: str | None = None
    progress: float = 0.0
    timings: dict[str, float] = {}
    error: JobError | None = None
    media: MediaInfo | None = None
    source_object: str | None = None
    chunks_total: int = 0
    chunks_done: int = 0
    clips_total: int = 0
    clips_exported: int = 0
    minutes_reserved: float = 0.0
    cost: Cost = Cost()  # model tokens and dollars spent analysing it (zero offline)
    language: str | None = None  # spoken, as its first chunk detected it (none declared)
    # Chunks (index as a string) whose model analysis fell back to the offline candidates,
    # with the reason: malformed, blocked, unavailable, rejected, deadline, over_budget.
    analysis_fallbacks: dict[str, str] = {}
    idempotency_key: str | None = None
    stalled: bool = False
    # The fan-out status (analyzing, exporting) whose messages were all published: a
    # redelivery of the move's message finds it and knows the move's delivery did not die
    # between the move and its publishes (klair.handlers.steps.dispatch).
    fanned_out: JobStatus | None = None
    export: ExportRun | None = None  # the latest re-export of the finished job's clips
    batch_id: str | None = None  # the batch it is an item of (`POST /api/klair/batch`)
    stage_started_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
