"""The sweeper's one re-drive per stage, and outputs of ended jobs never outliving them."""

from __future__ import annotations

from datetime import timedelta

import pytest

from klair.domain import naming
from klair.domain.clip import Clip
from klair.domain.events import (
    AnalysisCompleted,
    ChunkReady,
    ClipSelected,
    Message,
    ObjectFinalized,
    StartIngest,
)
from klair.domain.ids import ClipId, JobId
from klair.domain.media import MediaInfo
from klair.domain.status import JobStatus as S
from klair.handlers.deps import Deps
from klair.handlers.pipeline.sweep import SweepReport, sweep
from klair.handlers.steps.delivery import deliver
from tests.unit.api_world import World, make_world

MEDIA = MediaInfo(duration=600.0, container="mp4", video_codec="h264", audio_codec="aac")


@pytest.fixture
def world() -> World:
    return make_world()


def _sent(world: World) -> list[Message]:
    seen: list[Message] = []
    for kind in (ChunkReady, AnalysisCompleted, ClipSelected, ObjectFinalized):
        world.bus.subscribe(kind, seen.append)
    return seen


def _stall(world: World, job_id: str, after: timedelta = timedelta(hours=3)) -> None:
    world.clock.tick(after.total_seconds())


def _sweep(world: World) -> SweepReport:
    report = sweep(world.deps)
    world.bus.drain()
    return report


def test_a_stalled_download_gets_a_new_ingest_task_then_fails_with_a_refund(world: World) -> None:
    job_id = world.submit()
    world.move(job_id, S.DOWNLOADING)
    _stall(world, job_id)
    report = _sweep(world)
    assert (report.flagged, report.failed) == (1, 0)
    assert world.job(job_id).stalled is True
    name = f"ingest-{job_id}-redrive-downloading"
    assert isinstance(world.tasks.tasks[name][1], StartIngest)
    assert world.call("GET", f"/api/klair/status/{job_id}").get_json()["stalled"] is True
    _stall(world, job_id)
    assert _sweep(world).failed == 1
    job = world.job(job_id)
    assert job.status is S.FAILED and job.error is not None and job.error.code == "stalled"
    assert world.deps.usage.active_jobs(job.owner) == 0


def test_a_stored_source_is_announced_again_instead_of_downloaded_again(world: World) -> None:
    job_id = world.submit()
    source = naming.source(JobId(job_id), ".mp4")
    world.deps.blobs.put_bytes(source, b"media")
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING, source_object=source, media=MEDIA)
    seen = _sent(world)
    _stall(world, job_id)
    assert _sweep(world).redriven == 1
    assert [type(m) for m in seen] == [ObjectFinalized]
    assert isinstance(seen[0], ObjectFinalized) and seen[0].name == source


def test_analysis_is_re_driven_chunk_by_chunk_or_announced_when_all_counted(world: World) -> None:
    first, second = world.submit(), world.submit()
    for job_id, done in ((first, 0), (second, 4)):
        world.move(
            job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING,
            media=MEDIA, chunks_total=4, chunks_done=done,
        )  # fmt: skip
    seen = _sent(world)
    _stall(world, first)
    _sweep(world)
    chunks = [m for m in seen if isinstance(m, ChunkReady) and m.job_id == first]
    assert chunks and [c.index for c in chunks] == list(range(len(chunks)))
    announced = [m for m in seen if isinstance(m, AnalysisCompleted)]
    assert [m.job_id for m in announced] == [second]


def test_exports_are_re_driven_only_for_clips_without_files(world: World) -> None:
    job_id = world.submit()
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)
    clips = [
        Clip(id=ClipId(f"c{n}"), rank=n, start=n * 30.0, end=n * 30.0 + 20, score=50)
        for n in (1, 2)
    ]
    world.deps.store.put_clips(JobId(job_id), clips)
    world.deps.store.record_export(JobId(job_id), ClipId("c1"), {"9x16": "clips/x/c1/a.mp4"})
    seen = _sent(world)
    _stall(world, job_id)
    _sweep(world)
    assert [(m.clip_id, m.total) for m in seen if isinstance(m, ClipSelected)] == [("c2", 2)]


