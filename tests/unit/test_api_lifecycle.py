"""Cancel, delete, usage and stats routes on in-memory fakes: what a user sees afterwards,
what later pipeline stages do with a cancelled job, and that minutes come back once."""

from __future__ import annotations

import pytest

from klair.domain.events import (
    AnalysisCompleted,
    ChunkReady,
    ClipSelected,
    JobFinished,
    StartIngest,
)
from klair.domain.ids import ClipId, JobId
from klair.domain.media import MediaInfo
from klair.domain.periods import period_of
from klair.domain.status import JobStatus as S
from klair.handlers.pipeline.analyze_chunk import analyze_chunk
from klair.handlers.pipeline.export_clip import export_clip
from klair.handlers.pipeline.ingest_source import ingest_source
from klair.handlers.pipeline.select_clips import select_clips
from tests.unit.api_world import ALICE, BOB, World, make_world

PERIOD = period_of(2026, 3)


@pytest.fixture
def world() -> World:
    return make_world()


def _reserve(world: World, job_id: str, minutes: float) -> None:
    world.deps.usage.reserve(ALICE, JobId(job_id), minutes, 60, PERIOD)
    world.deps.store.update(JobId(job_id), minutes_reserved=minutes)


def _usage(world: World) -> dict[str, float]:
    body: dict[str, float] = world.call("GET", "/api/klair/user/usage").get_json()
    return body


def test_cancel_stops_the_job_and_refunds_its_minutes(world: World) -> None:
    finished: list[JobFinished] = []
    world.bus.subscribe(JobFinished, finished.append)
    job_id = world.submit()
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, chunks_total=2)
    _reserve(world, job_id, 12.5)
    assert _usage(world)["minutes_reserved"] == 12.5
    response = world.call("POST", f"/api/klair/jobs/{job_id}/cancel")
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled"
    assert _usage(world)["minutes_reserved"] == 0
    again = world.call("POST", f"/api/klair/jobs/{job_id}/cancel")
    assert again.status_code == 200 and _usage(world)["minutes_reserved"] == 0
    world.bus.drain()
    assert [(f.job_id, f.status) for f in finished] == [(job_id, "cancelled")]


def test_later_stages_see_the_cancel_and_do_nothing(world: World) -> None:
    job_id = JobId(world.submit())
    world.call("POST", f"/api/klair/jobs/{job_id}/cancel")
    deps = world.deps
    assert ingest_source(deps, StartIngest(job_id=job_id)) is False
    chunk = ChunkReady(job_id=job_id, index=0, start=0, end=60, total=1)
    assert analyze_chunk(deps, chunk) is False
    assert select_clips(deps, AnalysisCompleted(job_id=job_id, chunks=1)) is False
    assert (
        export_clip(deps, ClipSelected(job_id=job_id, clip_id=ClipId("clip_01"), total=1)) is False
    )
    assert world.job(job_id).status is S.CANCELLED
    assert deps.blobs.list("") == []


def test_a_finished_job_cannot_be_cancelled(world: World) -> None:
    job_id = world.submit()
    world.move(job_id, S.FAILED)
    response = world.call("POST", f"/api/klair/jobs/{job_id}/cancel")
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "job_already_finished"


def test_delete_removes_objects_and_records_and_refunds_once(world: World) -> None:
    ticket = world.call(
        "POST", "/api/upload-url", json={"filename": "talk.mp4", "size_bytes": 10}
    ).get_json()
    job_id = ticket["job_id"]
    blobs = world.deps.blobs
    blobs.put_bytes(ticket["object_name"], b"upload")
    world.move(job_id, S.QUEUED, S.DOWNLOADING, S.TRANSCODING)
    _reserve(world, job_id, 7.0)
    for name in ("sources/{}/source.mp4", "work/{}/audio.wav", "clips/{}/clip_01/source.mp4"):
        blobs.put_bytes(name.format(job_id), b"x")
    blobs.put_bytes("sources/job_ffffffffffffffffffff/source.mp4", b"someone else's")
    response = world.call("DELETE", f"/api/klair/jobs/{job_id}")
    assert response.status_code == 200
    assert response.get_json() == {
        "job_id": job_id,
        "deleted": True,
        "objects_deleted": 4,
        "minutes_refunded": 7.0,
    }
    assert blobs.list("") == ["sources/job_ffffffffffffffffffff/source.mp4"]
    assert _usage(world)["minutes_reserved"] == 0
    assert world.call("GET", f"/api/klair/status/{job_id}").status_code == 404
    second = world.call("DELETE", f"/api/klair/jobs/{job_id}")
    assert second.status_code == 404 and second.get_json()["error"]["code"] == "job_not_found"
    assert world.call("GET", "/api/klair/jobs").get_json()["jobs"] == []


