"""Ports for media work: download, probe, transcode, analysis, transcription, captions and
rendering."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from pydantic import BaseModel

from klair.domain.captions import Cue
from klair.domain.clip import Candidate, Clip
from klair.domain.cost import Cost
from klair.domain.export_options import RenderSpec
from klair.domain.job import Job
from klair.domain.media import MediaInfo
from klair.domain.source_checks import SourceLimits
from klair.domain.transcript import Transcript


class DownloadProgress(BaseModel):
    downloaded_bytes: int
    total_bytes: int | None = None  # None while the size is unknown

    @property
    def fraction(self) -> float | None:
        if not self.total_bytes:
            return None
        return min(1.0, self.downloaded_bytes / self.total_bytes)


OpenSink = Callable[[str], AbstractContextManager[BinaryIO]]
"""Opens where a download is streamed, given the file's extension (`"mp4"`); what was
written is kept only when the context exits without an exception."""


class Downloader(Protocol):
    def inspect(self, url: str, limits: SourceLimits) -> float | None:
        """The source's duration in seconds from its metadata, before any media is fetched;
        None when the site does not give it. Refuses what `download` would refuse from the
        metadata (playlist, live, over `limits`), with the same errors."""

    def download(
        self,
        url: str,
        open_sink: OpenSink,
        limits: SourceLimits,
        on_progress: Callable[[DownloadProgress], None] | None = None,
    ) -> str:
        """Stream one video (never a playlist) into the sink `open_sink(ext)` opens, within
        `limits` (past `max_bytes` it stops with `source_too_large`); returns the extension.

        Raises `UnsafeUrl` (SSRF guard), `SourceUnavailable` or `InvalidInput` with a
        specific code, or `Transient`. An exception raised by `on_progress` or by the sink
        stops the download and propagates unchanged.
        """


class SourceGuard(Protocol):
    """The SSRF policy applied when a URL is submitted, before any job exists."""

    def check(self, url: str) -> None:
        """Raises `UnsafeUrl` (the policy's `url_*` code) for a URL Klair must not fetch:
        scheme, port, credentials, the host's form, and every address it resolves to now;
        `InvalidInput` (`url_host_not_found`) when the host does not resolve. A resolver
        slower than the guard's timeout refuses nothing: the download judges again."""


@dataclass(frozen=True)
class MediaObject:
    """Media where it is stored, probed without fetching it whole: `location` is what ffprobe
    opens and seeks in (a signed URL or a path), `read(offset, length)` a ranged read of its
    bytes (fewer at its end), `name` its file name for messages and the container's guess."""

    name: str
    size: int
    location: str
    read: Callable[[int, int], bytes]


class MediaProbe(Protocol):
    def probe(self, path: Path) -> MediaInfo:
        """Raises `UnsupportedMedia` when the file is not readable media."""

    def probe_object(self, media: MediaObject) -> MediaInfo:
        """The same for stored media, reading only the ranges it needs."""


class Transcoded(BaseModel):
    proxy: Path
    audio: Path
    signals: Path
    audio_proxy: Path | None = None  # a video source's sound, beside its silent video proxy


class Transcoder(Protocol):
    def transcode(
        self,
        source: Path | str,
        workdir: Path,
        media: MediaInfo,
        on_progress: Callable[[float], None] | None = None,
        window: tuple[float, float] | None = None,
    ) -> Transcoded:
        """One decode pass: proxy video, 16 kHz mono audio and signals.json. `source` is a
        file or a location ffmpeg seeks in (`Blobs.media_url`); a `window` (start, end)
        reads only those seconds of it: the proxy and audio start there, and the signals
        are on the source's clock. `on_progress` receives the fraction done; its
        exceptions stop the transcode."""


class Analyzer(Protocol):
    def analyze(
        self,
        audio: Path,
        signals: Mapping[str, Any],
        start: float,
        end: float,
        min_seconds: float,
        max_seconds: float,
        *,
        transcript: Transcript | None = None,
    ) -> list[Candidate]:
        """Candidate moments within [start, end) of the source (absolute seconds).

        `transcript` is the chunk's transcript when a `Transcriber` made one; an analyzer
        that does not use it ignores it."""


class ModelAnalysis(BaseModel):
    """What a model analyzer made of one chunk."""

    model: str
    candidates: list[Candidate]  # best first; the offline ones when it fell back
    cost: Cost = Cost()
    fallback: str | None = None  # why the offline candidates were kept
    dropped: dict[str, int] = {}  # moments refused, by reason (outside_window, too_long, ...)
    summary: str = ""
    topics: list[str] = []
    transcript: Transcript | None = None  # when the model transcribed the chunk itself


class ModelAnalyzer(Protocol):
    def analyze_chunk(
        self,
        job: Job,
        start: float,
        end: float,
        transcript: Transcript | None,
        offline: Sequence[Candidate],
        model: str,
        *,
        chunk: int | None = None,
    ) -> ModelAnalysis:
        """Moments of [start, end) of the job's source from a multimodal model watching its
        proxy: the chunk's own (`naming.chunk_work`, its time 0 at `start`) when `chunk` is
        given, else the job's whole proxy. `offline` are the offline analyzer's candidates
        for the same window: the shortlist in two-stage mode, and what comes back (with
        `fallback` set) when the model gives nothing usable or the job's cost ceiling would
        be passed. `model` is the tier's `analyzer_model`."""


class Transcriber(Protocol):
    def languages(self) -> tuple[str, ...]:
        """The languages it writes (ISO 639-1 codes), English first."""

    def transcribe(
        self, audio: Path, start: float, end: float, language: str | None = None
    ) -> Transcript:
        """Words with timings and speech spans of [start, end) of the 16 kHz mono audio
        (absolute seconds); reads only that window. `language` None: the language of the
        window's first speech (English when it cannot tell), as the transcript's `language`;
        a language not in `languages()` gives its speech spans and no words. Raises
        `UnsupportedMedia`."""


class CaptionWriter(Protocol):
    def write(self, cues: Sequence[Cue], fmt: str) -> str:
        """Caption cues as a subtitle file's text; `fmt` is "srt", "vtt" or "ass"."""


class ClipRenderer(Protocol):
    def render(
        self, source: Path | str, clip: Clip, out_dir: Path, spec: RenderSpec | None = None
    ) -> dict[str, Path]:
        """Render one clip of `source` (a local file, or a URL read by ranged requests: only
        the clip's span is read, so a URL needs `spec.media`) as `spec` asks (the
        renderer's default variant when None): name → local file, with a key per variant
        (`9:16`, `9:16+bold`), `thumbnail`, `srt` and `vtt` when the clip has words, `edl`
        (JSON) and `otio` (the edit list)."""
