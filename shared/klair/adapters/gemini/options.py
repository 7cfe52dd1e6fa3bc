"""How the Gemini analyzer calls Vertex AI: model, media sampling, retries, prices, budget."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from klair.adapters.gemini.prices import GEMINI_PRICES, THINKING_LEVELS, model_in_force
from klair.domain.analysis.scoring import DEFAULT_WEIGHTS
from klair.domain.cost import ModelPrice, in_force

Resolution = Literal["unspecified", "low", "medium", "high"]
ThinkingLevel = Literal["minimal", "low", "medium", "high"]
LEVELS: tuple[ThinkingLevel, ...] = ("minimal", "low", "medium", "high")

DEFAULT_CLASS = "gemini-3-flash"
# The id an unknown model is priced as (rather than as free).
DEFAULT_MODEL = model_in_force(DEFAULT_CLASS, date.min)

# Tokens per sampled video frame on Gemini 3 (Vertex "video understanding": 70 per frame by
# default; low and medium are both 70, high is 280). Audio is 32 tokens per second at any
# resolution. Both are the documented rates the planned-cost estimate uses.
GEMINI3_TOKENS_PER_FRAME: dict[Resolution, int] = {
    "unspecified": 70,
    "low": 70,
    "medium": 70,
    "high": 280,
}
AUDIO_TOKENS_PER_SECOND = 32.0


class GeminiOptions(BaseModel):
    """Everything the adapter needs; `bootstrap` builds it from `Settings`."""

    model_config = ConfigDict(frozen=True)

    project: str
    location: str = "global"
    model: str = DEFAULT_MODEL  # when a tier names no model class
    # Overrides of the class → model id table (prices.py), whatever the day.
    models: dict[str, str] = Field(default_factory=dict)
    # A local stub server (tests, `klair dev`); None means the real Vertex endpoint.
    base_url: str | None = None

    media_resolution: Resolution = "low"
    # A frame every 4 s: the transcript carries the words, so frames only need to show what
    # is on screen; bench/gemini_cost.py measures the choice.
    fps: float = Field(default=0.25, gt=0, le=24)
    # None leaves the model default: Google recommends 1.0 for Gemini 3, where lower values
    # can make the model loop, which structured output turns into truncated JSON.
    temperature: float | None = Field(default=None, ge=0, le=2)
    thinking_level: ThinkingLevel | None = "low"
    max_output_tokens: int = Field(default=8192, gt=0)
    max_moments: int = Field(default=8, ge=1, le=30)
    # Video jobs send the video-only proxy when the offline transcript is in the prompt (the
    # audio track would be ~60% of the input tokens and tells the model what it already
    # reads); the audio proxy goes too when Gemini must transcribe, or when this is set.
    audio_with_transcript: bool = False

    # HttpRetryOptions: attempts include the first call; 429 and 5xx are retried.
    retry_attempts: int = Field(default=3, ge=1)
    retry_initial_delay: float = Field(default=2.0, ge=0)
    retry_max_delay: float = Field(default=20.0, ge=0)
    timeout_seconds: float = Field(default=120.0, gt=0)
    # The repair call is skipped when less than one timeout is left of this budget, so a
    # chunk finishes well inside a 9-minute event function.
    deadline_seconds: float = Field(default=420.0, gt=0)

    # Overrides of the built-in price table (prices.py), by model id: each a list of periods.
    prices: dict[str, tuple[ModelPrice, ...]] = Field(default_factory=dict)
    tokens_per_frame: dict[Resolution, int] = Field(
        default_factory=lambda: dict(GEMINI3_TOKENS_PER_FRAME)
    )
    audio_tokens_per_second: float = AUDIO_TOKENS_PER_SECOND
    chars_per_token: float = 4.0
    # Thinking tokens expected per call (billed as output), for the planned cost only.
    planned_thinking_tokens: int = Field(default=600, ge=0)
    job_ceiling_usd: float = Field(default=5.0, ge=0)
    # The offline analyzer's criterion weights, so Gemini's and offline scores rank alike.
    score_weights: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_WEIGHTS))

    # Two-stage: Gemini sees only the offline analyzer's best windows of each chunk.
    two_stage: bool = False
    shortlist_size: int = Field(default=4, ge=1)
    shortlist_padding: float = Field(default=5.0, ge=0)

    def model_id(self, name: str, day: date) -> str:
        """A tier's model class (`gemini-3-flash`) as the model id it means on `day` (an
        override, else the built-in table); ids pass through."""
        return self.models.get(name) or model_in_force(name, day)

    def price(self, model: str, day: date) -> ModelPrice:
        """The model's price in force on `day`, from the overrides, else the built-in table;
        a model in neither is priced as the default model rather than as free."""
        periods = self.prices.get(model) or GEMINI_PRICES.get(model)
        periods = periods or self.prices.get(DEFAULT_MODEL) or GEMINI_PRICES[DEFAULT_MODEL]
        return in_force(periods, day)

    def thinking(self, model: str) -> ThinkingLevel | None:
        """The configured level if the model accepts it, else the next level up that it
        accepts (3.8 Flash refuses `minimal`); models not in the table get it unchanged."""
        if self.thinking_level is None or model not in THINKING_LEVELS:
            return self.thinking_level
        accepted = THINKING_LEVELS[model]
        higher = LEVELS[LEVELS.index(self.thinking_level) :]
        return next((level for level in higher if level in accepted), self.thinking_level)
