"""What was said and when: words with timings and the speech spans a voice detector found,
per chunk window, and the merge of overlapping chunk transcripts into one for the source."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from functools import cached_property
from itertools import pairwise

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from klair.domain.analysis.lexicon import is_terminal
from klair.domain.signals import merge_spans

Span = tuple[float, float]
# Chunk transcripts are cut near the middle of their overlap, at the widest word gap this
# close to it, so no word is kept twice or lost.
MERGE_SEARCH = 5.0


class Word(BaseModel):
    """One recognised word, absolute seconds; `text` keeps its punctuation."""

    model_config = ConfigDict(frozen=True)

    start: float = Field(ge=0)
    end: float = Field(ge=0)
    text: str
    probability: float = Field(default=1.0, ge=0, le=1)

    @model_validator(mode="after")
    def _ordered(self) -> Word:
        if self.end < self.start:
            raise ValueError("a word cannot end before it starts")
        return self

    @property
    def middle(self) -> float:
        return (self.start + self.end) / 2

    @property
    def terminal(self) -> bool:
        return is_terminal(self.text)


class Transcript(BaseModel):
    """The transcript of the window [start, end) of a source (absolute seconds).

    `speech` holds the spans a voice activity detector marked as speech; everything else in
    the window is a pause, which is where a clip may start or end.
    """

    model_config = ConfigDict(frozen=True)

    version: int = 1
    start: float = Field(default=0.0, ge=0)
    end: float = Field(ge=0)
    language: str = "en"
    words: list[Word] = []
    speech: list[Span] = []

    @field_validator("words")
    @classmethod
    def _words_sorted(cls, words: list[Word]) -> list[Word]:
        return sorted(words, key=lambda w: (w.start, w.end))

    @field_validator("speech")
    @classmethod
    def _speech_merged(cls, spans: list[Span]) -> list[Span]:
        return merge_spans(spans)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @cached_property
    def _starts(self) -> list[float]:
        return [w.start for w in self.words]

    @cached_property
    def _speech_starts(self) -> list[float]:
        return [s for s, _ in self.speech]

    @cached_property
    def _speech_sums(self) -> list[float]:
        sums = [0.0]
        for a, b in self.speech:
            sums.append(sums[-1] + b - a)
        return sums

    def words_between(self, a: float, b: float) -> list[Word]:
        """Words that start in [a, b) and end by b."""
        lo, hi = bisect_left(self._starts, a), bisect_left(self._starts, b)
        return [w for w in self.words[lo:hi] if w.end <= b + 1e-6]

    def speech_until(self, t: float) -> float:
        i = bisect_right(self._speech_starts, t)
        total = self._speech_sums[i]
        if i:
            start, end = self.speech[i - 1]
            total -= max(0.0, end - max(start, t))
        return total

    def speech_between(self, a: float, b: float) -> float:
        """Seconds of detected speech in [a, b)."""
        return max(0.0, self.speech_until(b) - self.speech_until(a))

    def pauses(self) -> list[Span]:
        """The window minus its speech spans."""
        edges = [self.start, *(t for span in self.speech for t in span), self.end]
        gaps = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=False)]
        return [(max(a, self.start), min(b, self.end)) for a, b in gaps if b > a]


def _cut_point(left: Transcript, right: Transcript) -> float:
    """Where `right` takes over from `left`: the widest word gap near the overlap's middle."""
    middle = (right.start + left.end) / 2
    nearby = [w for w in left.words if middle - MERGE_SEARCH <= w.middle <= middle + MERGE_SEARCH]
    gaps = [(b.start - a.end, (a.end + b.start) / 2) for a, b in pairwise(nearby)]
    if not gaps:
        return middle
    return max(gaps, key=lambda gap: (gap[0], -abs(gap[1] - middle)))[1]


def merge(parts: list[Transcript]) -> Transcript:
    """One transcript of consecutive chunk transcripts whose windows may overlap."""
    ordered = sorted(parts, key=lambda t: t.start)
    if not ordered:
        return Transcript(end=0.0)
    cuts = [_cut_point(a, b) for a, b in pairwise(ordered)]
    lows = [ordered[0].start, *cuts]
    highs = [*cuts, max(t.end for t in ordered)]
    words: list[Word] = []
    speech: list[Span] = []
    for part, low, high in zip(ordered, lows, highs, strict=True):
        words += [w for w in part.words if low <= w.middle < high]
        speech += [(max(a, low), min(b, high)) for a, b in part.speech if a < high and b > low]
    return Transcript(
        start=ordered[0].start,
        end=highs[-1],
        language=ordered[0].language,
        words=words,
        speech=speech,
    )
