"""Manual clips: ranges a user chose on a finished job, checked against the source and the
lengths a clip may have, their edges moved into the nearest pauses by the one edge rule
(klair.domain.analysis.edges), then scored and explained like a detected moment (the same
criteria, weights, evidence, reason and title over the job's stored transcript and
signals; the audience reactions and pitch the analysis heard in the audio are not stored,
so a manual clip is scored without them)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from klair.domain.analysis.candidates import MIN_WORDS, Request, context, scored
from klair.domain.analysis.context import Window
from klair.domain.analysis.edges import PauseFinder, snap
from klair.domain.analysis.signal_windows import score_span
from klair.domain.analysis.titles import titled
from klair.domain.clip import Candidate
from klair.domain.errors import InvalidInput
from klair.domain.signals import Signals
from klair.domain.transcript import Span, Transcript, Word

# Ranges one request may cut: each is rendered like a clip of the job.
MAX_RANGES = 20
# The lengths any clip may have (the bounds of `JobOptions`' clip lengths), whatever the
# job asked detection for; a platform preset lowers the longest to its cap.
MIN_SECONDS = 3.0
MAX_SECONDS = 600.0


class ClipRange(BaseModel):
    """Seconds of the source; the checks that refuse a bad one have their own codes."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    start: float
    end: float


@dataclass(frozen=True)
class Lengths:
    """How long a manual clip may be; `preset`: whose cap `max_seconds` is, if any."""

    min_seconds: float = MIN_SECONDS
    max_seconds: float = MAX_SECONDS
    preset: str | None = None

    def allow(self, seconds: float) -> bool:
        return self.min_seconds - 1e-6 <= seconds <= self.max_seconds + 1e-6


def _refuse(message: str, code: str, index: int, **details: object) -> InvalidInput:
    return InvalidInput(message, code=code, index=index, **details)


def check_ranges(ranges: Sequence[ClipRange], duration: float, lengths: Lengths) -> None:
    """A 400 with its own code for the first bad range (`details.index`), or too many."""
    if not ranges or len(ranges) > MAX_RANGES:
        raise InvalidInput(
            f"give 1 to {MAX_RANGES} ranges", code="too_many_ranges" if ranges else "no_ranges",
            max_ranges=MAX_RANGES, given=len(ranges),
        )  # fmt: skip
    for i, r in enumerate(ranges):
        if r.start >= r.end:
            raise _refuse("a range's start must be before its end", "range_start_after_end", i)
        if r.start < 0 or r.end > duration + 1e-3:
            raise _refuse(
                f"range {i} is outside the source (0–{duration:.3f} s)", "range_outside_source",
                i, source_seconds=round(duration, 3),
            )  # fmt: skip
        seconds = r.end - r.start
        if seconds < lengths.min_seconds - 1e-6:
            raise _refuse(
                f"range {i} lasts {seconds:.3f} s; a clip lasts at least "
                f"{lengths.min_seconds:g} s", "range_too_short", i,
                min_seconds=lengths.min_seconds,
            )  # fmt: skip
        if seconds > lengths.max_seconds + 1e-6:
            raise _refuse(
                f"range {i} lasts {seconds:.3f} s; a clip lasts at most "
                f"{lengths.max_seconds:g} s", "range_too_long", i,
                max_seconds=lengths.max_seconds, preset=lengths.preset,
            )  # fmt: skip


def _between_words(t: float, words: Sequence[Word]) -> bool:
    return not any(w.start < t < w.end for w in words)


def snapped_range(
    r: ClipRange, words: Sequence[Word], quiet: Sequence[Span], duration: float, lengths: Lengths
) -> tuple[float, float]:
    """The range's edges moved into the nearest pauses (within the edge rule's reach), as
    detected clips' are; the asked edges when the snapped ones would leave the source or
    the allowed lengths."""
    finder, starts = PauseFinder(quiet), [w.start for w in words]
    a = max(0.0, snap(r.start, words, finder, start=True, starts=starts))
    b = min(duration, snap(r.end, words, finder, start=False, starts=starts))
    return (a, b) if a < b and lengths.allow(b - a) else (r.start, r.end)


def score_range(
    signals: Signals,
    transcript: Transcript | None,
    span: tuple[float, float],
    weights: Mapping[str, float],
) -> Candidate:
    """[start, end) scored as the analysis scores a moment: over its sentences when it has
    words to read, by the signals alone otherwise; titled like a detected clip."""
    start, end = span
    spoken = transcript.words if transcript is not None else []
    in_pauses = _between_words(start, spoken) and _between_words(end, spoken)
    words = transcript.words_between(start, end) if transcript is not None else []
    if transcript is None or len(words) < MIN_WORDS:
        return titled(score_span(signals, start, end, in_pauses))
    ctx = context(signals, transcript, Request(start, end, end - start, end - start), weights)
    if not ctx.sentences:
        return titled(score_span(signals, start, end, in_pauses))
    window = Window(0, len(ctx.sentences) - 1, start, end, quiet_edges=in_pauses)
    return titled(scored(ctx, window, in_pauses))
