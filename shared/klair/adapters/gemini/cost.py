"""Dollars per call: planned from the documented token rates before calling, measured from
`usage_metadata` after; and the per-job ceiling the plan is checked against."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from google.genai import types

from klair.adapters.gemini import request as build
from klair.adapters.gemini.options import GeminiOptions
from klair.adapters.gemini.prompt import SYSTEM_INSTRUCTION
from klair.adapters.gemini.request import ChunkRequest
from klair.domain.cost import Cost, ModelPrice

# Tokens the response schema adds to the prompt (measured with count_tokens on the schema's
# JSON: about 1,300 characters).
SCHEMA_TOKENS = 350
# An answer is about 200 tokens of summary and topics plus 150 per moment.
ANSWER_TOKENS = 200
MOMENT_TOKENS = 150


@dataclass(frozen=True)
class Plan:
    """Expected tokens of one call by kind, and what they cost at the model's price."""

    video_tokens: int
    audio_tokens: int
    text_tokens: int
    output_tokens: int
    cost: Cost

    @property
    def input_tokens(self) -> int:
        return self.video_tokens + self.audio_tokens + self.text_tokens


def plan(request: ChunkRequest, options: GeminiOptions, model: str, day: date) -> Plan:
    """What the call should cost on `day`, from the documented per-frame and per-second token
    rates and the prompt's length (no network: `count_tokens` would be a billed round trip)."""
    seconds = request.duration
    video = 0
    if request.has_video:
        frames = max(1, round(seconds * options.fps))
        video = frames * options.tokens_per_frame[options.media_resolution]
    audio = round(seconds * options.audio_tokens_per_second) if request.has_audio else 0
    chars = len(SYSTEM_INSTRUCTION) + len(build.prompt_text(request, options))
    text = round(chars / options.chars_per_token) + SCHEMA_TOKENS
    moments = min(options.max_moments, max(1, math.ceil(seconds / request.max_seconds)))
    output = ANSWER_TOKENS + MOMENT_TOKENS * moments + options.planned_thinking_tokens
    if request.transcribe:
        output += round(seconds * 4)  # speech runs at about 4 tokens a second
    price = options.price(model, day)
    usd = price.usd(video + audio + text, output, audio_tokens=audio)
    cost = Cost(input_tokens=video + audio + text, output_tokens=output, usd=usd)
    return Plan(video, audio, text, output, cost)


def _audio_tokens(usage: types.GenerateContentResponseUsageMetadata) -> int:
    for detail in usage.prompt_tokens_details or ():
        if detail.modality == types.MediaModality.AUDIO:
            return detail.token_count or 0
    return 0


def measured(usage: types.GenerateContentResponseUsageMetadata | None, price: ModelPrice) -> Cost:
    """What Vertex bills for one answer: prompt tokens in, answer plus thinking tokens out."""
    if usage is None:
        return Cost()
    input_tokens = usage.prompt_token_count or 0
    output_tokens = (usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0)
    usd = price.usd(input_tokens, output_tokens, audio_tokens=_audio_tokens(usage))
    return Cost(input_tokens=input_tokens, output_tokens=output_tokens, usd=usd)


@dataclass(frozen=True)
class Budget:
    """A job may spend at most `ceiling_usd` on model calls.

    Both checks are made before a chunk calls: the whole job planned at this chunk's rate
    (the same answer for every chunk, so parallel chunks agree), and what was already spent
    plus this chunk's plan (repairs and retries count).
    """

    ceiling_usd: float

    def allows(self, planned: Cost, chunks_total: int, spent: Cost) -> bool:
        job_plan = planned.scaled(max(1, chunks_total))
        return job_plan.usd <= self.ceiling_usd and spent.usd + planned.usd <= self.ceiling_usd