def test_deleting_a_reanalysis_keeps_the_upload_it_shares(world: World) -> None:
    ticket = world.call(
        "POST", "/api/upload-url", json={"filename": "talk.mp4", "size_bytes": 10}
    ).get_json()
    world.deps.blobs.put_bytes(ticket["object_name"], b"upload")
    world.move(ticket["job_id"], S.QUEUED, S.CANCELLED)
    again = world.call("POST", "/api/klair/analyze", json={"upload_id": ticket["job_id"]})
    world.call("DELETE", f"/api/klair/jobs/{again.get_json()['job_id']}")
    assert world.deps.blobs.exists(ticket["object_name"])


def test_a_deleted_jobs_idempotency_key_starts_a_new_job(world: World) -> None:
    key = {"Idempotency-Key": "k"}
    body = {"url": "https://videos.example/a.mp4"}
    first = world.call("POST", "/api/klair/analyze", json=body, headers=key).get_json()
    world.call("DELETE", f"/api/klair/jobs/{first['job_id']}")
    second = world.call("POST", "/api/klair/analyze", json=body, headers=key)
    assert second.status_code == 202 and second.get_json()["job_id"] != first["job_id"]


def test_usage_shows_tier_limits_and_the_period(world: World) -> None:
    world.set_tier(ALICE, "creator")
    job_id = world.submit()
    _reserve(world, job_id, 10)
    world.deps.usage.commit(ALICE, JobId(job_id), 9.5)
    usage = world.call("GET", "/api/klair/user/usage").get_json()
    assert usage["tier"] == "creator" and usage["limits"]["monthly_minutes"] == 600
    assert (usage["minutes_used"], usage["minutes_reserved"]) == (9.5, 0)
    assert usage["minutes_remaining"] == 590.5 and usage["period"] == "2026-03"
    assert usage["period_start"] == "2026-03-01T00:00:00.000Z"
    assert usage["resets_at"] == "2026-04-01T00:00:00.000Z"
    assert world.call("GET", "/api/klair/user/usage", BOB).get_json()["tier"] == "free"


def test_stats_sum_jobs_per_day_with_success_rate_and_speed(world: World) -> None:
    media = MediaInfo(duration=600, container="mp4", video_codec="h264").model_dump()
    done = world.submit()
    world.move(done, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)
    world.deps.store.update(JobId(done), media=media, clips_exported=3)
    world.move(done, S.COMPLETED, timings={"downloading": 20, "analyzing": 40, "queued": 99})
    world.clock.tick(86400)
    failed = world.submit()
    world.move(failed, S.FAILED)
    world.submit()
    stats = world.call("GET", "/api/klair/user/stats?days=7").get_json()
    assert stats["totals"] == {
        "jobs": 3, "completed": 1, "failed": 1, "cancelled": 0, "active": 1,
        "source_minutes": 10.0, "clips": 3,
    }  # fmt: skip
    assert stats["success_rate"] == 0.5
    assert stats["avg_processing_seconds_per_source_minute"] == 6.0
    assert len(stats["daily"]) == 7
    assert [(d["date"], d["jobs"]) for d in stats["daily"][-2:]] == [
        ("2026-03-14", 1),
        ("2026-03-15", 2),
    ]
    assert world.call("GET", "/api/klair/user/stats", BOB).get_json()["success_rate"] is None
    assert world.call("GET", "/api/klair/user/stats?days=0").status_code == 400
