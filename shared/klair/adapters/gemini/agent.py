"""One excerpt, one answer: call Gemini, validate, repair once if the answer is unusable, and
otherwise say why the caller should fall back to the offline analyzer."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

import httpx
import structlog
from google import genai
from google.genai import errors, types
from pydantic import ValidationError

from klair.adapters.gemini import request as build
from klair.adapters.gemini.client import RETRIED_STATUSES
from klair.adapters.gemini.cost import measured
from klair.adapters.gemini.options import GeminiOptions
from klair.adapters.gemini.request import ChunkRequest
from klair.adapters.gemini.validate import Validated, validate
from klair.domain.analysis.scoring import DEFAULT_WEIGHTS
from klair.domain.cost import Cost

log = structlog.get_logger(__name__)

Problem = Literal["malformed", "blocked"]
Fallback = Literal["malformed", "blocked", "unavailable", "rejected", "deadline"]


def _transport_errors() -> tuple[type[Exception], ...]:
    """Connection failures and timeouts, from httpx2 (google-genai 3's default HTTP client)
    or httpx (older releases, or an injected httpx client)."""
    found: list[type[Exception]] = [httpx.HTTPError]
    try:
        import httpx2

        found.append(httpx2.HTTPError)
    except ImportError:  # pragma: no cover - google-genai < 3
        pass
    return tuple(found)


TRANSPORT_ERRORS = _transport_errors()

_BLOCKED = {
    types.FinishReason.SAFETY,
    types.FinishReason.RECITATION,
    types.FinishReason.BLOCKLIST,
    types.FinishReason.PROHIBITED_CONTENT,
    types.FinishReason.SPII,
    types.FinishReason.IMAGE_SAFETY,
    types.FinishReason.MODEL_ARMOR,
}


@dataclass(frozen=True)
class ExcerptOutcome:
    """What one excerpt produced: a validated answer, or the reason there is none."""

    model: str
    cost: Cost
    calls: int
    validated: Validated | None = None
    fallback: Fallback | None = None
    problems: list[str] = field(default_factory=list)


def read(
    response: types.GenerateContentResponse,
    request: ChunkRequest,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> Validated | str:
    """The validated answer, or `kind: what was wrong` (kind is a `Problem`)."""
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        return f"blocked: the request was blocked ({feedback.block_reason.value})"
    if not response.candidates:
        return "blocked: no answer was returned"
    finish = response.candidates[0].finish_reason
    if finish in _BLOCKED and finish is not None:
        return f"blocked: the answer was stopped ({finish.value})"
    if finish == types.FinishReason.MAX_TOKENS:
        return "malformed: the answer was cut off at the output token limit"
    text = response.text
    if not text:
        return "malformed: the answer was empty"
    try:
        answer = build.schema_for(request).model_validate_json(text)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the top level"
        return f"malformed: not the JSON the schema asks for ({first['msg']} at {where})"
    validated = validate(answer, request, weights)
    if answer.moments and not validated.candidates and validated.dropped.get("outside_window"):
        return "malformed: every moment was outside the excerpt (times must be relative to it)"
    return validated


class ExcerptAgent:
    def __init__(
        self,
        client: Callable[[], genai.Client],
        options: GeminiOptions,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self._options = options
        self._clock = clock

    def _call(
        self, request: ChunkRequest, model: str, repair: str | None
    ) -> types.GenerateContentResponse:
        return self._client().models.generate_content(
            model=model,
            contents=build.contents(request, self._options, repair),
            config=build.config(request, self._options, model),
        )

    def analyze(self, request: ChunkRequest, model: str, day: date) -> ExcerptOutcome:
        """At most two answers: the first, and one repair when it was malformed or blocked.
        Transport failures are not repaired: the client has already retried them. Answers
        are priced at the model's price in force on `day`."""
        started, cost = self._clock(), Cost()
        problems: list[str] = []
        price = self._options.price(model, day)
        for attempt in range(2):
            left = self._options.deadline_seconds - (self._clock() - started)
            if attempt and left < self._options.timeout_seconds:
                return self._outcome(model, cost, attempt, problems, fallback="deadline")
            try:
                response = self._call(request, model, problems[-1] if problems else None)
            except errors.APIError as exc:
                problems.append(f"{exc.code} {exc.status}: {exc.message}")
                return self._outcome(model, cost, attempt + 1, problems, _api_fallback(exc))
            except TRANSPORT_ERRORS as exc:
                problems.append(f"transport: {type(exc).__name__}")
                return self._outcome(model, cost, attempt + 1, problems, "unavailable")
            cost = cost + measured(response.usage_metadata, price)
            result = read(response, request, self._options.score_weights)
            if isinstance(result, Validated):
                return self._outcome(model, cost, attempt + 1, problems, validated=result)
            problems.append(result)
        kind: Problem = "blocked" if problems[-1].startswith("blocked") else "malformed"
        return self._outcome(model, cost, 2, problems, fallback=kind)

    def _outcome(
        self,
        model: str,
        cost: Cost,
        calls: int,
        problems: list[str],
        fallback: Fallback | None = None,
        validated: Validated | None = None,
    ) -> ExcerptOutcome:
        log.info(
            "gemini excerpt analyzed" if fallback is None else "gemini excerpt unusable",
            model=model,
            calls=calls,
            input_tokens=cost.input_tokens,
            output_tokens=cost.output_tokens,
            usd=round(cost.usd, 6),
            fallback=fallback,
            problems=problems,
            moments=len(validated.candidates) if validated else 0,
            dropped=validated.dropped if validated else {},
        )
        return ExcerptOutcome(model, cost, calls, validated, fallback, problems)


def _api_fallback(exc: errors.APIError) -> Fallback:
    """429 and 5xx that outlived the client's retries mean Vertex is unavailable for now;
    other 4xx (bad request, permission, unknown model) mean the request itself is refused."""
    return "unavailable" if exc.code in RETRIED_STATUSES or exc.code >= 500 else "rejected"
