"""What a moment says and what it earns, beyond its first line: the substance of its sentences
(talk about the event, hedging and slide-bound lines drag it down; questions, stakes, stories
and claims lift it) and its payoff: the audience laughing or applauding right after its last
line, or a last line that lands (a lesson, a claim, an exclamation)."""

from __future__ import annotations

from collections.abc import Sequence

from klair.domain.analysis.criterion import Criterion, clamp
from klair.domain.analysis.cues import Cues, described
from klair.domain.analysis.lexicon import shorten
from klair.domain.analysis.sentences import Sentence
from klair.domain.clip import Evidence

PLAIN_ENDING = 35.0
LANDING = 25.0  # a last line with the stakes, a claim, advice or an exclamation
REACTION_BASE = 60.0  # the audience reacted: the strongest signal a talk offers
REACTION_RANGE = 40.0
INSIDE = 0.7  # a reaction inside the moment, not at its end, earns this share
LANDED = 40.0  # interest a line gains when the audience reacts to it
# Context is there for the length, not for what it says: it counts this much of a core line.
CONTEXT_WEIGHT = 0.35
MAX_SHOWN = 3


def interest(found: Cues, landed: float) -> float:
    """A line's interest, and more when the audience reacted to it (strength 0–1)."""
    return min(100.0, found.interest + LANDED * landed)


def content(
    found: Sequence[Cues],
    sentences: Sequence[Sentence],
    landed: Sequence[float],
    window: tuple[int, int],
    core: tuple[int, int] | None = None,
) -> Criterion:
    """The duration-weighted interest of the moment's sentences (a line the audience reacted
    to counts more; context added around a short core to reach the shortest clip counts
    CONTEXT_WEIGHT as much), with the best and the worst line as evidence."""
    first, last = window
    span = range(first, last + 1)
    a, b = core or window
    weight = {i: (1.0 if a <= i <= b else CONTEXT_WEIGHT) * sentences[i].duration for i in span}
    total = sum(weight.values()) or 1.0
    value = {i: interest(found[i], landed[i]) for i in span}
    score = sum(value[i] * weight[i] for i in span) / total
    best = max(span, key=lambda i: value[i])
    worst = min(span, key=lambda i: value[i])
    evidence = [_line(found[best], sentences[best])]
    if worst != best and value[worst] < 30:
        evidence.append(_line(found[worst], sentences[worst]))
    drag = sum(weight[i] for i in span if found[i].meta or found[i].context)
    phrase = "substance throughout" if score >= 50 else "some substance"
    if drag / total >= 0.3:
        phrase = "much talk about the event or the slides"
    return Criterion(clamp(score), evidence[:MAX_SHOWN], phrase)


def _line(found: Cues, sentence: Sentence) -> Evidence:
    named = "; ".join(described(found)) or "plain"
    return Evidence(at=sentence.start, text=f"“{shorten(sentence.text, 60)}”: {named}")


def payoff(found: Cues, last: Sentence, reaction: float, inside: float = 0.0) -> Criterion:
    """The audience's reaction after the last line (strength 0–1), or to a line inside the
    moment (`inside`), else how the last line lands."""
    if reaction > 0 or inside > 0:
        strength = max(min(1.0, reaction), INSIDE * min(1.0, inside))
        score = REACTION_BASE + REACTION_RANGE * strength
        where = "at its end" if reaction >= INSIDE * inside else "inside it"
        evidence = [Evidence(at=last.end, text=f"the audience reacts {where} ({strength:.2f})")]
        return Criterion(clamp(score), evidence, "the audience reacts")
    lands = found.stakes or bool(found.claims) or found.exclamation or found.advice
    score = PLAIN_ENDING + LANDING * lands - 20.0 * (found.meta or found.context)
    text = f"ends on “{shorten(last.text, 60)}”"
    phrase = "ends on a line that lands" if lands else "a plain ending"
    return Criterion(clamp(score), [Evidence(at=last.start, text=text)], phrase)
