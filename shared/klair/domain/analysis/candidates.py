"""Candidate moments from a transcript: runs of whole units (a question and its answer, a
story, a setup, its punchline and the laughter after it) within the requested length, edges
snapped into the pauses around them (a beat into the audience's reaction when one follows),
scored per criterion; the chunk keeps the best set of non-overlapping ones. Without enough
speech to build on, the signals-only analysis proposes the moments instead."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace

from klair.domain.analysis.context import Context, Window
from klair.domain.analysis.edges import Boundary, PauseFinder, quiet_spans
from klair.domain.analysis.reactions import Reaction
from klair.domain.analysis.scoring import DEFAULT_WEIGHTS, criteria, overall, reason
from klair.domain.analysis.selection import varied
from klair.domain.analysis.sentences import SENTENCE_GAP, split_sentences
from klair.domain.analysis.signal_windows import propose_candidates
from klair.domain.analysis.units import Unit, arc, reaction_after, units
from klair.domain.clip import Candidate, Evidence
from klair.domain.signals import Signals
from klair.domain.transcript import Transcript

# Candidates kept per chunk (varied, best first): enough for selection to choose from.
MAX_CANDIDATES = 30
# A transcript with fewer words than this says too little to cut a clip around.
MIN_WORDS = 3
# A sentence longer than this share of the longest clip is cut at a clause boundary.
SENTENCE_SHARE = 0.75
# Seconds of the audience's reaction a moment keeps after its last line.
REACTION_BEAT = 1.5
# Sentences of context at most on each side of a core too short to stand as a clip.
CONTEXT = 3


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
    signals: Signals,
    transcript: Transcript,
    request: Request,
    weights: Mapping[str, float],
    reactions: Sequence[Reaction] = (),
    pitch: Sequence[tuple[float, float]] = (),
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
    return Context(signals, scoped, sentences, quiet, weights, tuple(reactions), pitch)


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
    ctx: Context, bounds: list[Boundary | None], min_s: float, max_s: float
) -> Iterator[Window]:
    """Every run of whole units whose snapped edges are min_s..max_s apart; the runs of whole
    sentences when no run of units fits (a span of one long thought)."""
    found = list(_unit_windows(ctx, bounds, min_s, max_s))
    if found:
        yield from found
        return
    yield from _sentence_windows(ctx, bounds, min_s, max_s)


def _unit_windows(
    ctx: Context, bounds: list[Boundary | None], min_s: float, max_s: float
) -> Iterator[Window]:
    """Runs of whole units (the core); a core shorter than `min_s` takes the fewest
    neighbouring sentences (context) before and after it that make the length."""
    spans = units(ctx.sentences, ctx.cues, ctx.reactions, max_s)
    arcs = [arc(u, ctx.cues, ctx.landed) for u in spans]
    for i, core in enumerate(spans):
        for j in range(i, len(spans)):
            if ctx.sentences[spans[j].last].end - ctx.sentences[core.first].start > max_s:
                break
            best = max(range(i, j + 1), key=lambda n: arcs[n][0] * _length(ctx, spans[n]))
            found = _with_context(ctx, bounds, (core.first, spans[j].last), min_s, max_s)
            for w in found:
                share = min(1.0, _length(ctx, spans[best]) / w.duration) ** 0.5
                yield replace(w, arc=arcs[best][0] * share, arc_kind=arcs[best][1])


def _length(ctx: Context, unit: Unit) -> float:
    return ctx.sentences[unit.last].end - ctx.sentences[unit.first].start


def _with_context(
    ctx: Context, bounds: list[Boundary | None], core: tuple[int, int], min_s: float, max_s: float
) -> Iterator[Window]:
    """The core alone when long enough, else each shortest core + context in reach."""
    first, last = core
    n = len(ctx.sentences)
    for before in range(0, min(CONTEXT, first) + 1):
        for after in range(0, min(CONTEXT, n - 1 - last) + 1):
            window = _window(ctx, bounds, first - before, last + after, core)
            if window is None or window.duration > max_s + 1e-9:
                continue
            if window.duration >= min_s - 1e-9:
                yield window
                break  # more context after it would only add filler


def _window(
    ctx: Context,
    bounds: list[Boundary | None],
    first: int,
    last: int,
    core: tuple[int, int] | None = None,
) -> Window | None:
    """Sentences first..last between the pauses around them (None: no pause there); `core`
    is the run of whole units the window was cut for, if any."""
    opening, closing = bounds[first], bounds[last + 1]
    if opening is None or closing is None:
        return None
    a = opening.start_edge
    b, reaction = _ending(ctx, last, closing)
    quiet = opening.quiet and closing.quiet
    whole = core == (first, last)
    return Window(first, last, a, b, quiet, reaction, whole_units=whole, core=core)


def _sentence_windows(
    ctx: Context, bounds: list[Boundary | None], min_s: float, max_s: float
) -> Iterator[Window]:
    sentences = ctx.sentences
    for i, opening in enumerate(bounds[: len(sentences)]):
        if opening is None:
            continue
        for j in range(i, len(sentences)):
            if sentences[j].end - opening.start_edge > max_s:
                break
            w = _window(ctx, bounds, i, j)
            if w is not None and min_s - 1e-9 <= w.duration <= max_s + 1e-9:
                yield w


def _ending(ctx: Context, last: int, closing: Boundary) -> tuple[float, float]:
    """Where a moment ending with sentence `last` ends, and the strength of the reaction it
    ends a beat into (0: none): inside the pause after it, never into the next word."""
    reaction = reaction_after(ctx.sentences, last, ctx.reactions)
    if reaction is None:
        return closing.end_edge, 0.0
    beat = min(reaction.end, reaction.start + REACTION_BEAT)
    return round(min(closing.end, max(closing.end_edge, beat)), 3), reaction.strength


def _within(evidence: Evidence, w: Window) -> Evidence:
    """Evidence timestamps inside the moment (word timings may spill into the pauses)."""
    return evidence.model_copy(update={"at": min(max(evidence.at, w.start), w.end)})


def scored(ctx: Context, w: Window, in_pauses: bool = True) -> Candidate:
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
    return [scored(ctx, whole, in_pauses=False)]


def from_transcript(
    signals: Signals,
    transcript: Transcript,
    request: Request,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    limit: int = MAX_CANDIDATES,
    reactions: Sequence[Reaction] = (),
    pitch: Sequence[tuple[float, float]] = (),
) -> list[Candidate]:
    """The best `limit` unit-aligned moments of the request's span, none mostly covering a
    better one, best first: selection chooses the final set from every chunk's list."""
    found = scored_windows(signals, transcript, request, weights, reactions, pitch)
    return varied(found, limit)


