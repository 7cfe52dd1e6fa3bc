"""Time as Klair's books and API speak it: usage periods (UTC calendar months, `YYYY-MM`),
their bounds, and the API's timestamp form (RFC 3339, UTC, milliseconds, `Z`)."""

from __future__ import annotations

from datetime import UTC, datetime


def period_of(year: int, month: int) -> str:
    """The usage period key, `YYYY-MM` (UTC)."""
    return f"{year:04d}-{month:02d}"


def period_at(now: datetime) -> str:
    """The period `now` falls in: its UTC calendar month, `YYYY-MM`."""
    utc = now.astimezone(UTC)
    return period_of(utc.year, utc.month)


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """The period's first instant and the next period's (when usage resets), in UTC."""
    year, month = (int(part) for part in period.split("-"))
    start = datetime(year, month, 1, tzinfo=UTC)
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return start, datetime(year, month, 1, tzinfo=UTC)


def rfc3339(moment: datetime) -> str:
    """`2025-03-01T12:00:00.250Z`: UTC, millisecond precision, `Z` suffix (a naive time is
    taken as UTC)."""
    utc = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")
