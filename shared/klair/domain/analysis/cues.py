"""What a sentence says about itself, read from its words: talk about the event rather than the
subject (mic checks, slides, logistics, greetings, sponsor reads, drills), hedging, lines that
lean on something on screen, and the marks of content worth clipping (stakes and lessons, a
story being told, a question, a bold claim). Phrase lists, not a model: each cue is a reason an
editor would give, and each is named in the clip's evidence."""

from __future__ import annotations

import re
from dataclasses import dataclass

from klair.domain.analysis.lexicon import (
    ADDRESS_WORDS,
    CLAIM_WORDS,
    CONNECTORS,
    is_number,
    tokens,
)
from klair.domain.analysis.phrases import (
    ADVICE,
    ANAPHORA,
    ANNOUNCES,
    CONTEXT,
    CONTRAST,
    HEDGES,
    IRREGULAR_PAST,
    META,
    NOT_PAST,
    SEQUEL,
    STAKES,
    STORY,
)

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Cues:
    """The cues found in one sentence, each with the points it is worth to a clip."""

    meta: bool
    hedges: int
    context: bool
    stakes: bool
    story: bool
    question: bool
    exclamation: bool
    claims: tuple[str, ...]
    number: str | None
    address: bool
    contrast: bool
    connector: bool
    anaphora: bool
    announces: bool
    sequel: bool
    past: bool
    advice: bool

    @property
    def interest(self) -> float:
        """0-100: how much this line, on its own, is worth watching."""
        points = 35.0 + 18.0 * self.question + 8.0 * self.exclamation
        points += 9.0 * len(self.claims) + 10.0 * (self.number is not None) + 6.0 * self.address
        points += 16.0 * self.stakes + 12.0 * self.story + 5.0 * self.contrast
        points += 8.0 * self.advice
        points -= 55.0 * self.meta + 14.0 * min(2, self.hedges) + 25.0 * self.context
        return max(0.0, min(100.0, points))


def _pattern(phrase: str) -> str:
    """Whole words, except a phrase ending in `~`, which also matches longer words."""
    return f" {phrase[:-1]}" if phrase.endswith("~") else f" {phrase} "


def _has(flat: str, phrases: tuple[str, ...]) -> bool:
    return any(_pattern(p) in flat for p in phrases)


def _count(flat: str, phrases: tuple[str, ...]) -> int:
    return sum(flat.count(_pattern(p)) for p in phrases)


def cues(text: str) -> Cues:
    """The cues of one sentence (case and punctuation ignored, except ? and !)."""
    words = tokens(text)
    flat = " " + _SPACES.sub(" ", " ".join(words)) + " "
    ending = text.rstrip().rstrip("\"')")
    numbers = [w for w in words if is_number(w)]
    return Cues(
        meta=_has(flat, META),
        hedges=_count(flat, HEDGES),
        context=_has(flat, CONTEXT),
        stakes=_has(flat, STAKES),
        story=_has(flat, STORY),
        question=ending.endswith("?"),
        exclamation=ending.endswith("!"),
        claims=tuple(sorted({w for w in words if w in CLAIM_WORDS})[:2]),
        number=numbers[0] if numbers else None,
        address=any(w in ADDRESS_WORDS for w in words),
        contrast=any(w in CONTRAST for w in words),
        connector=bool(words) and words[0] in CONNECTORS,
        anaphora=any(w in ANAPHORA for w in words[:3]),
        announces=_has(flat, ANNOUNCES),
        sequel=any(flat.startswith(_pattern(p)) for p in SEQUEL),
        past=any(_past(w) for w in words),
        advice=bool(words) and words[0] in ADVICE and not ending.endswith("?"),
    )


def _past(word: str) -> bool:
    if word in IRREGULAR_PAST:
        return True
    return word.endswith("ed") and len(word) > 4 and word not in NOT_PAST


def described(found: Cues) -> list[str]:
    """The cues an editor would name, strongest first."""
    named = [
        (found.meta, "talk about the event itself"),
        (found.context, "leans on the slide or an earlier part"),
        (found.hedges > 0, "hedged"),
        (found.question, "a question"),
        (found.stakes, "a lesson or the stakes"),
        (found.story, "a story opening"),
        (bool(found.claims), "a claim (" + ", ".join(found.claims) + ")"),
        (found.number is not None, f"a number ({found.number})"),
        (found.exclamation, "an exclamation"),
        (found.advice, "advice to act on"),
        (found.address, "words to the viewer"),
    ]
    return [text for present, text in named if present]
