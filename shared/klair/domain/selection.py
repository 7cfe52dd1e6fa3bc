"""Foundation analysis and selection: pause-edged windows scored from signals, then ranked clips."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from klair.domain.clip import Candidate, Clip, Evidence
from klair.domain.ids import clip_id
from klair.domain.lexicon import tokens
from klair.domain.signals import Signals

VIDEO_WEIGHTS = {"energy": 0.45, "clarity": 0.35, "visual": 0.20}
AUDIO_WEIGHTS = {"energy": 0.55, "clarity": 0.45}
# A clip starts this long before speech resumes after a pause and ends this long after it stops.
LEAD_IN = 0.25
TAIL = 0.35
# Without pauses, edges sit at loudness minima at least this many seconds apart.
MINIMA_RADIUS = 1.0
# Candidates kept per chunk (non-overlapping, best first): enough for selection to choose from.
MAX_CANDIDATES = 20
# Loudness: each LU above the file's mean adds this many points to the level score.
POINTS_PER_LU = 5.0
# Standard deviation of momentary loudness (LU) that counts as fully dynamic.
FULL_SPREAD = 12.0
MAX_EVIDENCE = 5
# Word trigrams compared between transcripts; two moments sharing this share of the shorter
# one's trigrams say the same thing, and only the better one is kept.
SHINGLE = 3
DUPLICATE_SHARE = 0.5

Order = Literal["score", "time"]


@dataclass(frozen=True)
class _Window:
    start: float
    end: float
    score: float
    scores: dict[str, float]


def _clamp(value: float) -> float:
    return round(min(100.0, max(0.0, value)), 1)


def _pause_edges(signals: Signals, start: float, end: float) -> tuple[list[float], list[float]]:
    """Start edges just before speech resumes and end edges just after it stops."""
    starts: set[float] = set()
    ends: set[float] = set()
    for pause_start, pause_end in signals.silences:
        before_speech = max(pause_start, pause_end - LEAD_IN)
        after_speech = min(pause_end, pause_start + TAIL)
        if start <= before_speech < end:
            starts.add(before_speech)
        if start < after_speech <= end:
            ends.add(after_speech)
    return sorted(starts), sorted(ends)


def _minima_edges(signals: Signals, start: float, end: float) -> list[float]:
    """Local loudness minima (a breath, a beat between words) when nothing is silent enough;
    a regular grid when the loudness is flat."""
    edges: list[float] = []
    for t, value in signals.points_between(start, end):
        around = signals.loudness_between(t - MINIMA_RADIUS, t + MINIMA_RADIUS)
        is_minimum = value <= min(around) and value < max(around)
        if is_minimum and (not edges or t - edges[-1] >= MINIMA_RADIUS):
            edges.append(t)
    if len(edges) < 2:
        count = int((end - start) / MINIMA_RADIUS) + 1
        edges = [start + i * MINIMA_RADIUS for i in range(count) if start + i * MINIMA_RADIUS < end]
    return edges


def _edges(signals: Signals, start: float, end: float) -> tuple[list[float], list[float]]:
    starts, ends = _pause_edges(signals, start, end)
    if not starts or not ends:
        minima = _minima_edges(signals, start, end)
        starts, ends = sorted({*starts, *minima}), sorted({*ends, *minima})
    if start <= 0:
        starts = sorted({0.0, *starts})
    if end >= signals.duration:
        ends = sorted({*ends, signals.duration})
    return starts, ends


def _criteria(signals: Signals, file_loudness: float, a: float, b: float) -> dict[str, float]:
    length = b - a
    level = 50.0 + POINTS_PER_LU * (signals.mean_loudness(a, b) - file_loudness)
    dynamics = 100.0 * signals.loudness_spread(a, b) / FULL_SPREAD
    scores = {
        "energy": _clamp(0.7 * level + 0.3 * min(100.0, dynamics)),
        "clarity": _clamp(100.0 * (1.0 - signals.silence_between(a, b) / length)),
    }
    if signals.has_video:
        window_rate = 60.0 * len(signals.scenes_between(a, b)) / length
        file_rate = signals.scene_rate()
        total = window_rate + file_rate
        contrast = (window_rate - file_rate) / total if total else 0.0
        scores["visual"] = _clamp(50.0 + 50.0 * contrast)
    return scores


def _overall(scores: dict[str, float]) -> float:
    weights = VIDEO_WEIGHTS if "visual" in scores else AUDIO_WEIGHTS
    return _clamp(sum(weights[k] * scores[k] for k in weights) / sum(weights.values()))


def _windows(
    signals: Signals, start: float, end: float, min_s: float, max_s: float
) -> Iterable[tuple[float, float]]:
    """Every (start edge, end edge) pair of an allowed length; a start edge with no end edge in
    reach still yields one window of the longest allowed length."""
    starts, ends = _edges(signals, start, end)
    for a in starts:
        limit = min(a + max_s, end)
        if a + min_s > limit:
            continue
        reachable = ends[bisect_left(ends, a + min_s) : bisect_right(ends, limit)]
        yield from ((a, b) for b in reachable)
        if not reachable:
            yield a, limit


def _best_disjoint(windows: list[_Window], limit: int) -> list[_Window]:
    kept: list[_Window] = []
    for w in sorted(windows, key=lambda w: (-w.score, w.start, w.end)):
        if len(kept) == limit:
            break
        if all(w.end <= k.start or w.start >= k.end for k in kept):
            kept.append(w)
    return kept


def _evidence(signals: Signals, w: _Window, file_loudness: float) -> dict[str, list[Evidence]]:
    evidence: dict[str, list[Evidence]] = {"energy": [], "clarity": []}
    peak = signals.peak_between(w.start, w.end)
    if peak is not None:
        text = f"loudest moment {peak[1]:.1f} LUFS ({peak[1] - file_loudness:+.1f} LU vs file)"
        evidence["energy"].append(Evidence(at=peak[0], text=text))
    pauses = signals.silences_between(w.start, w.end)
    speech = 100.0 * (1.0 - sum(e - s for s, e in pauses) / (w.end - w.start))
    evidence["clarity"].append(Evidence(at=w.start, text=f"speech fills {speech:.0f}% of it"))
    if pauses:
        s, e = max(pauses, key=lambda p: p[1] - p[0])
        evidence["clarity"].append(Evidence(at=s, text=f"longest pause {e - s:.1f} s"))
    if signals.has_video:
        cuts = signals.scenes_between(w.start, w.end)
        evidence["visual"] = [Evidence(at=t, text="scene cut") for t in cuts[:MAX_EVIDENCE]]
    return evidence


def _reason(signals: Signals, w: _Window, file_loudness: float) -> str:
    relative = signals.mean_loudness(w.start, w.end) - file_loudness
    tone = "Lively" if w.scores["energy"] >= 60 else "Calm" if w.scores["energy"] < 40 else "Steady"
    parts = [
        f"{tone} passage ({relative:+.1f} LU vs the whole file)",
        f"speech {w.scores['clarity']:.0f}% of the time",
    ]
    if signals.has_video:
        parts.append(f"{len(signals.scenes_between(w.start, w.end))} scene cuts")
    return ", ".join(parts) + "; starts and ends on a pause."


def _candidate(signals: Signals, w: _Window, file_loudness: float) -> Candidate:
    return Candidate(
        start=w.start,
        end=w.end,
        score=w.score,
        scores=w.scores,
        evidence=_evidence(signals, w, file_loudness),
        reason=_reason(signals, w, file_loudness),
    )


def propose_candidates(
    signals: Signals, start: float, end: float, min_s: float, max_s: float
) -> list[Candidate]:
    """Scored, non-overlapping candidate windows within [start, end] of the source, best first.

    A source shorter than `min_s` yields one candidate: the whole source (from its first chunk).
    """
    if min_s <= 0 or min_s > max_s:
        raise ValueError("need 0 < min_s <= max_s")
    end = min(end, signals.duration)
    file_loudness = signals.mean_loudness()
    if signals.duration < min_s:
        spans = [(0.0, signals.duration)] if start <= 0 < signals.duration else []
    else:
        spans = list(_windows(signals, max(0.0, start), end, min_s, max_s))
    windows = []
    for a, b in spans:
        scores = _criteria(signals, file_loudness, a, b)
        windows.append(_Window(a, b, _overall(scores), scores))
    return [_candidate(signals, w, file_loudness) for w in _best_disjoint(windows, MAX_CANDIDATES)]


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = tokens(text)
    return frozenset(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def _says_the_same(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> bool:
    """Most of the shorter moment's word sequences also occur in the other (a repeated
    passage, a re-take, a recap), even if the two moments do not overlap in time."""
    if not a or not b:
        return False
    return len(a & b) >= DUPLICATE_SHARE * min(len(a), len(b))


def distinct(candidates: Iterable[Candidate], limit: int) -> list[Candidate]:
    """The best `limit` candidates, none overlapping another in time or saying the same thing
    (overlapping chunks propose the same moment twice; talks repeat themselves)."""
    kept: list[tuple[Candidate, frozenset[tuple[str, ...]]]] = []
    for c in sorted(candidates, key=lambda c: (-c.score, c.start, c.end)):
        if len(kept) == limit:
            break
        words = _shingles(c.transcript)
        if all(
            (c.end <= k.start or c.start >= k.end) and not _says_the_same(words, seen)
            for k, seen in kept
        ):
            kept.append((c, words))
    return [c for c, _ in kept]


def select_clips(candidates: Iterable[Candidate], count: int, order: Order = "score") -> list[Clip]:
    """Merge candidates from every chunk into at most `count` clips, best first, that neither
    overlap nor say the same thing; ranks run 1..k by score and give the ids, `order` only
    sorts the returned list.
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    kept = distinct(candidates, count)
    clips = [Clip(**c.model_dump(), id=clip_id(rank), rank=rank) for rank, c in enumerate(kept, 1)]
    return ordered(clips, order)


def ordered(clips: Iterable[Clip], order: Order = "score") -> list[Clip]:
    """Clips by rank, or by their start in the source."""
    key = (lambda c: (c.start, c.rank)) if order == "time" else (lambda c: (c.rank, c.start))
    return sorted(clips, key=key)
