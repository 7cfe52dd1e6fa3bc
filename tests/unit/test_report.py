"""report.html from a run's results: a failed run without clips or transcript still makes a
page, clip words are highlighted in their clip's colour, and text is escaped."""

from __future__ import annotations

from datetime import UTC, datetime

from klair.cli.report import ClipView, Report, clock, render
from klair.domain.clip import Clip
from klair.domain.ids import JobId, UserId, clip_id
from klair.domain.job import Job, JobError, JobSource
from klair.domain.status import JobStatus
from klair.domain.transcript import Transcript, Word

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def _job(status: JobStatus, error: JobError | None = None) -> Job:
    return Job(
        id=JobId("job_0123456789abcdef0123"), owner=UserId("u"), status=status, error=error,
        source=JobSource(url="https://example.com/<talk>.mp4"), created_at=NOW, updated_at=NOW,
    )  # fmt: skip


def test_a_failed_run_without_clips_still_makes_a_page_that_says_why() -> None:
    failure = JobError(code="unsupported_media", message="not <media>")
    html = render(Report(_job(JobStatus.FAILED, failure), [], None, None))
    assert "No clips." in html and "No transcript for this run." in html
    assert "unsupported_media: not &lt;media&gt;" in html


def test_words_inside_a_clip_are_marked_with_that_clip() -> None:
    words = [Word(start=t, end=t + 0.6, text=f"w{t}") for t in range(20)]
    clip = Clip(id=clip_id(2), rank=2, start=4.0, end=9.0, score=60, scores={"hook": 71.0})
    view = ClipView(clip, {"9:16": "clip_02.mp4", "thumbnail": "clip_02.jpg"}, None)
    report = Report(_job(JobStatus.COMPLETED), [view], Transcript(end=20.0, words=words), None)
    html = render(report)
    assert '<mark class="hl c1" data-clip="clip_02" title="clip #2">w4 w5 w6 w7 w8</mark>' in html
    assert 'src="clip_02.mp4"' in html and 'poster="clip_02.jpg"' in html
    assert 'style="width:71.0%"' in html
    assert 'style="left:20.000%;width:25.000%"' in html


def test_a_clip_card_shows_its_title_and_hook_line_escaped() -> None:
    clip = Clip(
        id=clip_id(1), rank=1, start=4.0, end=9.0, score=60,
        title="Never <Deploy> on a Friday", hook_line="Never deploy on a Friday & sleep.",
    )  # fmt: skip
    html = render(Report(_job(JobStatus.COMPLETED), [ClipView(clip, {}, None)], None, None))
    assert "<h3>#1 Never &lt;Deploy&gt; on a Friday</h3>" in html
    assert "<p><i>Never deploy on a Friday &amp; sleep.</i></p>" in html
    untitled = clip.model_copy(update={"title": "", "hook_line": ""})
    html = render(Report(_job(JobStatus.COMPLETED), [ClipView(untitled, {}, None)], None, None))
    assert "<h3>#1 Clip 1</h3>" in html and "<i>" not in html


def test_clock() -> None:
    assert (clock(0), clock(75.9), clock(3725)) == ("0:00", "1:15", "1:02:05")
