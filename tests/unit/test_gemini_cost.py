"""Prices, measured cost from usage_metadata, the planned cost from documented token rates,
and the per-job ceiling."""

from __future__ import annotations

from datetime import date

import pytest
from google.genai import types

from klair.adapters.gemini.cost import Budget, measured, plan
from klair.adapters.gemini.options import GeminiOptions
from klair.adapters.gemini.prices import GEMINI_MODELS, GEMINI_PRICES, THINKING_LEVELS
from klair.adapters.gemini.prompt import Line
from klair.adapters.gemini.request import ChunkRequest
from klair.domain.cost import Cost, ModelPrice, in_force
from tests.unit.gemini_fixtures.stub import fixture

OPTIONS = GeminiOptions(project="demo-klair")
DAY = date(2026, 12, 7)
LAST_DAY, NEW_YEAR = date(2026, 12, 31), date(2027, 1, 1)
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
    assert measured(None, OPTIONS.price("gemini-3.8-flash", DAY)) == Cost()


def test_every_model_a_class_may_mean_has_a_price_and_a_thinking_table() -> None:
    models = {model for periods in GEMINI_MODELS.values() for _, model in periods}
    assert models <= set(GEMINI_PRICES) and models <= set(THINKING_LEVELS)


def test_the_flash_class_means_the_model_that_keeps_the_target_on_the_day() -> None:
    # 3.8 Flash at its launch price; 3.5 Flash-Lite once 3.8 Flash's price doubles.
    assert OPTIONS.model_id("gemini-3-flash", LAST_DAY) == "gemini-3.8-flash"
    assert OPTIONS.model_id("gemini-3-flash", NEW_YEAR) == "gemini-3.5-flash-lite"
    assert OPTIONS.model_id("gemini-3-pro", NEW_YEAR) == "gemini-3.1-pro-preview"
    assert OPTIONS.model_id("gemini-9-ultra", NEW_YEAR) == "gemini-9-ultra"  # an id
    pinned = GeminiOptions(project="p", models={"gemini-3-flash": "gemini-3.8-flash"})
    assert pinned.model_id("gemini-3-flash", NEW_YEAR) == "gemini-3.8-flash"


def test_an_unknown_model_is_priced_as_the_default_rather_than_free() -> None:
    assert OPTIONS.price("gemini-9-ultra", DAY) == OPTIONS.price(OPTIONS.model, DAY)
    # Overrides that leave models out fall back to the built-in prices.
    partial = GeminiOptions(project="p", prices={"gemini-x": (ModelPrice(input=1, output=2),)})
    assert partial.price("gemini-x", DAY) == ModelPrice(input=1, output=2)
    pro = in_force(GEMINI_PRICES["gemini-3.1-pro-preview"], DAY)
    assert partial.price("gemini-3.1-pro-preview", DAY) == pro
    assert partial.price("gemini-9-ultra", DAY) == in_force(GEMINI_PRICES[OPTIONS.model], DAY)


def test_the_price_is_the_one_in_force_on_the_day_of_the_call() -> None:
    flash = OPTIONS.model
    launch, later = OPTIONS.price(flash, LAST_DAY), OPTIONS.price(flash, NEW_YEAR)
    assert (launch.input, launch.output) == (0.75, 3.75)
    assert (later.input, later.output) == (1.50, 7.50)
    assert OPTIONS.price(flash, date(2031, 6, 1)) == later
    assert OPTIONS.price(flash, date(2020, 1, 1)) == launch  # before every period: the first
    plans = [plan(TEN_MINUTES, OPTIONS, flash, day).cost for day in (LAST_DAY, NEW_YEAR)]
    assert plans[0].input_tokens == plans[1].input_tokens
    assert plans[1].usd == pytest.approx(2 * plans[0].usd)


def test_dated_overrides_replace_the_whole_table_of_a_model() -> None:
    cut = ModelPrice(valid_from=date(2027, 3, 1), input=1.0, output=5.0)
    first = ModelPrice(input=0.75, output=3.75)
    options = GeminiOptions(project="p", prices={OPTIONS.model: (cut, first)})  # any order
    assert options.price(OPTIONS.model, NEW_YEAR) == first
    assert options.price(OPTIONS.model, date(2027, 3, 1)) == cut


def test_the_plan_uses_the_documented_rates() -> None:
    planned = plan(TEN_MINUTES, OPTIONS, OPTIONS.model, DAY)
    assert planned.video_tokens == 600 * 0.25 * 70  # low resolution, a frame every 4 s
    assert planned.audio_tokens == 0  # the silent proxy: the words are in the prompt
    assert 2_500 < planned.text_tokens < 4_500  # brief, schema and a 10-minute transcript
    price = OPTIONS.price(OPTIONS.model, DAY)
    expected = price.usd(planned.input_tokens, planned.output_tokens)
    assert planned.cost.usd == pytest.approx(expected)


def test_high_resolution_and_more_frames_cost_more() -> None:
    low = plan(TEN_MINUTES, OPTIONS, OPTIONS.model, DAY).cost.usd
    high = OPTIONS.model_copy(update={"media_resolution": "high", "fps": 1.0})
    assert plan(TEN_MINUTES, high, OPTIONS.model, DAY).cost.usd > 3 * low


def test_audio_jobs_plan_no_video_tokens() -> None:
    audio = ChunkRequest(
        media_uri="gs://b/a.wav", mime_type="audio/wav", start=0, end=600, min_seconds=15,
        max_seconds=60,
    )  # fmt: skip
    assert plan(audio, OPTIONS, OPTIONS.model, DAY).video_tokens == 0


def test_transcribing_plans_more_output() -> None:
    told = plan(TEN_MINUTES, OPTIONS, OPTIONS.model, DAY)
    untold = ChunkRequest(**{**TEN_MINUTES.__dict__, "transcript": None})
    assert plan(untold, OPTIONS, OPTIONS.model, DAY).output_tokens > told.output_tokens


def test_the_budget_checks_the_whole_job_and_what_was_spent() -> None:
    budget = Budget(ceiling_usd=1.0)
    chunk = Cost(input_tokens=40_000, output_tokens=2_000, usd=0.04)
    assert budget.allows(chunk, chunks_total=25, spent=Cost())
    assert not budget.allows(chunk, chunks_total=26, spent=Cost())  # 26 x 0.04 > 1.00
    assert not budget.allows(chunk, chunks_total=1, spent=Cost(usd=0.97))
