"""The hook: how strongly a clip's first sentence makes a viewer stay. A question, a claim, a
number, an exclamation, words to the viewer or an emphatic delivery lift it; opening on a
connective word ("and", "so"), which leans on what came before the clip, lowers it."""

from __future__ import annotations

from klair.domain.analysis.criterion import Criterion, clamp
from klair.domain.analysis.lexicon import (
    ADDRESS_WORDS,
    CLAIM_WORDS,
    CONNECTORS,
    is_number,
    shorten,
    tokens,
)
from klair.domain.analysis.sentences import Sentence
from klair.domain.clip import Evidence
from klair.domain.signals import Signals

BASE = 30.0
QUESTION = 30.0
EXCLAMATION = 15.0
NUMBER = 15.0
CLAIM = 10.0  # per distinct claim word, at most two
ADDRESS = 8.0
POINTS_PER_LU = 5.0  # an opening louder than the file's average is emphatic
MAX_EMPHASIS = 25.0
EMPHASIS_MIN_LU = 1.0
CONNECTIVE = -20.0
LONG_OPENING_WORDS = 35
LONG_OPENING = -10.0


def opens_with_connector(text: str) -> bool:
    words = tokens(text)
    return bool(words) and words[0] in CONNECTORS


def _cues(text: str) -> list[tuple[float, str]]:
    words = tokens(text)
    ending = text.rstrip().rstrip("\"')")
    cues: list[tuple[float, str]] = []
    if ending.endswith("?"):
        cues.append((QUESTION, "a question"))
    if ending.endswith("!"):
        cues.append((EXCLAMATION, "an exclamation"))
    numbers = [w for w in words if is_number(w)]
    if numbers:
        cues.append((NUMBER, f"a number ({numbers[0]})"))
    claims = sorted({w for w in words if w in CLAIM_WORDS})[:2]
    if claims:
        cues.append((CLAIM * len(claims), "a claim (" + ", ".join(claims) + ")"))
    if any(w in ADDRESS_WORDS for w in words):
        cues.append((ADDRESS, "words to the viewer"))
    if opens_with_connector(text):
        cues.append((CONNECTIVE, f"a connective (“{words[0]}”)"))
    if len(words) > LONG_OPENING_WORDS:
        cues.append((LONG_OPENING, "a long first sentence"))
    return cues


def hook(signals: Signals, speech_loudness: float, first: Sentence) -> Criterion:
    """Score the opening sentence of a moment; `speech_loudness` is how loud the source's
    speech usually is."""
    cues = _cues(first.text)
    relative = signals.mean_loudness(first.start, first.end) - speech_loudness
    if relative >= EMPHASIS_MIN_LU:
        points = min(MAX_EMPHASIS, POINTS_PER_LU * relative)
        cues.append((points, f"an emphatic delivery ({relative:+.1f} LU vs usual speech)"))
    score = clamp(BASE + sum(points for points, _ in cues))
    lifts = [text for points, text in cues if points > 0]
    described = "; ".join(text for _, text in cues) or "a plain opening"
    evidence = [Evidence(at=first.start, text=f"“{shorten(first.text, 70)}”: {described}")]
    phrase = "opens with " + " and ".join(lifts[:2]) if lifts else "a plain opening"
    return Criterion(score, evidence, phrase)