def test_progress_clears_the_flag_so_the_next_stage_gets_its_own_re_drive(world: World) -> None:
    job_id = world.submit()
    world.move(job_id, S.DOWNLOADING)
    _stall(world, job_id)
    _sweep(world)
    assert world.job(job_id).stalled is True
    from klair.handlers.steps.lifecycle import advance

    assert advance(world.deps, world.job(job_id), S.TRANSCODING) is not None
    assert world.job(job_id).stalled is False


def _writer(name: str):  # type: ignore[no-untyped-def]
    """A stage that writes an output and reports success, whatever happened to its job."""

    def handler(deps: Deps, message: StartIngest) -> bool:
        deps.blobs.put_bytes(name, b"late output")
        return True

    return handler


@pytest.mark.parametrize("ending", ["cancel", "delete"])
def test_a_stage_that_loses_the_race_with_cancel_or_delete_cleans_its_output(
    world: World, ending: str
) -> None:
    job_id = world.submit()
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)
    early = f"clips/{job_id}/c1/early.mp4"
    world.deps.blobs.put_bytes(early, b"rendered before the cancel")
    method, suffix = ("POST", "/cancel") if ending == "cancel" else ("DELETE", "")
    assert world.call(method, f"/api/klair/jobs/{job_id}{suffix}").status_code == 200
    assert not world.deps.blobs.exists(early)
    late = f"clips/{job_id}/c2/late.mp4"
    deliver(world.deps, _writer(late), StartIngest(job_id=JobId(job_id)), "export")
    assert world.deps.blobs.list(f"clips/{job_id}/") == []


def test_a_failed_job_keeps_no_partial_clips(world: World) -> None:
    from klair.domain.errors import KlairError
    from klair.handlers.steps.lifecycle import fail_job

    job_id = world.submit()
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)
    world.deps.blobs.put_bytes(f"clips/{job_id}/c1/a.mp4", b"partial")
    world.deps.blobs.put_bytes(f"work/{job_id}/proxy.mp4", b"proxy")
    assert fail_job(world.deps, JobId(job_id), KlairError("boom", code="render_failed"))
    assert world.deps.blobs.list(f"clips/{job_id}/") == []
    assert world.deps.blobs.list(f"work/{job_id}/") == []


@pytest.mark.parametrize("ending", [S.COMPLETED, S.FAILED])
def test_a_delivery_that_died_after_the_final_move_is_finished_by_the_next(
    world: World, ending: S
) -> None:
    from klair.domain.events import JobFinished
    from klair.domain.periods import period_at
    from klair.handlers.pipeline.export_clip import export_clip

    job_id = world.submit()
    path = [S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING, ending]
    job = world.move(job_id, *path, media=MEDIA)  # the move landed, the ledger call did not
    owner = job.owner
    assert world.deps.usage.active_jobs(owner) == 1
    world.deps.blobs.put_bytes(f"work/{job_id}/proxy.mp4", b"left by the dead delivery")
    finished: list[JobFinished] = []
    world.bus.subscribe(JobFinished, finished.append)
    redelivered = ClipSelected(job_id=JobId(job_id), clip_id=ClipId("c1"), total=1)
    for _ in range(2):
        assert deliver(world.deps, export_clip, redelivered, "export") is False
    world.bus.drain()
    assert world.deps.usage.active_jobs(owner) == 0
    usage = world.deps.usage.usage(owner, period_at(world.clock.now()))
    assert usage.minutes_used == (10.0 if ending is S.COMPLETED else 0.0)
    assert [f.status for f in finished] == [ending.value]  # announced once
    left = world.deps.blobs.list(f"work/{job_id}/")
    assert left == ([] if ending is S.FAILED else [f"work/{job_id}/proxy.mp4"])
