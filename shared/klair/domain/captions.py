"""Caption cues from word timings: short readable lines (at most two of 42 characters, at
most 6 s) that break at sentence ends and pauses, for transcripts and burned-in captions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from klair.domain.transcript import Word

LINE_CHARS = 42
LINES = 2
CUE_SECONDS = 6.0
# A pause this long between words starts a new cue.
CUE_GAP = 0.6
# A cue stays up at least this long when the next one leaves room.
MIN_CUE_SECONDS = 0.8


@dataclass(frozen=True)
class Cue:
    """Seconds from the start of the media the cue is for; `text` has at most one newline."""

    start: float
    end: float
    text: str


def _wrap(words: Sequence[str]) -> str:
    """One line, or two balanced lines when one would be too long."""
    line = " ".join(words)
    if len(line) <= LINE_CHARS or len(words) < 2:
        return line
    best = min(
        range(1, len(words)),
        key=lambda k: abs(len(" ".join(words[:k])) - len(" ".join(words[k:]))),
    )
    return " ".join(words[:best]) + "\n" + " ".join(words[best:])


def group_words(
    words: Sequence[Word], *, gap: float, seconds: float, max_chars: int
) -> list[list[Word]]:
    """Words grouped for display: a group ends at the end of a sentence, before a pause of
    `gap` seconds, or before it would last over `seconds` or hold over `max_chars`. Sidecar
    cues and burned caption events both group this way, with their own limits."""
    groups: list[list[Word]] = []
    current: list[Word] = []
    for word in words:
        if current and (
            word.start - current[-1].end >= gap
            or word.end - current[0].start > seconds
            or len(" ".join(w.text for w in [*current, word])) > max_chars
        ):
            groups.append(current)
            current = []
        current.append(word)
        if word.terminal:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def cues(words: Sequence[Word], offset: float = 0.0) -> list[Cue]:
    """Cues of `words` (sorted by time), their times shifted by -`offset` (a clip's start)."""
    groups = group_words(words, gap=CUE_GAP, seconds=CUE_SECONDS, max_chars=LINE_CHARS * LINES)
    found: list[Cue] = []
    for i, group in enumerate(groups):
        start = max(0.0, group[0].start - offset)
        limit = groups[i + 1][0].start - offset if i + 1 < len(groups) else None
        end = max(group[-1].end - offset, start + MIN_CUE_SECONDS)
        if limit is not None:
            end = max(min(end, limit), group[-1].end - offset)
        found.append(Cue(round(start, 3), round(end, 3), _wrap([w.text for w in group])))
    return found
