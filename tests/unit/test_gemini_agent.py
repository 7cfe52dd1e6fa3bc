"""The real google-genai client against a local Vertex stub: what it sends for one chunk of the
proxy, and what each kind of answer (good, out of window, malformed, blocked, 429, 500)
leaves the analyzer with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from google.oauth2.credentials import Credentials

from klair.adapters.gemini import request as build
from klair.adapters.gemini.agent import ExcerptAgent, ExcerptOutcome
from klair.adapters.gemini.client import LazyClient
from klair.adapters.gemini.options import GeminiOptions
from klair.adapters.gemini.prices import GEMINI_PRICES
from klair.adapters.gemini.prompt import Line
from klair.adapters.gemini.request import ChunkRequest
from klair.domain.analysis.selection import select_clips
from klair.domain.cost import in_force
from tests.unit.gemini_fixtures.stub import VertexStub, field, fixture

JOB = "job_0a1b2c3d4e5f"
DAY = date(2026, 11, 25)  # 3.8 Flash at its launch price
PROXY = f"gs://klair-media/work/{JOB}/proxy.mp4"
# Chunk 1 of a 25-minute talk: [09:30, 19:30] of the source.
CHUNK = ChunkRequest(
    media_uri=PROXY,
    start=570.0,
    end=1170.0,
    min_seconds=15.0,
    max_seconds=60.0,
    transcript=(
        Line(635.2, 639.9, "Every extra second of cold start loses you one user in ten."),
        Line(640.3, 646.0, "Here's how we found out."),
    ),
    language="en",
    labels={"klair_job": JOB},
)


def run(stub: VertexStub, request: ChunkRequest = CHUNK, **overrides: Any) -> ExcerptOutcome:
    options = GeminiOptions(
        project="demo-klair",
        location="us-central1",
        base_url=stub.url,
        retry_initial_delay=0.01,
        retry_max_delay=0.02,
        **overrides,
    )
    client = LazyClient(options, credentials=Credentials(token="test"))  # type: ignore[no-untyped-call]
    return ExcerptAgent(client, options).analyze(request, options.model, DAY)


@pytest.fixture
def good() -> Iterator[VertexStub]:
    with VertexStub(fixture("good")).running() as stub:
        yield stub


def test_the_request_names_the_proxy_by_uri_clipped_to_the_chunk(good: VertexStub) -> None:
    run(good)
    [sent] = good.generate_calls()
    assert sent.path == (
        "/v1beta1/projects/demo-klair/locations/us-central1/publishers/google/models/"
        "gemini-3.8-flash:generateContent"
    )
    assert sent.headers["Authorization"] == "Bearer test"
    [turn] = sent.body["contents"]
    video, text = turn["parts"]
    assert turn["role"] == "user"
    assert field(field(video, "fileData"), "fileUri") == PROXY
    assert field(field(video, "fileData"), "mimeType") == "video/mp4"
    meta = field(video, "videoMetadata")
    assert (field(meta, "startOffset"), field(meta, "endOffset")) == ("570s", "1170s")
    assert meta["fps"] == 0.25  # a frame every 4 s: the default (see GeminiOptions.fps)
    # The transcript goes in relative to the excerpt, so the model need not transcribe.
    assert "[01:05-01:10] Every extra second of cold start" in text["text"]
    assert "00:00 in the excerpt is 09:30 in the source" in text["text"]
    assert "each 15 to 60 seconds long" in text["text"]


def thinking_sent(model: str, level: str) -> str:
    options = GeminiOptions(project="demo-klair", thinking_level=level)  # type: ignore[arg-type]
    return str(build.config(CHUNK, options, model).thinking_config.thinking_level.value)  # type: ignore[union-attr]


def test_a_thinking_level_the_model_refuses_is_raised_to_one_it_accepts() -> None:
    # 3.8 Flash accepts LOW, MEDIUM and HIGH only: MINIMAL is answered with a 400.
    assert thinking_sent("gemini-3.8-flash", "minimal") == "LOW"
    assert thinking_sent("gemini-3.8-flash", "medium") == "MEDIUM"
    assert thinking_sent("gemini-3.1-pro-preview", "minimal") == "LOW"
    assert thinking_sent("gemini-3.5-flash-lite", "minimal") == "MINIMAL"


def test_the_config_asks_for_json_in_the_schema_at_low_media_resolution(
    good: VertexStub,
) -> None:
    run(good)
    body = good.generate_calls()[0].body
    config = field(body, "generationConfig")
    assert field(config, "responseMimeType") == "application/json"
    assert field(config, "mediaResolution") == "MEDIA_RESOLUTION_LOW"
    assert field(field(config, "thinkingConfig"), "thinkingLevel") == "LOW"
    assert "temperature" not in config  # Gemini 3 keeps its default (see GeminiOptions)
    schema = field(config, "responseSchema")
    assert set(schema["required"]) == {"summary", "topics", "moments"}
    moment = schema["properties"]["moments"]["items"]
    assert set(moment["required"]) == {
        "start", "end", "title", "hook", "scores", "reason", "evidence",
    }  # fmt: skip
    assert "MM:SS relative" in moment["properties"]["start"]["description"]
    hook = moment["properties"]["scores"]["properties"]["hook"]
    assert (hook["type"], hook["minimum"], hook["maximum"]) == ("INTEGER", 0, 100)
    assert "transcript" not in schema["properties"]
    assert "relative to the start of the excerpt" in str(field(body, "systemInstruction"))
    assert body["labels"] == {"klair_job": JOB}


def test_a_good_answer_becomes_candidates_in_source_seconds(good: VertexStub) -> None:
    outcome = run(good)
    assert outcome.fallback is None and outcome.calls == 1
    assert outcome.validated is not None
    found = {(c.start, c.end): c for c in outcome.validated.candidates}
    assert sorted(found) == [(635.0, 672.0), (820.0, 868.0), (1020.0, 1055.0)]
    fix = found[(820.0, 868.0)]
    assert fix.title == "The one-line fix"
    assert fix.hook_line == "We deleted one import and the p99 halved."
    assert fix.scores == {
        "hook": 91, "energy": 68, "clarity": 85, "completeness": 84, "visual": 72,
    }  # fmt: skip
    assert [e.at for e in fix.evidence["visual"]] == [841.0]
    opener = found[(635.0, 672.0)]
    assert opener.transcript.startswith("Every extra second of cold start")
    assert outcome.validated.topics == ["cold starts", "latency", "serverless costs"]
    assert outcome.validated.dropped == {}


def test_the_cost_is_the_usage_metadata_at_the_model_price(good: VertexStub) -> None:
    outcome = run(good)
    price = in_force(GEMINI_PRICES["gemini-3.8-flash"], DAY)
    # 42,631 prompt tokens in; 812 answer + 640 thinking tokens out.
    assert (outcome.cost.input_tokens, outcome.cost.output_tokens) == (42631, 1452)
    assert outcome.cost.usd == pytest.approx((42631 * price.input + 1452 * price.output) / 1e6)


def test_moments_outside_the_chunk_or_of_the_wrong_length_are_dropped_and_counted() -> None:
    with VertexStub(fixture("out_of_window")).running() as stub:
        outcome = run(stub)
    assert outcome.validated is not None and outcome.calls == 1
    [kept] = outcome.validated.candidates
    assert (kept.start, kept.end) == (690.0, 730.0)
    assert outcome.validated.dropped == {
        "outside_window": 2, "too_short": 1, "too_long": 1, "bad_timecode": 1,
    }  # fmt: skip


def test_a_malformed_answer_is_repaired_once(good: VertexStub) -> None:
    with VertexStub(fixture("malformed"), fixture("good")).running() as stub:
        outcome = run(stub)
    assert outcome.fallback is None and outcome.calls == 2
    assert outcome.validated is not None and len(outcome.validated.candidates) == 3
    first, repair = stub.generate_calls()
    assert len(first.body["contents"][0]["parts"]) == 2
    note = repair.body["contents"][0]["parts"][-1]["text"]
    assert note.startswith("An earlier answer to this request could not be used: malformed")
    # Both answers were billed.
    assert outcome.cost.input_tokens == 2 * 42631
    assert outcome.cost.output_tokens == (54 + 380) + (812 + 640)


def test_malformed_twice_falls_back() -> None:
    with VertexStub(fixture("malformed")).running() as stub:
        outcome = run(stub)
    assert (outcome.fallback, outcome.calls, outcome.validated) == ("malformed", 2, None)
    assert len(stub.generate_calls()) == 2


@pytest.mark.parametrize("name", ["safety_block", "prompt_blocked"])
def test_a_blocked_answer_is_retried_once_then_falls_back(name: str) -> None:
    with VertexStub(fixture(name)).running() as stub:
        outcome = run(stub)
    assert (outcome.fallback, outcome.calls) == ("blocked", 2)
    assert any("SAFETY" in p or "PROHIBITED_CONTENT" in p for p in outcome.problems)
    assert outcome.cost.input_tokens == 2 * 42631  # a blocked prompt is still billed


def test_a_429_is_retried_by_the_client_and_succeeds() -> None:
    with VertexStub(fixture("rate_limited"), fixture("good")).running() as stub:
        outcome = run(stub)
    assert outcome.fallback is None and outcome.calls == 1
    assert len(stub.generate_calls()) == 2


def test_a_500_that_persists_falls_back_after_the_client_retries() -> None:
    with VertexStub(fixture("server_error")).running() as stub:
        outcome = run(stub, retry_attempts=3)
    assert (outcome.fallback, outcome.validated) == ("unavailable", None)
    assert len(stub.generate_calls()) == 3
    assert outcome.problems == ["500 INTERNAL: Internal error encountered."]


def test_a_refused_request_is_not_retried() -> None:
    refused = {"error": {"code": 404, "message": "Model not found.", "status": "NOT_FOUND"}}
    with VertexStub(refused).running() as stub:
        outcome = run(stub)
    assert outcome.fallback == "rejected"
    assert len(stub.generate_calls()) == 1


def test_without_a_transcript_the_model_transcribes_and_names_the_language() -> None:
    request = ChunkRequest(
        media_uri=PROXY, start=0.0, end=600.0, min_seconds=15, max_seconds=60, transcript=None
    )
    with VertexStub(fixture("transcribed")).running() as stub:
        outcome = run(stub, request)
    sent = stub.generate_calls()[0].body
    schema = field(field(sent, "generationConfig"), "responseSchema")
    assert {"language", "transcript"} <= set(schema["required"])
    assert "Detect the spoken language" in sent["contents"][0]["parts"][1]["text"]
    assert outcome.validated is not None
    assert outcome.validated.language == "es"
    assert [line.start for line in outcome.validated.transcript] == [40.0, 44.0, 70.0]
    [clip] = outcome.validated.candidates
    assert clip.transcript.startswith("Borramos una línea y la latencia")


def test_answers_in_source_time_get_one_repair_then_fall_back() -> None:
    # A 30-second excerpt: every moment of this answer lies past its end.
    short = ChunkRequest(media_uri=PROXY, start=570, end=600, min_seconds=15, max_seconds=60)
    with VertexStub(fixture("out_of_window")).running() as stub:
        outcome = run(stub, short)
    assert (outcome.fallback, outcome.calls) == ("malformed", 2)
    assert "outside the excerpt" in outcome.problems[0]


def test_no_repair_when_the_deadline_is_too_close() -> None:
    with VertexStub(fixture("malformed"), fixture("good")).running() as stub:
        outcome = run(stub, deadline_seconds=60.0, timeout_seconds=120.0)
    assert (outcome.fallback, outcome.calls) == ("deadline", 1)
    assert len(stub.generate_calls()) == 1


def test_the_same_moment_seen_from_both_sides_of_a_seam_becomes_one_clip() -> None:
    # Chunks [00:00, 10:00] and [09:30, 19:30] both see the pager punchline at ~09:35.
    first = ChunkRequest(media_uri=PROXY, start=0, end=600, min_seconds=15, max_seconds=60)
    second = ChunkRequest(media_uri=PROXY, start=570, end=1170, min_seconds=15, max_seconds=60)
    with VertexStub(fixture("seam_first"), fixture("seam_second")).running() as stub:
        found = [run(stub, first).validated, run(stub, second).validated]
    candidates = [c for v in found if v is not None for c in v.candidates]
    spans = sorted((c.start, c.end) for c in candidates)
    assert spans == [(120, 165), (575, 600), (575, 605), (870, 910)]
    clips = select_clips(candidates, count=5, order="time")
    assert [(c.start, c.end) for c in clips] == [(120, 165), (575, 600), (870, 910)]
    pager = clips[1]
    assert pager.scores["hook"] == 93  # the better-scored sighting, from the first chunk


def test_no_endpoint_at_all_falls_back_as_unavailable() -> None:
    stub = VertexStub(fixture("good"))
    with stub.running():
        url = stub.url
    # The stub is stopped: its port now refuses connections, which the client retries.
    options = GeminiOptions(project="demo-klair", base_url=url, retry_initial_delay=0.01)
    client = LazyClient(options, credentials=Credentials(token="test"))  # type: ignore[no-untyped-call]
    outcome = ExcerptAgent(client, options).analyze(CHUNK, options.model, DAY)
    assert (outcome.fallback, outcome.calls) == ("unavailable", 1)
    assert outcome.problems == ["transport: ConnectError"]
