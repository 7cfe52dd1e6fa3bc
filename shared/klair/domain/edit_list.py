"""The edit decision list of an exported clip: source in/out, each variant's crop keyframes,
the caption events and style, the audio treatment, the clip's title and hook line. Written as
JSON next to the clip and as an OpenTimelineIO timeline, so an editor can reopen the cut in an
NLE and adjust it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from klair.domain.caption_events import CaptionEvent
from klair.domain.reframe_path import Keyframe

VERSION = 1


class VariantEdit(BaseModel):
    """One rendered variant: its crop window moving over the source, and its output size."""

    model_config = ConfigDict(frozen=True)

    key: str
    aspect: str
    file: str
    reframe: str  # faces | saliency | centre | none | sieve
    crop_width: int
    crop_height: int
    width: int
    height: int
    keyframes: tuple[Keyframe, ...]  # t from the clip's start; x, y in source pixels
    # Burned captions' lowest line sits this fraction of the height above the lower edge
    # (a platform preset's safe area, else the shape's default); None: none burned.
    caption_bottom: float | None = None


class AudioEdit(BaseModel):
    model_config = ConfigDict(frozen=True)

    loudness_lufs: float  # EBU R128 integrated target
    measured_lufs: float | None  # the cut's loudness before normalisation
    gain_db: float  # applied linearly (capped so the true peak stays under -1.5 dBTP)
    fade_in: float
    fade_out: float


class CaptionTrack(BaseModel):
    model_config = ConfigDict(frozen=True)

    style: str | None  # None: not burned in (sidecar files only)
    events: tuple[CaptionEvent, ...]


class EditList(BaseModel):
    model_config = ConfigDict(frozen=True)

    version: int = VERSION
    clip_id: str
    title: str = ""  # the clip's title and hook line, as in results.json
    hook_line: str = ""
    source: str  # the source object the cut refers to
    source_width: int | None
    source_height: int | None
    fps: float | None
    source_in: float  # seconds in the source, inclusive
    source_out: float  # seconds in the source, exclusive
    thumbnail_at: float | None  # seconds from the clip's start
    audio: AudioEdit | None
    captions: CaptionTrack
    variants: tuple[VariantEdit, ...]

    @property
    def duration(self) -> float:
        return self.source_out - self.source_in
