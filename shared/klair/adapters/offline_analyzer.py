"""The offline analyzer (the embedded default and the production fallback): unit-aligned
moments from the chunk's transcript, the transcode's signals and the audience's reactions
heard in the chunk's audio, scored per criterion with evidence; the signals-only analysis
where there is no speech to build on."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import structlog

from klair.adapters.signals_analyzer import parse_signals
from klair.domain.analysis.candidates import Request, propose
from klair.domain.analysis.reactions import Reaction, follows_speech
from klair.domain.analysis.scoring import DEFAULT_WEIGHTS
from klair.domain.clip import Candidate
from klair.domain.errors import UnsupportedMedia
from klair.domain.signals import merge_spans
from klair.domain.transcript import Transcript

log = structlog.get_logger(__name__)
# Shorter loud, wordless stretches are a cough, a clap or a consonant, not the room reacting.
MIN_REACTION = 1.5


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
        reactions, pitch = heard(audio, start, end, transcript)
        return propose(parse_signals(signals), transcript, request, self._weights, reactions, pitch)


def heard(
    audio: Path, start: float, end: float, transcript: Transcript | None
) -> tuple[list[Reaction], list[tuple[float, float]]]:
    """What the chunk's audio adds to its words, from one read of the window: laughter and
    applause right after someone spoke (walk-on or organiser applause, with nothing said
    before it, earns nothing) and the voice's pitch. Without a transcript there is no
    telling speech from a crowd, so nothing is heard."""
    if transcript is None or not audio.exists():
        return [], []
    # numpy: loaded only where chunks are analysed
    from klair.adapters.audio_features import frame_features, read_window
    from klair.adapters.audio_pitch import track
    from klair.adapters.audio_reactions import scan_samples

    try:
        samples, rate = read_window(audio, start, end)
    except UnsupportedMedia:  # the transcriber read it: these are a bonus, not a gate
        log.warning("audio unreadable for reactions and pitch", audio=audio.name)
        return [], []
    speech = merge_spans([(w.start, w.end) for w in transcript.words_between(start, end)])
    found = scan_samples(frame_features(samples, rate, start), speech).reactions if speech else []
    reactions = [
        r for r in found
        if r.end - r.start >= MIN_REACTION and follows_speech(r, speech) is not None
    ]  # fmt: skip
    return reactions, track(samples, rate, start)
