"""Gemini on Vertex AI: the model id each model class means, the thinking levels each model
accepts, and list prices (USD per million tokens), each by period of validity. `Settings`
carries only overrides of these tables."""

from __future__ import annotations

from datetime import date

from klair.domain.cost import ModelPrice

# The day 3.8 Flash's launch price ends.
FLASH_PRICE_DOUBLES = date(2027, 1, 1)

# Model classes a tier may name (`Tier.analyzer_model`) and the Vertex model id each means,
# by period (from that day on): version ids and prices change more often than tiers do.
# `gemini-3-flash` is 3.8 Flash while its launch price lasts; at 2027 prices no 3.8 Flash
# configuration that still watches the video plans under $0.002 a source minute, 3.5
# Flash-Lite does (bench/gemini_cost.py). Unknown names are used as ids.
GEMINI_MODELS: dict[str, tuple[tuple[date, str], ...]] = {
    "gemini-3-flash": (
        (date.min, "gemini-3.8-flash"),
        (FLASH_PRICE_DOUBLES, "gemini-3.5-flash-lite"),
    ),
    "gemini-3-flash-lite": ((date.min, "gemini-3.5-flash-lite"),),
    "gemini-3-pro": ((date.min, "gemini-3.1-pro-preview"),),
}


def model_in_force(name: str, day: date) -> str:
    """The model id a class means on `day`; a name that is no class is an id already."""
    periods = GEMINI_MODELS.get(name, ((date.min, name),))
    return [model for since, model in periods if since <= day][-1]


# Thinking levels each model accepts, lowest first (Vertex model guides). 3.8 Flash and
# 3.1 Pro refuse MINIMAL; a level a model refuses is raised to the lowest one it accepts.
THINKING_LEVELS: dict[str, tuple[str, ...]] = {
    "gemini-3.8-flash": ("low", "medium", "high"),
    "gemini-3.5-flash": ("minimal", "low", "medium", "high"),
    "gemini-3.5-flash-lite": ("minimal", "low", "medium", "high"),
    "gemini-3.1-pro-preview": ("low", "medium", "high"),
}

# List prices, USD per 1M tokens, paid tier, prompts ≤ 200k tokens (ai.google.dev pricing
# page as of 2026-10; Vertex AI bills Gemini at the same list prices). Each model's periods
# in order; a call is priced by the period in force on the day it is made (UTC).
GEMINI_PRICES: dict[str, tuple[ModelPrice, ...]] = {
    "gemini-3.8-flash": (
        ModelPrice(input=0.75, output=3.75),  # launch price, through 2026-12-31
        ModelPrice(valid_from=FLASH_PRICE_DOUBLES, input=1.50, output=7.50),
    ),
    "gemini-3.5-flash": (ModelPrice(input=1.50, output=9.00),),
    "gemini-3.5-flash-lite": (ModelPrice(input=0.30, output=2.50),),
    "gemini-3.1-pro-preview": (ModelPrice(input=2.00, output=12.00),),
}
