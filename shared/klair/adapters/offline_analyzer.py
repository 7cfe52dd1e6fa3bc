"""The offline analyzer (the embedded default and the production fallback): sentence-aligned
moments from the chunk's transcript and the transcode's signals, scored per criterion with
evidence; the signals-only analysis where there is no speech to build on."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from klair.adapters.signals_analyzer import parse_signals
from klair.domain.analysis.candidates import Request, propose
from klair.domain.analysis.scoring import DEFAULT_WEIGHTS
from klair.domain.clip import Candidate
from klair.domain.transcript import Transcript


class OfflineAnalyzer:
    """No model call of its own: the transcript comes from the `Transcriber` (Whisper), the
    loudness, pauses and scene cuts from `signals.json`. `weights` weigh the criteria (hook,
    energy, clarity, completeness, visual) into the overall score."""

    def __init__(self, weights: Mapping[str, float] | None = None) -> None:
        self._weights = dict(weights or DEFAULT_WEIGHTS)

    def analyze(
        self,
        audio: Path,
        signals: Mapping[str, Any],
        start: float,
        end: float,
        min_seconds: float,
        max_seconds: float,
        *,
        transcript: Transcript | None = None,
    ) -> list[Candidate]:
        request = Request(start, end, min_seconds, max_seconds)
        return propose(parse_signals(signals), transcript, request, self._weights)
