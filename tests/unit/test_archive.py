"""`GET /api/klair/results/{id}/archive` on fakes: 202 while the export function builds the
zip, then 200 with its signed URL; the zip holds every clip, sidecar and edit list; it is
built once per set of rendered files; owner-only; 409 before completion, 404 without clips."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from klair.domain.clip import Clip
from klair.domain.events import ClipSelected
from klair.domain.export_run import ExportRun, ExportState
from klair.domain.ids import ClipId, JobId
from klair.domain.status import JobStatus as S
from klair.handlers.pipeline.build_archive import READ_BYTES
from klair.handlers.pipeline.export_clip import export_clip
from klair.handlers.steps.delivery import deliver
from tests.unit.api_world import BOB, World, make_world

PIPELINE = (S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)


@pytest.fixture
def world() -> World:
    made = make_world()
    made.bus.subscribe(ClipSelected, lambda m: deliver(made.deps, export_clip, m, "export"))
    return made


def files_of(job_id: str, clip: str) -> dict[str, str]:
    base = f"clips/{job_id}/{clip}"
    return {"9:16": f"{base}/9x16.mp4", "9:16.srt": f"{base}/9x16.srt",
            "9:16.vtt": f"{base}/9x16.vtt", "9:16.ass": f"{base}/9x16.ass",
            "edit_list": f"{base}/edit.otio.json", "thumbnail": f"{base}/thumb.jpg"}  # fmt: skip


def completed(world: World, clips: int = 2, big: int = 0) -> str:
    job_id = world.submit()
    world.move(job_id, *PIPELINE)
    made = []
    for n in range(1, clips + 1):
        exports = files_of(job_id, f"clip_{n:02d}")
        for name in exports.values():
            size = big if name.endswith(".mp4") and big else 16
            world.deps.blobs.put_bytes(name, (name.encode() * (size // len(name) + 1))[:size])
        made.append(Clip(id=ClipId(f"clip_{n:02d}"), rank=n, start=n, end=n + 5, score=50,
                         exports=exports))  # fmt: skip
    world.deps.store.put_clips(JobId(job_id), made)
    world.move(job_id, S.COMPLETED)
    return job_id


def archive(world: World, job_id: str, user: Any = None) -> Any:
    return world.call("GET", f"/api/klair/results/{job_id}/archive", *([user] if user else []))


def test_building_then_ready_with_every_file(world: World) -> None:
    job_id = completed(world)
    first = archive(world, job_id)
    assert first.status_code == 202, first.get_json()
    assert first.get_json()["code"] == "archive_building" and first.headers["Retry-After"]
    world.bus.drain()  # the export function builds it
    ready = archive(world, job_id)
    assert ready.status_code == 200, ready.get_json()
    body = ready.get_json()
    assert body["state"] == "ready" and body["url"] and body["files"] == 12
    name = f"clips/{job_id}/archives/{body['key']}.zip"
    with zipfile.ZipFile(io.BytesIO(world.deps.blobs.read_bytes(name))) as zipped:
        assert zipped.testzip() is None
        names = sorted(zipped.namelist())
        for n in (1, 2):
            for stored in files_of(job_id, f"clip_{n:02d}").values():
                arc = f"{n:02d}-clip_{n:02d}/{stored.rsplit('/', 1)[1]}"
                assert arc in names
                assert zipped.read(arc) == world.deps.blobs.read_bytes(stored)
    assert body["size_bytes"] == world.deps.blobs.size(name)


def test_built_once_per_set_of_files(world: World) -> None:
    job_id = completed(world)
    archive(world, job_id)
    world.bus.drain()
    key = archive(world, job_id).get_json()["key"]
    for _ in range(3):
        assert archive(world, job_id).status_code == 200
    assert world.bus.pending() == []  # nothing asked to build again
    clips = world.deps.store.clips(JobId(job_id))
    extra = f"clips/{job_id}/clip_01/1x1.mp4"
    world.deps.blobs.put_bytes(extra, b"square")
    world.deps.store.put_clips(
        JobId(job_id), [clips[0].model_copy(update={"exports": {**clips[0].exports, "1:1": extra}})]
    )  # a re-export added a variant
    again = archive(world, job_id)
    assert again.status_code == 202 and again.get_json()["key"] != key
    world.bus.drain()
    assert archive(world, job_id).get_json()["files"] == 13


def test_a_clip_larger_than_one_read_is_streamed_whole(world: World) -> None:
    job_id = completed(world, clips=1, big=READ_BYTES + 12345)
    archive(world, job_id)
    world.bus.drain()
    key = archive(world, job_id).get_json()["key"]
    data = world.deps.blobs.read_bytes(f"clips/{job_id}/archives/{key}.zip")
    with zipfile.ZipFile(io.BytesIO(data)) as zipped:
        clip = zipped.read("01-clip_01/9x16.mp4")
        info = zipped.getinfo("01-clip_01/9x16.mp4")
    assert len(clip) == READ_BYTES + 12345 and info.compress_type == zipfile.ZIP_STORED


def test_only_the_owner_and_only_a_completed_job_with_clips(world: World) -> None:
    job_id = completed(world)
    other = archive(world, job_id, BOB)
    assert (other.status_code, other.get_json()["error"]["code"]) == (404, "job_not_found")
    running = world.submit()
    refused = archive(world, running)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "job_not_completed")
    empty = world.submit()
    world.move(empty, *PIPELINE, S.COMPLETED)
    none = archive(world, empty)
    assert (none.status_code, none.get_json()["error"]["code"]) == (404, "no_clips")
    assert world.bus.pending() == []


def test_not_while_a_re_export_changes_the_files(world: World) -> None:
    job_id = completed(world)
    run = ExportRun(id="exp_1", variants=("1:1",), clips_total=2, requested_at=world.clock.now())
    world.deps.store.update(JobId(job_id), export=run.model_dump())
    refused = archive(world, job_id)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "export_running")
    done = run.model_copy(update={"state": ExportState.COMPLETED, "clips_done": 2})
    world.deps.store.update(JobId(job_id), export=done.model_dump())
    assert archive(world, job_id).status_code == 202
