"""GeminiAnalyzer on one chunk of a job, the real client against the local Vertex stub: the
proxy it names, the fallback to the offline candidates, the budget, two-stage windows and
languages the offline transcriber cannot serve."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from google.oauth2.credentials import Credentials

from klair.adapters.gemini.analyzer import GeminiAnalyzer, needs_transcription
from klair.adapters.gemini.client import LazyClient
from klair.adapters.gemini.cost import plan
from klair.adapters.gemini.options import GeminiOptions
from klair.adapters.gemini.request import prompt_text
from klair.domain.clip import Candidate
from klair.domain.cost import Cost
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job, JobOptions, JobSource
from klair.domain.media import MediaInfo
from klair.domain.transcript import Transcript, Word
from klair.ports.media import ModelAnalysis
from tests.unit.gemini_fixtures.stub import VertexStub, field, fixture

JOB = JobId("job_0a1b2c3d4e5f")
WHEN = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
DAY = WHEN.date()
VIDEO = MediaInfo(duration=1500.0, container="mp4", video_codec="h264", audio_codec="aac")
OFFLINE = [
    Candidate(start=634.0, end=671.0, score=61.0, reason="offline best"),
    Candidate(start=900.0, end=940.0, score=40.0, reason="offline second"),
]
SPEECH = Transcript(
    start=570,
    end=1170,
    words=[Word(start=635.2 + i * 0.4, end=635.5 + i * 0.4, text="word") for i in range(20)],
)


def job(**update: Any) -> Job:
    base = Job(
        id=JOB,
        owner=UserId("user_1"),
        tier="creator",
        source=JobSource(url="https://example.com/talk.mp4"),
        media=VIDEO,
        chunks_total=3,
        created_at=WHEN,
        updated_at=WHEN,
    )
    return base.model_copy(update=update)


def analyze(
    stub: VertexStub,
    the_job: Job,
    transcript: Transcript | None = SPEECH,
    day: date = DAY,
    model: str = "gemini-3-flash",
    chunk: int | None = None,
    **overrides: Any,
) -> ModelAnalysis:
    options = GeminiOptions(
        project="demo-klair", base_url=stub.url, retry_initial_delay=0.01, **overrides
    )
    client = LazyClient(options, credentials=Credentials(token="test"))  # type: ignore[no-untyped-call]
    analyzer = GeminiAnalyzer(
        options, lambda name: f"gs://klair-media/{name}", client, today=lambda: day
    )
    return analyzer.analyze_chunk(the_job, 570.0, 1170.0, transcript, OFFLINE, model, chunk=chunk)


def test_the_tier_model_class_is_called_on_the_jobs_proxy() -> None:
    with VertexStub(fixture("good")).running() as stub:
        result = analyze(stub, job())
    [sent] = stub.generate_calls()
    assert sent.path.endswith("/models/gemini-3.8-flash:generateContent")
    video = sent.body["contents"][0]["parts"][0]
    assert field(field(video, "fileData"), "fileUri") == f"gs://klair-media/work/{JOB}/proxy.mp4"
    assert result.fallback is None and result.model == "gemini-3.8-flash"
    assert [c.start for c in result.candidates] == [820.0, 635.0, 1020.0]  # best first
    assert result.cost.input_tokens == 42631
    assert result.topics == ["cold starts", "latency", "serverless costs"]


def test_a_chunk_is_watched_on_its_own_proxy_from_its_own_start() -> None:
    """A segmented job: the chunk's proxy starts at the chunk's second (570 s here), so the
    excerpt is offset 0-600 s of that file, and the moments still land on the source's
    clock."""
    with VertexStub(fixture("good")).running() as stub:
        result = analyze(stub, job(), chunk=1)
    [sent] = stub.generate_calls()
    video = sent.body["contents"][0]["parts"][0]
    assert field(field(video, "fileData"), "fileUri") == (
        f"gs://klair-media/work/{JOB}/chunks/0001/proxy.mp4"
    )
    meta = field(video, "videoMetadata")
    assert (field(meta, "startOffset"), field(meta, "endOffset")) == ("0s", "600s")
    assert [c.start for c in result.candidates] == [820.0, 635.0, 1020.0]


def test_a_call_is_priced_at_the_price_in_force_on_its_day() -> None:
    usd = {}
    for day in (date(2026, 12, 31), date(2027, 1, 1)):
        with VertexStub(fixture("good")).running() as stub:
            usd[day.year] = analyze(stub, job(), day=day, model="gemini-3.8-flash").cost.usd
    # 42,631 tokens in and 1,452 out at $0.75/$3.75, then at $1.50/$7.50.
    assert usd[2026] == pytest.approx((42631 * 0.75 + 1452 * 3.75) / 1e6)
    assert usd[2027] == pytest.approx(2 * usd[2026])


def test_from_2027_the_flash_class_calls_flash_lite() -> None:
    with VertexStub(fixture("good")).running() as stub:
        result = analyze(stub, job(), day=date(2027, 1, 1))
    [sent] = stub.generate_calls()
    assert sent.path.endswith("/models/gemini-3.5-flash-lite:generateContent")
    assert result.model == "gemini-3.5-flash-lite"
    assert result.cost.usd == pytest.approx((42631 * 0.30 + 1452 * 2.50) / 1e6)


def test_an_unusable_answer_keeps_the_offline_candidates_and_says_why() -> None:
    with VertexStub(fixture("malformed")).running() as stub:
        result = analyze(stub, job())
    assert (result.fallback, result.candidates) == ("malformed", OFFLINE)
    assert result.cost.input_tokens == 2 * 42631  # the failed answers were still billed


def test_over_the_job_ceiling_gemini_is_not_called() -> None:
    with VertexStub(fixture("good")).running() as stub:
        spent = job(cost=Cost(input_tokens=10**6, output_tokens=10**4, usd=0.99))
        result = analyze(stub, spent, job_ceiling_usd=1.0)
    assert stub.generate_calls() == []
    assert (result.fallback, result.candidates, result.cost.usd) == ("over_budget", OFFLINE, 0)


def test_two_stage_watches_only_the_shortlisted_windows() -> None:
    with VertexStub(fixture("shortlisted")).running() as stub:
        result = analyze(stub, job(), two_stage=True)
    offsets = [
        (field(m, "startOffset"), field(m, "endOffset"))
        for m in (
            field(r.body["contents"][0]["parts"][0], "videoMetadata") for r in stub.generate_calls()
        )
    ]
    # Each offline candidate widened to the 60 s maximum (and by at least 5 s a side).
    assert offsets == [("622.5s", "682.5s"), ("890s", "950s")]
    assert [(c.start, c.end) for c in result.candidates] == [(626.5, 663.5), (894.0, 931.0)]
    assert result.cost.input_tokens == 2 * (1104 + 1260 + 2240)


def test_two_stage_watches_the_whole_chunk_when_gemini_must_transcribe() -> None:
    staged = GeminiAnalyzer(GeminiOptions(project="demo-klair", two_stage=True), str)
    spanish = job(options=JobOptions(language="es"))
    [whole] = staged._requests(spanish, 570, 1170, SPEECH, OFFLINE)
    assert (whole.start, whole.end, whole.transcribe) == (570, 1170, True)


def test_two_stage_plans_less_than_the_full_chunk() -> None:
    options = GeminiOptions(project="demo-klair")
    analyzer = GeminiAnalyzer(options, lambda name: f"gs://b/{name}")
    full = analyzer._requests(job(), 570, 1170, SPEECH, OFFLINE)
    staged = GeminiAnalyzer(options.model_copy(update={"two_stage": True}), str)._requests(
        job(), 570, 1170, SPEECH, OFFLINE
    )
    day = WHEN.date()
    cost = [sum(plan(r, options, options.model, day).cost.usd for r in rs) for rs in (full, staged)]
    # Two excerpts of 60 s instead of 600 s of frames; each excerpt pays its own answer.
    assert cost[1] < 0.7 * cost[0]


def test_a_spanish_talk_is_transcribed_by_gemini() -> None:
    spanish = job(options=JobOptions(language="es"))
    with VertexStub(fixture("transcribed")).running() as stub:
        result = analyze(stub, spanish)
    video, sound, prompt = stub.generate_calls()[0].body["contents"][0]["parts"]
    # The silent video proxy and, to be heard, the audio proxy, each clipped by its own field.
    assert field(field(video, "fileData"), "fileUri").endswith(f"/work/{JOB}/proxy.mp4")
    assert field(field(sound, "fileData"), "fileUri").endswith(f"/work/{JOB}/proxy.m4a")
    clip = field(sound, "audioMetadata")
    assert (field(clip, "startOffset"), field(clip, "endOffset")) == ("570s", "1170s")
    assert "videoMetadata" not in sound and "video_metadata" not in sound
    text = prompt["text"]
    assert "The speech is in 'es'" in text and "Transcript" not in text
    assert result.transcript is not None and result.transcript.language == "es"
    assert result.transcript.text.startswith("Borramos una línea y la latencia")
    assert result.transcript.words[0].start == 610.0  # 00:40 into the chunk at 09:30


def test_audio_jobs_send_the_audio_proxy_without_a_frame_rate() -> None:
    audio = job(media=MediaInfo(duration=1500.0, container="mp3", audio_codec="mp3"))
    with VertexStub(fixture("good")).running() as stub:
        analyze(stub, audio)
    part = stub.generate_calls()[0].body["contents"][0]["parts"][0]
    assert field(field(part, "fileData"), "fileUri").endswith(f"/work/{JOB}/proxy.m4a")
    assert field(field(part, "fileData"), "mimeType") == "audio/mp4"
    # Clipped by `audio_metadata`: Vertex reads `video_metadata` on video parts only, so an
    # audio part clipped with it would be billed for the whole file on every chunk.
    clip = field(part, "audioMetadata")
    assert (field(clip, "startOffset"), field(clip, "endOffset")) == ("570s", "1170s")
    assert "videoMetadata" not in part and "video_metadata" not in part


def test_video_jobs_with_a_transcript_send_only_the_silent_video_proxy() -> None:
    with VertexStub(fixture("good")).running() as stub:
        analyze(stub, job())
    *media, prompt = stub.generate_calls()[0].body["contents"][0]["parts"]
    [video] = media  # no audio part: the words are in the prompt
    assert field(field(video, "fileData"), "fileUri").endswith(f"/work/{JOB}/proxy.mp4")
    clip = field(video, "videoMetadata")
    assert (field(clip, "startOffset"), field(clip, "endOffset"), clip["fps"]) == (
        "570s", "1170s", 0.25,
    )  # fmt: skip
    assert "audioMetadata" not in video and "audio_metadata" not in video
    assert "without its sound" in prompt["text"]


def test_when_the_offline_transcript_is_not_to_be_trusted() -> None:
    sure = [Word(start=i, end=i + 0.3, text="w", probability=0.9) for i in range(10)]
    unsure = [w.model_copy(update={"probability": 0.2}) for w in sure]
    assert not needs_transcription(None, Transcript(end=10, words=sure))
    assert not needs_transcription("en-GB", Transcript(end=10, words=sure))
    assert not needs_transcription(None, Transcript(end=10))  # silence: nothing to transcribe
    assert needs_transcription(None, Transcript(end=10, words=unsure))
    assert needs_transcription("fr", Transcript(end=10, words=sure))
    assert needs_transcription(None, None)


def test_the_model_is_told_the_language_its_transcript_was_written_in() -> None:
    options = GeminiOptions(project="demo-klair")
    analyzer = GeminiAnalyzer(options, str)
    german = SPEECH.model_copy(update={"language": "de"})  # detected offline, not declared
    [told] = analyzer._requests(job(), 570, 1170, german, OFFLINE)
    assert (told.language, told.transcribe) == ("de", False)
    assert "Transcript (language 'de')" in prompt_text(told, options)
    # Transcribing (no transcript it can trust), it detects an undeclared language itself.
    [heard] = analyzer._requests(job(), 570, 1170, None, OFFLINE)
    assert heard.language is None and "Detect the spoken language" in prompt_text(heard, options)
