"""Tiers as data and their queues: one Cloud Tasks queue per tier with the tier's numbers in
topology.yaml and terraform, the local dispatcher holding each queue to its own limits at
once, task names from job ids, and queue positions ordered by priority across tiers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from klair.config import Settings
from klair.devstack.dispatcher import Dispatcher
from klair.devstack.topology import Queue, Topology
from klair.domain.status import JobStatus as S
from klair.domain.tiers import DEFAULT_TIERS
from tests.unit.api_world import ALICE, BOB, World, make_world
from tests.unit.terraform_config import KLAIR, MODULES, expr, module_call, resources
from tests.unit.test_dispatcher import FAST_RETRIES, Receiver, post_task, receiver, wait_until

__all__ = ["receiver"]
CAROL, DAN = ALICE.replace("alice", "carol"), ALICE.replace("alice", "dan")


def test_tiers_are_complete_and_ordered() -> None:
    tiers = list(DEFAULT_TIERS.values())
    assert [t.name for t in tiers] == ["free", "creator", "pro", "enterprise"]
    for field in ("priority", "monthly_minutes", "max_source_minutes", "max_concurrent_jobs"):
        values = [getattr(t, field) for t in tiers]
        assert values == sorted(values) and len(set(values)) == len(values), field
    for tier in tiers:
        assert "source" in tier.export_variants and tier.analyzer_model
        assert tier.burst <= tier.requests_per_minute and tier.queue == f"klair-{tier.name}"
    assert Settings().tier(None).name == "free" == Settings().tier("platinum").name


def test_each_tier_has_one_queue_with_its_numbers(topology: Topology) -> None:
    queues = {q.tier: q for q in topology.queues}
    assert sorted(queues) == sorted(DEFAULT_TIERS) and len(topology.queues) == len(queues)
    for name, tier in DEFAULT_TIERS.items():
        queue = queues[name]
        assert (queue.name, queue.max_dispatches_per_second, queue.max_concurrent_dispatches) == (
            tier.queue,
            tier.queue_rate_per_second,
            tier.queue_max_concurrency,
        )


def test_terraform_makes_the_topology_queues_with_their_limits() -> None:
    _, call = module_call(KLAIR, "tier_queues")
    assert expr(call["queues"]) == "local.topology.queues"
    queue = resources(MODULES / "tier_queues", "google_cloud_tasks_queue")["tier"]
    assert expr(queue["name"]) == "each.key"
    limits = queue["rate_limits"][0]
    assert expr(limits["max_dispatches_per_second"]) == "each.value.max_dispatches_per_second"
    assert expr(limits["max_concurrent_dispatches"]) == "each.value.max_concurrent_dispatches"
    assert expr(queue["retry_config"][0]["max_attempts"]) == "each.value.max_attempts"


@pytest.fixture
def two_tiers() -> Iterator[Dispatcher]:
    queues = [
        Queue(name=f"klair-{tier}", tier=tier, max_dispatches_per_second=100,
              max_concurrent_dispatches=concurrency)
        for tier, concurrency in (("slow", 1), ("fast", 4))
    ]  # fmt: skip
    dispatcher = Dispatcher(queues, FAST_RETRIES)
    dispatcher.start("127.0.0.1", 0)
    yield dispatcher
    dispatcher.stop()


def _stats(dispatcher: Dispatcher, queue: str) -> dict[str, int]:
    return dict(httpx.get(f"{dispatcher.url}/queues/{queue}/stats").json())


def test_each_tier_queue_keeps_its_own_concurrency_at_the_same_time(
    two_tiers: Dispatcher,
) -> None:
    targets = {"klair-slow": Receiver(), "klair-fast": Receiver()}
    try:
        for n in range(6):
            for queue, target in targets.items():
                task = post_task(two_tiers, f"ingest-{queue}-{n}", target.url("/slow"), queue)
                assert task.status_code == 200
        wait_until(lambda: all(_stats(two_tiers, q)["succeeded"] == 6 for q in targets))
    finally:
        for target in targets.values():
            target.server.shutdown()
            target.server.server_close()
    assert targets["klair-slow"].max_in_flight == 1
    assert 1 < targets["klair-fast"].max_in_flight <= 4


def test_a_task_name_is_refused_again_on_its_queue(
    two_tiers: Dispatcher, receiver: Receiver
) -> None:
    url = receiver.url("/ok")
    assert post_task(two_tiers, "ingest-job_1", url, "klair-fast").status_code == 200
    assert post_task(two_tiers, "ingest-job_1", url, "klair-fast").status_code == 409
    wait_until(lambda: _stats(two_tiers, "klair-fast")["succeeded"] == 1)
    assert receiver.paths() == ["/ok"]


def _position(world: World, job_id: str) -> int:
    status = world.call("GET", f"/api/klair/status/{job_id}", world.job(job_id).owner).get_json()
    return int(status["queue_position"])


def test_queue_positions_count_older_jobs_of_equal_or_higher_priority() -> None:
    world = make_world()
    tiers = {ALICE: "free", BOB: "creator", CAROL: "pro", DAN: "enterprise"}
    for user, tier in tiers.items():
        world.set_tier(user, tier)
    jobs: dict[str, list[str]] = {}
    for _ in range(2):  # two rounds: free, creator, pro, enterprise, free, ...
        for user, tier in tiers.items():
            world.clock.tick()
            jobs.setdefault(tier, []).append(world.submit(user))
    # Ahead of each job: the older jobs of its own tier and of the tiers above it.
    assert [_position(world, j) for j in jobs["enterprise"]] == [0, 1]
    assert [_position(world, j) for j in jobs["pro"]] == [0, 2]
    assert [_position(world, j) for j in jobs["creator"]] == [0, 3]
    assert [_position(world, j) for j in jobs["free"]] == [0, 4]


def test_positions_move_as_jobs_leave_the_queue() -> None:
    world = make_world()
    world.set_tier(BOB, "pro")
    first, second = world.submit(BOB), world.submit(BOB)
    world.clock.tick()
    mine = world.submit(ALICE)
    assert (_position(world, second), _position(world, mine)) == (0, 2)  # same instant: not ahead
    world.move(first, S.DOWNLOADING)
    assert _position(world, mine) == 1
    world.move(second, S.CANCELLED)
    assert _position(world, mine) == 0
    world.set_tier(CAROL, "enterprise")
    world.clock.tick()
    world.submit(CAROL)  # newer, though higher priority: not ahead of an older job
    assert _position(world, mine) == 0
