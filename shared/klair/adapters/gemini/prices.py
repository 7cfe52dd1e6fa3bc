"""Gemini on Vertex AI: today's model ids per model class, the thinking levels each accepts,
and their list prices (USD per million tokens) by period of validity. `Settings` carries only
overrides of these tables."""

from __future__ import annotations

from datetime import date

from klair.domain.cost import ModelPrice

# Model classes a tier may name (`Tier.analyzer_model`) and the Vertex model id each means
# today: version ids change more often than tiers do. Unknown names are used as ids.
GEMINI_MODELS: dict[str, str] = {
    "gemini-3-flash": "gemini-3.8-flash",
    "gemini-3-flash-lite": "gemini-3.5-flash-lite",
    "gemini-3-pro": "gemini-3.1-pro-preview",
}

# Thinking levels each model accepts, lowest first (Vertex model guides). 3.8 Flash and
# 3.1 Pro refuse MINIMAL; a level a model refuses is raised to the lowest one it accepts.
THINKING_LEVELS: dict[str, tuple[str, ...]] = {
    "gemini-3.8-flash": ("low", "medium", "high"),
    "gemini-3.5-flash": ("minimal", "low", "medium", "high"),
    "gemini-3.5-flash-lite": ("minimal", "low", "medium", "high"),
    "gemini-3.1-pro-preview": ("low", "medium", "high"),
}

# The day 3.8 Flash's launch price ends.
FLASH_PRICE_DOUBLES = date(2027, 1, 1)

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
