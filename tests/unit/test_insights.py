"""Insights of a whole source (keywords, chapters, quotes) and caption cues and files."""

from __future__ import annotations

from itertools import pairwise

import pytest

from klair.adapters.pysubs2_captions import Pysubs2CaptionWriter
from klair.domain.analysis.insights import keywords, summarize
from klair.domain.captions import CUE_SECONDS, LINE_CHARS, cues
from klair.domain.errors import InvalidInput
from klair.domain.transcript import Word
from tests.unit.talk_builder import build_talk, words_of

BREAD = [
    "Bread needs flour and water and a little salt.",
    "Knead the dough until the dough feels smooth.",
    "The oven must be very hot for good bread.",
    "Let the bread dough rise twice before baking.",
]
ROCKETS = [
    "Rockets carry fuel and oxygen into space.",
    "The rocket engine pushes hot gas downward.",
    "Orbit means falling around the planet forever.",
    "Every rocket stage drops away when its fuel ends.",
]


def two_topics():  # type: ignore[no-untyped-def]
    script = " ".join(BREAD * 12 + ROCKETS * 12)
    return build_talk(words_of(script), pauses=[0.6, 0.9])


def test_keywords_are_the_frequent_content_words_and_phrases() -> None:
    talk = build_talk(words_of(" ".join(BREAD * 3)))

    terms = [k.term for k in keywords(talk.transcript)]

    assert "bread" in terms and "dough" in terms
    assert not {"the", "and", "a"} & set(terms)
    found = {k.term: k for k in keywords(talk.transcript)}
    assert found["bread"].count == 9
    assert found["bread"].first_at == pytest.approx(talk.words[0].start)


def test_chapters_follow_the_change_of_topic() -> None:
    talk = two_topics()
    switch = talk.sentences[len(BREAD) * 12][0]

    insights = summarize(talk.transcript, talk.signals)

    chapters = insights.chapters
    assert len(chapters) >= 2
    assert chapters[0].start == 0 and chapters[-1].end == talk.signals.duration
    assert all(a.end == b.start for a, b in pairwise(chapters))
    assert min(abs(c.start - switch) for c in chapters[1:]) < 15
    titles = " ".join(c.title.lower() for c in chapters)
    assert "bread" in titles or "dough" in titles
    assert "rocket" in titles or "fuel" in titles


def test_quotes_are_short_whole_sentences_with_scores_and_reasons() -> None:
    talk = two_topics()

    quotes = summarize(talk.transcript, talk.signals).quotes

    assert 1 <= len(quotes) <= 5
    assert len({q.text for q in quotes}) == len(quotes)  # no repeats of the same words
    for q in quotes:
        assert 4 <= q.end - q.start <= 15
        assert q.text[0].isupper() and q.text.endswith(".")
        assert q.reason and "visual" not in q.scores and set(q.evidence) == set(q.scores)


def test_cues_break_at_sentences_and_stay_short() -> None:
    talk = build_talk(words_of(" ".join(BREAD)), word=0.35, inner_gap=0.05)

    found = cues(talk.words)

    assert found[0].text.startswith("Bread")
    for cue in found:
        assert cue.end - cue.start <= CUE_SECONDS + 0.01
        lines = cue.text.split("\n")
        assert len(lines) <= 2 and all(len(line) <= LINE_CHARS for line in lines)
    assert all(a.end <= b.start for a, b in pairwise(found))
    ends = [c.text.rstrip().endswith(".") for c in found]
    assert sum(ends) == len(BREAD)


def test_cues_for_a_clip_are_shifted_to_its_start() -> None:
    words = [Word(start=10.0, end=10.4, text="Hello"), Word(start=10.5, end=11.0, text="there.")]

    [cue] = cues(words, offset=9.5)

    assert (cue.start, cue.end, cue.text) == (0.5, 1.5, "Hello there.")


def test_caption_files_in_each_format() -> None:
    writer = Pysubs2CaptionWriter()
    lines = cues([Word(start=1.0, end=1.5, text="R&D"), Word(start=1.6, end=2.2, text="<wins>.")])

    vtt = writer.write(lines, "vtt")
    srt = writer.write(lines, "srt")

    assert vtt.startswith("WEBVTT") and "00:00:01.000 --> 00:00:02.200" in vtt
    assert "R&amp;D &lt;wins&gt;." in vtt
    assert "00:00:01,000 --> 00:00:02,200" in srt and "R&D" in srt
    assert "Dialogue:" in writer.write(lines, "ass")
    with pytest.raises(InvalidInput):
        writer.write(lines, "doc")
