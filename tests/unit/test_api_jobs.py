"""Job routes on in-memory fakes: submit (URL, upload, audio, idempotent), status, results,
listing with cursors and filters."""

from __future__ import annotations

import json
import re

import pytest

from klair.domain.clip import Clip
from klair.domain.ids import ClipId, JobId
from klair.domain.media import MediaInfo
from klair.domain.status import JobStatus as S
from tests.unit.api_world import ALICE, BOB, World, make_world

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
URL = "https://videos.example/talk.mp4"


@pytest.fixture
def world() -> World:
    return make_world()


def test_a_url_submission_is_queued_on_the_callers_tier(world: World) -> None:
    world.set_tier(ALICE, "pro")
    response = world.call(
        "POST", "/api/klair/analyze", json={"url": URL, "options": {"clip_count": 3}}
    )
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "queued" and body["kind"] == "video"
    assert body["status_url"] == f"/api/klair/status/{body['job_id']}"
    assert body["queue_position"] == 0 and body["eta_seconds"] > 0
    assert RFC3339.match(body["created_at"]) and RFC3339.match(body["estimated_completion_at"])
    job = world.job(body["job_id"])
    assert (job.tier, job.options.clip_count, job.owner) == ("pro", 3, ALICE)
    [(queue, _)] = world.tasks.tasks.values()
    assert queue == "klair-pro"


