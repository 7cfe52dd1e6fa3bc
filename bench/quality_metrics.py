"""Scoring clip choices against planted highlights: pure functions on time spans, shared by
Klair and the baselines so every selector is judged by the same rule.

Matching rule (one-to-one): clip C *can hit* highlight H when
  1. C covers at least half of H (overlap ≥ 0.5 × |H|), and
  2. at least half of C is H or its minimal context: overlap(C, H⁺) ≥ 0.5 × |C|, where H⁺
     is H widened symmetrically to the shortest allowed clip length (a 10 s hook cannot fill
     a 15 s clip; a 60 s clip around a 10 s hook is mostly something else and misses).
Clips and highlights are then paired by a maximum matching (each clip hits at most one
highlight and each highlight is hit at most once), so a clip spanning two highlights
counts once. precision = matched / clips, recall = matched / highlights.

A highlight is *split* when two or more clips each hold at least SPLIT_SHARE of it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Span = tuple[float, float]
COVER, PURITY, SPLIT_SHARE = 0.5, 0.5, 0.1
# Clip edges are compared with sample-exact speech spans, within one 20 ms audio frame.
EDGE_TOLERANCE = 0.02


def overlap(a: Span, b: Span) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def widened(h: Span, min_len: float, duration: float) -> Span:
    """`h` grown symmetrically to at least `min_len`, kept inside [0, duration]."""
    extra = max(0.0, min_len - (h[1] - h[0])) / 2
    start, end = h[0] - extra, h[1] + extra
    if start < 0:
        start, end = 0.0, min(duration, end - start)
    if end > duration:
        start, end = max(0.0, start - (end - duration)), duration
    return start, end


def can_hit(clip: Span, h: Span, min_len: float, duration: float) -> bool:
    length = clip[1] - clip[0]
    if length <= 0 or overlap(clip, h) < COVER * (h[1] - h[0]):
        return False
    return overlap(clip, widened(h, min_len, duration)) >= PURITY * length - 1e-9


def match(
    clips: Sequence[Span], highlights: Sequence[Span], min_len: float, duration: float
) -> dict[int, int]:
    """Maximum one-to-one matching clip index → highlight index (Kuhn's augmenting paths)."""
    edges = [
        [j for j, h in enumerate(highlights) if can_hit(c, h, min_len, duration)] for c in clips
    ]
    owner: dict[int, int] = {}  # highlight → clip

    def augment(i: int, seen: set[int]) -> bool:
        for j in edges[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(clips)):
        augment(i, set())
    return {i: j for j, i in owner.items()}


def is_split(h: Span, clips: Sequence[Span]) -> bool:
    holders = [c for c in clips if overlap(c, h) >= SPLIT_SHARE * (h[1] - h[0])]
    return len(holders) >= 2


def in_gap(t: float, gaps: Sequence[Span], tol: float = EDGE_TOLERANCE) -> bool:
    return any(a - tol <= t <= b + tol for a, b in gaps)


def cuts_no_sentence(clip: Span, sentences: Sequence[Span]) -> bool:
    """No sentence is partly inside the clip (each is wholly inside or wholly outside)."""
    tol = EDGE_TOLERANCE
    for s in sentences:
        inside = clip[0] - tol <= s[0] and s[1] <= clip[1] + tol
        outside = s[1] <= clip[0] + tol or s[0] >= clip[1] - tol
        if not (inside or outside):
            return False
    return True


@dataclass(frozen=True)
class Talk:
    """The ground truth a selection is scored against (spans in seconds)."""

    name: str
    duration: float
    highlights: list[Span]
    kinds: list[str]
    sentences: list[Span]
    gaps: list[Span]
    distractors: list[tuple[str, Span]] = field(default_factory=list)


@dataclass
class Score:
    """Counts pooled over talks (and seeds): ratios are micro-averages."""

    clips: int = 0
    highlights: int = 0
    matched: int = 0
    split: int = 0
    edges_in: int = 0
    edges: int = 0
    whole: int = 0
    kind_total: dict[str, int] = field(default_factory=dict)
    kind_hit: dict[str, int] = field(default_factory=dict)
    false_hits: dict[str, int] = field(default_factory=dict)  # distractor kinds in misses

    def add(self, other: Score) -> None:
        for name in ("clips", "highlights", "matched", "split", "edges_in", "edges", "whole"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for mine, theirs in (
            (self.kind_total, other.kind_total),
            (self.kind_hit, other.kind_hit),
            (self.false_hits, other.false_hits),
        ):
            for key, value in theirs.items():
                mine[key] = mine.get(key, 0) + value

    @property
    def precision(self) -> float:
        return self.matched / self.clips if self.clips else 0.0

    @property
    def recall(self) -> float:
        return self.matched / self.highlights if self.highlights else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def share(self, name: str) -> float:
        parts = {"split": (self.split, self.highlights), "edges": (self.edges_in, self.edges)}
        parts["whole"] = (self.whole, self.clips)
        num, den = parts[name]
        return num / den if den else 0.0


def score(talk: Talk, clips: Sequence[Span], min_len: float) -> Score:
    """One selection of one talk, by the module's rules."""
    pairs = match(clips, talk.highlights, min_len, talk.duration)
    result = Score(clips=len(clips), highlights=len(talk.highlights), matched=len(pairs))
    result.split = sum(is_split(h, clips) for h in talk.highlights)
    result.edges = 2 * len(clips)
    result.edges_in = sum(in_gap(t, talk.gaps) for c in clips for t in c)
    result.whole = sum(cuts_no_sentence(c, talk.sentences) for c in clips)
    hit = set(pairs.values())
    for j, kind in enumerate(talk.kinds):
        result.kind_total[kind] = result.kind_total.get(kind, 0) + 1
        result.kind_hit[kind] = result.kind_hit.get(kind, 0) + (j in hit)
    for i, clip in enumerate(clips):
        if i in pairs:
            continue
        for kind, span in talk.distractors:
            if overlap(clip, span) >= 0.5 * (span[1] - span[0]):
                result.false_hits[kind] = result.false_hits.get(kind, 0) + 1
    return result


def random_windows(
    duration: float, k: int, min_len: float, max_len: float, seed: int
) -> list[Span]:
    """`k` non-overlapping windows of uniform length and start (fewer if they do not fit)."""
    rng = random.Random(seed)
    chosen: list[Span] = []
    for _ in range(10_000):
        if len(chosen) == k:
            break
        length = rng.uniform(min_len, min(max_len, duration))
        start = rng.uniform(0.0, duration - length)
        window = (start, start + length)
        if all(overlap(window, c) == 0 for c in chosen):
            chosen.append(window)
    return sorted(chosen)


def loudest_windows(
    rms: npt.NDArray[np.float64], hop: float, k: int, min_len: float, max_len: float,
    step: float = 0.5, lengths: int = 10,
) -> list[Span]:  # fmt: skip
    """Greedy: the window (start on a `step` grid, one of `lengths` lengths from min to max)
    with the highest mean RMS, then the best not overlapping it, … `k` times."""
    total = np.concatenate([[0.0], np.cumsum(rms)])
    frames = len(rms)
    starts, sizes, means = [], [], []
    for length in np.linspace(min_len, max_len, lengths):
        n = max(1, round(length / hop))
        first = np.arange(0, frames - n + 1, max(1, round(step / hop)))
        if len(first) == 0:
            continue
        starts.append(first)
        sizes.append(np.full(len(first), n))
        means.append((total[first + n] - total[first]) / n)
    start, size, mean = (np.concatenate(a) for a in (starts, sizes, means))
    chosen: list[Span] = []
    for i in np.argsort(-mean, kind="stable"):
        window = (float(start[i] * hop), float((start[i] + size[i]) * hop))
        if all(overlap(window, c) == 0 for c in chosen):
            chosen.append(window)
            if len(chosen) == k:
                break
    return sorted(chosen)


def frame_rms(samples: npt.NDArray[np.float64], rate: int, hop: float) -> npt.NDArray[np.float64]:
    """Root mean square of each `hop`-second frame of mono samples."""
    n = max(1, round(rate * hop))
    usable = len(samples) // n * n
    frames = samples[:usable].reshape(-1, n)
    return np.sqrt(np.mean(np.square(frames), axis=1))


def face_inside(box: Sequence[float], left: float, top: float, width: float, height: float) -> bool:
    """The whole face box (x, y, w, h) lies in the crop window, within a pixel."""
    x, y, w, h = box
    across = left - 1 <= x and x + w <= left + width + 1
    return across and top - 1 <= y and y + h <= top + height + 1


def word_error_rate(reference: list[str], hypothesis: list[str]) -> float:
    """Word-level Levenshtein distance over the reference length."""
    row = list(range(len(hypothesis) + 1))
    for i, ref in enumerate(reference, 1):
        previous, row[0] = row[0], i
        for j, hyp in enumerate(hypothesis, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ref != hyp))
    return row[-1] / max(1, len(reference))
