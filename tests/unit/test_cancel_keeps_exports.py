"""What an ended job keeps, on in-memory fakes: the clips exported before a cancel or a
failure stay (their files, listed by the partial results, every URL live); everything else
goes; an export that finishes after the end is neither recorded nor announced and its files
are deleted, and no `clip.ready` goes out after the end; partial results of a running job
are a 200 from the start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from klair.domain.clip import Clip
from klair.domain.errors import KlairError
from klair.domain.events import ClipExported, ClipSelected, Message
from klair.domain.export_options import RenderSpec
from klair.domain.ids import ClipId, JobId
from klair.domain.media import MediaInfo
from klair.domain.status import JobStatus as S
from klair.handlers.deps import Deps
from klair.handlers.pipeline.export_clip import export_clip
from klair.handlers.steps.delivery import deliver
from klair.handlers.steps.lifecycle import fail_job
from klair.handlers.steps.removal import cancel
from tests.unit.api_world import World, make_world

PIPELINE = (S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)
MEDIA = MediaInfo(duration=120, container="mp4", video_codec="h264", audio_codec="aac")


class Renderer:
    """A variant and its thumbnail per clip, as small files; `during(clip)` runs while the
    clip renders (a cancel landing mid-export)."""

    def __init__(self, during: Callable[[Clip], Any] = lambda clip: None) -> None:
        self.during = during

    def render(
        self, source: Path, clip: Clip, out_dir: Path, spec: RenderSpec | None = None
    ) -> dict[str, Path]:
        out_dir.mkdir(parents=True, exist_ok=True)
        files = {"source": out_dir / "source.mp4", "thumbnail": out_dir / "source.jpg"}
        for path in files.values():
            path.write_bytes(b"rendered")
        self.during(clip)
        return files


@pytest.fixture
def world() -> World:
    return make_world()


def _exporting(world: World, clips: int = 2) -> JobId:
    """An exporting job with its source, work files, transcript and `clips` selected."""
    job_id = JobId(world.submit())
    source = f"sources/{job_id}/source.mp4"
    world.move(job_id, *PIPELINE, source_object=source, media=MEDIA.model_dump(),
               clips_total=clips)  # fmt: skip
    world.deps.store.put_clips(job_id, [
        Clip(id=ClipId(f"clip_{n:02d}"), rank=n, start=10.0 * n, end=10.0 * n + 8, score=50)
        for n in range(1, clips + 1)
    ])  # fmt: skip
    for name in (source, f"work/{job_id}/proxy.mp4"):
        world.deps.blobs.put_bytes(name, b"x")
    world.deps.blobs.put_bytes(f"clips/{job_id}/transcript.json", b'{"end": 120}')
    return job_id


def _export(deps: Deps, job_id: JobId, clip: str) -> bool:
    event = ClipSelected(job_id=job_id, clip_id=ClipId(clip), total=2)
    return deliver(deps, export_clip, event, "export")


def _announced(world: World) -> list[Message]:
    seen: list[Message] = []
    world.bus.subscribe(ClipExported, seen.append)
    return seen


def _partial(world: World, job_id: JobId) -> dict[str, Any]:
    response = world.call("GET", f"/api/klair/results/{job_id}?partial=true")
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def _url_object(url: str) -> str:
    return url.removeprefix("mem://").split("?", 1)[0]


def _assert_keeps_only_the_first_clip(world: World, job_id: JobId) -> None:
    results = _partial(world, job_id)
    assert [c["id"] for c in results["clips"]] == ["clip_01"]
    named = sorted(_url_object(url) for url in results["clips"][0]["urls"].values())
    assert all(world.deps.blobs.exists(name) for name in named)  # never a dead link
    assert world.deps.blobs.list("") == named  # and nothing else of the job is left
    assert results["transcript_urls"] == {}


def test_cancel_keeps_the_exported_clips_and_deletes_everything_else(world: World) -> None:
    deps = replace(world.deps, renderer=Renderer())
    job_id = _exporting(world)
    assert _export(deps, job_id, "clip_01")
    world.deps.blobs.put_bytes(f"clips/{job_id}/clip_02/half.mp4", b"still rendering")
    cancelled = world.call("POST", f"/api/klair/jobs/{job_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.get_json()["clips_ready"] == 1
    _assert_keeps_only_the_first_clip(world, job_id)
    ended = world.call("GET", f"/api/klair/results/{job_id}").get_json()
    assert ended["status"] == "cancelled" and ended["partial"] is True


def test_a_failed_job_keeps_its_exported_clips_the_same_way(world: World) -> None:
    deps = replace(world.deps, renderer=Renderer())
    job_id = _exporting(world)
    assert _export(deps, job_id, "clip_01")
    world.deps.blobs.put_bytes(f"clips/{job_id}/clip_02/half.mp4", b"still rendering")
    assert fail_job(world.deps, job_id, KlairError("boom", code="render_failed"))
    _assert_keeps_only_the_first_clip(world, job_id)


def test_an_export_finishing_after_the_cancel_is_not_recorded_announced_or_kept(
    world: World,
) -> None:
    def cancel(clip: Clip) -> None:
        if clip.id == "clip_02":
            assert world.call("POST", f"/api/klair/jobs/{job_id}/cancel").status_code == 200

    deps = replace(world.deps, renderer=Renderer(during=cancel))
    announced = _announced(world)
    job_id = _exporting(world)
    assert _export(deps, job_id, "clip_01")
    assert not _export(deps, job_id, "clip_02")  # rendered, then found the job cancelled
    world.bus.drain()
    assert [(m.job_id, m.clip_id) for m in announced] == [(job_id, "clip_01")]  # type: ignore[attr-defined]
    job = world.job(job_id)
    assert (job.status, job.clips_exported) == (S.CANCELLED, 1)
    assert [c.exports != {} for c in world.deps.store.clips(job_id)] == [True, False]
    _assert_keeps_only_the_first_clip(world, job_id)


def test_an_export_finishing_after_the_delete_leaves_nothing(world: World) -> None:
    def delete(clip: Clip) -> None:
        assert world.call("DELETE", f"/api/klair/jobs/{job_id}").status_code == 200

    announced = _announced(world)
    job_id = _exporting(world)
    assert not _export(replace(world.deps, renderer=Renderer(during=delete)), job_id, "clip_01")
    world.bus.drain()
    assert announced == [] and world.deps.blobs.list("") == []


@pytest.mark.parametrize("status", [S.QUEUED, S.ANALYZING, S.EXPORTING])
def test_partial_results_of_a_running_job_start_empty(world: World, status: S) -> None:
    job_id = world.submit()
    if status is not S.QUEUED:
        world.move(job_id, *PIPELINE[: PIPELINE.index(status) + 1])
    results = _partial(world, JobId(job_id))
    assert (results["status"], results["partial"], results["clips"]) == (status.value, True, [])
    whole = world.call("GET", f"/api/klair/results/{job_id}")
    assert whole.status_code == 409  # without `partial`, only a finished job has results
    assert whole.get_json()["error"]["code"] == "job_not_finished"


def test_a_clip_announced_after_the_cancel_sends_no_clip_ready() -> None:
    from tests.unit.notify_world import Receiver
    from tests.unit.notify_world import make_world as notify_world

    world, receiver = notify_world(), Receiver()
    try:
        world.register(receiver)
        job = world.with_clips(world.job(), 2)
        assert _export(world.deps, job.id, "clip_01")  # its ClipExported waits on the bus
        cancel(world.deps, world.deps.store.get(job.id))
        world.bus.drain()
    finally:
        receiver.close()
    assert [hit.event for hit in receiver.hits] == ["job.cancelled"]
    assert receiver.hits[0].body["data"]["clips_ready"] == 1


def test_a_duplicate_export_finishing_after_completion_deletes_nothing(world: World) -> None:
    def complete(clip: Clip) -> None:
        if clip.id == "clip_01" and not world.deps.store.get(job_id).clips_exported:
            assert _export(replace(world.deps, renderer=Renderer()), job_id, "clip_01")

    job_id = _exporting(world, clips=1)
    before = set(world.deps.blobs.list(""))
    # A redelivery renders the clip while the first delivery counts it and completes the job.
    assert not _export(replace(world.deps, renderer=Renderer(during=complete)), job_id, "clip_01")
    assert world.job(job_id).status is S.COMPLETED
    assert before < set(world.deps.blobs.list(""))  # source, work files, transcript: all kept
