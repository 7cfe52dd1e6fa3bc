"""Foundation analysis and selection: pause-edged windows scored from signals, then ranked clips."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, Protocol, TypeVar

from klair.domain.analysis.lexicon import tokens
from klair.domain.clip import Candidate, Clip
from klair.domain.ids import clip_id

# Word trigrams compared between transcripts; two moments sharing this share of the shorter
# one's trigrams say the same thing, and only the better one is kept.
SHINGLE = 3


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
