"""Analyzer over the transcode pass's signals alone: the offline foundation, no model needed."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from klair.domain.analysis.signal_windows import propose_candidates
from klair.domain.clip import Candidate
from klair.domain.errors import InvalidInput
from klair.domain.signals import Signals
from klair.domain.transcript import Transcript


class SignalsAnalyzer:
    """Proposes pause-edged windows scored on loudness, speech ratio and scene cuts.

    The audio file is not read: everything it needs is in the signals mapping (the parsed
    `signals.json`), which is why it runs anywhere ffmpeg has already run. A transcript, if
    given, is ignored.
    """

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
        return propose_candidates(parse_signals(signals), start, end, min_seconds, max_seconds)


def parse_signals(signals: Mapping[str, Any]) -> Signals:
    """The parsed `signals.json`; `InvalidInput` (permanent) when it is malformed."""
    try:
        return Signals.model_validate(dict(signals))
    except ValidationError as exc:
        raise InvalidInput(f"signals are malformed: {exc.error_count()} errors") from exc
