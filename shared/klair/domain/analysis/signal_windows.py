"""The signals-only analysis (no speech to build on: music, silence-heavy or audio without
words): pause-edged windows scored on loudness, speech ratio and scene cuts."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from klair.domain.analysis.edges import signal_edges
from klair.domain.analysis.selection import best_disjoint
from klair.domain.clip import Candidate, Evidence
from klair.domain.signals import Signals

VIDEO_WEIGHTS = {"energy": 0.45, "clarity": 0.35, "visual": 0.20}


AUDIO_WEIGHTS = {"energy": 0.55, "clarity": 0.45}


# Candidates kept per chunk (non-overlapping, best first): enough for selection to choose from.
MAX_CANDIDATES = 20


# Loudness: each LU above the file's mean adds this many points to the level score.
POINTS_PER_LU = 5.0


# Standard deviation of momentary loudness (LU) that counts as fully dynamic.
FULL_SPREAD = 12.0


MAX_EVIDENCE = 5


@dataclass(frozen=True)
class _Window:
    start: float
    end: float
    score: float
    scores: dict[str, float]


def _clamp(value: float) -> float:
    return round(min(100.0, max(0.0, value)), 1)


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
    starts, ends = signal_edges(signals, start, end)
    for a in starts:
        limit = min(a + max_s, end)
        if a + min_s > limit:
            continue
        reachable = ends[bisect_left(ends, a + min_s) : bisect_right(ends, limit)]
        yield from ((a, b) for b in reachable)
        if not reachable:
            yield a, limit


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


def _reason(signals: Signals, w: _Window, file_loudness: float, in_pauses: bool = True) -> str:
    relative = signals.mean_loudness(w.start, w.end) - file_loudness
    tone = "Lively" if w.scores["energy"] >= 60 else "Calm" if w.scores["energy"] < 40 else "Steady"
    parts = [
        f"{tone} passage ({relative:+.1f} LU vs the whole file)",
        f"speech {w.scores['clarity']:.0f}% of the time",
    ]
    if signals.has_video:
        parts.append(f"{len(signals.scenes_between(w.start, w.end))} scene cuts")
    return ", ".join(parts) + ("; starts and ends on a pause." if in_pauses else ".")


def _candidate(
    signals: Signals, w: _Window, file_loudness: float, in_pauses: bool = True
) -> Candidate:
    return Candidate(
        start=w.start,
        end=w.end,
        score=w.score,
        scores=w.scores,
        evidence=_evidence(signals, w, file_loudness),
        reason=_reason(signals, w, file_loudness, in_pauses),
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
    return [_candidate(signals, w, file_loudness) for w in best_disjoint(windows, MAX_CANDIDATES)]


def score_span(signals: Signals, start: float, end: float, in_pauses: bool) -> Candidate:
    """One given span scored by the signals alone (a manual clip without words to read)."""
    file_loudness = signals.mean_loudness()
    scores = _criteria(signals, file_loudness, start, end)
    window = _Window(start, end, _overall(scores), scores)
    return _candidate(signals, window, file_loudness, in_pauses)
