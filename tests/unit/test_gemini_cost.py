"""Prices, measured cost from usage_metadata, the planned cost from documented token rates,
and the per-job ceiling."""

from __future__ import annotations

import pytest
from google.genai import types

from klair.adapters.gemini.cost import Budget, measured, plan
from klair.adapters.gemini.options import GeminiOptions
from klair.adapters.gemini.prices import GEMINI_MODELS, GEMINI_PRICES
from klair.adapters.gemini.prompt import Line
from klair.adapters.gemini.request import ChunkRequest
from klair.domain.cost import Cost, ModelPrice
from tests.unit.gemini_fixtures.stub import fixture

OPTIONS = GeminiOptions(project="demo-klair")
TEN_MINUTES = ChunkRequest(
    media_uri="gs://b/work/job_1/proxy.mp4",
    start=600,
    end=1200,
    min_seconds=15,
    max_seconds=60,
    transcript=tuple(Line(600 + 8 * i, 607 + 8 * i, "word " * 20) for i in range(75)),
)


def usage(name: str) -> types.GenerateContentResponseUsageMetadata:
    return types.GenerateContentResponseUsageMetadata.model_validate(fixture(name)["usageMetadata"])


def test_audio_can_be_priced_apart_from_text_and_video() -> None:
    price = ModelPrice(input=0.5, output=3.0, audio_input=1.0)
    assert price.usd(1_000_000, 0, audio_tokens=400_000) == pytest.approx(0.3 + 0.4)
    assert price.usd(0, 1_000_000) == pytest.approx(3.0)


def test_costs_add_up_and_scale() -> None:
    one = Cost(input_tokens=10, output_tokens=2, usd=0.5)
    assert one + one == Cost(input_tokens=20, output_tokens=4, usd=1.0)
    assert one.scaled(3) == Cost(input_tokens=30, output_tokens=6, usd=1.5)


def test_measured_cost_counts_thinking_as_output() -> None:
    price = ModelPrice(input=1.0, output=10.0, audio_input=2.0)
    cost = measured(usage("good"), price)
    assert (cost.input_tokens, cost.output_tokens) == (42631, 812 + 640)
    # 19,200 audio tokens at the audio rate, the other 23,431 at the input rate.
    assert cost.usd == pytest.approx((23431 * 1.0 + 19200 * 2.0 + 1452 * 10.0) / 1e6)


def test_a_response_without_usage_costs_nothing() -> None:
    assert measured(None, GEMINI_PRICES["gemini-3.8-flash"]) == Cost()


def test_every_tier_model_class_has_a_price() -> None:
    assert set(GEMINI_MODELS.values()) <= set(GEMINI_PRICES)
    assert OPTIONS.model == GEMINI_MODELS["gemini-3-flash"]


def test_an_unknown_model_is_priced_as_the_default_rather_than_free() -> None:
    assert OPTIONS.price("gemini-9-ultra") == OPTIONS.price(OPTIONS.model)
    # A configured table that leaves models out falls back to the built-in prices.
    partial = GeminiOptions(project="p", prices={"gemini-x": ModelPrice(input=1, output=2)})
    assert partial.price("gemini-x") == ModelPrice(input=1, output=2)
    assert partial.price("gemini-3.1-pro-preview") == GEMINI_PRICES["gemini-3.1-pro-preview"]
    assert partial.price("gemini-9-ultra") == GEMINI_PRICES[OPTIONS.model]


def test_the_plan_uses_the_documented_rates() -> None:
    planned = plan(TEN_MINUTES, OPTIONS, OPTIONS.model)
    assert planned.video_tokens == 600 * 0.25 * 70  # low resolution, a frame every 4 s
    assert planned.audio_tokens == 600 * 32
    assert 2_500 < planned.text_tokens < 4_500  # brief, schema and a 10-minute transcript
    price = GEMINI_PRICES[OPTIONS.model]
    expected = price.usd(planned.input_tokens, planned.output_tokens)
    assert planned.cost.usd == pytest.approx(expected)


def test_high_resolution_and_more_frames_cost_more() -> None:
    low = plan(TEN_MINUTES, OPTIONS, OPTIONS.model).cost.usd
    high = OPTIONS.model_copy(update={"media_resolution": "high", "fps": 1.0})
    assert plan(TEN_MINUTES, high, OPTIONS.model).cost.usd > 3 * low


def test_audio_jobs_plan_no_video_tokens() -> None:
    audio = ChunkRequest(
        media_uri="gs://b/a.wav", mime_type="audio/wav", start=0, end=600, min_seconds=15,
        max_seconds=60,
    )  # fmt: skip
    assert plan(audio, OPTIONS, OPTIONS.model).video_tokens == 0


def test_transcribing_plans_more_output() -> None:
    told = plan(TEN_MINUTES, OPTIONS, OPTIONS.model)
    untold = ChunkRequest(**{**TEN_MINUTES.__dict__, "transcript": None})
    assert plan(untold, OPTIONS, OPTIONS.model).output_tokens > told.output_tokens


def test_the_budget_checks_the_whole_job_and_what_was_spent() -> None:
    budget = Budget(ceiling_usd=1.0)
    chunk = Cost(input_tokens=40_000, output_tokens=2_000, usd=0.04)
    assert budget.allows(chunk, chunks_total=25, spent=Cost())
    assert not budget.allows(chunk, chunks_total=26, spent=Cost())  # 26 x 0.04 > 1.00
    assert not budget.allows(chunk, chunks_total=1, spent=Cost(usd=0.97))
