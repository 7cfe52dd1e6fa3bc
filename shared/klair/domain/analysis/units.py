"""Self-contained units of a talk: runs of sentences that belong together (a question and its
answer, the lines of one story, a setup and its punchline up to the audience's reaction), so a
clip covers a whole unit and no unit is split across two clips.

Sentences are linked when the next one leans on this one: it opens on a connective ("so",
"but") or a pronoun pointing back ("he", "that"), answers a question, or the two sides of the
boundary (two sentences each) share a protagonist (the same personal pronoun: "he… he", "we…
us") or a word rare in the talk (a name, an object of the story): cohesion, which a
misheard word cannot break on its own. A unit ends at an audience reaction, before a story
opening ("last winter my neighbour…") or a line announcing its payoff ("so here is the one
rule"), around talk about the event itself, and at a pause much longer than the speaker's
usual one. A unit longer than a clip may be is cut at its weakest
link."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from klair.domain.analysis.cues import Cues
from klair.domain.analysis.lexicon import STOPWORDS, tokens
from klair.domain.analysis.reactions import Reaction
from klair.domain.analysis.sentences import Sentence

# A pause this many times the speaker's median pause between sentences (and at least LONG_GAP
# seconds) ends a unit even where the words link.
GAP_FACTOR = 2.5
LONG_GAP = 2.0
# A content word shared by two sentences links them when it occurs in at most this many of
# the span's sentences (a story's "ring", not the talk's topic word "sleep").
RARE_MAX = 3
SIDE = 2  # sentences on each side of a boundary whose shared people link it
LINK = 0.5  # links weaker than this end a unit
STORY_LINES = 3  # sentences a story needs
NARRATIVE = 0.8
MIN_WORD = 3  # letters: shorter words are too common to link sentences


@dataclass(frozen=True)
class Unit:
    """Sentences `first`..`last` (indices into the analysis' sentences)."""

    first: int
    last: int


# Personal pronouns by the person they point at: the same one on both sides of a boundary
# means the same protagonist (a story goes on).
PEOPLE = {
    **dict.fromkeys(("he", "him", "his", "himself"), "he"),
    **dict.fromkeys(("she", "her", "hers", "herself"), "she"),
    **dict.fromkeys(("they", "them", "their", "theirs", "themselves"), "they"),
    **dict.fromkeys(("we", "us", "our", "ours", "ourselves"), "we"),
    **dict.fromkeys(("i", "me", "my", "mine", "myself"), "i"),
}


def _content(text: str) -> set[str]:
    return {w for w in tokens(text) if w not in STOPWORDS and len(w) >= MIN_WORD}


def _people(text: str) -> set[str]:
    return {PEOPLE[w] for w in tokens(text) if w in PEOPLE}


def _rare_words(sentences: Sequence[Sentence]) -> set[str]:
    counts = Counter(w for s in sentences for w in _content(s.text))
    return {w for w, n in counts.items() if 2 <= n <= RARE_MAX}


def reaction_after(
    sentences: Sequence[Sentence], k: int, reactions: Sequence[Reaction]
) -> Reaction | None:
    """The reaction that starts after sentence k ends and before the next one starts."""
    end = sentences[k].end
    until = sentences[k + 1].start if k + 1 < len(sentences) else float("inf")
    found = [r for r in reactions if end - 0.3 <= r.start < until]
    return max(found, key=lambda r: r.strength, default=None)


def _link(k: int, sentences: Sequence[Sentence], found: Sequence[Cues], rare: set[str]) -> float:
    """How strongly sentence k+1 continues sentence k (below LINK: a unit ends here)."""
    here, after = found[k], found[k + 1]
    apart = here.meta or after.meta or here.context or after.context or after.story
    if apart or (after.announces and not here.question):
        return 0.0
    if here.announces:
        return 1.0  # the announcement leads into its payoff
    strength = 1.0 * after.connector + 0.8 * after.anaphora + 1.0 * after.sequel
    strength += 1.0 * (here.question and not after.question)
    left = sentences[max(0, k - SIDE + 1) : k + 1]
    ahead = range(k + 1, min(len(sentences), k + 1 + SIDE))
    right = [sentences[i] for i in ahead if not (found[i].meta or found[i].context)]
    people = set().union(*(_people(s.text) for s in left)) & set().union(
        *(_people(s.text) for s in right)
    )
    rare_shared = bool(_content(sentences[k].text) & _content(sentences[k + 1].text) & rare)
    told = (here.past or here.story) and after.past  # a story told in the past goes on
    strength += NARRATIVE * (told and (bool(people) or rare_shared or here.story))
    strength += 0.4 * rare_shared + 0.2 * bool(people)
    return strength


def _breaks(sentences: Sequence[Sentence], reactions: Sequence[Reaction]) -> list[bool]:
    """`[k]`: a hard break after sentence k (a reaction, or a pause much longer than usual)."""
    gaps = [b.start - a.end for a, b in pairwise(sentences)]
    usual = median(gaps) if gaps else 0.0
    limit = max(LONG_GAP, GAP_FACTOR * usual)
    return [
        gap > limit or reaction_after(sentences, k, reactions) is not None
        for k, gap in enumerate(gaps)
    ]


def links(
    sentences: Sequence[Sentence], found: Sequence[Cues], reactions: Sequence[Reaction]
) -> list[float]:
    """`[k]`: how strongly sentence k+1 continues sentence k; 0 where a unit must end."""
    rare = _rare_words(sentences)
    breaks = _breaks(sentences, reactions)
    return [
        0.0 if breaks[k] else _link(k, sentences, found, rare) for k in range(len(sentences) - 1)
    ]


def _split(
    unit: Unit, strength: Sequence[float], sentences: Sequence[Sentence], max_s: float
) -> list[Unit]:
    """`unit`, cut at its weakest links until every part fits in `max_s` (or is one sentence)."""
    if unit.first == unit.last or sentences[unit.last].end - sentences[unit.first].start <= max_s:
        return [unit]
    inner = range(unit.first, unit.last)
    k = min(inner, key=lambda i: (strength[i], -(sentences[i + 1].start - sentences[i].end)))
    left, right = Unit(unit.first, k), Unit(k + 1, unit.last)
    return _split(left, strength, sentences, max_s) + _split(right, strength, sentences, max_s)


def units(
    sentences: Sequence[Sentence],
    found: Sequence[Cues],
    reactions: Sequence[Reaction],
    max_s: float,
) -> list[Unit]:
    """The span's sentences grouped into units, in order, none longer than `max_s` unless
    it is a single sentence."""
    if not sentences:
        return []
    strength = links(sentences, found, reactions)
    grouped: list[Unit] = []
    first = 0
    for k, value in enumerate(strength):
        if value < LINK:
            grouped.append(Unit(first, k))
            first = k + 1
    grouped.append(Unit(first, len(sentences) - 1))
    return [part for u in grouped for part in _split(u, strength, sentences, max_s)]


def arc(unit: Unit, found: Sequence[Cues], landed: Sequence[float]) -> tuple[float, str]:
    """How complete an arc the unit is (0–1) and which: a story told from its opening, a
    question with its answer, an announcement with its payoff, a line the audience reacted
    to with its setup. Filler is no arc (0)."""
    span = found[unit.first : unit.last + 1]
    told = sum(c.past for c in span)
    shapes = [
        (landed[unit.last], "a setup and the audience's reaction"),
        (1.0 * (span[0].story and len(span) >= STORY_LINES), "a whole story"),
        (0.8 * (len(span) >= STORY_LINES and told >= STORY_LINES), "a story"),
        (0.8 * (span[0].question and len(span) > 1), "a question and its answer"),
        (0.8 * (span[0].announces and len(span) > 1), "a point and its payoff"),
    ]
    return max(shapes, key=lambda s: s[0])
