"""The generateContent request for one excerpt of the proxy: media part, prompt and config."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from google.genai import types

from klair.adapters.gemini.options import GeminiOptions
from klair.adapters.gemini.prompt import SYSTEM_INSTRUCTION, Line, excerpt_prompt, repair_note
from klair.adapters.gemini.schema import ChunkAnalysis, ChunkAnalysisWithTranscript
from klair.adapters.gemini.timecode import duration

_RESOLUTION = {
    "low": types.MediaResolution.MEDIA_RESOLUTION_LOW,
    "medium": types.MediaResolution.MEDIA_RESOLUTION_MEDIUM,
    "high": types.MediaResolution.MEDIA_RESOLUTION_HIGH,
}
_THINKING = {
    "minimal": types.ThinkingLevel.MINIMAL,
    "low": types.ThinkingLevel.LOW,
    "medium": types.ThinkingLevel.MEDIUM,
    "high": types.ThinkingLevel.HIGH,
}


@dataclass(frozen=True)
class ChunkRequest:
    """One model call: an excerpt [start, end] (absolute seconds) of the media at `media_uri`.

    `transcript` None means there is none (a language the offline transcriber cannot serve),
    so the model is asked to transcribe as well.
    """

    media_uri: str
    start: float
    end: float
    min_seconds: float
    max_seconds: float
    transcript: tuple[Line, ...] | None = ()
    language: str | None = None
    mime_type: str = "video/mp4"
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def has_video(self) -> bool:
        return self.mime_type.startswith("video/")

    @property
    def transcribe(self) -> bool:
        return self.transcript is None


def media_part(request: ChunkRequest, options: GeminiOptions) -> types.Part:
    """The proxy by URI (never uploaded), clipped to the excerpt and sampled at `fps`."""
    metadata = types.VideoMetadata(
        start_offset=duration(request.start),
        end_offset=duration(request.end),
        fps=options.fps if request.has_video else None,
    )
    return types.Part(
        file_data=types.FileData(file_uri=request.media_uri, mime_type=request.mime_type),
        video_metadata=metadata,
    )


def prompt_text(request: ChunkRequest, options: GeminiOptions) -> str:
    return excerpt_prompt(
        start=request.start,
        end=request.end,
        min_seconds=request.min_seconds,
        max_seconds=request.max_seconds,
        max_moments=options.max_moments,
        transcript=request.transcript,
        language=request.language,
        has_video=request.has_video,
    )


def contents(
    request: ChunkRequest, options: GeminiOptions, repair: str | None = None
) -> list[types.Content]:
    """One user turn: the media, then the text. A repair resends it with a note appended
    (one turn, so no earlier model turn has to be replayed)."""
    parts = [media_part(request, options), types.Part(text=prompt_text(request, options))]
    if repair is not None:
        parts.append(types.Part(text=repair_note(repair)))
    return [types.Content(role="user", parts=parts)]


def _label(value: str) -> str:
    """Vertex labels: lowercase letters, digits, `_` and `-`, at most 63 characters."""
    return re.sub(r"[^a-z0-9_-]", "_", value.lower())[:63]


def config(request: ChunkRequest, options: GeminiOptions) -> types.GenerateContentConfig:
    thinking = (
        types.ThinkingConfig(thinking_level=_THINKING[options.thinking_level])
        if options.thinking_level
        else None
    )
    return types.GenerateContentConfig(
        system_instruction=SYSTEM_INSTRUCTION,
        response_mime_type="application/json",
        response_schema=schema_for(request),
        media_resolution=_RESOLUTION.get(options.media_resolution),
        temperature=options.temperature,
        thinking_config=thinking,
        max_output_tokens=options.max_output_tokens,
        labels={_label(k): _label(v) for k, v in request.labels.items()} or None,
    )


def schema_for(request: ChunkRequest) -> type[ChunkAnalysis]:
    return ChunkAnalysisWithTranscript if request.transcribe else ChunkAnalysis
