"""Platform presets and the 4:5 aspect: what a preset fills in, what an explicit option
overrides, the platform's length cap, and the 400s that list the allowed values."""

from __future__ import annotations

import pytest

from klair.domain.clip import Clip
from klair.domain.errors import InvalidInput
from klair.domain.events import ClipSelected
from klair.domain.export_options import CaptionSafeArea, RenderSpec, geometry
from klair.domain.ids import ClipId, JobId
from klair.domain.job import JobOptions
from klair.domain.presets import PRESETS
from klair.domain.status import JobStatus as S
from klair.entry import wire
from klair.handlers.steps.exports import job_export
from tests.unit.api_world import ALICE, World, make_world

PIPELINE = (S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)
ALLOWED = ["tiktok", "reels", "shorts", "linkedin"]


@pytest.fixture
def world() -> World:
    return make_world()


def test_a_4x5_variant_is_the_largest_portrait_window_of_the_frame() -> None:
    wide = geometry("4:5", 1920, 1080, 1080)
    assert (wide.crop_width, wide.crop_height, wide.width, wide.height) == (864, 1080, 864, 1080)
    capped = geometry("4:5", 3840, 2160, 720)
    assert (capped.width, capped.height) == (720, 900)


@pytest.mark.parametrize(
    ("name", "aspect", "lengths", "bottom"),
    [
        ("tiktok", "9:16", (15, 60), 0.22),
        ("reels", "9:16", (15, 90), 0.35),
        ("shorts", "9:16", (15, 60), 0.20),
        ("linkedin", "4:5", (15, 90), 0.10),
    ],
)
def test_a_preset_fills_in_what_the_request_leaves_out(
    name: str, aspect: str, lengths: tuple[float, float], bottom: float
) -> None:
    options = JobOptions.model_validate({"preset": name})
    assert options.aspect_ratios == (aspect,)
    assert (options.min_clip_seconds, options.max_clip_seconds) == lengths
    assert options.loudness_lufs == -14
    assert PRESETS[name].safe_area == CaptionSafeArea(aspects=(aspect,), bottom=bottom)


def test_explicit_options_win_over_the_preset() -> None:
    options = JobOptions.model_validate(
        {"preset": "reels", "aspect_ratios": ["1:1"], "loudness_lufs": -16, "min_clip_seconds": 95}
    )
    assert options.aspect_ratios == ("1:1",) and options.loudness_lufs == -16
    # The preset's longest (90 s) rises to meet an explicit shortest, within the cap.
    assert (options.min_clip_seconds, options.max_clip_seconds) == (95, 95)
    short = JobOptions.model_validate({"preset": "tiktok", "max_clip_seconds": 10})
    assert (short.min_clip_seconds, short.max_clip_seconds) == (10, 10)


def test_a_longest_clip_over_the_platforms_cap_is_a_400() -> None:
    with pytest.raises(InvalidInput) as over:
        JobOptions.model_validate({"preset": "shorts", "max_clip_seconds": 240})
    assert over.value.code == "clip_length_over_preset"
    assert over.value.details["max_seconds"] == 180


def test_a_stored_preset_places_the_captions_of_its_aspect_only(world: World) -> None:
    job_id = world.submit(options={"preset": "tiktok", "captions": True})
    request = job_export(world.job(job_id))
    assert request.aspect_ratios == ("9:16",)
    spec = request.model_copy(update={"aspect_ratios": ("9:16", "16:9")}).spec((), 1080, "s")
    assert spec.caption_bottom("9:16") == 0.22
    assert spec.caption_bottom("16:9") is None
    assert RenderSpec().caption_bottom("9:16") is None


def test_unknown_presets_are_400s_listing_the_allowed_ones(world: World) -> None:
    response = world.call(
        "POST", "/api/klair/analyze", json={"url": "https://v.example/a.mp4",
                                            "options": {"preset": "myspace"}},
    )  # fmt: skip
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert (error["code"], error["details"]["allowed"]) == ("unknown_preset", ALLOWED)
    job_id = finished_job(world)
    response = world.call("POST", "/api/klair/export", json={"job_id": job_id, "preset": "vine"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "unknown_preset"


def finished_job(world: World, seconds: float = 20.0) -> str:
    job_id = world.submit(ALICE)
    world.move(job_id, *PIPELINE, source_object=f"sources/{job_id}/source.mp4")
    clip = Clip(id=ClipId("clip_01"), rank=1, start=10.0, end=10.0 + seconds, score=50)
    world.deps.store.put_clips(JobId(job_id), [clip])
    world.move(job_id, S.COMPLETED, clips_total=1, clips_exported=1)
    return job_id


def test_a_reexport_with_a_preset_takes_its_aspect_loudness_and_safe_area(world: World) -> None:
    seen: list[ClipSelected] = []
    world.bus.subscribe(ClipSelected, seen.append, name="export")
    world.set_tier(ALICE, "creator")
    job_id = finished_job(world)
    response = world.call(
        "POST", "/api/klair/export", json={"job_id": job_id, "preset": "linkedin"}
    )
    assert response.status_code == 202, response.get_json()
    assert response.get_json()["variants"] == ["4:5"]
    [envelope] = world.bus.pending()
    export = wire.decode(envelope.data, envelope.attributes, ClipSelected).export
    assert export is not None and export.aspect_ratios == ("4:5",)
    assert export.loudness_lufs == -14
    assert export.safe_area == CaptionSafeArea(aspects=("4:5",), bottom=0.10)


def test_a_preset_refuses_clips_longer_than_its_platform_takes(world: World) -> None:
    world.set_tier(ALICE, "creator")
    job_id = finished_job(world, seconds=200)
    response = world.call("POST", "/api/klair/export", json={"job_id": job_id, "preset": "reels"})
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "clip_length_over_preset"
    assert (error["details"]["clip_id"], error["details"]["max_seconds"]) == ("clip_01", 180)
    tiktok = world.call("POST", "/api/klair/export", json={"job_id": job_id, "preset": "tiktok"})
    assert tiktok.status_code == 202


def test_4x5_is_a_paid_variant_and_sieve_does_not_render_it(world: World) -> None:
    job_id = finished_job(world)
    free = world.call("POST", "/api/klair/export", json={"job_id": job_id, "preset": "linkedin"})
    assert free.status_code == 403
    assert free.get_json()["error"]["code"] == "export_variant_not_in_plan"
    sieve = make_world(
        settings=world.deps.settings.model_copy(
            update={
                "sieve_api_key": "k",
                "sieve_callback_secret": "s",
                "webhooks_url": "https://h.example",
            }
        )
    )
    sieve.set_tier(ALICE, "creator")
    response = sieve.call(
        "POST", "/api/klair/analyze", json={"url": "https://v.example/a.mp4",
                                            "options": {"preset": "linkedin", "reframe": "sieve"}},
    )  # fmt: skip
    assert response.status_code == 400, response.get_json()
    error = response.get_json()["error"]
    assert (error["code"], error["details"]["allowed"]) == ("sieve_aspect_ratios", ["9:16", "1:1"])
