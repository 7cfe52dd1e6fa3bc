"""Chunk planning: windows cover the source, overlap as set, none longer than the limit, and a
clip of any allowed length always fits wholly inside one window."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klair.domain.chunking import plan_chunks, plan_for_clips


@st.composite
def plans(draw: st.DrawFn) -> tuple[float, float, float]:
    chunk = draw(st.floats(10, 3600))
    overlap = draw(st.floats(0, chunk / 2))
    duration = draw(st.floats(0.1, 40 * chunk))
    return duration, chunk, overlap


@given(plans())
def test_windows_cover_the_source_overlap_as_set_and_none_is_longer_than_the_limit(
    plan: tuple[float, float, float],
) -> None:
    duration, chunk, overlap = plan
    chunks = plan_chunks(duration, chunk, overlap)

    assert [c.index for c in chunks] == list(range(len(chunks)))
    assert chunks[0].start == 0
    assert chunks[-1].end == duration
    for before, after in pairwise(chunks):
        assert after.start <= before.end  # no gap anywhere
        assert before.end - after.start == pytest.approx(overlap, abs=1e-6 * duration)
    for c in chunks:
        assert c.duration <= chunk * (1 + 1e-9)


@given(plans())
def test_windows_are_equal_and_as_few_as_the_limit_allows(
    plan: tuple[float, float, float],
) -> None:
    duration, chunk, overlap = plan
    chunks = plan_chunks(duration, chunk, overlap)

    lengths = [c.duration for c in chunks]
    assert max(lengths) - min(lengths) <= 1e-6 * duration
    fewer = len(chunks) - 1
    if fewer:  # one window less could not reach the end even at the longest length
        assert fewer * chunk - (fewer - 1) * overlap < duration * (1 + 1e-9)


@given(plans(), st.floats(3, 600), st.floats(0, 1), st.floats(0, 1))
def test_every_clip_of_allowed_length_lies_inside_one_window(
    plan: tuple[float, float, float], longest: float, where: float, share: float
) -> None:
    duration, chunk, overlap = plan
    chunks = plan_for_clips(duration, chunk, overlap, longest)
    length = min(duration, longest) * share
    start = (duration - length) * where

    assert any(c.start <= start and start + length <= c.end + 1e-9 for c in chunks)
    assert all(c.duration <= max(chunk, 2 * max(overlap, longest)) * (1 + 1e-9) for c in chunks)


def test_a_four_hour_source_is_26_windows_of_at_most_ten_minutes() -> None:
    chunks = plan_chunks(4 * 3600, 600, 30)

    assert len(chunks) == math.ceil((4 * 3600 - 30) / 570) == 26
    assert max(c.duration for c in chunks) <= 600


def test_a_short_source_is_one_window() -> None:
    chunks = plan_chunks(95.0, 600.0, 30.0)

    assert [(c.start, c.end) for c in chunks] == [(0.0, 95.0)]


def test_a_source_just_over_the_limit_is_split_evenly() -> None:
    chunks = plan_chunks(1200.0, 600.0, 30.0)

    assert [(round(c.start, 6), round(c.end, 6)) for c in chunks] == [
        (0.0, 420.0),
        (390.0, 810.0),
        (780.0, 1200.0),
    ]


def test_the_overlap_widens_to_the_longest_clip() -> None:
    chunks = plan_for_clips(1800.0, 600.0, 30.0, longest_clip=90.0)

    assert all(a.end - b.start == pytest.approx(90.0) for a, b in pairwise(chunks))


@pytest.mark.parametrize(
    ("duration", "chunk", "overlap"), [(0, 600, 30), (100, 0, 0), (100, 60, 60)]
)
def test_impossible_plans_are_refused(duration: float, chunk: float, overlap: float) -> None:
    with pytest.raises(ValueError):
        plan_chunks(duration, chunk, overlap)
