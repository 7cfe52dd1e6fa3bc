"""The quota arithmetic (pure): UTC months, admission, holds that grow or shrink, and the
invariant every sequence keeps: used + reserved never passes the limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from klair.domain.errors import QuotaExceeded
from klair.domain.periods import period_at, period_bounds, rfc3339
from klair.domain.quota import (
    Quota,
    Usage,
    minutes_of,
    with_adjustment,
    with_admission,
    with_commit,
    with_refund,
)
from klair.domain.tiers import DEFAULT_TIERS

MARCH = "2026-03"


def test_periods_are_utc_calendar_months() -> None:
    tokyo = timezone(timedelta(hours=9))
    assert period_at(datetime(2026, 4, 1, 8, 59, tzinfo=tokyo)) == "2026-03"  # 23:59 UTC
    assert period_at(datetime(2026, 4, 1, 9, 0, tzinfo=tokyo)) == "2026-04"
    assert period_bounds("2026-12") == (
        datetime(2026, 12, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert rfc3339(period_bounds(MARCH)[1]) == "2026-04-01T00:00:00.000Z"


def test_minutes_of_a_source() -> None:
    assert (minutes_of(90), minutes_of(0.4), minutes_of(-1)) == (1.5, 0.007, 0.0)


def test_a_quota_is_the_tiers_numbers_for_a_period() -> None:
    quota = Quota.of(DEFAULT_TIERS["creator"], MARCH)
    assert (quota.monthly_minutes, quota.max_concurrent_jobs, quota.period) == (600, 3, MARCH)


def test_admission_checks_slots_first_then_minutes() -> None:
    quota = Quota(period=MARCH, monthly_minutes=10, max_concurrent_jobs=1)
    with pytest.raises(QuotaExceeded) as full:
        with_admission(Usage(period=MARCH), 1, 0, quota)
    assert full.value.details["reason"] == "concurrent_jobs"
    spent = Usage(period=MARCH, minutes_used=10)
    with pytest.raises(QuotaExceeded) as none_left:
        with_admission(spent, 0, 0, quota)
    assert none_left.value.details["resets_at"] == "2026-04-01T00:00:00.000Z"
    assert with_admission(Usage(period=MARCH, minutes_used=9.9), 0, 0, quota).jobs == 1


def test_a_hold_shrinks_freely_and_grows_within_the_limit() -> None:
    usage = Usage(period=MARCH, minutes_used=20, minutes_reserved=30, jobs=2)
    assert with_adjustment(usage, 30, 5, 60).minutes_reserved == 5
    assert with_adjustment(usage, 30, 40, 60).minutes_reserved == 40
    with pytest.raises(QuotaExceeded) as over:
        with_adjustment(usage, 30, 40.5, 60)
    assert over.value.details["requested"] == 10.5
    over_limit = Usage(period=MARCH, minutes_used=70)  # a plan downgraded mid-month
    assert with_adjustment(over_limit, 0, 0, 60) == over_limit


STEP = st.tuples(
    st.sampled_from(["admit", "grow", "commit", "refund"]),
    st.floats(0, 30).map(lambda m: round(m, 3)),
)


@given(st.lists(STEP, max_size=40), st.floats(1, 120).map(lambda m: round(m, 1)))
def test_no_sequence_passes_the_limit(steps: list[tuple[str, float]], limit: float) -> None:
    quota = Quota(period=MARCH, monthly_minutes=limit, max_concurrent_jobs=3)
    usage, holds = Usage(period=MARCH), list[float]()
    for action, minutes in steps:
        try:
            if action == "admit":
                usage = with_admission(usage, len(holds), minutes, quota)
                holds.append(minutes)
            elif holds and action == "grow":
                usage = with_adjustment(usage, holds[-1], holds[-1] + minutes, limit)
                holds[-1] += minutes
            elif holds:
                held = holds.pop(0)
                usage = (
                    with_commit(usage, held, held)
                    if action == "commit"
                    else with_refund(usage, held)
                )
        except QuotaExceeded:
            pass
        assert usage.minutes_used + usage.minutes_reserved <= limit + 1e-6
        assert len(holds) <= quota.max_concurrent_jobs
        assert usage.minutes_reserved == pytest.approx(sum(holds), abs=1e-5)
