"""Chunk planning: chunks cover the source, overlap as configured, and never end in a sliver."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klair.domain.chunking import MIN_TAIL_FRACTION, plan_chunks


@st.composite
def plans(draw: st.DrawFn) -> tuple[float, float, float]:
    chunk = draw(st.floats(10, 3600))
    overlap = draw(st.floats(0, chunk / 2))
    duration = draw(st.floats(0.1, 40 * chunk))
    return duration, chunk, overlap


@given(plans())
def test_chunks_cover_the_source_with_the_configured_overlap(
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
    for c in chunks[:-1]:
        assert c.duration == pytest.approx(chunk)


@given(plans())
def test_the_last_chunk_is_neither_a_sliver_nor_much_longer_than_a_chunk(
    plan: tuple[float, float, float],
) -> None:
    duration, chunk, overlap = plan
    chunks = plan_chunks(duration, chunk, overlap)
    last = chunks[-1]

    if len(chunks) == 1:
        assert last.duration == duration
    else:
        assert MIN_TAIL_FRACTION * chunk <= last.duration + 1e-6
        assert last.duration <= (1 + MIN_TAIL_FRACTION) * chunk


def test_a_short_source_is_one_chunk() -> None:
    chunks = plan_chunks(95.0, 600.0, 30.0)

    assert [(c.start, c.end) for c in chunks] == [(0.0, 95.0)]


def test_a_short_tail_is_merged_into_the_previous_chunk() -> None:
    chunks = plan_chunks(1200.0, 600.0, 30.0)

    assert [(c.start, c.end) for c in chunks] == [(0.0, 600.0), (570.0, 1200.0)]


def test_a_long_enough_tail_is_a_chunk_of_its_own() -> None:
    chunks = plan_chunks(1400.0, 600.0, 30.0)

    assert [(c.start, c.end) for c in chunks] == [(0.0, 600.0), (570.0, 1170.0), (1140.0, 1400.0)]


@pytest.mark.parametrize(
    ("duration", "chunk", "overlap"), [(0, 600, 30), (100, 0, 0), (100, 60, 60)]
)
def test_impossible_plans_are_refused(duration: float, chunk: float, overlap: float) -> None:
    with pytest.raises(ValueError):
        plan_chunks(duration, chunk, overlap)
