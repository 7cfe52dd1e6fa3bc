"""Plans enforced end to end on fakes, with the default tiers: 402 at submit (concurrent jobs,
minutes), minutes held at ingest before the download, committed or refunded exactly once,
a plan change mid-month, and the UTC month boundary."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from klair.config import Settings
from klair.domain.errors import KlairError
from klair.domain.events import StartIngest
from klair.domain.ids import JobId, UserId
from klair.domain.media import MediaInfo
from klair.domain.quota import Quota
from klair.domain.source_checks import SourceLimits
from klair.domain.status import JobStatus as S
from klair.handlers.deps import Deps
from klair.handlers.pipeline.ingest_source import ingest_source
from klair.handlers.steps.delivery import deliver
from klair.handlers.steps.lifecycle import complete_job, fail_job
from klair.ports.media import DownloadProgress, MediaObject, OpenSink
from tests.unit.api_world import ALICE, World, make_world

URL = "https://videos.example/talk.mp4"
LATE = KlairError("processing gave up", code="delivery_exhausted")


@dataclasses.dataclass
class Site:
    """A video site: its metadata may give the length; counts the downloads it serves."""

    seconds: float | None = None
    downloads: int = 0
    during: Callable[[], object] = lambda: None

    def inspect(self, url: str, limits: SourceLimits) -> float | None:
        return self.seconds

    def download(
        self,
        url: str,
        open_sink: OpenSink,
        limits: SourceLimits,
        on_progress: Callable[[DownloadProgress], None] | None = None,
    ) -> str:
        self.downloads += 1
        self.during()
        with open_sink("mp4") as sink:
            sink.write(b"media")
        return "mp4"


@dataclasses.dataclass
class Probe:
    seconds: float

    def probe(self, path: Path) -> MediaInfo:
        return self.probe_object(None)

    def probe_object(self, media: MediaObject | None) -> MediaInfo:
        return MediaInfo(
            duration=self.seconds, container="mp4", video_codec="h264", audio_codec="aac"
        )


@pytest.fixture
def world() -> World:
    return make_world(settings=Settings())  # the real tiers: free runs one job at a time


def _pipeline(world: World, site: Site, seconds: float) -> Deps:
    return dataclasses.replace(world.deps, downloader=site, probe=Probe(seconds))


def _ingest(deps: Deps, job_id: str) -> bool:
    return deliver(deps, ingest_source, StartIngest(job_id=JobId(job_id)), "ingest")


def _spend(world: World, user: UserId, minutes: float, period: str = "2026-03") -> None:
    """Minutes already used this month by an earlier job."""
    job = JobId(f"job_spent_{minutes:g}")
    world.deps.usage.admit(
        user, job, minutes, Quota(period=period, monthly_minutes=1e6, max_concurrent_jobs=99)
    )
    world.deps.usage.commit(user, job, minutes)


def _error(response: Any) -> dict[str, Any]:
    assert response.status_code in (402, 403), response.get_json()
    error: dict[str, Any] = response.get_json()["error"]
    return error


def _usage(world: World, user: UserId = ALICE) -> dict[str, Any]:
    body: dict[str, Any] = world.call("GET", "/api/klair/user/usage", user).get_json()
    return body


def test_a_second_job_on_a_one_job_plan_is_402_and_leaves_nothing(world: World) -> None:
    first = world.submit()
    refused = world.call("POST", "/api/klair/analyze", json={"url": URL})
    error = _error(refused)
    assert (refused.status_code, error["code"]) == (402, "quota_exceeded")
    assert error["details"] == {
        "reason": "concurrent_jobs",
        "limit": 1,
        "active_jobs": 1,
        "period": "2026-03",
        "resets_at": "2026-04-01T00:00:00.000Z",
    }
    listed = world.call("GET", "/api/klair/jobs").get_json()["jobs"]
    assert [j["job_id"] for j in listed] == [first] and len(world.tasks.tasks) == 1
    world.call("POST", f"/api/klair/jobs/{first}/cancel")
    world.submit()  # the cancel freed the slot


def test_an_upload_waiting_for_its_file_holds_the_slot(world: World) -> None:
    ticket = world.call("POST", "/api/upload-url", json={"filename": "a.mp4", "size_bytes": 10})
    assert ticket.status_code == 201
    assert _error(
        world.call("POST", "/api/upload-url", json={"filename": "b.mp4", "size_bytes": 10})
    )
    world.call("DELETE", f"/api/klair/jobs/{ticket.get_json()['job_id']}")
    world.submit()


def test_no_minutes_left_is_402_with_the_books(world: World) -> None:
    _spend(world, ALICE, 60)
    error = _error(world.call("POST", "/api/klair/analyze", json={"url": URL}))
    assert error["details"] == {
        "reason": "monthly_minutes",
        "limit": 60,
        "used": 60,
        "reserved": 0,
        "requested": 0,
        "period": "2026-03",
        "resets_at": "2026-04-01T00:00:00.000Z",
    }
    usage = _usage(world)
    assert (usage["minutes_remaining"], usage["jobs"]) == (0, 1)


def test_export_variants_beyond_the_plan_are_403(world: World) -> None:
    body = {"url": URL, "options": {"aspect_ratios": ["source", "1:1"]}}
    error = _error(world.call("POST", "/api/klair/analyze", json=body))
    assert error["code"] == "export_variant_not_in_plan" and error["details"]["variants"] == ["1:1"]
    assert world.call("GET", "/api/klair/jobs").get_json()["jobs"] == []
    world.set_tier(ALICE, "creator")
    assert world.call("POST", "/api/klair/analyze", json=body).status_code == 202


def test_a_source_over_the_minutes_left_fails_before_any_download(world: World) -> None:
    _spend(world, ALICE, 50)
    site = Site(seconds=20 * 60)
    job_id = world.submit()
    assert _ingest(_pipeline(world, site, 20 * 60), job_id) is False
    job = world.job(job_id)
    assert job.status is S.FAILED and job.error is not None
    assert (job.error.code, job.error.stage, site.downloads) == ("quota_exceeded", "ingest", 0)
    assert (_usage(world)["minutes_reserved"], world.deps.usage.active_jobs(ALICE)) == (0, 0)


def test_the_probe_sets_the_hold_exactly_and_a_redelivery_holds_nothing_more(
    world: World,
) -> None:
    site = Site(seconds=100)  # the metadata rounds; the file lasts 90 s
    deps = _pipeline(world, site, 90)
    job_id = world.submit()
    assert _ingest(deps, job_id) is True
    assert _ingest(deps, job_id) is False
    assert world.job(job_id).minutes_reserved == 1.5
    assert (_usage(world)["minutes_reserved"], _usage(world)["jobs"], site.downloads) == (1.5, 1, 1)


def test_completion_commits_once_and_nothing_is_refunded_after_it(world: World) -> None:
    deps = _pipeline(world, Site(), 90)
    job_id = world.submit()
    _ingest(deps, job_id)
    job = world.move(job_id, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)
    assert complete_job(deps, job) is True
    assert complete_job(deps, job) is False  # a redelivered last export
    assert fail_job(deps, job.id, LATE) is False  # a dead letter after completion
    usage = _usage(world)
    assert (usage["minutes_used"], usage["minutes_reserved"]) == (1.5, 0)
    assert world.deps.usage.active_jobs(ALICE) == 0


def test_a_failure_refunds_once_under_duplicate_delivery(world: World) -> None:
    deps = _pipeline(world, Site(), 90)
    job_id = world.submit()
    _ingest(deps, job_id)
    assert fail_job(deps, JobId(job_id), LATE) is True
    assert fail_job(deps, JobId(job_id), LATE) is False
    assert (_usage(world)["minutes_reserved"], _usage(world)["minutes_used"]) == (0, 0)


def test_a_cancel_during_the_download_releases_the_hold(world: World) -> None:
    job_id = world.submit()
    site = Site(seconds=300, during=lambda: world.call("POST", f"/api/klair/jobs/{job_id}/cancel"))
    assert _ingest(_pipeline(world, site, 300), job_id) is False
    assert world.job(job_id).status is S.CANCELLED
    assert (_usage(world)["minutes_reserved"], world.deps.usage.active_jobs(ALICE)) == (0, 0)


def test_a_plan_change_mid_month_applies_to_the_next_check(world: World) -> None:
    _spend(world, ALICE, 55)
    world.set_tier(ALICE, "creator")
    usage = _usage(world)
    assert (usage["tier"], usage["minutes_remaining"], usage["limits"]["max_concurrent_jobs"]) == (
        "creator",
        545,
        3,
    )
    job_id = world.submit()
    deps = _pipeline(world, Site(seconds=100 * 60), 100 * 60)
    assert _ingest(deps, job_id) is True
    world.set_tier(ALICE, "free")  # downgraded: the job already held keeps its minutes
    usage = _usage(world)
    assert (usage["minutes_reserved"], usage["minutes_remaining"]) == (100, 0)
    error = _error(world.call("POST", "/api/klair/analyze", json={"url": URL}))
    assert error["details"]["limit"] == 1  # free runs one job, and this one is in flight
    complete_job(deps, world.move(job_id, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING))
    error = _error(world.call("POST", "/api/klair/analyze", json={"url": URL}))
    details = error["details"]
    assert (details["reason"], details["limit"], details["used"]) == ("monthly_minutes", 60, 155)


def test_usage_resets_at_the_utc_month_boundary(world: World) -> None:
    _spend(world, ALICE, 59)
    world.clock.at = datetime(2026, 3, 31, 23, 59, tzinfo=UTC)
    job_id = world.submit()  # one minute left: admitted in March
    deps = _pipeline(world, Site(), 60)
    world.clock.at = datetime(2026, 4, 1, 0, 1, tzinfo=UTC)
    _ingest(deps, job_id)
    complete_job(deps, world.move(job_id, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING))
    march = world.deps.usage.usage(ALICE, "2026-03")
    assert (march.minutes_used, march.jobs) == (60, 2)  # counted in the month it was admitted
    april = _usage(world)
    assert (april["period"], april["minutes_used"], april["minutes_remaining"]) == (
        "2026-04",
        0,
        60,
    )
    assert april["resets_at"] == "2026-05-01T00:00:00.000Z"
    world.submit()