def test_queue_position_counts_older_jobs_of_equal_or_higher_priority(world: World) -> None:
    world.set_tier(BOB, "enterprise")
    world.submit(ALICE)
    world.clock.tick()
    world.submit(BOB)
    world.clock.tick()
    world.set_tier(ALICE, "pro")
    mine = world.call("POST", "/api/klair/analyze", json={"url": URL}).get_json()
    assert mine["queue_position"] == 1  # Bob's enterprise job; Alice's free one is lower
    status = world.call("GET", mine["status_url"]).get_json()
    assert status["queue_position"] == 1 and status["eta_seconds"] > 0


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"url": URL, "upload_id": "job_00000000000000000000"},
        {"url": "ftp://videos.example/a.mp4"},
        {"url": URL, "surprise": 1},
        {"url": URL, "options": {"clip_count": 0}},
        {"url": URL, "options": {"min_clip_seconds": 90, "max_clip_seconds": 30}},
        {"url": URL, "options": {"colour": "red"}},
        {"url": URL, "kind": "podcast"},
    ],
)
def test_invalid_submissions_are_400_with_field_errors(
    world: World, body: dict[str, object]
) -> None:
    response = world.call("POST", "/api/klair/analyze", json=body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_input" and error["details"]["errors"]
    assert world.tasks.tasks == {}


def test_the_same_idempotency_key_and_body_replays_the_first_job(world: World) -> None:
    key = {"Idempotency-Key": "order-42"}
    first = world.call("POST", "/api/klair/analyze", json={"url": URL}, headers=key)
    # The same request spelled differently: key order and explicit defaults do not matter.
    again = world.call(
        "POST", "/api/klair/analyze", json={"kind": "video", "url": URL}, headers=key
    )
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.get_json()["job_id"] == first.get_json()["job_id"]
    assert len(world.tasks.tasks) == 1


def test_the_same_key_with_another_body_is_a_409(world: World) -> None:
    key = {"Idempotency-Key": "order-42"}
    world.call("POST", "/api/klair/analyze", json={"url": URL}, headers=key)
    other = world.call(
        "POST", "/api/klair/analyze", json={"url": URL, "options": {"clip_count": 2}}, headers=key
    )
    assert other.status_code == 409
    assert other.get_json()["error"]["code"] == "idempotency_key_reused"
    audio = world.call("POST", "/api/klair/analyze/audio", json={"url": URL}, headers=key)
    assert audio.status_code == 409


def test_idempotency_keys_are_per_user_and_validated(world: World) -> None:
    key = {"Idempotency-Key": "same"}
    a = world.call("POST", "/api/klair/analyze", ALICE, json={"url": URL}, headers=key)
    b = world.call("POST", "/api/klair/analyze", BOB, json={"url": URL}, headers=key)
    assert (a.status_code, b.status_code) == (202, 202)
    assert a.get_json()["job_id"] != b.get_json()["job_id"]
    bad = world.call(
        "POST", "/api/klair/analyze", json={"url": URL}, headers={"Idempotency-Key": "x" * 256}
    )
    assert bad.get_json()["error"]["code"] == "invalid_idempotency_key"


def test_the_audio_route_makes_an_audio_job(world: World) -> None:
    response = world.call("POST", "/api/klair/analyze/audio", json={"url": URL})
    assert response.status_code == 202
    assert world.job(response.get_json()["job_id"]).kind.value == "audio"
    refused = world.call("POST", "/api/klair/analyze/audio", json={"url": URL, "kind": "video"})
    assert refused.status_code == 400


def _upload(world: World, **extra: object) -> dict[str, object]:
    body = {"filename": "talk.mp4", "size_bytes": 1000, **extra}
    response = world.call("POST", "/api/upload-url", json=body)
    assert response.status_code == 201, response.get_json()
    ticket: dict[str, object] = response.get_json()
    return ticket


def test_an_upload_id_sets_options_until_the_upload_lands(world: World) -> None:
    ticket = _upload(world)
    assert ticket["upload_id"] == ticket["job_id"] and ticket["status"] == "awaiting_upload"
    assert ticket["queue_position"] is None
    body = {"upload_id": ticket["upload_id"], "options": {"clip_count": 2}}
    response = world.call("POST", "/api/klair/analyze", json=body)
    assert response.status_code == 200 and response.get_json()["job_id"] == ticket["job_id"]
    assert "Idempotent-Replayed" not in response.headers
    assert world.job(str(ticket["job_id"])).options.clip_count == 2
    assert world.tasks.tasks == {}  # the finished upload, not this call, queues it
    world.move(str(ticket["job_id"]), S.QUEUED, S.DOWNLOADING)
    busy = world.call("POST", "/api/klair/analyze", json={**body, "options": {"clip_count": 4}})
    assert busy.get_json()["error"]["code"] == "upload_in_progress"


def test_a_finished_upload_can_be_analysed_again(world: World) -> None:
    ticket = _upload(world)
    upload_id = str(ticket["job_id"])
    world.deps.blobs.put_bytes(str(ticket["object_name"]), b"video")
    world.move(upload_id, S.QUEUED, S.DOWNLOADING, S.FAILED)
    again = world.call("POST", "/api/klair/analyze/audio", json={"upload_id": upload_id})
    assert again.status_code == 202
    job = world.job(again.get_json()["job_id"])
    assert (job.kind.value, job.status, job.source.upload_object) == (
        "audio",
        S.QUEUED,
        ticket["object_name"],
    )
    other = world.call("POST", "/api/klair/analyze", BOB, json={"upload_id": upload_id})
    assert other.status_code == 404


def test_status_reports_stage_progress_timings_and_error(world: World) -> None:
    job_id = world.submit()
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, chunks_total=4, chunks_done=1)
    status = world.call("GET", f"/api/klair/status/{job_id}").get_json()
    assert status["status"] == "analyzing" and status["progress"] == 28.8  # 15 + 55 / 4
    assert status["chunks"] == {"total": 4, "done": 1} and status["queue_position"] is None
    assert RFC3339.match(status["updated_at"])
    world.move(job_id, S.FAILED, error={"code": "stalled", "message": "no progress"})
    failed = world.call("GET", f"/api/klair/status/{job_id}").get_json()
    assert failed["error"]["code"] == "stalled" and failed["eta_seconds"] is None


def _finish(world: World, job_id: str, exported: int, total: int, status: S = S.EXPORTING) -> None:
    media = MediaInfo(duration=600, container="mp4", video_codec="h264", audio_codec="aac")
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)
    world.deps.store.update(JobId(job_id), media=media.model_dump(), clips_total=total)
    clips = [
        Clip(id=ClipId(f"clip_{r:02d}"), rank=r, start=r * 60.0, end=r * 60.0 + 30,
             score=90 - r, scores={"hook": 80.0 - r, "energy": 60.0}, reason="strong hook")
        for r in range(1, total + 1)
    ]  # fmt: skip
    world.deps.store.put_clips(JobId(job_id), clips)
    for clip in clips[:exported]:
        name = f"clips/{job_id}/{clip.id}/source.mp4"
        world.deps.blobs.put_bytes(name, b"mp4")
        world.deps.store.record_export(JobId(job_id), clip.id, {"source": name})
    if status is not S.EXPORTING:
        world.move(job_id, status)


