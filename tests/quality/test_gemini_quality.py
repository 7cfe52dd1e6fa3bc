"""The Gemini quality guard on the quality set: the real google-genai client, pointed at a
local Vertex stub that answers with each talk's planted moments at whole-second precision
(MM:SS, as the model writes them), chunk by chunk; after the pipeline's edge snapping and
selection every clip edge is in a pause, every clip holds whole sentences, and the planted
moments are the clips."""

from __future__ import annotations

from datetime import UTC, date, datetime

from google.oauth2.credentials import Credentials

from bench.gemini_guard import planted_answer, problems, selected
from bench.vertex_stub import CountingVertex, MediaFile
from klair.adapters.gemini.analyzer import GeminiAnalyzer
from klair.adapters.gemini.client import LazyClient
from klair.adapters.gemini.options import GeminiOptions
from klair.domain import naming
from klair.domain.chunking import plan_chunks
from klair.domain.clip import Candidate
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job, JobOptions, JobSource
from klair.domain.media import MediaInfo
from klair.domain.transcript import Transcript
from tests.quality.conftest import (
    CHUNK_SECONDS,
    CLIPS,
    MAX_SECONDS,
    MIN_SECONDS,
    OVERLAP_SECONDS,
    Analyzed,
)

JOB = JobId("job_0a1b2c3d4e5f60718293")
WHEN = datetime(2027, 1, 4, 9, 0, tzinfo=UTC)


def uri(name: str) -> str:
    return f"gs://klair-media/{name}"


def gemini_clips(talk: Analyzed, options: GeminiOptions) -> list[Candidate]:
    """Every chunk of the talk analysed by GeminiAnalyzer against the stub."""
    video = talk.sample.has_video
    media = MediaInfo(
        duration=talk.sample.duration, container="mp4", audio_codec="aac",
        video_codec="h264" if video else None,
    )  # fmt: skip
    job = Job(
        id=JOB, owner=UserId("user_1"), tier="creator",
        source=JobSource(url="https://example.com/talk.mp4"), media=media,
        options=JobOptions(min_clip_seconds=MIN_SECONDS, max_clip_seconds=MAX_SECONDS),
        chunks_total=1, created_at=WHEN, updated_at=WHEN,
    )  # fmt: skip
    duration = talk.sample.duration
    files = {
        uri(naming.work(JOB, naming.VIDEO_PROXY)): MediaFile(duration, has_sound=False),
        uri(naming.work(JOB, naming.AUDIO_PROXY)): MediaFile(duration, has_sound=True),
    }
    stub = CountingVertex(files, planted_answer(talk.sample.emphatic))
    found: list[Candidate] = []
    with stub.running() as base_url:
        options = options.model_copy(update={"base_url": base_url})
        client = LazyClient(options, credentials=Credentials(token="test"))  # type: ignore[no-untyped-call]
        analyzer = GeminiAnalyzer(options, uri, client, today=lambda: date(2027, 1, 4))
        for chunk in plan_chunks(duration, CHUNK_SECONDS, OVERLAP_SECONDS):
            words = talk.transcript.words_between(chunk.start, chunk.end)
            part = Transcript(start=chunk.start, end=chunk.end, words=words)
            result = analyzer.analyze_chunk(job, chunk.start, chunk.end, part, [], "gemini-3-flash")
            assert result.fallback is None, (talk.name, chunk.index, result.fallback)
            found += result.candidates
    assert stub.calls
    return found


def test_gemini_moments_come_out_of_selection_in_pauses_and_whole_sentences(
    quality_set: list[Analyzed],
) -> None:
    options = GeminiOptions(project="demo-klair", retry_initial_delay=0.01)
    checked = 0
    for talk in quality_set:
        candidates = gemini_clips(talk, options)
        # Whole seconds: the stub's moments do not start or end where the speech pauses.
        assert any(c.start == int(c.start) for c in candidates), talk.name
        clips = selected(candidates, [talk.transcript], talk.signals, CLIPS)
        sentences = [(s.start, s.end) for s in talk.sample.sentences]
        found = problems(clips, sentences, talk.sample.gaps, talk.sample.emphatic)
        assert found == [], (talk.name, found)
        checked += len(clips)
    assert checked >= len(quality_set)
