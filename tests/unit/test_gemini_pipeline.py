"""analyze_chunk with Gemini wired (the real client against the local Vertex stub, fakes for
the rest): what ends up on the job — candidates, cost counted once per chunk, fallbacks to
the offline analyzer, transcripts Gemini heard — and how settings and tiers choose it."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from google.oauth2.credentials import Credentials

from klair.adapters.gemini.analyzer import GeminiAnalyzer
from klair.adapters.gemini.client import LazyClient
from klair.adapters.gemini.options import GeminiOptions
from klair.adapters.gemini.prices import GEMINI_PRICES
from klair.adapters.local.blobs import LocalBlobs
from klair.adapters.local.bus import InProcessBus, InProcessTaskQueue
from klair.adapters.memory.store import MemoryJobStore
from klair.adapters.memory.usage import MemoryUsageLedger
from klair.adapters.memory.users import MemoryUserStore
from klair.bootstrap import for_tests, gemini_options, media_adapters, model_analyzer_for
from klair.config import Settings
from klair.domain.cost import in_force
from klair.domain.events import AnalysisCompleted, ChunkReady
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job, JobOptions, JobSource
from klair.domain.media import MediaInfo
from klair.domain.status import JobStatus
from klair.domain.transcript import Transcript
from klair.handlers.deps import Deps
from klair.handlers.pipeline.analyze_chunk import analyze_chunk
from klair.handlers.pipeline.select_clips import select_clips
from klair.handlers.steps.artifacts import load_chunk
from klair.ports.jobs import JobStore
from tests.unit.gemini_fixtures.stub import VertexStub, fixture
from tests.unit.talk_builder import Talk, build_talk, seed_chunks, words_of

JOB = JobId("job_0a1b2c3d4e5f60718293")
NOW = datetime(2026, 11, 25, 10, 0, tzinfo=UTC)
SENTENCE = words_of("so here is one more thing we learned about cold starts today.")[0]
# Two chunks overlapping by 30 s, as the pipeline plans them for a 20-minute source.
CHUNKS = ((0.0, 600.0), (570.0, 1170.0))


class Clock:
    def now(self) -> datetime:
        return NOW


@pytest.fixture(scope="module")
def talk() -> Talk:
    """About 20 minutes of speech, a 5.2-second sentence after another."""
    return build_talk([SENTENCE] * 230, word=0.3, inner_gap=0.05, pauses=[1.0])


class Transcriber:
    """Whisper's part, played by the talk's known words (sure of each, as tiny.en is of
    English)."""

    def __init__(self, talk: Talk) -> None:
        self.transcript = talk.transcript

    def languages(self) -> tuple[str, ...]:
        return ("en",)

    def transcribe(
        self, audio: Path, start: float, end: float, language: str | None = None
    ) -> Transcript:
        words = self.transcript.words_between(start, end)
        return Transcript(start=start, end=end, words=words, speech=[(start, end)])


def deps_for(
    tmp_path: Path, stub: VertexStub, talk: Talk, store: JobStore | None = None, **settings: Any
) -> Deps:
    config = Settings(local_root=tmp_path, model_analyzer="gemini", **settings)
    options = gemini_options(config).model_copy(
        update={"base_url": stub.url, "retry_initial_delay": 0.01}
    )
    client = LazyClient(options, credentials=Credentials(token="test"))  # type: ignore[no-untyped-call]
    probe, downloader, transcoder, analyzer, renderer = media_adapters(config)
    bus = InProcessBus()
    return for_tests(
        settings=config,
        store=store or MemoryJobStore(Clock()),
        usage=MemoryUsageLedger(),
        blobs=LocalBlobs(tmp_path / "blobs"),
        bus=bus,
        tasks=InProcessTaskQueue(bus),
        clock=Clock(),
        probe=probe,
        downloader=downloader,
        transcoder=transcoder,
        analyzer=analyzer,
        renderer=renderer,
        users=MemoryUserStore(),
        transcriber=Transcriber(talk),
        model_analyzer=GeminiAnalyzer(
            options, lambda n: f"gs://klair-media/{n}", client, today=NOW.date
        ),
    )


def start_job(deps: Deps, talk: Talk, tier: str = "creator", **options: Any) -> list[ChunkReady]:
    deps.store.create(
        Job(
            id=JOB,
            owner=UserId("user_1"),
            tier=tier,
            source=JobSource(upload_object=f"uploads/user_1/{JOB}/talk.mp4"),
            options=JobOptions(clip_count=5, **options),
            status=JobStatus.ANALYZING,
            media=MediaInfo(duration=talk.signals.duration, container="mp4", video_codec="h264"),
            chunks_total=len(CHUNKS),
            created_at=NOW,
            updated_at=NOW,
        )
    )
    seed_chunks(deps.blobs, JOB, talk.signals, len(CHUNKS))
    return [
        ChunkReady(job_id=JOB, index=i, start=a, end=b, total=len(CHUNKS))
        for i, (a, b) in enumerate(CHUNKS)
    ]


def test_gemini_moments_and_their_cost_land_on_the_job_once(tmp_path: Path, talk: Talk) -> None:
    with VertexStub(fixture("seam_first"), fixture("seam_second")).running() as stub:
        deps = deps_for(tmp_path, stub, talk)
        events = start_job(deps, talk)
        for event in [*events, events[0]]:  # the first chunk is delivered twice
            assert analyze_chunk(deps, event)
        calls = len(stub.generate_calls())
    job = deps.store.get(JOB)
    assert calls == 2  # the redelivery of an analysed chunk does not pay Gemini again
    price = in_force(GEMINI_PRICES["gemini-3.8-flash"], NOW.date())
    assert (job.cost.input_tokens, job.cost.output_tokens) == (2 * 42631, 2 * (812 + 640))
    assert job.cost.usd == pytest.approx(2 * (42631 * price.input + 1452 * price.output) / 1e6)
    assert job.analysis_fallbacks == {}
    titles = {c.title for c in deps.store.chunk_candidates(JOB)}
    assert {"The outage punchline", "Pager at 3 a.m.", "What we changed"} <= titles

    assert select_clips(deps, AnalysisCompleted(job_id=JOB, chunks=2))
    clips = deps.store.clips(JOB)
    spans = sorted((c.start, c.end) for c in clips)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))  # no two clips overlap
    # The punchline seen from both sides of the seam is one clip: the better-scored one.
    [pager] = [c for c in clips if c.start < 605 and c.end > 575]
    assert pager.title == "The outage punchline"


def test_an_unusable_answer_keeps_the_offline_moments_and_records_why(
    tmp_path: Path, talk: Talk
) -> None:
    with VertexStub(fixture("malformed")).running() as stub:
        deps = deps_for(tmp_path, stub, talk)
        first = start_job(deps, talk)[0]
        analyze_chunk(deps, first)
    job = deps.store.get(JOB)
    assert job.analysis_fallbacks == {"0": "malformed"}
    assert job.cost.input_tokens == 2 * 42631  # the answer and its repair were billed
    found = deps.store.chunk_candidates(JOB)
    assert found and all(c.title == "" and c.reason for c in found)  # the offline analyzer's


def test_over_the_ceiling_the_chunk_stays_offline_without_a_call(
    tmp_path: Path, talk: Talk
) -> None:
    with VertexStub(fixture("good")).running() as stub:
        deps = deps_for(tmp_path, stub, talk, gemini_job_ceiling_usd=0.01)
        analyze_chunk(deps, start_job(deps, talk)[0])
        assert stub.generate_calls() == []
    job = deps.store.get(JOB)
    assert (job.analysis_fallbacks, job.cost.usd) == ({"0": "over_budget"}, 0.0)
    assert deps.store.chunk_candidates(JOB)


@pytest.mark.parametrize(("tier", "options"), [("free", {}), ("creator", {"analyzer": "offline"})])
def test_free_tiers_and_offline_jobs_never_call_gemini(
    tmp_path: Path, talk: Talk, tier: str, options: dict[str, Any]
) -> None:
    with VertexStub(fixture("good")).running() as stub:
        deps = deps_for(tmp_path, stub, talk)
        analyze_chunk(deps, start_job(deps, talk, tier=tier, **options)[0])
        assert stub.generate_calls() == []
    assert deps.store.get(JOB).cost.usd == 0 and deps.store.chunk_candidates(JOB)


def test_the_enterprise_tier_gets_the_pro_model(tmp_path: Path, talk: Talk) -> None:
    with VertexStub(fixture("good")).running() as stub:
        deps = deps_for(tmp_path, stub, talk)
        analyze_chunk(deps, start_job(deps, talk, tier="enterprise")[0])
        [sent] = stub.generate_calls()
    assert sent.path.endswith("/models/gemini-3.1-pro-preview:generateContent")
    price = in_force(GEMINI_PRICES["gemini-3.1-pro-preview"], NOW.date())
    expected = (42631 * price.input + 1452 * price.output) / 1e6
    assert deps.store.get(JOB).cost.usd == pytest.approx(expected)


def test_what_gemini_heard_becomes_the_chunk_transcript(tmp_path: Path, talk: Talk) -> None:
    with VertexStub(fixture("transcribed")).running() as stub:
        deps = deps_for(tmp_path, stub, talk)
        analyze_chunk(deps, start_job(deps, talk, language="es")[0])
    heard = load_chunk(deps, JOB, 0)
    assert heard is not None and heard.language == "es"
    assert heard.text.startswith("Borramos una línea y la latencia bajó a la mitad.")


def test_settings_wire_gemini_or_nothing() -> None:
    assert model_analyzer_for(Settings()) is None
    wired = model_analyzer_for(Settings(model_analyzer="gemini", gemini_two_stage=True))
    assert isinstance(wired, GeminiAnalyzer)  # and no client was made: none is needed yet
    with pytest.raises(ValueError, match="'gemini' or 'none'"):
        Settings(model_analyzer="oracle")  # type: ignore[arg-type]
    options = gemini_options(
        Settings(project="p", gemini_fps=1.0, gemini_models={"gemini-3-flash": "gemini-x"})
    )
    assert (options.project, options.fps, options.model_id("gemini-3-flash", NOW.date())) == (
        "p",
        1,
        "gemini-x",
    )
    # Settings carry only overrides: unset, the adapter's own defaults and tables apply.
    assert gemini_options(Settings()) == GeminiOptions(project=Settings().project)
    dated = [{"input": 1.5, "output": 7.5, "valid_from": "2027-02-01"}, {"input": 1, "output": 5}]
    env = Settings.model_validate({"gemini_prices": {"gemini-x": dated}})
    prices = gemini_options(env).prices["gemini-x"]
    assert [p.valid_from for p in prices] == [date(2027, 2, 1), None]
