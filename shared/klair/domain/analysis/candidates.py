"""Candidate moments from a transcript: sentence-aligned windows within the requested length,
edges snapped into the pauses around them, scored per criterion, best non-overlapping first.
Without enough speech to build on, the signals-only analysis proposes the moments instead."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from klair.domain.analysis.edges import Boundary, PauseFinder, quiet_spans
from klair.domain.analysis.scoring import (
    DEFAULT_WEIGHTS,
    Context,
    Window,
    criteria,
    overall,
    reason,
)
from klair.domain.analysis.selection import best_disjoint
from klair.domain.analysis.sentences import SENTENCE_GAP, Sentence, split_sentences
from klair.domain.analysis.signal_windows import propose_candidates
from klair.domain.clip import Candidate, Evidence
from klair.domain.signals import Signals
from klair.domain.transcript import Transcript

# Candidates kept per chunk (non-overlapping, best first): enough for selection to choose from.
MAX_CANDIDATES = 20
# A transcript with fewer words than this says too little to cut a clip around.
MIN_WORDS = 3
# A sentence longer than this share of the longest clip is cut at a clause boundary.
SENTENCE_SHARE = 0.75


@dataclass(frozen=True)
class Request:
    """Which part of the source to analyze and how long moments may be (seconds)."""

    start: float
    end: float
    min_seconds: float
    max_seconds: float

    def __post_init__(self) -> None:
        if self.min_seconds <= 0 or self.min_seconds > self.max_seconds:
            raise ValueError("need 0 < min_seconds <= max_seconds")


def context(
    signals: Signals, transcript: Transcript, request: Request, weights: Mapping[str, float]
) -> Context:
    """Sentences of the transcript's words inside the request, and the pauses around them."""
    start, end = max(request.start, 0.0), min(request.end, signals.duration)
    words = transcript.words_between(start, end)
    scoped = transcript.model_copy(update={"words": words})
    opens = start <= 0 or (bool(words) and words[0].start - start >= SENTENCE_GAP)
    sentences = split_sentences(
        words,
        max(SENTENCE_SHARE * request.max_seconds, 1.0),
        opens_first=opens,
        window_end=end,
    )
    quiet = quiet_spans(signals.silences_between(start, end), transcript.pauses())
    return Context(signals, scoped, sentences, quiet, weights)


def boundaries(ctx: Context, start: float, end: float) -> list[Boundary | None]:
    """`[k]` is the pause before sentence k; the last one is the pause after the last sentence.
    None where no pause separates the sentences (no clip may start or end there)."""
    finder = PauseFinder(ctx.quiet)
    words, sentences = ctx.transcript.words, ctx.sentences
    found: list[Boundary | None] = []
    for k in range(len(sentences) + 1):
        before = words[sentences[k - 1].last] if k > 0 else None
        after = words[sentences[k].first] if k < len(sentences) else None
        at_source_edge = (k == 0 and start <= 0) or (
            k == len(sentences) and end >= ctx.signals.duration
        )
        found.append(finder.between(before, after, (start, end), source_edge=at_source_edge))
    return found


def windows(
    sentences: list[Sentence], bounds: list[Boundary | None], min_s: float, max_s: float
) -> Iterator[Window]:
    """Every run of whole sentences whose snapped edges are min_s..max_s apart."""
    for i, opening in enumerate(bounds[: len(sentences)]):
        if opening is None:
            continue
        a = opening.start_edge
        for j in range(i, len(sentences)):
            if sentences[j].end - a > max_s:
                break
            closing = bounds[j + 1]
            if closing is None:
                continue
            b = closing.end_edge
            if min_s - 1e-9 <= b - a <= max_s + 1e-9:
                yield Window(i, j, a, b, opening.quiet and closing.quiet)


def _within(evidence: Evidence, w: Window) -> Evidence:
    """Evidence timestamps inside the moment (word timings may spill into the pauses)."""
    return evidence.model_copy(update={"at": min(max(evidence.at, w.start), w.end)})


def _candidate(ctx: Context, w: Window, in_pauses: bool = True) -> Candidate:
    found = criteria(ctx, w)
    scores = {k: c.score for k, c in found.items()}
    words = ctx.transcript.words[ctx.sentences[w.first].first : ctx.sentences[w.last].last + 1]
    return Candidate(
        start=w.start,
        end=w.end,
        score=overall(scores, ctx.weights),
        scores=scores,
        evidence={k: [_within(e, w) for e in c.evidence] for k, c in found.items()},
        reason=reason(found, ctx.weights, in_pauses),
        transcript=" ".join(word.text.strip() for word in words),
    )


def _whole_source(ctx: Context) -> list[Candidate]:
    """A source shorter than the shortest clip is one moment: all of it."""
    if not ctx.sentences:
        return []
    whole = Window(0, len(ctx.sentences) - 1, 0.0, ctx.signals.duration, quiet_edges=False)
    return [_candidate(ctx, whole, in_pauses=False)]


def from_transcript(
    signals: Signals,
    transcript: Transcript,
    request: Request,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    limit: int = MAX_CANDIDATES,
) -> list[Candidate]:
    """Scored, non-overlapping, sentence-aligned moments of the request's span, best first."""
    return best_disjoint(scored_windows(signals, transcript, request, weights), limit)


def scored_windows(
    signals: Signals,
    transcript: Transcript,
    request: Request,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> list[Candidate]:
    """Every sentence-aligned window of the request's span, scored (overlapping each other)."""
    ctx = context(signals, transcript, request, weights)
    start, end = max(request.start, 0.0), min(request.end, signals.duration)
    if signals.duration < request.min_seconds:
        return _whole_source(ctx) if start <= 0 else []
    bounds = boundaries(ctx, start, end)
    spans = windows(ctx.sentences, bounds, request.min_seconds, request.max_seconds)
    return [_candidate(ctx, w) for w in spans]


def propose(
    signals: Signals,
    transcript: Transcript | None,
    request: Request,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
) -> list[Candidate]:
    """Moments from the transcript when there is speech to build on, from the signals alone
    (pause-edged windows scored on loudness, speech ratio and scene cuts) otherwise."""
    if transcript is not None:
        words = transcript.words_between(request.start, request.end)
        if len(words) >= MIN_WORDS:
            found = from_transcript(signals, transcript, request, weights)
            if found:
                return found
    return propose_candidates(
        signals, request.start, request.end, request.min_seconds, request.max_seconds
    )
