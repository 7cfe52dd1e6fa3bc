"""Transcripts: queries, the merge of overlapping chunk transcripts, and sentences."""

from __future__ import annotations

import pytest

from klair.domain.analysis.sentences import split_sentences
from klair.domain.transcript import Transcript, Word, merge
from tests.unit.talk_builder import build_talk, words_of


def _window(words: list[Word], start: float, end: float) -> Transcript:
    """What a transcriber returns for [start, end): the words inside, timings jittered a bit
    as a second recognition pass would."""
    inside = [w for w in words if start <= w.start and w.end <= end]
    jittered = [w.model_copy(update={"start": w.start + 0.02, "end": w.end + 0.01}) for w in inside]
    return Transcript(start=start, end=end, words=jittered, speech=[(start, end)])


def test_overlapping_chunk_transcripts_merge_without_losing_or_doubling_a_word() -> None:
    talk = build_talk([[f"w{i}.{j}" for j in range(8)] for i in range(40)], word=0.25)
    words = talk.words
    end = talk.signals.duration

    merged = merge([_window(words, 0, 60), _window(words, 45, 105), _window(words, 90, end)])

    assert [w.text for w in merged.words] == [w.text for w in words]
    assert merged.start == 0 and merged.end == end
    assert merged.speech_between(0, end) == pytest.approx(end)


def test_queries_over_words_and_speech() -> None:
    t = Transcript(
        start=10.0,
        end=20.0,
        words=[Word(start=11, end=11.5, text="a"), Word(start=12, end=13, text="b.")],
        speech=[(10.8, 11.7), (11.9, 13.2)],
    )

    assert [w.text for w in t.words_between(11, 12.5)] == ["a"]
    assert t.speech_between(11, 13) == pytest.approx(0.7 + 1.1)
    assert t.pauses() == [(10.0, 10.8), (11.7, 11.9), (13.2, 20.0)]
    assert t.text == "a b."
    with pytest.raises(ValueError):
        Word(start=2, end=1, text="backwards")


def test_sentences_end_at_punctuation_or_long_pauses_and_long_ones_are_cut() -> None:
    talk = build_talk(
        [["First", "one."], ["no", "punctuation", "here"], ["Then", "a", "question?"]],
        pauses=[0.5, 1.5, 0.5],
    )
    sentences = split_sentences(talk.words, 30, opens_first=True, window_end=30)

    assert [s.text for s in sentences] == ["First one.", "no punctuation here", "Then a question?"]
    assert all(s.opens and s.closes for s in sentences)

    long = build_talk([[f"w{i}," if i == 9 else f"w{i}" for i in range(20)] + ["end."]])
    parts = split_sentences(long.words, 4.0, opens_first=False, window_end=30)
    assert len(parts) >= 2 and all(p.duration <= 4.0 for p in parts)
    assert parts[0].text.endswith("w9,")  # cut after the clause mark
    assert [p.opens for p in parts] == [False] * len(parts)
    assert [p.closes for p in parts] == [False] * (len(parts) - 1) + [True]


def test_words_of_reads_a_script() -> None:
    assert words_of("One two. Three four?") == [["One", "two."], ["Three", "four?"]]
