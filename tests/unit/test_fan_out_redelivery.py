"""A fan-out's move and its publishes are separate steps: a delivery that dies between them
is redelivered, and the redelivery, finding the job moved but its fan-out not recorded as
published, publishes it again (not the sweeper, 30 minutes later). A duplicate that comes
while the move is young waits for the record instead of doubling a live fan-out."""

from __future__ import annotations

import threading
import time

import pytest

from klair.domain import naming
from klair.domain.clip import Candidate, Clip
from klair.domain.events import (
    AnalysisCompleted,
    ChunkReady,
    ClipSelected,
    Message,
    ObjectFinalized,
)
from klair.domain.ids import ClipId, JobId
from klair.domain.media import MediaInfo
from klair.domain.status import JobStatus as S
from klair.handlers.pipeline.select_clips import select_clips
from klair.handlers.pipeline.transcode_source import transcode_source
from tests.unit.api_world import World, make_world

MEDIA = MediaInfo(duration=3600.0, container="mp4", video_codec="h264", audio_codec="aac")


@pytest.fixture
def world() -> World:
    return make_world()


def published(world: World) -> list[Message]:
    seen: list[Message] = []
    for kind in (ChunkReady, ClipSelected):
        world.bus.subscribe(kind, seen.append)
    return seen


def moved_to_analyzing(world: World) -> tuple[str, ObjectFinalized]:
    """The job as a transcode delivery that died after its move leaves it."""
    job_id = world.submit()
    source = naming.source(JobId(job_id), ".mp4")
    world.move(
        job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, source_object=source, media=MEDIA,
        chunks_total=4, chunks_done=0, stage_started_at=world.clock.now(),
    )  # fmt: skip
    return job_id, ObjectFinalized(bucket=world.deps.settings.bucket, name=source, generation="1")


def test_a_redelivered_finalize_publishes_the_chunks_the_dead_delivery_did_not(
    world: World,
) -> None:
    job_id, finalize = moved_to_analyzing(world)
    seen = published(world)

    started = time.monotonic()
    assert transcode_source(world.deps, finalize) is True  # after waiting for the record
    assert time.monotonic() - started >= world.deps.settings.fan_out_seconds
    world.bus.drain()

    chunks = [m for m in seen if isinstance(m, ChunkReady)]
    assert [c.index for c in chunks] == list(range(len(chunks))) and len(chunks) >= 2
    assert {c.job_id for c in chunks} == {job_id}
    job = world.job(job_id)
    assert (job.status, job.fanned_out) == (S.ANALYZING, S.ANALYZING)

    assert transcode_source(world.deps, finalize) is False  # now recorded: a duplicate
    world.bus.drain()
    assert len([m for m in seen if isinstance(m, ChunkReady)]) == len(chunks)


def moved_to_exporting(world: World) -> str:
    job_id = world.submit()
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING,
               clips_total=2, clips_exported=0, stage_started_at=world.clock.now())  # fmt: skip
    clips = [
        Clip(id=ClipId(f"c{n}"), rank=n, start=n * 30.0, end=n * 30.0 + 20, score=50)
        for n in (1, 2)
    ]
    world.deps.store.put_clips(JobId(job_id), clips)
    return job_id


def test_a_redelivered_analysis_completed_publishes_the_exports_the_dead_delivery_did_not(
    world: World,
) -> None:
    job_id = moved_to_exporting(world)
    world.deps.store.record_export(JobId(job_id), ClipId("c1"), {"9:16": "clips/x/c1/a.mp4"})
    seen = published(world)
    announced = AnalysisCompleted(job_id=JobId(job_id), chunks=4)

    world.clock.tick(60)  # an old move: no wait
    started = time.monotonic()
    assert select_clips(world.deps, announced) is True
    assert time.monotonic() - started < world.deps.settings.fan_out_seconds
    world.bus.drain()

    # c1 has its files already: only c2 is sent again
    assert [(m.clip_id, m.total) for m in seen if isinstance(m, ClipSelected)] == [("c2", 2)]
    assert world.job(job_id).fanned_out is S.EXPORTING
    assert select_clips(world.deps, announced) is False


def test_a_young_duplicate_waits_for_the_delivery_that_is_still_publishing(
    world: World,
) -> None:
    job_id, finalize = moved_to_analyzing(world)
    seen = published(world)
    recorder = threading.Timer(
        0.1, lambda: world.deps.store.update(JobId(job_id), fanned_out=S.ANALYZING)
    )
    recorder.start()  # the live delivery records its fan-out while the duplicate waits

    assert transcode_source(world.deps, finalize) is False
    recorder.join()
    world.bus.drain()
    assert seen == []


def test_a_fan_out_its_delivery_published_is_recorded_so_duplicates_send_nothing(
    world: World,
) -> None:
    job_id = world.submit()
    world.move(job_id, S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, chunks_total=1, chunks_done=0)
    world.deps.store.record_chunk(
        JobId(job_id), 0, [Candidate(start=10.0, end=30.0, score=60.0, reason="a moment")]
    )
    seen = published(world)
    announced = AnalysisCompleted(job_id=JobId(job_id), chunks=1)

    assert select_clips(world.deps, announced) is True
    started = time.monotonic()
    assert select_clips(world.deps, announced) is False  # recorded: no wait, no copies
    assert time.monotonic() - started < world.deps.settings.fan_out_seconds
    world.bus.drain()

    job = world.job(job_id)
    assert (job.status, job.fanned_out, job.clips_total) == (S.EXPORTING, S.EXPORTING, 1)
    assert [type(m) for m in seen] == [ClipSelected]