def scored_windows(
    signals: Signals,
    transcript: Transcript,
    request: Request,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    reactions: Sequence[Reaction] = (),
    pitch: Sequence[tuple[float, float]] = (),
) -> list[Candidate]:
    """Every unit-aligned window of the request's span, scored (overlapping each other)."""
    ctx = context(signals, transcript, request, weights, reactions, pitch)
    start, end = max(request.start, 0.0), min(request.end, signals.duration)
    if signals.duration < request.min_seconds:
        return _whole_source(ctx) if start <= 0 else []
    bounds = boundaries(ctx, start, end)
    spans = windows(ctx, bounds, request.min_seconds, request.max_seconds)
    return [scored(ctx, w) for w in spans]


def propose(
    signals: Signals,
    transcript: Transcript | None,
    request: Request,
    weights: Mapping[str, float] = DEFAULT_WEIGHTS,
    reactions: Sequence[Reaction] = (),
    pitch: Sequence[tuple[float, float]] = (),
) -> list[Candidate]:
    """Moments from the transcript when there is speech to build on, from the signals alone
    (pause-edged windows scored on loudness, speech ratio and scene cuts) otherwise;
    `reactions` are the audience's laughter and applause heard in the span, `pitch` the
    voiced frames' (time, semitones)."""
    if transcript is not None:
        words = transcript.words_between(request.start, request.end)
        if len(words) >= MIN_WORDS:
            found = from_transcript(
                signals, transcript, request, weights, reactions=reactions, pitch=pitch
            )
            if found:
                return found
    return propose_candidates(
        signals, request.start, request.end, request.min_seconds, request.max_seconds
    )
