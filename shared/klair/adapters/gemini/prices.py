"""Gemini on Vertex AI: today's model ids per model class and their list prices (USD per
million tokens), the defaults `Settings` and the adapter start from."""

from __future__ import annotations

from klair.domain.cost import ModelPrice

# Model classes a tier may name (`Tier.analyzer_model`) and the Vertex model id each means
# today: version ids change more often than tiers do. Unknown names are used as ids.
GEMINI_MODELS: dict[str, str] = {
    "gemini-3-flash": "gemini-3.8-flash",
    "gemini-3-flash-lite": "gemini-3.5-flash-lite",
    "gemini-3-pro": "gemini-3.1-pro-preview",
}


# List prices, USD per 1M tokens, paid tier, prompts ≤ 200k tokens (ai.google.dev pricing
# page as of 2026-10; Vertex AI bills Gemini at the same list prices). gemini-3.8-flash is at
# its launch price until 2026-12-31 and doubles to $1.50 / $7.50 on 2027-01-01.
GEMINI_PRICES: dict[str, ModelPrice] = {
    "gemini-3.8-flash": ModelPrice(input=0.75, output=3.75),
    "gemini-3.5-flash": ModelPrice(input=1.50, output=9.00),
    "gemini-3.5-flash-lite": ModelPrice(input=0.30, output=2.50),
    "gemini-3.1-pro-preview": ModelPrice(input=2.00, output=12.00),
}
