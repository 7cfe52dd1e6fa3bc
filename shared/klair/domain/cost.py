"""What model calls cost: token counts and US dollars, priced per model and summed per job."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class Cost(BaseModel):
    """Tokens and dollars spent on model calls: one call's, or a job's running total."""

    model_config = ConfigDict(frozen=True)

    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    usd: float = Field(default=0.0, ge=0)

    def __add__(self, other: Cost) -> Cost:
        return Cost(
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            usd=self.usd + other.usd,
        )

    def scaled(self, factor: float) -> Cost:
        """This cost `factor` times over (planning: per chunk → per job)."""
        return Cost(
            input_tokens=round(self.input_tokens * factor),
            output_tokens=round(self.output_tokens * factor),
            usd=self.usd * factor,
        )


PER_MILLION = 1_000_000


class ModelPrice(BaseModel):
    """List price of one model in USD per million tokens (paid tier, prompts under 200k),
    in force from `valid_from` (None: since before any other period) until the next period.

    Output includes thinking tokens, which Vertex bills as output. `audio_input` is for models
    that bill audio above other input; None means audio costs the same as text and video.
    """

    model_config = ConfigDict(frozen=True)

    valid_from: date | None = None
    input: float = Field(ge=0)
    output: float = Field(ge=0)
    audio_input: float | None = Field(default=None, ge=0)

    def usd(self, input_tokens: int, output_tokens: int, audio_tokens: int = 0) -> float:
        """Dollars for one call; `input_tokens` includes the `audio_tokens`."""
        audio_rate = self.input if self.audio_input is None else self.audio_input
        other = max(0, input_tokens - audio_tokens)
        total = other * self.input + audio_tokens * audio_rate + output_tokens * self.output
        return total / PER_MILLION


def in_force(periods: Sequence[ModelPrice], day: date) -> ModelPrice:
    """The period whose `valid_from` is the latest on or before `day`; a day before every
    period gets the earliest one (a price is never missing, nor zero by default)."""
    ordered = sorted(periods, key=lambda p: p.valid_from or date.min)
    started = [p for p in ordered if (p.valid_from or date.min) <= day]
    return started[-1] if started else ordered[0]
