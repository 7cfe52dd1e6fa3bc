"""Foundation analysis and selection: pause-edged windows in, ranked non-overlapping clips out."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klair.domain.analysis.selection import (
    SEPARATION,
    _says_the_same,
    _shingles,
    ordered,
    select_clips,
)
from klair.domain.analysis.signal_windows import propose_candidates
from klair.domain.chunking import plan_chunks
from klair.domain.clip import Candidate, Clip
from klair.domain.signals import Signals

STEP = 0.2


def talk(
    duration: float,
    sentence: float = 4.0,
    pause: float = 1.0,
    level: float = -24.0,
    loud: tuple[float, float] | None = None,
    scenes: tuple[float, ...] = (),
    has_video: bool = True,
) -> Signals:
    """Sentences of `sentence` seconds separated by pauses; `loud` is a louder span."""
    silences = []
    t = sentence
    while t < duration:
        silences.append((t, min(duration, t + pause)))
        t += sentence + pause
    points = []
    for i in range(int(duration / STEP)):
        time = i * STEP + STEP / 2
        silent = any(a <= time < b for a, b in silences)
        louder = loud is not None and loud[0] <= time < loud[1]
        points.append((time, -60.0 if silent else level + (10.0 if louder else 0.0)))
    return Signals(
        duration=duration,
        has_video=has_video,
        loudness=points,
        silences=silences,
        scenes=list(scenes),
    )


@st.composite
def signals(draw: st.DrawFn) -> Signals:
    duration = draw(st.floats(1, 900))
    levels = draw(st.lists(st.floats(-70, -5), min_size=1, max_size=30))
    points = [
        (t * STEP, levels[int(t * STEP / duration * len(levels))])
        for t in range(int(duration / STEP))
    ]
    silence = st.tuples(st.floats(0, duration), st.floats(0.4, 3.0))
    spans = draw(st.lists(silence, max_size=40))
    scenes = draw(st.lists(st.floats(0.1, duration, exclude_max=True), max_size=30))
    return Signals(
        duration=duration,
        has_video=draw(st.booleans()),
        loudness=points,
        silences=[(s, min(duration, s + d)) for s, d in spans],
        scenes=scenes,
    )


lengths = st.tuples(st.floats(3, 60), st.floats(0, 60)).map(lambda p: (p[0], p[0] + p[1]))


def assert_well_formed(clips: list[Clip], duration: float, count: int) -> None:
    assert 1 <= len(clips) <= count
    assert [c.rank for c in clips] == list(range(1, len(clips) + 1))
    assert [c.id for c in clips] == [f"clip_{r:02d}" for r in range(1, len(clips) + 1)]
    assert [c.score for c in clips] == sorted((c.score for c in clips), reverse=True)
    for c in clips:
        assert 0 <= c.start < c.end <= duration
        assert all(0 <= s <= 100 for s in c.scores.values())
    for a, b in pairwise(sorted(clips, key=lambda c: c.start)):
        assert a.end <= b.start


@settings(deadline=None)
@given(signals(), lengths, st.integers(1, 10))
def test_selected_clips_are_ranked_disjoint_and_within_the_allowed_lengths(
    sig: Signals, bounds: tuple[float, float], count: int
) -> None:
    min_s, max_s = bounds
    candidates = propose_candidates(sig, 0, sig.duration, min_s, max_s)
    clips = select_clips(candidates, count)

    assert_well_formed(clips, sig.duration, count)
    if sig.duration >= min_s:
        assert all(min_s - 1e-9 <= c.duration <= max_s + 1e-9 for c in clips)
    else:
        assert [(c.start, c.end) for c in clips] == [(0.0, sig.duration)]


@settings(deadline=None)
@given(signals(), lengths, st.floats(30, 300), st.integers(1, 10))
def test_chunked_analysis_stays_inside_each_chunk_and_merges_without_overlap(
    sig: Signals, bounds: tuple[float, float], chunk: float, count: int
) -> None:
    min_s, max_s = bounds
    candidates: list[Candidate] = []
    for span in plan_chunks(sig.duration, chunk, chunk / 10):
        found = propose_candidates(sig, span.start, span.end, min_s, max_s)
        # A source shorter than the shortest clip is one moment, all of it, from its first
        # chunk (even when the chunks are shorter still).
        whole = sig.duration < min_s and span.start == 0
        assert all(
            span.start <= c.start < c.end <= span.end
            or (whole and (c.start, c.end) == (0.0, sig.duration))
            for c in found
        )
        candidates += found

    clips = select_clips(candidates, count)

    if candidates:
        assert_well_formed(clips, sig.duration, count)
        # The best set, not first-fit: never a lower total than greedy picking (same gap).
        assert sum(c.score for c in clips) >= sum(c.score for c in greedy(candidates, count)) - 1e-6


def greedy(candidates: list[Candidate], count: int) -> list[Candidate]:
    """First-fit by score, clips SEPARATION apart and not saying the same thing."""
    kept: list[Candidate] = []
    for c in sorted(candidates, key=lambda c: (-c.score, c.start)):
        apart = all(c.end + SEPARATION <= k.start or c.start >= k.end + SEPARATION for k in kept)
        if len(kept) < count and apart and not any(says_the_same(c, k) for k in kept):
            kept.append(c)
    return kept


def says_the_same(a: Candidate, b: Candidate) -> bool:
    return _says_the_same(_shingles(a.transcript), _shingles(b.transcript))


def test_edges_sit_in_pauses() -> None:
    sig = talk(120.0)

    clips = select_clips(propose_candidates(sig, 0, 120.0, 15, 30), 3)

    def in_pause(t: float) -> bool:
        return any(a <= t <= b for a, b in sig.silences)

    assert len(clips) == 3
    assert all((c.start == 0 or in_pause(c.start)) and in_pause(c.end) for c in clips)


def test_the_loud_passage_ranks_first_with_evidence_and_a_reason() -> None:
    sig = talk(180.0, loud=(100.0, 125.0), scenes=(104.0, 110.0, 116.0, 40.0))

    best = select_clips(propose_candidates(sig, 0, 180.0, 15, 30), 3)[0]

    assert best.start >= 95
    assert best.end <= 130
    assert best.scores["energy"] > 60
    assert any(100 <= e.at < 125 for e in best.evidence["energy"])
    assert [e.at for e in best.evidence["visual"]] == sig.scenes_between(best.start, best.end)
    assert "LU" in best.reason and "\n" not in best.reason


def test_without_pauses_edges_fall_on_loudness_minima() -> None:
    points = [(i * STEP, -45.0 if i % 15 == 0 else -20.0) for i in range(int(120 / STEP))]
    dips = [t for t, value in points if value == -45.0]
    sig = Signals(duration=120.0, loudness=points, has_video=False)

    clips = select_clips(propose_candidates(sig, 0, 120.0, 10, 20), 4)

    assert len(clips) == 4
    for c in clips:
        assert c.start == 0 or min(abs(c.start - d) for d in dips) < 0.01
        assert min(abs(c.end - d) for d in dips) < 0.01 or c.end == 120.0


def test_audio_only_sources_are_scored_without_a_visual_criterion() -> None:
    sig = talk(60.0, has_video=False)

    clips = select_clips(propose_candidates(sig, 0, 60.0, 10, 20), 2)

    assert clips and all(set(c.scores) == {"energy", "clarity"} for c in clips)


def test_a_source_shorter_than_the_minimum_is_one_clip_of_all_of_it() -> None:
    sig = talk(9.5)

    clips = select_clips(propose_candidates(sig, 0, 9.5, 15, 60), 5)

    assert [(c.start, c.end, c.rank) for c in clips] == [(0.0, 9.5, 1)]


def test_the_same_moment_proposed_by_two_overlapping_chunks_is_selected_once() -> None:
    moment = Candidate(start=575.0, end=590.0, score=80.0)
    nearly = Candidate(start=574.0, end=589.0, score=79.0)
    elsewhere = Candidate(start=100.0, end=130.0, score=50.0)

    clips = select_clips([moment, elsewhere, moment, nearly], 5)

    assert [(c.start, c.score) for c in clips] == [(575.0, 80.0), (100.0, 50.0)]


def test_time_order_keeps_ranks_by_score() -> None:
    candidates = [
        Candidate(start=200.0, end=220.0, score=90.0),
        Candidate(start=10.0, end=30.0, score=60.0),
        Candidate(start=100.0, end=120.0, score=70.0),
    ]

    clips = select_clips(candidates, 3, order="time")

    assert [(c.start, c.rank, c.id) for c in clips] == [
        (10.0, 3, "clip_03"),
        (100.0, 2, "clip_02"),
        (200.0, 1, "clip_01"),
    ]


def test_signals_queries() -> None:
    sig = talk(20.0, sentence=4.0, pause=1.0)

    assert sig.silence_between(0, 20) == pytest.approx(4.0)
    assert sig.silence_between(4.5, 9.5) == pytest.approx(1.0)
    assert sig.scenes_between(0, 20) == []
    assert sig.loudness_between(4.0, 5.0) == [-60.0] * 5
    assert sig.mean_loudness(0, 4) == pytest.approx(-24.0)


def test_moments_that_say_the_same_thing_are_selected_once() -> None:
    said = "This is the most important part so listen carefully and you will love it."
    first = Candidate(start=10.0, end=25.0, score=80.0, transcript=said)
    repeat = Candidate(start=100.0, end=118.0, score=78.0, transcript="So. " + said)
    other = Candidate(start=50.0, end=65.0, score=60.0, transcript="Now a quieter moment.")

    clips = select_clips([first, repeat, other], 3)

    assert [(c.start, c.rank) for c in clips] == [(10.0, 1), (50.0, 2)]


def test_ordered_lists_by_rank_or_by_time() -> None:
    clips = select_clips(
        [Candidate(start=s, end=s + 10, score=100 - s) for s in (40.0, 0.0, 20.0)], 3
    )

    assert [c.start for c in ordered(clips, "time")] == [0.0, 20.0, 40.0]
    assert [c.rank for c in ordered(reversed(clips))] == [1, 2, 3]
