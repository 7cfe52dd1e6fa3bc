"""analyze_chunk and select_clips on the fakes: chunk transcripts stored once and reused,
candidates from the offline analyzer, and the job's transcript files and insights."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from klair.adapters.local.blobs import LocalBlobs
from klair.adapters.local.bus import InProcessBus, InProcessTaskQueue
from klair.adapters.memory.store import MemoryJobStore
from klair.adapters.memory.usage import MemoryUsageLedger
from klair.adapters.memory.users import MemoryUserStore
from klair.adapters.pysubs2_captions import Pysubs2CaptionWriter
from klair.bootstrap import analyzer_for, for_tests, media_adapters, speech_adapters
from klair.config import Settings
from klair.domain import naming
from klair.domain.chunking import plan_chunks
from klair.domain.events import AnalysisCompleted, ChunkReady
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job, JobOptions, JobSource
from klair.domain.media import MediaInfo
from klair.domain.status import JobStatus
from klair.domain.transcript import Transcript
from klair.handlers.deps import Deps
from klair.handlers.pipeline.analyze_chunk import analyze_chunk
from klair.handlers.pipeline.select_clips import select_clips
from klair.handlers.steps.artifacts import load_insights, load_transcript, transcript_files
from tests.unit.talk_builder import Talk, build_talk, seed_chunks, words_of

JOB = JobId("job_0123456789abcdef0123")
SCRIPT = " ".join(
    f"Sentence number {n} talks about bread and ovens." if n % 3 else f"Why is step {n} hard?"
    for n in range(40)
)


class FakeTranscriber:
    """Cuts a known transcript to the window asked for, and counts the calls."""

    def __init__(self, talk: Talk) -> None:
        self.talk = talk
        self.calls: list[tuple[float, float]] = []

    def languages(self) -> tuple[str, ...]:
        return ("en",)

    def transcribe(
        self, audio: Path, start: float, end: float, language: str | None = None
    ) -> Transcript:
        self.calls.append((start, end))
        t = self.talk.transcript
        speech = [(max(a, start), min(b, end)) for a, b in t.speech if a < end and b > start]
        return Transcript(start=start, end=end, words=t.words_between(start, end), speech=speech)


def _deps(tmp_path: Path, talk: Talk, transcriber: FakeTranscriber | None) -> Deps:
    settings = Settings(local_root=tmp_path)
    probe, downloader, transcoder, analyzer, renderer = media_adapters(settings)
    bus = InProcessBus()
    return for_tests(
        settings=settings,
        store=MemoryJobStore(),
        usage=MemoryUsageLedger(),
        blobs=LocalBlobs(tmp_path / "blobs"),
        bus=bus,
        tasks=InProcessTaskQueue(bus),
        clock=_Clock(),
        probe=probe,
        downloader=downloader,
        transcoder=transcoder,
        analyzer=analyzer,
        renderer=renderer,
        users=MemoryUserStore(),
        transcriber=transcriber,
        captions=Pysubs2CaptionWriter() if transcriber else None,
    )


class _Clock:
    def now(self) -> datetime:
        return datetime(2026, 11, 1, tzinfo=UTC)


def _analyzing_job(deps: Deps, talk: Talk, chunks: int, order: str = "score") -> Job:
    now = deps.clock.now()
    job = Job(
        id=JOB,
        owner=UserId("user_1"),
        source=JobSource(upload_object="uploads/user_1/x/talk.mp4"),
        options=JobOptions(clip_count=3, min_clip_seconds=8, max_clip_seconds=20, order=order),
        status=JobStatus.ANALYZING,
        media=MediaInfo(duration=talk.signals.duration, container="mp4", video_codec="h264"),
        chunks_total=chunks,
        created_at=now,
        updated_at=now,
    )
    deps.store.create(job)
    seed_chunks(deps.blobs, JOB, talk.signals, chunks)
    return job


def _chunk_events(talk: Talk) -> list[ChunkReady]:
    spans = plan_chunks(talk.signals.duration, 120, 20)
    return [
        ChunkReady(job_id=JOB, index=s.index, start=s.start, end=s.end, total=len(spans))
        for s in spans
    ]


@pytest.fixture
def talk() -> Talk:
    return build_talk(words_of(SCRIPT), pauses=[0.7, 1.1, 0.9], loud={10, 11, 25})


def test_chunks_are_transcribed_once_and_the_transcripts_feed_selection(
    tmp_path: Path, talk: Talk
) -> None:
    transcriber = FakeTranscriber(talk)
    deps = _deps(tmp_path, talk, transcriber)
    events = _chunk_events(talk)
    _analyzing_job(deps, talk, len(events))
    completed: list[AnalysisCompleted] = []
    deps.bus.subscribe(AnalysisCompleted, completed.append)  # type: ignore[attr-defined]

    for event in [*events, events[0]]:  # the first chunk is delivered twice
        assert analyze_chunk(deps, event)
    deps.bus.drain()  # type: ignore[attr-defined]

    assert len(events) == 2 and len(transcriber.calls) == 2
    assert len(deps.blobs.list(naming.work(JOB, "transcript/"))) == 2
    assert completed and deps.store.get(JOB).chunks_done == 2
    candidates = deps.store.chunk_candidates(JOB)
    assert candidates and all("hook" in c.scores and c.transcript for c in candidates)

    assert select_clips(deps, AnalysisCompleted(job_id=JOB, chunks=2))
    clips = deps.store.clips(JOB)
    assert 1 <= len(clips) <= 3
    # The offline analysis titles every clip, and its hook line is one of the clip's sentences.
    assert all(c.title and c.hook_line.rstrip("…") for c in clips)
    assert all(c.hook_line.rstrip("…").split()[-1] in c.transcript for c in clips)
    assert all(c.title == "" for c in deps.store.chunk_candidates(JOB))  # titled at selection
    whole = load_transcript(deps, JOB)
    assert whole is not None and [w.text for w in whole.words] == [w.text for w in talk.words]
    files = transcript_files(JOB)
    assert deps.blobs.read_bytes(files["vtt"]).startswith(b"WEBVTT")
    assert b"-->" in deps.blobs.read_bytes(files["srt"])
    insights = load_insights(deps, JOB)
    assert insights is not None and insights.word_count == len(talk.words)
    assert {"bread", "ovens"} <= {k.term for k in insights.keywords}
    assert insights.quotes and insights.chapters
    assert json.loads(deps.blobs.read_bytes(naming.result(JOB, "insights.json")))["version"] == 1


def test_without_a_transcriber_the_signals_alone_propose_the_moments(
    tmp_path: Path, talk: Talk
) -> None:
    deps = _deps(tmp_path, talk, None)
    events = _chunk_events(talk)
    _analyzing_job(deps, talk, len(events))

    for event in events:
        analyze_chunk(deps, event)
    select_clips(deps, AnalysisCompleted(job_id=JOB, chunks=len(events)))

    assert deps.store.clips(JOB)
    assert all("hook" not in c.scores for c in deps.store.clips(JOB))
    # Without words a clip is named by its passage and time, and has no hook line.
    assert all(" at " in c.title and c.hook_line == "" for c in deps.store.clips(JOB))
    assert load_insights(deps, JOB) is None
    assert deps.blobs.list(naming.work(JOB, "transcript")) == []


def test_settings_choose_the_analyzer_and_the_transcriber() -> None:
    assert type(analyzer_for(Settings())).__name__ == "OfflineAnalyzer"
    assert type(analyzer_for(Settings(analyzer="signals"))).__name__ == "SignalsAnalyzer"
    with pytest.raises(ValueError, match="'offline' or 'signals'"):
        Settings(analyzer="psychic")  # type: ignore[arg-type]
    transcriber, captions = speech_adapters(Settings(transcriber="none"))
    assert transcriber is None and captions is not None
    whisper, _ = speech_adapters(Settings())
    assert type(whisper).__name__ == "WhisperTranscriber"
