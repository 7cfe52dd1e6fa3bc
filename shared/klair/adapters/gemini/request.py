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
    so the model is asked to transcribe as well. A video job's `media_uri` is its video-only
    proxy; `audio_uri` (its audio proxy) is sent beside it when the model must listen.
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
    audio_uri: str | None = None
    media_offset: float = 0.0  # the source's second at the media files' time 0 (a chunk's)

    @property
    def duration(self) -> float:
        return self.end - self.start

    @property
    def has_video(self) -> bool:
        return self.mime_type.startswith("video/")

    @property
    def has_audio(self) -> bool:
        """Whether the model hears the excerpt (and Vertex bills audio tokens for it)."""
        return not self.has_video or self.audio_uri is not None

    @property
    def transcribe(self) -> bool:
        return self.transcript is None


def video_part(uri: str, start: float, end: float, fps: float) -> types.Part:
    """A video file by URI (never uploaded), clipped by `video_metadata`, sampled at `fps`."""
    return types.Part(
        file_data=types.FileData(file_uri=uri, mime_type="video/mp4"),
        video_metadata=types.VideoMetadata(
            start_offset=duration(start), end_offset=duration(end), fps=fps
        ),
    )


def audio_part(uri: str, mime_type: str, start: float, end: float) -> types.Part:
    """An audio file by URI, clipped by `audio_metadata`: Vertex reads `video_metadata` on
    video parts only, so an audio part clipped that way is billed for the whole file."""
    return types.Part(
        file_data=types.FileData(file_uri=uri, mime_type=mime_type),
        audio_metadata=types.AudioMetadata(start_offset=duration(start), end_offset=duration(end)),
    )


def media_parts(request: ChunkRequest, options: GeminiOptions) -> list[types.Part]:
    """The excerpt of each file the model is given: the video, the audio, or both."""
    a, b = request.start - request.media_offset, request.end - request.media_offset
    if not request.has_video:
        return [audio_part(request.media_uri, request.mime_type, a, b)]
    parts = [video_part(request.media_uri, a, b, options.fps)]
    if request.audio_uri is not None:
        parts.append(audio_part(request.audio_uri, "audio/mp4", a, b))
    return parts


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
        has_audio=request.has_audio,
    )


def contents(
    request: ChunkRequest, options: GeminiOptions, repair: str | None = None
) -> list[types.Content]:
    """One user turn: the media, then the text. A repair resends it with a note appended
    (one turn, so no earlier model turn has to be replayed)."""
    parts = [*media_parts(request, options), types.Part(text=prompt_text(request, options))]
    if repair is not None:
        parts.append(types.Part(text=repair_note(repair)))
    return [types.Content(role="user", parts=parts)]


def _label(value: str) -> str:
    """Vertex labels: lowercase letters, digits, `_` and `-`, at most 63 characters."""
    return re.sub(r"[^a-z0-9_-]", "_", value.lower())[:63]


def config(
    request: ChunkRequest, options: GeminiOptions, model: str
) -> types.GenerateContentConfig:
    level = options.thinking(model)
    thinking = types.ThinkingConfig(thinking_level=_THINKING[level]) if level else None
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
