"""Insights of a whole source from its transcript: keywords, chapters and quotable moments
(short, high-scoring spans with their scores and reasons)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from klair.domain.analysis.candidates import Request, from_transcript
from klair.domain.analysis.chapters import Chapter, chapters
from klair.domain.analysis.lexicon import content_words
from klair.domain.analysis.scoring import DEFAULT_WEIGHTS
from klair.domain.analysis.selection import distinct
from klair.domain.analysis.sentences import split_sentences
from klair.domain.clip import Evidence
from klair.domain.signals import Signals
from klair.domain.transcript import Transcript

KEYWORDS = 12
QUOTES = 5
QUOTE_SECONDS = (4.0, 15.0)
# Longest sentence kept whole when reading the source for chapters.
CHAPTER_SENTENCE_SECONDS = 30.0
# A two-word phrase counts as much as this many single words (it is more telling).
PHRASE_WEIGHT = 1.5


class Keyword(BaseModel):
    model_config = ConfigDict(frozen=True)

    term: str
    count: int
    first_at: float


class Quote(BaseModel):
    model_config = ConfigDict(frozen=True)

    start: float
    end: float
    text: str
    score: float
    scores: dict[str, float]
    evidence: dict[str, list[Evidence]]
    reason: str


class Insights(BaseModel):
    """What `insights.json` holds for a job."""

    model_config = ConfigDict(frozen=True)

    version: int = 1
    language: str
    duration: float
    word_count: int
    speech_seconds: float
    words_per_minute: float
    keywords: list[Keyword]
    chapters: list[Chapter]
    quotes: list[Quote]


def keywords(transcript: Transcript, limit: int = KEYWORDS) -> list[Keyword]:
    """The most frequent content words and two-word phrases, each seen at least twice."""
    counts: Counter[str] = Counter()
    first: dict[str, float] = {}
    previous: str | None = None
    for word in transcript.words:
        terms = content_words(word.text)
        term = terms[0] if terms else None
        found = [term] if term else []
        if term and previous:
            found.append(f"{previous} {term}")
        for t in found:
            counts[t] += 1
            first.setdefault(t, word.start)
        previous = None if word.terminal else term
    weight = {t: n * (PHRASE_WEIGHT if " " in t else 1.0) for t, n in counts.items() if n >= 2}
    chosen: list[str] = []
    for term in sorted(weight, key=lambda t: (-weight[t], first[t])):
        # A phrase makes its own words redundant when they mostly occur inside it.
        if any(term in kept.split() and counts[kept] * 2 >= counts[term] for kept in chosen):
            continue
        chosen.append(term)
        if len(chosen) == limit:
            break
    return [Keyword(term=t, count=counts[t], first_at=round(first[t], 3)) for t in chosen]


def quotes(
    signals: Signals, transcript: Transcript, weights: Mapping[str, float], limit: int = QUOTES
) -> list[Quote]:
    """Short spans of whole sentences that score best on hook, energy, clarity and
    completeness (picture aside: a quote is something said)."""
    if not transcript.words:
        return []
    spoken = {k: w for k, w in weights.items() if k != "visual"}
    request = Request(0.0, signals.duration, *QUOTE_SECONDS)
    audio = signals.model_copy(update={"has_video": False})
    if audio.duration < QUOTE_SECONDS[0]:
        return []
    found = distinct(from_transcript(audio, transcript, request, spoken, limit * 4), limit)
    return [
        Quote(
            start=c.start,
            end=c.end,
            text=c.transcript,
            score=c.score,
            scores=c.scores,
            evidence=c.evidence,
            reason=c.reason,
        )
        for c in found
    ]


def summarize(
    transcript: Transcript, signals: Signals, weights: Mapping[str, float] = DEFAULT_WEIGHTS
) -> Insights:
    """Everything the results show about the source as a whole."""
    sentences = split_sentences(
        transcript.words,
        CHAPTER_SENTENCE_SECONDS,
        opens_first=True,
        window_end=signals.duration,
    )
    speech = transcript.speech_between(0.0, max(signals.duration, transcript.end))
    minutes = speech / 60.0
    return Insights(
        language=transcript.language,
        duration=signals.duration,
        word_count=len(transcript.words),
        speech_seconds=round(speech, 3),
        words_per_minute=round(len(transcript.words) / minutes, 1) if minutes > 0 else 0.0,
        keywords=keywords(transcript),
        chapters=chapters(sentences, signals),
        quotes=quotes(signals, transcript, weights),
    )
