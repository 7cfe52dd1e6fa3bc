"""`POST /api/klair/export`: what it refuses and what it queues (rendering itself is in
tests/media/test_export.py)."""

from __future__ import annotations

import pytest

from klair.domain.clip import Clip
from klair.domain.events import ClipSelected
from klair.domain.ids import ClipId, JobId
from klair.domain.status import JobStatus as S
from klair.entry import wire
from tests.unit.api_world import ALICE, BOB, World, make_world

PIPELINE = (S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)


@pytest.fixture
def world() -> World:
    return make_world()


def finished_job(world: World, clips: int = 2) -> str:
    job_id = world.submit(ALICE)
    world.move(job_id, *PIPELINE, source_object=f"sources/{job_id}/source.mp4")
    world.deps.store.put_clips(
        JobId(job_id),
        [
            Clip(id=ClipId(f"clip_{n:02d}"), rank=n, start=10.0 * n, end=10.0 * n + 8, score=50)
            for n in range(1, clips + 1)
        ],
    )
    world.move(job_id, S.COMPLETED, clips_total=clips, clips_exported=clips)
    return job_id


def export(world: World, user: str = ALICE, **body: object) -> tuple[int, dict[str, object]]:
    response = world.call("POST", "/api/klair/export", user, json=body)  # type: ignore[arg-type]
    return response.status_code, response.get_json()


def test_chosen_clips_are_queued_for_export_with_the_new_choices(world: World) -> None:
    seen: list[ClipSelected] = []
    world.bus.subscribe(ClipSelected, seen.append, name="export")
    world.set_tier(ALICE, "pro")
    job_id = finished_job(world)

    status, body = export(
        world, job_id=job_id, clip_ids=["clip_02"], aspect_ratios=["1:1", "9:16"],
        caption_style="karaoke", loudness_lufs=-16,
    )  # fmt: skip

    assert status == 202, body
    assert body["clips"] == ["clip_02"]
    assert body["variants"] == ["1:1+karaoke", "9:16+karaoke"]
    [envelope] = world.bus.pending()
    event = wire.decode(envelope.data, envelope.attributes, ClipSelected)
    assert event.clip_id == "clip_02" and event.export is not None
    assert event.export.aspect_ratios == ("1:1", "9:16")
    assert (event.export.caption_style, event.export.loudness_lufs) == ("karaoke", -16)


def test_unknown_aspect_or_style_is_a_400_with_the_allowed_values(world: World) -> None:
    job_id = finished_job(world)
    status, body = export(world, job_id=job_id, aspect_ratios=["4:3"])
    assert status == 400
    assert body["error"]["code"] == "unknown_aspect_ratio"
    assert body["error"]["details"]["allowed"] == ["source", "9:16", "4:5", "1:1", "16:9"]
    status, body = export(world, job_id=job_id, caption_style="comic-sans")
    assert status == 400
    assert body["error"]["details"]["allowed"] == ["clean", "bold", "karaoke"]
    status, body = export(world, job_id=job_id, reframe="zoom")
    assert status == 400
    assert body["error"]["details"]["allowed"] == ["auto", "center", "sieve"]


def test_another_users_clip_or_an_unknown_clip_is_a_404(world: World) -> None:
    job_id = finished_job(world)
    status, body = export(world, BOB, job_id=job_id, aspect_ratios=["9:16"])
    assert status == 404 and body["error"]["code"] == "job_not_found"
    status, body = export(world, job_id=job_id, clip_ids=["clip_09"])
    assert status == 404 and body["error"]["code"] == "clip_not_found"
    assert world.bus.pending() == []


def test_a_running_job_is_a_409(world: World) -> None:
    job_id = world.submit(ALICE)
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING)
    status, body = export(world, job_id=job_id, aspect_ratios=["9:16"])
    assert status == 409
    assert body["error"]["code"] == "job_running"
    assert body["error"]["details"]["status"] == "transcoding"


def test_an_aspect_beyond_the_plan_is_a_403(world: World) -> None:
    job_id = finished_job(world)  # free plan: source and 9:16
    status, body = export(world, job_id=job_id, aspect_ratios=["1:1"])
    assert status == 403
    assert body["error"]["code"] == "export_variant_not_in_plan"


def test_the_route_is_in_the_openapi_document(world: World) -> None:
    spec = world.call("GET", "/api/openapi.json", None).get_json()
    operation = spec["paths"]["/api/klair/export"]["post"]
    assert {"202", "400", "404", "409"} <= set(operation["responses"])
