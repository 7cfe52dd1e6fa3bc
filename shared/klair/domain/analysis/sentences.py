"""Sentences of a transcript: split at terminal punctuation or long pauses, over-long ones cut
at clause boundaries, each knowing whether it truly opens and closes a thought."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from klair.domain.transcript import Word

# A pause this long ends a sentence even when the recogniser wrote no punctuation.
SENTENCE_GAP = 1.0
CLAUSE_MARKS = (",", ";", ":", "—", "–")
# Bonus, in seconds of pause, for cutting an over-long sentence after a clause mark.
CLAUSE_BONUS = 0.5
# Each part of a cut sentence keeps at least this fraction of it when the words allow.
MIN_PART = 0.2


@dataclass(frozen=True)
class Sentence:
    """Words `first`..`last` (inclusive indices into the transcript's words)."""

    first: int
    last: int
    start: float
    end: float
    text: str
    opens: bool
    closes: bool

    @property
    def duration(self) -> float:
        return self.end - self.start


def _groups(words: Sequence[Word]) -> list[tuple[int, int]]:
    groups: list[tuple[int, int]] = []
    first = 0
    for i, word in enumerate(words):
        last_word = i == len(words) - 1
        if last_word or word.terminal or words[i + 1].start - word.end >= SENTENCE_GAP:
            groups.append((first, i))
            first = i + 1
    return groups


def _best_cut(words: Sequence[Word], first: int, last: int) -> int:
    """Index of the word after which an over-long sentence is cut."""
    span = words[last].end - words[first].start
    choices = range(first, last)
    balanced = [
        k
        for k in choices
        if words[k].end - words[first].start >= MIN_PART * span
        and words[last].end - words[k + 1].start >= MIN_PART * span
    ]

    def merit(k: int) -> float:
        clause = CLAUSE_BONUS if words[k].text.rstrip().endswith(CLAUSE_MARKS) else 0.0
        return words[k + 1].start - words[k].end + clause

    return max(balanced or choices, key=lambda k: (merit(k), -k))


def _cut_long(
    words: Sequence[Word], first: int, last: int, max_seconds: float
) -> list[tuple[int, int]]:
    parts: list[tuple[int, int]] = []
    todo = [(first, last)]
    while todo:
        a, b = todo.pop()
        if a == b or words[b].end - words[a].start <= max_seconds:
            parts.append((a, b))
            continue
        k = _best_cut(words, a, b)
        todo += [(k + 1, b), (a, k)]
    return sorted(parts)


def split_sentences(
    words: Sequence[Word], max_seconds: float, *, opens_first: bool, window_end: float
) -> list[Sentence]:
    """Sentences of `words` (sorted by time); none longer than `max_seconds` unless it is one
    word. `opens_first` says whether the first word begins a thought (the window starts at
    the source's start or after a long pause); `window_end` is where the words' window ends.
    """
    sentences: list[Sentence] = []
    for first, last in _groups(words):
        tail = words[last + 1].start if last + 1 < len(words) else window_end
        closes = words[last].terminal or tail - words[last].end >= SENTENCE_GAP
        opens = opens_first if first == 0 else True
        parts = _cut_long(words, first, last, max_seconds)
        for n, (a, b) in enumerate(parts):
            sentences.append(
                Sentence(
                    first=a,
                    last=b,
                    start=words[a].start,
                    end=words[b].end,
                    text=" ".join(w.text.strip() for w in words[a : b + 1]),
                    opens=opens and n == 0,
                    closes=closes and n == len(parts) - 1,
                )
            )
    return sentences
