"""analyze_chunk redelivered with Gemini wired, on the fake store and on Firestore (emulator):
a chunk already analysed, or under analysis within its lease, is not sent to Gemini again,
and every call that was made counts towards the job's cost (and so its ceiling)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from klair.adapters.firestore.store import FirestoreJobStore
from klair.adapters.memory.store import MemoryJobStore
from klair.domain.cost import Cost
from klair.domain.errors import Transient
from klair.handlers.pipeline.analyze_chunk import analyze_chunk
from klair.ports.jobs import JobStore
from tests.unit.gemini_fixtures.stub import VertexStub, fixture
from tests.unit.talk_builder import Talk, build_talk
from tests.unit.test_gemini_pipeline import JOB, NOW, SENTENCE, Clock, deps_for, start_job

# What the `good` fixture's usage metadata adds up to.
CALL_TOKENS = 42631


@pytest.fixture(scope="module")
def talk() -> Talk:
    return build_talk([SENTENCE] * 230, word=0.3, inner_gap=0.05, pauses=[1.0])


@pytest.fixture(params=["memory", pytest.param("firestore", marks=pytest.mark.emulator)])
def store(request: pytest.FixtureRequest) -> Iterator[JobStore]:
    if request.param == "memory":
        yield MemoryJobStore(Clock())
        return
    client = request.getfixturevalue("firestore_client")
    yield FirestoreJobStore(lambda: client, clock=Clock())


def test_an_analysed_chunk_redelivered_is_not_sent_to_gemini_again(
    tmp_path: Path, talk: Talk, store: JobStore
) -> None:
    with VertexStub(fixture("good")).running() as stub:
        deps = deps_for(tmp_path, stub, talk, store=store)
        first, _ = start_job(deps, talk)
        assert analyze_chunk(deps, first)
        assert analyze_chunk(deps, first)  # redelivered after it was recorded
        calls = len(stub.generate_calls())
    assert calls == 1
    job = deps.store.get(JOB)
    assert (job.chunks_done, job.cost.input_tokens) == (1, CALL_TOKENS)


def test_a_chunk_under_analysis_is_retried_later_not_analysed_twice(
    tmp_path: Path, talk: Talk, store: JobStore
) -> None:
    gate = threading.Event()
    with VertexStub(fixture("good"), gate=gate).running() as stub:
        deps = deps_for(tmp_path, stub, talk, store=store)
        first, _ = start_job(deps, talk)
        holder = threading.Thread(target=analyze_chunk, args=(deps, first))
        holder.start()
        while not stub.generate_calls():  # the first delivery is inside its Gemini call
            threading.Event().wait(0.01)
        with pytest.raises(Transient) as refused:
            analyze_chunk(deps, first)  # Pub/Sub redelivers before the first one acked
        gate.set()
        holder.join(timeout=30)
        calls = len(stub.generate_calls())
    assert refused.value.code == "chunk_in_progress" and refused.value.retryable
    assert calls == 1
    assert deps.store.get(JOB).cost.input_tokens == CALL_TOKENS


def test_a_lease_taken_over_after_its_holder_died_counts_both_calls(
    tmp_path: Path, talk: Talk, store: JobStore
) -> None:
    with VertexStub(fixture("good")).running() as stub:
        deps = deps_for(tmp_path, stub, talk, store=store)
        first, _ = start_job(deps, talk)
        # A delivery leased the chunk, paid for one call and died before recording it.
        dead = deps.store.lease_chunk(JOB, first.index, NOW - timedelta(minutes=1))
        paid = Cost(input_tokens=CALL_TOKENS, output_tokens=1452, usd=0.01)
        deps.store.add_analysis_cost(JOB, first.index, paid, attempt=dead.attempt)
        assert analyze_chunk(deps, first)
        calls = len(stub.generate_calls())
    assert calls == 1
    job = deps.store.get(JOB)
    assert job.cost.input_tokens == 2 * CALL_TOKENS  # both calls reach the ceiling's sum
