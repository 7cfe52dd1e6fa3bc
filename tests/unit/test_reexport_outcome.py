"""What a re-export leaves on the clip: a failure the results show (and a later success
clears), each variant's own thumbnail beside the clip's, and the grant that lets the `api`
function publish the re-export's `ClipSelected`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from klair.domain.clip import Clip
from klair.domain.errors import KlairError, Transient, UnsupportedMedia
from klair.domain.events import ClipSelected
from klair.domain.export_options import ExportRequest, RenderSpec
from klair.domain.ids import ClipId, JobId
from klair.handlers.api.queries import ClipView, job_results
from klair.handlers.pipeline.export_clip import export_clip
from klair.handlers.steps.exports import merge_exports
from tests.unit.api_world import ALICE, World, make_world
from tests.unit.terraform_config import KLAIR, config
from tests.unit.test_reexport_api import finished_job

BEFORE = {
    "9:16": "clips/j/clip_01/9x16.mp4",
    "thumbnail": "clips/j/clip_01/9x16.jpg",
    "edl": "clips/j/clip_01/edit_list.json",
}


class StubRenderer:
    """Renders every asked variant as an empty file with its thumbnail, or fails."""

    def __init__(self, error: KlairError | None = None) -> None:
        self.error = error

    def render(
        self, source: Path, clip: Clip, out_dir: Path, spec: RenderSpec | None = None
    ) -> dict[str, Path]:
        if self.error is not None:
            raise self.error
        assert spec is not None
        out_dir.mkdir(parents=True, exist_ok=True)
        files: dict[str, Path] = {}
        for n, key in enumerate(spec.variants):
            stem = key.replace(":", "x")
            files[key] = out_dir / f"{stem}.mp4"
            files["thumbnail" if n == 0 else f"thumbnail:{key}"] = out_dir / f"{stem}.jpg"
        for path in files.values():
            path.write_bytes(b"")
        return files


@pytest.fixture
def world() -> World:
    return make_world()


def _finished(world: World) -> str:
    job_id = finished_job(world, clips=1)
    [clip] = world.deps.store.clips(JobId(job_id))
    world.deps.store.put_clips(JobId(job_id), [clip.model_copy(update={"exports": BEFORE})])
    world.deps.blobs.put_bytes(f"sources/{job_id}/source.mp4", b"media")
    return job_id


def _reexport(world: World, job_id: str, renderer: StubRenderer, *aspects: str) -> bool:
    event = ClipSelected(
        job_id=JobId(job_id), clip_id=ClipId("clip_01"), total=1,
        export=ExportRequest.model_validate({"aspect_ratios": aspects}),
    )  # fmt: skip
    return export_clip(replace(world.deps, renderer=renderer), event)


def _clip(world: World, job_id: str) -> ClipView:
    [clip] = job_results(world.deps, ALICE, job_id).clips
    return clip


def test_a_failed_reexport_shows_on_the_clip(world: World) -> None:
    job_id = _finished(world)
    assert not _reexport(world, job_id, StubRenderer(UnsupportedMedia("cannot render")), "1:1")
    error = _clip(world, job_id).export_error
    assert error is not None
    assert (error.code, error.variants, error.retryable) == ("unsupported_media", ("1:1",), False)


def test_a_transient_failure_is_retried_and_shown_as_retryable(world: World) -> None:
    job_id = _finished(world)
    with pytest.raises(Transient):  # raised: the bus (Pub/Sub) delivers it again
        _reexport(world, job_id, StubRenderer(Transient("storage timed out")), "9:16")
    error = _clip(world, job_id).export_error
    assert error is not None and error.retryable


def test_a_later_success_clears_the_failure(world: World) -> None:
    job_id = _finished(world)
    _reexport(world, job_id, StubRenderer(UnsupportedMedia("cannot render")), "1:1")
    assert _reexport(world, job_id, StubRenderer(), "1:1")
    clip = _clip(world, job_id)
    assert clip.export_error is None
    assert {"1:1", "thumbnail"} <= set(clip.urls)


def test_every_variant_has_its_thumbnail_and_the_clips_own_stays() -> None:
    added = {
        "1:1": "clips/j/clip_01/1x1.mp4",
        "thumbnail": "clips/j/clip_01/1x1.jpg",
        "16:9": "clips/j/clip_01/16x9.mp4",
        "thumbnail:16:9": "clips/j/clip_01/16x9.jpg",
    }
    merged = merge_exports(BEFORE, added, first="1:1")
    assert merged["thumbnail"] == BEFORE["thumbnail"]
    assert merged["thumbnail:1:1"] == "clips/j/clip_01/1x1.jpg"
    assert merged["thumbnail:16:9"] == "clips/j/clip_01/16x9.jpg"
    # The first variant rendered again: its thumbnail is the clip's own, replaced in place.
    again = merge_exports(
        BEFORE, {"9:16": BEFORE["9:16"], "thumbnail": BEFORE["thumbnail"]}, "9:16"
    )
    assert again == BEFORE


def test_the_api_function_may_publish_the_reexports_clip_selected() -> None:
    access = config(KLAIR)["locals"]["access"]
    assert "clip-selected" in access["api"]["publishes"]
