"""The clip-quality benchmark's scoring rules (bench/quality_metrics.py) on hand-made spans:
no media, no pipeline."""

from __future__ import annotations

from itertools import pairwise

import numpy as np

from bench.quality_metrics import (
    Score,
    Talk,
    can_hit,
    cuts_no_sentence,
    face_inside,
    frame_rms,
    loudest_windows,
    match,
    random_windows,
    score,
    widened,
)

MIN, MAX = 15.0, 60.0
TALK = Talk(
    name="t",
    duration=300.0,
    highlights=[(20.0, 30.0), (60.0, 95.0), (150.0, 162.0), (200.0, 210.0)],
    kinds=["hook", "story", "punchline", "closing"],
    sentences=[(20.0, 24.0), (25.0, 30.0), (60.0, 95.0), (150.0, 162.0), (200.0, 210.0)],
    gaps=[(0.0, 20.0), (24.0, 25.0), (30.0, 60.0), (95.0, 150.0), (162.0, 200.0), (210.0, 300.0)],
    distractors=[("alarm", (250.0, 255.0))],
)


def test_a_perfect_selector_scores_f1_one() -> None:
    clips = [widened(h, MIN, TALK.duration) for h in TALK.highlights]
    result = score(TALK, clips, MIN)
    assert (result.precision, result.recall, result.f1) == (1.0, 1.0, 1.0)
    assert result.split == 0


def test_a_short_highlight_widened_to_the_minimum_length_stays_centred_and_inside() -> None:
    assert widened((20.0, 30.0), 15.0, 300.0) == (17.5, 32.5)
    assert widened((0.0, 4.0), 15.0, 300.0) == (0.0, 15.0)
    assert widened((296.0, 300.0), 15.0, 300.0) == (285.0, 300.0)
    assert widened((60.0, 95.0), 15.0, 300.0) == (60.0, 95.0)


def test_a_clip_covering_two_highlights_hits_only_one() -> None:
    highlights = [(20.0, 26.0), (28.0, 34.0)]
    clip = (18.0, 36.0)
    assert all(can_hit(clip, h, MIN, 300.0) for h in highlights)
    assert len(match([clip], highlights, MIN, 300.0)) == 1
    talk = Talk("two", 300.0, highlights, ["hook", "closing"], [], [(0.0, 300.0)])
    result = score(talk, [clip], MIN)
    assert (result.matched, result.precision, result.recall) == (1, 1.0, 0.5)


def test_matching_is_one_to_one_and_maximal() -> None:
    # clip 0 can hit highlight 0 or 1; clip 1 only highlight 0: both must be matched
    highlights = [(20.0, 30.0), (32.0, 42.0)]
    clips = [(18.0, 44.0), (17.0, 33.0)]
    assert can_hit(clips[0], highlights[1], MIN, 300.0)
    assert match(clips, highlights, MIN, 300.0) == {0: 1, 1: 0}


def test_a_long_clip_around_a_short_highlight_misses() -> None:
    assert not can_hit((0.0, 60.0), (20.0, 30.0), MIN, 300.0)  # 15 of 60 s
    assert can_hit((17.0, 35.0), (20.0, 30.0), MIN, 300.0)
    assert not can_hit((26.0, 45.0), (20.0, 30.0), MIN, 300.0)  # 4 of 10 s covered


def test_a_story_cut_in_two_is_split_and_hit_at_most_once() -> None:
    halves = [(55.0, 78.0), (78.0, 100.0)]
    result = score(TALK, halves, MIN)
    assert result.split == 1
    assert result.matched <= 1


def test_edges_in_pauses_and_whole_sentences() -> None:
    good, bad = (18.0, 33.0), (22.0, 40.0)  # bad starts inside the first sentence
    result = score(TALK, [good, bad], MIN)
    assert (result.edges_in, result.edges) == (3, 4)
    assert (result.whole, result.clips) == (1, 2)
    assert cuts_no_sentence(good, TALK.sentences)
    assert not cuts_no_sentence(bad, TALK.sentences)


def test_missed_clips_are_explained_by_the_distractors_they_hold() -> None:
    result = score(TALK, [(240.0, 260.0)], MIN)
    assert result.matched == 0
    assert result.false_hits == {"alarm": 1}


def test_random_windows_are_deterministic_for_a_seed_and_do_not_overlap() -> None:
    first = random_windows(300.0, 4, MIN, MAX, seed=3)
    assert first == random_windows(300.0, 4, MIN, MAX, seed=3)
    assert first != random_windows(300.0, 4, MIN, MAX, seed=4)
    assert len(first) == 4
    assert all(MIN <= b - a <= MAX and a >= 0 and b <= 300.0 for a, b in first)
    assert all(a[1] <= b[0] for a, b in pairwise(first))


def test_loudest_windows_find_the_loud_stretch_without_overlap() -> None:
    rms = np.full(3000, 0.01)  # 300 s at 0.1 s frames
    rms[1000:1200] = 0.5  # 100–120 s loud
    rms[2500:2600] = 0.3  # 250–260 s loud
    windows = loudest_windows(rms, 0.1, 2, MIN, MAX)
    assert len(windows) == 2
    assert any(a >= 100.0 - 1e-6 and b <= 120.0 + 1e-6 for a, b in windows)
    assert any(a <= 250.0 and b >= 260.0 for a, b in windows)
    assert windows[0][1] <= windows[1][0]


def test_frame_rms_and_face_inside() -> None:
    samples = np.concatenate([np.zeros(1600), np.ones(1600)])
    assert list(frame_rms(samples, 16000, 0.1)) == [0.0, 1.0]
    assert face_inside((100, 50, 80, 80), 90.0, 0.0, 405.0, 720.0)
    assert not face_inside((100, 50, 80, 80), 120.0, 0.0, 405.0, 720.0)


def test_scores_pool_by_adding_counts() -> None:
    total = Score()
    total.add(score(TALK, [(17.0, 33.0)], MIN))
    total.add(score(TALK, [(240.0, 260.0)], MIN))
    assert (total.matched, total.clips, total.highlights) == (1, 2, 8)
    assert total.kind_hit["hook"] == 1
    assert total.precision == 0.5
