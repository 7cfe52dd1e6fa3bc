"""Chapters of a source: its sentences cut where the vocabulary shifts (lexical cohesion, as in
TextTiling), helped by long pauses and scene cuts, each titled by its distinctive words."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict

from klair.domain.analysis.lexicon import content_words, shorten
from klair.domain.analysis.sentences import Sentence
from klair.domain.signals import Signals

TARGET_SECONDS = 150.0  # about one chapter per this much of the source
MIN_SECONDS = 45.0  # no chapter shorter than this (unless the source is)
MAX_CHAPTERS = 20
CONTEXT_SECONDS = 60.0  # the vocabulary compared on each side of a candidate cut
PAUSE_BONUS = 0.15  # a long pause before a sentence makes it a likelier cut
SCENE_BONUS = 0.10  # so does a scene cut within SCENE_NEAR seconds
SCENE_NEAR = 2.0
LONG_PAUSE = 1.5
TITLE_WORDS = 3


class Chapter(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: float
    end: float
    title: str
    keywords: list[str]
    opening: str


@dataclass(frozen=True)
class _Cut:
    sentence: int
    at: float
    cost: float


class _Vocabulary:
    """Content words per sentence, counted over any span of time."""

    def __init__(self, sentences: list[Sentence]) -> None:
        self._starts = [s.start for s in sentences]
        self._words = [content_words(s.text) for s in sentences]

    def between(self, a: float, b: float) -> Counter[str]:
        lo, hi = bisect_left(self._starts, a), bisect_left(self._starts, b)
        return Counter(w for words in self._words[lo:hi] for w in words)


def _cosine(x: Counter[str], y: Counter[str]) -> float:
    dot = sum(count * y[word] for word, count in x.items())
    norm = math.sqrt(sum(v * v for v in x.values()) * sum(v * v for v in y.values()))
    return dot / norm if norm else 0.0


def _cuts(sentences: list[Sentence], signals: Signals) -> list[_Cut]:
    """Every sentence start as a possible cut; lower cost means a likelier topic change."""
    vocabulary = _Vocabulary(sentences)
    cuts = []
    for i in range(1, len(sentences)):
        at = (sentences[i - 1].end + sentences[i].start) / 2
        before = vocabulary.between(at - CONTEXT_SECONDS, at)
        after = vocabulary.between(at, at + CONTEXT_SECONDS)
        cost = _cosine(before, after)
        if sentences[i].start - sentences[i - 1].end >= LONG_PAUSE:
            cost -= PAUSE_BONUS
        if signals.scenes_between(at - SCENE_NEAR, at + SCENE_NEAR):
            cost -= SCENE_BONUS
        cuts.append(_Cut(i, at, cost))
    return cuts


def _chosen(cuts: list[_Cut], duration: float, count: int) -> list[_Cut]:
    chosen: list[_Cut] = []
    for cut in sorted(cuts, key=lambda c: (c.cost, c.at)):
        if len(chosen) == count:
            break
        edges = [0.0, duration, *(c.at for c in chosen)]
        if all(abs(cut.at - edge) >= MIN_SECONDS for edge in edges):
            chosen.append(cut)
    return sorted(chosen, key=lambda c: c.at)


def _titles(groups: list[list[Sentence]]) -> list[list[str]]:
    """Each group's most distinctive words: frequent in it, rare in the others."""
    bags = [Counter(w for s in g for w in content_words(s.text)) for g in groups]
    spread = Counter(w for bag in bags for w in bag)
    titles = []
    for bag in bags:
        weight = {w: n * math.log(1 + len(bags) / spread[w]) for w, n in bag.items()}
        titles.append(sorted(weight, key=lambda w: (-weight[w], w))[:TITLE_WORDS])
    return titles


def chapters(sentences: list[Sentence], signals: Signals) -> list[Chapter]:
    """Chapters covering [0, duration] back to back; one when there is nothing to cut."""
    duration = signals.duration
    count = max(1, min(MAX_CHAPTERS, round(duration / TARGET_SECONDS)))
    chosen = _chosen(_cuts(sentences, signals), duration, count - 1) if sentences else []
    cuts = [round(c.at, 3) for c in chosen]
    starts, ends = [0.0, *cuts], [*cuts, duration]
    firsts = [0, *(c.sentence for c in chosen)]
    lasts = [*(c.sentence for c in chosen), len(sentences)]
    groups = [sentences[a:b] for a, b in zip(firsts, lasts, strict=True)]
    found = []
    for start, end, group, words in zip(starts, ends, groups, _titles(groups), strict=True):
        title = ", ".join(words).capitalize() if words else "Chapter"
        opening = shorten(group[0].text, 100) if group else ""
        found.append(
            Chapter(
                start=start,
                end=end,
                title=title,
                keywords=words,
                opening=opening,
            )
        )
    return found