def test_results_are_409_until_completed_then_clips_with_signed_urls(world: World) -> None:
    job_id = world.submit()
    early = world.call("GET", f"/api/klair/results/{job_id}")
    assert early.status_code == 409
    assert early.get_json()["error"]["details"]["status"] == "queued"
    _finish(world, job_id, exported=2, total=2, status=S.COMPLETED)
    body = world.call("GET", f"/api/klair/results/{job_id}").get_json()
    assert body["partial"] is False and [c["rank"] for c in body["clips"]] == [1, 2]
    clip = body["clips"][0]
    assert clip["duration"] == 30 and clip["urls"]["source"].startswith("mem://")
    assert "exports" not in clip
    insights = body["insights"]
    assert insights["strongest_criterion"] == "hook" and insights["coverage"] == 0.1
    assert body["cost"] == {"input_tokens": 0, "output_tokens": 0, "usd": 0.0}


def test_partial_results_are_flagged(world: World) -> None:
    job_id = world.submit()
    _finish(world, job_id, exported=1, total=3)
    assert world.call("GET", f"/api/klair/results/{job_id}").status_code == 409
    partial = world.call("GET", f"/api/klair/results/{job_id}?partial=true").get_json()
    assert partial["partial"] is True and len(partial["clips"]) == 1
    world.move(job_id, S.FAILED, error={"code": "stalled", "message": "no progress"})
    ended = world.call("GET", f"/api/klair/results/{job_id}").get_json()
    assert ended["partial"] is True and ended["error"]["code"] == "stalled"


def test_listing_pages_newest_first_with_an_opaque_cursor(world: World) -> None:
    made = []
    for _ in range(5):
        made.append(world.submit())
        world.clock.tick()
    world.submit(BOB)
    first = world.call("GET", "/api/klair/jobs?limit=2").get_json()
    assert [j["job_id"] for j in first["jobs"]] == made[::-1][:2] and first["has_more"]
    seen = [j["job_id"] for j in first["jobs"]]
    cursor = first["next_cursor"]
    while cursor:
        page = world.call("GET", "/api/klair/jobs", query_string={"limit": 2, "cursor": cursor})
        seen += [j["job_id"] for j in page.get_json()["jobs"]]
        cursor = page.get_json()["next_cursor"]
    assert seen == made[::-1]


def test_listing_filters_by_status_kind_and_time(world: World) -> None:
    video = world.submit()
    world.clock.tick(60)
    audio = world.call("POST", "/api/klair/analyze/audio", json={"url": URL}).get_json()["job_id"]
    world.move(video, S.CANCELLED)

    def listed(**query: object) -> list[str]:
        response = world.call("GET", "/api/klair/jobs", query_string=query)
        assert response.status_code == 200, response.get_json()
        return [j["job_id"] for j in response.get_json()["jobs"]]

    assert listed(status="cancelled") == [video]
    assert listed(status="cancelled,queued") == [audio, video]
    assert listed(kind="audio") == [audio]
    assert listed(created_after="2026-03-14T09:30:30Z") == [audio]
    assert listed(created_before="2026-03-14T10:30:30+01:00") == [video]


@pytest.mark.parametrize(
    "query",
    [
        "limit=101",
        "limit=0",
        "cursor=not-a-cursor",
        "status=paused",
        "created_after=2026-03-14T09:30:00",
        "created_after=2026-03-15T00:00:00Z&created_before=2026-03-14T00:00:00Z",
        "colour=red",
    ],
)
def test_listing_refuses_bad_queries(world: World, query: str) -> None:
    response = world.call("GET", f"/api/klair/jobs?{query}")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] in ("invalid_input", "invalid_cursor")


def test_results_carry_the_analyzers_insights_and_transcripts(world: World) -> None:
    job_id = world.submit()
    _finish(world, job_id, exported=1, total=1, status=S.COMPLETED)
    analysis = {
        "language": "en", "duration": 600.0, "word_count": 1200, "speech_seconds": 500.0,
        "words_per_minute": 144.0, "keywords": [], "chapters": [], "quotes": [],
    }  # fmt: skip
    world.deps.blobs.put_bytes(f"clips/{job_id}/insights.json", json.dumps(analysis).encode())
    world.deps.blobs.put_bytes(f"clips/{job_id}/transcript.srt", b"1\n00:00:00,000 --> ...")
    body = world.call("GET", f"/api/klair/results/{job_id}").get_json()
    assert body["insights"]["analysis"]["word_count"] == 1200
    assert set(body["transcript_urls"]) == {"srt"}
