"""Clip edges of the offline analysis: always in a pause, never inside a word, around whole
sentences, within the chunk and the requested lengths (property-tested)."""

from __future__ import annotations

from itertools import combinations

from hypothesis import given, settings
from hypothesis import strategies as st

from klair.domain.analysis.candidates import Request, from_transcript, propose
from klair.domain.analysis.edges import LEAD_IN, TAIL, Boundary, PauseFinder, quiet_spans
from klair.domain.analysis.selection import SUPPRESS
from klair.domain.transcript import Word
from tests.unit.talk_builder import Talk, build_talk, words_of


@st.composite
def talks(draw: st.DrawFn) -> Talk:
    count = draw(st.integers(1, 30))
    sentences = [
        [f"w{i}_{j}" for j in range(draw(st.integers(1, 12)))] + [f"end{i}."] for i in range(count)
    ]
    return build_talk(
        sentences,
        word=draw(st.floats(0.1, 0.6)),
        inner_gap=draw(st.floats(0.0, 0.15)),
        pauses=draw(st.lists(st.floats(0.2, 2.5), min_size=1, max_size=count)),
        heard=draw(st.lists(st.booleans(), min_size=1, max_size=count)),
        lead=draw(st.floats(0.0, 1.0)),
        tail=draw(st.floats(0.0, 2.0)),
    )


@st.composite
def requests(draw: st.DrawFn, talk: Talk) -> Request:
    duration = talk.signals.duration
    start = draw(st.sampled_from([0.0, draw(st.floats(0, duration))]))
    end = draw(st.sampled_from([duration, draw(st.floats(start, duration))]))
    low = draw(st.floats(1, 20))
    return Request(start, max(end, start + 0.1), low, low + draw(st.floats(0, 30)))


def cuts_a_word(t: float, words: list[Word]) -> bool:
    return any(w.start + 1e-9 < t < w.end - 1e-9 for w in words)


def in_a_gap(t: float, talk: Talk) -> bool:
    return any(a - 1e-9 <= t <= b + 1e-9 for a, b in talk.gaps())


@settings(deadline=None, max_examples=200)
@given(st.data())
def test_edges_sit_in_pauses_around_whole_sentences(data: st.DataObject) -> None:
    talk = data.draw(talks())
    request = data.draw(requests(talk))

    found = from_transcript(talk.signals, talk.transcript, request)

    for c in found:
        for edge in (c.start, c.end):
            assert in_a_gap(edge, talk) and not cuts_a_word(edge, talk.words), edge
        for a, b in talk.sentences:
            if b - a < 0.75 * request.max_seconds:
                assert b <= c.start + 1e-9 or a >= c.end - 1e-9 or (c.start <= a and b <= c.end)
        if talk.signals.duration >= request.min_seconds:
            assert request.start - 1e-9 <= c.start < c.end <= request.end + 1e-9
            assert request.min_seconds - 1e-6 <= c.duration <= request.max_seconds + 1e-6
    spans = sorted((c.start, c.end) for c in found)
    # A chunk's list is varied: no two candidates mostly the same span (selection then
    # chooses a set that does not overlap at all).
    for a, b in combinations(spans, 2):
        inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
        assert inter <= SUPPRESS * ((a[1] - a[0]) + (b[1] - b[0]) - inter) + 1e-6


def test_heard_pauses_win_over_word_timings_that_spill_into_them() -> None:
    # The recogniser stretched "there." 0.5 s into the silence that really follows it.
    before = Word(start=9.0, end=10.6, text="there.")
    after = Word(start=11.6, end=12.0, text="Next")
    finder = PauseFinder(quiet_spans([(10.1, 11.5)]))

    pause = finder.between(before, after, (0.0, 60.0))

    assert pause == Boundary(10.1, 11.5, quiet=True)
    assert pause.end_edge == 10.1 + TAIL
    assert pause.start_edge == 11.5 - LEAD_IN


def test_without_a_heard_pause_the_gap_between_words_is_used() -> None:
    before = Word(start=1.0, end=1.5, text="one.")
    after = Word(start=1.7, end=2.0, text="Two")
    finder = PauseFinder([])

    pause = finder.between(before, after, (0.0, 10.0))

    assert pause == Boundary(1.5, 1.7, quiet=False)
    assert 1.5 <= pause.start_edge <= 1.7
    assert 1.5 <= pause.end_edge <= 1.7


def test_a_chunk_edge_inside_speech_is_no_pause() -> None:
    finder = PauseFinder([])
    first = Word(start=30.2, end=30.5, text="continued")

    assert finder.between(None, first, (30.0, 90.0)) is None
    assert finder.between(None, first, (0.0, 90.0)) is None
    assert finder.between(None, first, (0.0, 90.0), source_edge=True) is not None


def test_without_speech_the_signals_propose_the_moments() -> None:
    talk = build_talk(words_of("Only this."), tail=60.0)
    silent = talk.transcript.model_copy(update={"words": []})

    found = propose(talk.signals, silent, Request(0, talk.signals.duration, 10, 20))

    assert found and all("energy" in c.scores and "hook" not in c.scores for c in found)
