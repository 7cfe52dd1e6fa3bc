"""One scored criterion of a moment: a 0–100 score, the evidence behind it and a phrase that
can stand in the moment's one-line reason."""

from __future__ import annotations

from dataclasses import dataclass

from klair.domain.clip import Evidence


def clamp(value: float) -> float:
    """A score: rounded to one decimal and kept within 0–100."""
    return round(min(100.0, max(0.0, value)), 1)


@dataclass(frozen=True)
class Criterion:
    score: float
    evidence: list[Evidence]
    phrase: str
