"""The hook: how strongly a clip's first sentence makes a viewer stay. What it says counts
first: a question, the stakes or a lesson, a story opening, a bold claim, a number. Talk about
the event itself ("can everyone in the back hear me?"), a line that leans on the slide or on
what came before ("as you can see here", "and so…") and hedging sink it, however it is said;
an emphatic delivery (against this speaker's own baseline) lifts it a little."""

from __future__ import annotations

from klair.domain.analysis.criterion import Criterion, clamp
from klair.domain.analysis.cues import Cues, described
from klair.domain.analysis.lexicon import CONNECTORS, shorten, tokens
from klair.domain.analysis.prosody import Delivery
from klair.domain.analysis.sentences import Sentence
from klair.domain.clip import Evidence

CONNECTIVE = -20.0  # the opening leans on a sentence the clip does not show
UNFINISHED = -10.0  # the opening is a fragment (the sentence began before the clip)
POINTS_PER_SIGMA = 6.0  # emphasis against the speaker's own nearby lines
MAX_EMPHASIS = 12.0


def opens_with_connector(text: str) -> bool:
    words = tokens(text)
    return bool(words) and words[0] in CONNECTORS


def hook(found: Cues, delivery: Delivery, first: Sentence) -> Criterion:
    """Score the opening sentence of a moment from its cues and its delivery."""
    score = found.interest + CONNECTIVE * found.connector + UNFINISHED * (not first.opens)
    emphasis = min(MAX_EMPHASIS, max(0.0, POINTS_PER_SIGMA * delivery.loudness_z))
    score += emphasis
    named = described(found)
    if found.connector:
        named.append("opens on a connective")
    if emphasis >= POINTS_PER_SIGMA:
        named.append(f"an emphatic delivery ({delivery.loudness_z:+.1f} σ)")
    text = f"“{shorten(first.text, 70)}”: " + ("; ".join(named) or "a plain opening")
    evidence = [Evidence(at=first.start, text=text)]
    lifts = [n for n in named if n not in _SINKS]
    sinks = [n for n in named if n in _SINKS]
    if sinks and score < 40:
        phrase = "a weak opening (" + sinks[0] + ")"
    else:
        phrase = "opens with " + " and ".join(lifts[:2]) if lifts else "a plain opening"
    return Criterion(clamp(score), evidence, phrase)


_SINKS = frozenset(
    {"talk about the event itself", "leans on the slide or an earlier part", "hedged",
     "opens on a connective"}
)  # fmt: skip
