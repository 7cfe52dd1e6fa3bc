"""The progress bars' arithmetic: each stage's share of the job and the time left."""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import pairwise

import pytest
from rich.console import Console

from klair.cli.progress import BANDS, StageBars, eta_seconds, stage_fractions
from klair.domain.ids import JobId, UserId
from klair.domain.job import Job, JobSource
from klair.domain.status import JobStatus

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _job(status: JobStatus, **fields: object) -> Job:
    return Job(
        id=JobId("job_0123456789abcdef0123"), owner=UserId("u"), status=status,
        source=JobSource(url="https://example.com/v.mp4"), created_at=NOW, updated_at=NOW,
        **fields,
    )  # fmt: skip


def test_bands_tile_the_whole_job_in_pipeline_order() -> None:
    edges = list(BANDS.values())
    assert edges[0][0] == 5.0 and edges[-1][1] == 100.0
    assert all(a[1] == b[0] for a, b in pairwise(edges))


def test_stages_before_the_current_one_are_done_and_later_ones_untouched() -> None:
    job = _job(JobStatus.ANALYZING, chunks_total=4, chunks_done=1)
    done = stage_fractions(job)
    assert done[JobStatus.DOWNLOADING] == 1.0 and JobStatus.TRANSCODING not in done
    assert done[JobStatus.ANALYZING] == pytest.approx(0.25, abs=0.002)  # progress is rounded
    assert done[JobStatus.SELECTING] == done[JobStatus.EXPORTING] == 0.0
    assert set(stage_fractions(_job(JobStatus.COMPLETED)).values()) == {1.0}


def test_a_cancelled_job_keeps_where_it_stopped() -> None:
    done = stage_fractions(_job(JobStatus.CANCELLED, progress=42.5))
    assert done[JobStatus.DOWNLOADING] == 1.0
    assert done[JobStatus.ANALYZING] == pytest.approx(0.5)
    assert done[JobStatus.SELECTING] == 0.0


def test_eta_is_the_average_speed_so_far_and_none_without_enough_to_go_on() -> None:
    assert eta_seconds(30.0, 0.25) == pytest.approx(90.0)
    assert eta_seconds(30.0, 0.0) is None and eta_seconds(30.0, 1.0) is None


def test_bars_draw_a_row_per_stage_and_mark_a_failure() -> None:
    console = Console(record=True, width=120, force_terminal=False)
    with StageBars(console, skip=frozenset({"download"})) as bars:
        bars.update(_job(JobStatus.ANALYZING, progress=20.0))
        failed = _job(JobStatus.FAILED, progress=40.0, error={"code": "boom", "message": "m"})
        bars.update(failed)
    text = console.export_text()
    assert "download" not in text
    for name in ("analyze", "select", "export", "overall"):
        assert name in text
    assert "failed: boom" in text
