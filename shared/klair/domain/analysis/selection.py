"""Foundation analysis and selection: pause-edged windows scored from signals, then ranked clips."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol, TypeVar

from klair.domain.analysis.edges import PauseFinder, snap
from klair.domain.analysis.lexicon import tokens
from klair.domain.clip import Candidate, Clip
from klair.domain.ids import clip_id
from klair.domain.transcript import Span, Word

# Word trigrams compared between transcripts; two moments sharing this share of the shorter
# one's trigrams say the same thing, and only the better one is kept.
SHINGLE = 3
# Chosen clips are at least this far apart: two clips back to back are one moment cut in two
# (an editor would make it one clip), so the pair is never chosen.
SEPARATION = 3.0
# Of two candidates whose overlap is more than this share of their union, a chunk keeps the
# better: the chunk's list stays varied without tiling the timeline into fragments, and a
# long mediocre window never hides a tight good one inside it.
SUPPRESS = 0.5


DUPLICATE_SHARE = 0.5


Order = Literal["score", "time"]


def _shingles(text: str) -> frozenset[tuple[str, ...]]:
    words = tokens(text)
    return frozenset(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


def _says_the_same(a: frozenset[tuple[str, ...]], b: frozenset[tuple[str, ...]]) -> bool:
    """Most of the shorter moment's word sequences also occur in the other (a repeated
    passage, a re-take, a recap), even if the two moments do not overlap in time."""
    if not a or not b:
        return False
    return len(a & b) >= DUPLICATE_SHARE * min(len(a), len(b))


class Spanned(Protocol):
    @property
    def start(self) -> float: ...
    @property
    def end(self) -> float: ...
    @property
    def score(self) -> float: ...


S = TypeVar("S", bound=Spanned)


def best_set(items: Iterable[S], limit: int, gap: float = 0.0) -> list[S]:
    """The set of at most `limit` items with the highest total score, each `gap` seconds or
    more apart (weighted interval scheduling with a cardinality cap, by dynamic programming):
    unlike first-fit, a good moment never blocks two better ones it overlaps. Returned in
    time order."""
    ordered_items = sorted(items, key=lambda i: (i.end, i.start))
    if limit < 1 or not ordered_items:
        return []
    ends = [i.end for i in ordered_items]
    # prev[n]: how many items end `gap` before item n starts (they may precede it in a set).
    prev = [bisect_right(ends, item.start - gap + 1e-9) for item in ordered_items]
    size = len(ordered_items)
    best = [[0.0] * (size + 1) for _ in range(limit + 1)]
    for k in range(1, limit + 1):
        row, below = best[k], best[k - 1]
        for n, item in enumerate(ordered_items, 1):
            row[n] = max(row[n - 1], below[prev[n - 1]] + item.score)
    return _walk_back(best, ordered_items, prev, limit)


def _walk_back(best: list[list[float]], items: list[S], prev: list[int], limit: int) -> list[S]:
    chosen: list[S] = []
    k, n = limit, len(items)
    while k > 0 and n > 0:
        if best[k][n] == best[k][n - 1]:
            n -= 1
            continue
        chosen.append(items[n - 1])
        k, n = k - 1, prev[n - 1]
    return chosen[::-1]


def varied(items: Iterable[S], limit: int) -> list[S]:
    """The best `limit` items by score, none overlapping a better one kept by more than
    SUPPRESS of their union (non-maximum suppression), best first."""
    kept: list[S] = []
    for item in sorted(items, key=lambda i: (-i.score, i.start, i.end)):
        if len(kept) == limit:
            break
        if all(_overlap(item, k) <= SUPPRESS * _union(item, k) for k in kept):
            kept.append(item)
    return kept


def _overlap(a: Spanned, b: Spanned) -> float:
    return max(0.0, min(a.end, b.end) - max(a.start, b.start))


def _union(a: Spanned, b: Spanned) -> float:
    return (a.end - a.start) + (b.end - b.start) - _overlap(a, b)


def best_disjoint(items: Iterable[S], limit: int) -> list[S]:
    """The best `limit` items by score (earlier first on ties) that do not overlap in time."""
    kept: list[S] = []
    for item in sorted(items, key=lambda i: (-i.score, i.start, i.end)):
        if len(kept) == limit:
            break
        if all(item.end <= k.start or item.start >= k.end for k in kept):
            kept.append(item)
    return kept


def distinct(candidates: Iterable[Candidate], limit: int) -> list[Candidate]:
    """The set of at most `limit` candidates with the highest total score, none overlapping
    another in time or saying the same thing (overlapping chunks propose the same moment
    twice; talks repeat themselves), best first. Of two that say the same, the weaker leaves
    the pool and the set is chosen again."""
    pool = list(candidates)
    words = {id(c): _shingles(c.transcript) for c in pool}
    chosen = best_set(pool, limit, SEPARATION)
    for _ in range(len(pool)):
        clash = next(
            (
                min(a, b, key=lambda c: (c.score, -c.start))
                for n, a in enumerate(chosen)
                for b in chosen[n + 1 :]
                if _says_the_same(words[id(a)], words[id(b)])
            ),
            None,
        )
        if clash is None:
            break
        pool = [c for c in pool if c is not clash]
        chosen = best_set(pool, limit, SEPARATION)
    return sorted(chosen, key=lambda c: (-c.score, c.start, c.end))


def snapped(
    candidates: Iterable[Candidate], words: Sequence[Word], quiet: Sequence[Span]
) -> list[Candidate]:
    """Every candidate's edges in pauses by the one edge rule (klair.domain.analysis.edges),
    whatever analyzer proposed it: the offline analyzer's are there already and stay put."""
    finder = PauseFinder(quiet)
    starts = [w.start for w in words]
    found = []
    for c in candidates:
        a = snap(c.start, words, finder, start=True, starts=starts)
        b = snap(c.end, words, finder, start=False, starts=starts)
        found.append(c.model_copy(update={"start": a, "end": b}) if a < b else c)
    return found


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
