"""JobStore contract: the in-memory fake and the Firestore adapter (emulator) behave alike."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from klair.adapters.firestore.store import FirestoreJobStore
from klair.adapters.memory.store import MemoryJobStore
from klair.domain.clip import Candidate, Clip, Evidence
from klair.domain.errors import Conflict, IllegalTransition, InvalidInput, NotExporting, NotFound
from klair.domain.export_run import ExportRun, ExportState
from klair.domain.ids import ClipId, UserId, clip_id, new_job_id
from klair.domain.job import Job, JobError, JobOptions
from klair.domain.media import MediaInfo
from klair.domain.status import JobStatus, can_transition
from tests.contract.step_clock import START, StepClock

T = TypeVar("T")
Store = MemoryJobStore | FirestoreJobStore
S = JobStatus


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.emulator)])
def store(request: pytest.FixtureRequest) -> Iterator[Store]:
    if request.param == "memory":
        yield MemoryJobStore(clock=StepClock())
        return
    client = request.getfixturevalue("firestore_client")
    yield FirestoreJobStore(lambda: client, clock=StepClock())


def make_job(status: JobStatus = S.QUEUED, **fields: object) -> Job:
    return Job.model_validate(
        {
            "id": new_job_id(),
            "owner": UserId("user_1"),
            "source": {"url": "https://example.com/talk.mp4"},
            "status": status,
            "created_at": START,
            "updated_at": START,
            **fields,
        }
    )


def created(store: Store, status: JobStatus = S.QUEUED, **fields: object) -> Job:
    job = make_job(status, **fields)
    store.create(job)
    return job


def candidate(start: float, score: float = 50.0) -> Candidate:
    return Candidate(
        start=start,
        end=start + 20.0,
        score=score,
        scores={"hook": score, "energy": 40.0},
        evidence={"hook": [Evidence(at=start + 1.5, text="Here is the secret")]},
        reason="strong opening",
        transcript="Here is the secret nobody tells you.",
    )


def clip(rank: int, start: float) -> Clip:
    return Clip(**candidate(start, score=90.0 - rank).model_dump(), id=clip_id(rank), rank=rank)


def race(count: int, work: Callable[[int], T]) -> list[T]:
    """Run `work(i)` for i in range(count) on as many threads, released together."""
    barrier = threading.Barrier(count)

    def run(i: int) -> T:
        barrier.wait()
        return work(i)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_created_job_reads_back_equal(store: Store) -> None:
    job = created(
        store,
        options=JobOptions(clip_count=3, aspect_ratios=("source", "9:16"), captions=True),
        media=MediaInfo(duration=3600.5, container="mp4", video_codec="h264", width=1920),
        timings={"download": 12.5},
        idempotency_key="abc",
    )
    assert store.get(job.id) == job


def test_unknown_job_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.get(new_job_id())


def test_creating_an_existing_id_conflicts_and_keeps_the_first(store: Store) -> None:
    job = created(store)
    with pytest.raises(Conflict):
        store.create(job.model_copy(update={"tier": "pro"}))
    assert store.get(job.id).tier == "free"


def test_transition_moves_status_and_writes_fields(store: Store) -> None:
    job = created(store)
    moved = store.transition(
        job.id, [S.QUEUED], S.DOWNLOADING, stage="download", progress=0.1, timings={"q": 2.0}
    )
    assert moved is not None
    assert (moved.status, moved.stage, moved.progress, moved.timings) == (
        S.DOWNLOADING,
        "download",
        0.1,
        {"q": 2.0},
    )
    assert moved.updated_at > job.updated_at
    assert store.get(job.id) == moved


def test_transition_to_failed_records_the_error(store: Store) -> None:
    job = created(store, S.ANALYZING)
    error = JobError(code="unsupported_media", message="no audio stream", stage="transcode")
    store.transition(job.id, [S.ANALYZING, S.TRANSCODING], S.FAILED, error=error)
    stored = store.get(job.id)
    assert (stored.status, stored.error) == (S.FAILED, error)


def test_transition_from_another_status_returns_none_and_changes_nothing(store: Store) -> None:
    job = created(store, S.TRANSCODING)
    assert store.transition(job.id, [S.QUEUED], S.DOWNLOADING, stage="download") is None
    assert store.get(job.id) == job


@pytest.mark.parametrize(
    ("current", "to"), [(S.QUEUED, S.COMPLETED), (S.COMPLETED, S.FAILED), (S.FAILED, S.QUEUED)]
)
def test_transition_the_state_machine_forbids_raises(
    store: Store, current: JobStatus, to: JobStatus
) -> None:
    job = created(store, current)
    with pytest.raises(IllegalTransition):
        store.transition(job.id, [current], to)
    assert store.get(job.id).status == current


def test_transition_of_unknown_job_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.transition(new_job_id(), [S.QUEUED], S.DOWNLOADING)


def test_update_writes_fields_and_keeps_status(store: Store) -> None:
    job = created(store, S.ANALYZING, chunks_total=4)
    updated = store.update(job.id, progress=0.5, stage="analyze", stalled=True)
    assert (updated.status, updated.progress, updated.stage, updated.stalled) == (
        S.ANALYZING,
        0.5,
        "analyze",
        True,
    )
    assert store.get(job.id) == updated


@pytest.mark.parametrize(
    "fields",
    [{"no_such_field": 1}, {"status": "completed"}, {"id": "job_other"}, {"progress": "lots"}],
)
def test_update_refuses_bad_fields_and_changes_nothing(
    store: Store, fields: dict[str, object]
) -> None:
    job = created(store)
    with pytest.raises(InvalidInput):
        store.update(job.id, **fields)
    assert store.get(job.id) == job


def test_update_of_unknown_job_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.update(new_job_id(), progress=0.2)


def test_claim_is_granted_to_the_first_caller_only(store: Store) -> None:
    object_key = "klair-media/uploads/u1/up1/video.mp4#1712345"
    assert store.claim("job_1:transcode:0") is True
    assert store.claim("job_1:transcode:0") is False
    assert store.claim("job_1:transcode:1") is True
    assert [store.claim(object_key), store.claim(object_key)] == [True, False]


def test_record_chunk_counts_each_chunk_once(store: Store) -> None:
    job = created(store, S.ANALYZING, chunks_total=3)
    assert store.record_chunk(job.id, 0, [candidate(10)]) == (1, 3)
    assert store.record_chunk(job.id, 0, [candidate(10)]) is None
    assert store.record_chunk(job.id, 2, []) == (2, 3)
    assert store.record_chunk(job.id, 1, [candidate(620)]) == (3, 3)
    assert store.record_chunk(job.id, 1, [candidate(620)]) is None
    assert store.get(job.id).chunks_done == 3


def test_record_chunk_of_unknown_job_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.record_chunk(new_job_id(), 0, [])


def test_chunk_candidates_round_trip_in_chunk_order(store: Store) -> None:
    job = created(store, S.ANALYZING, chunks_total=12)
    by_chunk = {i: [candidate(600.0 * i + 5), candidate(600.0 * i + 300)] for i in range(12)}
    for i in (11, 3, 0, 10, 1, 2, 4, 5, 6, 7, 8, 9):
        store.record_chunk(job.id, i, by_chunk[i])
    assert store.chunk_candidates(job.id) == [c for i in range(12) for c in by_chunk[i]]


def test_clips_come_back_ordered_by_rank_and_overwrite_by_id(store: Store) -> None:
    job = created(store, S.SELECTING, clips_total=3)
    store.put_clips(job.id, [clip(3, 500), clip(1, 100), clip(2, 300)])
    store.put_clips(job.id, [clip(2, 310)])
    assert store.clips(job.id) == [clip(1, 100), clip(2, 310), clip(3, 500)]


def test_record_export_counts_each_clip_once(store: Store) -> None:
    job = created(store, S.EXPORTING, clips_total=2)
    store.put_clips(job.id, [clip(1, 100), clip(2, 300)])
    exports = {"source": "clips/j/clip_01/source.mp4", "9:16": "clips/j/clip_01/9x16.mp4"}
    assert store.record_export(job.id, clip_id(1), exports) == (1, 2)
    assert store.record_export(job.id, clip_id(1), exports) is None
    assert store.record_export(job.id, clip_id(2), {"source": "s.mp4"}) == (2, 2)
    assert [c.exports for c in store.clips(job.id)] == [exports, {"source": "s.mp4"}]
    assert store.get(job.id).clips_exported == 2


def test_record_export_of_unknown_clip_is_not_found(store: Store) -> None:
    job = created(store, S.EXPORTING, clips_total=1)
    with pytest.raises(NotFound):
        store.record_export(job.id, ClipId("clip_99"), {"source": "x.mp4"})


def test_redelivered_selection_keeps_recorded_exports(store: Store) -> None:
    job = created(store, S.EXPORTING, clips_total=1)
    store.put_clips(job.id, [clip(1, 100)])
    store.record_export(job.id, clip_id(1), {"source": "a.mp4"})
    store.put_clips(job.id, [clip(1, 100)])
    assert store.clips(job.id)[0].exports == {"source": "a.mp4"}
    assert store.record_export(job.id, clip_id(1), {"source": "a.mp4"}) is None


@pytest.mark.parametrize("ended", [S.CANCELLED, S.FAILED, S.COMPLETED])
def test_record_export_is_refused_once_the_job_left_exporting(store: Store, ended: S) -> None:
    job = created(store, S.EXPORTING, clips_total=2)
    store.put_clips(job.id, [clip(1, 100), clip(2, 300)])
    store.record_export(job.id, clip_id(1), {"source": "a.mp4"})
    store.transition(job.id, [S.EXPORTING], ended)
    with pytest.raises(NotExporting):
        store.record_export(job.id, clip_id(2), {"source": "late.mp4"})
    with pytest.raises(NotExporting):  # a redelivery of a counted clip: refused the same way
        store.record_export(job.id, clip_id(1), {"source": "a.mp4"})
    assert [c.exports for c in store.clips(job.id)] == [{"source": "a.mp4"}, {}]
    assert store.get(job.id).clips_exported == 1


def test_exports_racing_a_cancel_are_counted_exactly_when_recorded(store: Store) -> None:
    clips = 6
    job = created(store, S.EXPORTING, clips_total=clips + 1)
    store.put_clips(job.id, [clip(n, 100.0 * n) for n in range(1, clips + 1)])

    def work(i: int) -> bool:
        if i == clips:
            return store.transition(job.id, [S.EXPORTING], S.CANCELLED) is not None
        try:
            return store.record_export(job.id, clip_id(i + 1), {"source": f"{i}.mp4"}) is not None
        except NotExporting:
            return False

    *recorded, cancelled = race(clips + 1, work)
    assert cancelled
    with_files = [c.id for c in store.clips(job.id) if c.exports]
    assert store.get(job.id).clips_exported == sum(recorded) == len(with_files)


def test_a_reexport_run_starts_once_and_counts_each_clip_once(store: Store) -> None:
    run = ExportRun(id="exp_1", variants=("1:1",), clips_total=2, requested_at=START)
    job = created(store, S.COMPLETED, export=run.model_dump())
    assert store.record_reexport(job.id, "exp_0", clip_id(1), "started") is None  # not current
    started = store.record_reexport(job.id, "exp_1", clip_id(1), "started")
    assert started is not None and started.state is ExportState.EXPORTING
    assert store.record_reexport(job.id, "exp_1", clip_id(2), "started") is None
    assert store.record_reexport(job.id, "exp_1", clip_id(1), "exported") is not None
    assert store.record_reexport(job.id, "exp_1", clip_id(1), "exported") is None  # redelivered
    assert store.record_reexport(job.id, "exp_1", clip_id(1), "failed") is None
    ended = store.record_reexport(job.id, "exp_1", clip_id(2), "failed")
    assert ended is not None and (ended.clips_done, ended.clips_failed) == (1, 1)
    assert ended.state is ExportState.FAILED and ended.finished_at is not None
    assert store.get(job.id).export == ended


def test_concurrent_reexported_clips_end_the_run_exactly_once(store: Store) -> None:
    clips = 6
    run = ExportRun(id="exp_2", variants=("1:1",), clips_total=clips, requested_at=START)
    job = created(store, S.COMPLETED, export=run.model_dump())
    runs = race(2 * clips, lambda i: store.record_reexport(
        job.id, "exp_2", clip_id(i % clips + 1), "exported"))  # fmt: skip
    counted = sorted(r.clips_done for r in runs if r is not None)
    assert counted == list(range(1, clips + 1))
    final = store.get(job.id).export
    assert final is not None and final.state is ExportState.COMPLETED


def test_given_exports_join_the_recorded_ones_key_by_key(store: Store) -> None:
    job = created(store, S.EXPORTING, clips_total=1)
    store.put_clips(job.id, [clip(1, 100)])
    store.record_export(job.id, clip_id(1), {"source": "a.mp4", "9:16": "b.mp4"})
    store.transition(job.id, [S.EXPORTING], S.COMPLETED)
    again = clip(1, 100).model_copy(update={"exports": {"9:16+bold": "c.mp4", "9:16": "d.mp4"}})
    store.put_clips(job.id, [again])  # a re-export's merge: its variants, one replaced
    assert store.clips(job.id)[0].exports == {
        "source": "a.mp4", "9:16": "d.mp4", "9:16+bold": "c.mp4",
    }  # fmt: skip


def test_delete_job_removes_it_with_its_chunks_and_clips(store: Store) -> None:
    job = created(store, S.EXPORTING, chunks_total=1, clips_total=1)
    store.record_chunk(job.id, 0, [candidate(5)])
    store.put_clips(job.id, [clip(1, 5)])
    store.delete_job(job.id)
    store.delete_job(job.id)
    with pytest.raises(NotFound):
        store.get(job.id)
    assert (store.chunk_candidates(job.id), store.clips(job.id)) == ([], [])
    store.create(job)
    assert store.record_chunk(job.id, 0, []) == (1, 1)


def test_concurrent_transitions_have_exactly_one_winner(store: Store) -> None:
    job = created(store)
    results = race(8, lambda i: store.transition(job.id, [S.QUEUED], S.DOWNLOADING, progress=i))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1
    assert store.get(job.id) == winners[0]


def test_concurrent_redelivered_chunks_count_exactly_once(store: Store) -> None:
    chunks = 8
    job = created(store, S.ANALYZING, chunks_total=chunks)
    results = race(2 * chunks, lambda i: store.record_chunk(job.id, i % chunks, [candidate(i)]))
    counted = sorted(r for r in results if r is not None)
    assert counted == [(done, chunks) for done in range(1, chunks + 1)]
    assert store.get(job.id).chunks_done == chunks
    assert len(store.chunk_candidates(job.id)) == chunks


def test_concurrent_claims_have_exactly_one_winner(store: Store) -> None:
    assert sorted(race(8, lambda _: store.claim("job_9:select:0"))) == [False] * 7 + [True]


_moves = st.lists(
    st.tuples(st.frozensets(st.sampled_from(list(S)), min_size=1), st.sampled_from(list(S))),
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(moves=_moves)
def test_memory_store_follows_the_state_machine(moves: list[tuple[frozenset[S], S]]) -> None:
    store = MemoryJobStore(clock=StepClock())
    job = created(store, S.AWAITING_UPLOAD)
    status = job.status
    for from_, to in moves:
        if status not in from_:
            assert store.transition(job.id, from_, to) is None
        elif can_transition(status, to):
            moved = store.transition(job.id, from_, to)
            assert moved is not None
            status = moved.status
        else:
            with pytest.raises(IllegalTransition):
                store.transition(job.id, from_, to)
        assert store.get(job.id).status == status
