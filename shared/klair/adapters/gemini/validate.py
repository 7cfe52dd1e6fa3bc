"""The model's answer made safe to use: absolute seconds, inside the excerpt, of an allowed
length, non-overlapping; every moment dropped is counted by reason."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from klair.adapters.gemini import timecode
from klair.adapters.gemini.prompt import Line
from klair.adapters.gemini.request import ChunkRequest
from klair.adapters.gemini.schema import ChunkAnalysis, ChunkAnalysisWithTranscript, Moment
from klair.domain.analysis.scoring import DEFAULT_WEIGHTS, overall
from klair.domain.clip import Candidate, Evidence

# MM:SS is whole seconds, so an edge this far outside the excerpt or a length this far off
# the allowed range is rounding, not a mistake: clamp it rather than drop the moment.
TOLERANCE = 1.0


@dataclass(frozen=True)
class Validated:
    candidates: list[Candidate]
    dropped: dict[str, int]
    summary: str
    topics: list[str]
    language: str | None = None
    transcript: tuple[Line, ...] = ()


def _span(moment: Moment, request: ChunkRequest) -> tuple[float, float] | str:
    """Absolute (start, end) of the moment, or the reason it is dropped."""
    rel_start, rel_end = timecode.parse(moment.start), timecode.parse(moment.end)
    if rel_start is None or rel_end is None or rel_end <= rel_start:
        return "bad_timecode"
    start, end = request.start + rel_start, request.start + rel_end
    if start < request.start - TOLERANCE or end > request.end + TOLERANCE:
        return "outside_window"
    start, end = max(start, request.start), min(end, request.end)
    if end - start < request.min_seconds - TOLERANCE:
        return "too_short"
    if end - start > request.max_seconds + TOLERANCE:
        return "too_long"
    return start, min(end, start + request.max_seconds)


def _evidence(moment: Moment, request: ChunkRequest) -> dict[str, list[Evidence]]:
    grouped: dict[str, list[Evidence]] = {}
    for note in moment.evidence:
        at = timecode.parse(note.at)
        if at is None or not 0 <= at <= request.duration + TOLERANCE:
            continue  # a stray note does not cost the moment its place
        absolute = min(request.start + at, request.end)
        grouped.setdefault(note.criterion, []).append(Evidence(at=absolute, text=note.note))
    return grouped


def _spoken(lines: Sequence[Line], start: float, end: float) -> str:
    return " ".join(line.text.strip() for line in lines if line.end > start and line.start < end)


def _candidate(
    moment: Moment,
    span: tuple[float, float],
    request: ChunkRequest,
    lines: Sequence[Line],
    weights: Mapping[str, float],
) -> Candidate:
    scores = {k: float(v) for k, v in moment.scores.model_dump().items()}
    if not request.has_video:
        scores.pop("visual", None)
    return Candidate(
        start=span[0],
        end=span[1],
        score=overall(scores, weights),  # the offline analyzer's weights: ranks compare
        scores=scores,
        evidence=_evidence(moment, request),
        reason=moment.reason.strip(),
        transcript=_spoken(lines, *span),
        title=moment.title.strip(),
        hook_line=moment.hook.strip(),
    )


def model_transcript(answer: ChunkAnalysis, request: ChunkRequest) -> tuple[Line, ...]:
    """The model's own transcript in absolute seconds (empty when it was not asked for one)."""
    if not isinstance(answer, ChunkAnalysisWithTranscript):
        return ()
    lines = []
    for line in answer.transcript:
        start, end = timecode.parse(line.start), timecode.parse(line.end)
        if start is None or end is None or end < start or start > request.duration + TOLERANCE:
            continue
        lines.append(Line(request.start + start, min(request.start + end, request.end), line.text))
    return tuple(lines)


def validate(
    answer: ChunkAnalysis, request: ChunkRequest, weights: Mapping[str, float] = DEFAULT_WEIGHTS
) -> Validated:
    """Candidates best first, none overlapping another of a higher score."""
    dropped: Counter[str] = Counter()
    heard = model_transcript(answer, request)
    lines = heard or request.transcript or ()
    found: list[Candidate] = []
    for moment in answer.moments:
        span = _span(moment, request)
        if isinstance(span, str):
            dropped[span] += 1
        else:
            found.append(_candidate(moment, span, request, lines, weights))
    kept: list[Candidate] = []
    for c in sorted(found, key=lambda c: (-c.score, c.start)):
        if any(c.start < k.end and c.end > k.start for k in kept):
            dropped["overlap"] += 1
        else:
            kept.append(c)
    language = answer.language if isinstance(answer, ChunkAnalysisWithTranscript) else None
    return Validated(
        candidates=kept,
        dropped=dict(dropped),
        summary=answer.summary.strip(),
        topics=[t.strip() for t in answer.topics if t.strip()],
        language=language or request.language,
        transcript=heard,
    )
