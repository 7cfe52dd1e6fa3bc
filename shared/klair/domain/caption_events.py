"""Burned-in caption events of one clip: short groups of words (a line or two a phone screen
can hold), with each word's timing kept so a style can highlight the word being said."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from klair.domain.captions import group_words
from klair.domain.transcript import Word

# A pause this long between words starts a new event.
EVENT_GAP = 0.5
# Short-form captions change often: at most this long on screen.
EVENT_SECONDS = 3.0


class CaptionWord(BaseModel):
    """A word of an event, seconds from the clip's start."""

    model_config = ConfigDict(frozen=True)

    start: float
    end: float
    text: str


class CaptionEvent(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: float
    end: float
    text: str
    words: tuple[CaptionWord, ...]


def caption_events(
    words: Sequence[Word], start: float, end: float, max_chars: int = 32
) -> list[CaptionEvent]:
    """Events for the words inside [start, end) of the source, timed from `start`; each stays
    up until the next one begins when the gap is short, so captions do not flicker."""
    inside = [w for w in words if w.start >= start - 1e-6 and w.end <= end + 1e-6 and w.text]
    groups = group_words(inside, gap=EVENT_GAP, seconds=EVENT_SECONDS, max_chars=max_chars)
    events: list[CaptionEvent] = []
    for i, group in enumerate(groups):
        timed = tuple(
            CaptionWord(
                start=round(w.start - start, 3), end=round(w.end - start, 3), text=w.text.strip()
            )
            for w in group
        )
        last = timed[-1].end
        following = groups[i + 1][0].start - start if i + 1 < len(groups) else end - start
        if following - last < EVENT_GAP:
            last = following
        events.append(
            CaptionEvent(
                start=timed[0].start,
                end=round(max(last, timed[0].start + 0.1), 3),
                text=" ".join(w.text for w in timed),
                words=timed,
            )
        )
    return events
