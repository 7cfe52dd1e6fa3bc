"""The whole flow on the emulator stack under at-least-once delivery and crashes: every
Pub/Sub push and Cloud Task goes through a fault-injecting proxy in front of its function.
All scenarios run their jobs at once on one stack; each test then judges one scenario."""

from __future__ import annotations

import secrets
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from google.cloud.pubsub_v1 import SubscriberClient

from klair.cli.sample import make_sample_video
from klair.devstack import emulators as emu
from klair.devstack.process import free_port
from klair.devstack.stack import LocalStack
from tests.conftest import local_stack
from tests.reliability.conftest import Row, Summary
from tests.reliability.flow import Inspector, Outcome, permanent_failures, request_upload, upload
from tests.reliability.proxy import FaultProxy, Rules
from tests.reliability.restart import Restarter
from tests.reliability.scenarios import (
    ALL,
    CLEAN,
    CRASHES,
    DELIVERED,
    DUPLICATES,
    EXHAUSTED,
    KILLED,
    Scenario,
)

pytestmark = [pytest.mark.e2e, pytest.mark.emulator, pytest.mark.media, pytest.mark.reliability]

PIPELINE = ("api", *DELIVERED)
OPTIONS = {"clip_count": 2, "min_clip_seconds": 5, "max_clip_seconds": 10, "analyzer": "offline"}
# Short windows so a 36 s source is analyzed in three chunks (a fan-out worth counting), and
# no speech model: these tests are about delivery, not transcripts.
ENV = {"KLAIR_CHUNK_SECONDS": "20", "KLAIR_CHUNK_OVERLAP_SECONDS": "5"}
ENV |= {"KLAIR_TRANSCRIBER": "none"}
DEADLINE = 420.0  # a liveness bound: a job not terminal by then is counted stuck
QUIET = 12.0  # past a second retry's backoff (5 s, then 10 s): no redelivery still due


@dataclass(frozen=True)
class Result:
    scenario: Scenario
    outcome: Outcome
    forwarded: int
    injected: int
    row: Row


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("media") / "talk.mp4"
    make_sample_video(path, seconds=36, width=320, height=180, fps=12)
    return path


@pytest.fixture(scope="module")
def rules() -> Rules:
    return Rules()


@pytest.fixture(scope="module")
def stack(
    emulator_stack: emu.Emulators, tmp_path_factory: pytest.TempPathFactory, rules: Rules
) -> Iterator[tuple[LocalStack, dict[str, FaultProxy]]]:
    ports = {name: free_port() for name in DELIVERED}
    proxies = {name: FaultProxy(name, f"http://127.0.0.1:{ports[name]}", rules) for name in ports}
    for proxy in proxies.values():
        proxy.start()
    delivery = {name: proxy.url for name, proxy in proxies.items()}
    try:
        with local_stack(
            emulator_stack, tmp_path_factory, PIPELINE,
            ports=ports, extra_env=ENV, delivery_urls=delivery,
        ) as running:  # fmt: skip
            yield running, proxies
    finally:
        for proxy in proxies.values():
            proxy.stop()


@pytest.fixture(scope="module")
def restarter(stack: tuple[LocalStack, dict[str, FaultProxy]], rules: Rules) -> Iterator[Restarter]:
    running, proxies = stack
    killer = Restarter(running, proxies, Inspector(running).status)
    rules.killer = killer
    yield killer
    killer.stop()


@pytest.fixture(scope="module")
def batch(
    stack: tuple[LocalStack, dict[str, FaultProxy]],
    rules: Rules,
    restarter: Restarter,
    sample: Path,
    summary: Summary,
) -> dict[Scenario, Result]:
    """Every scenario's job submitted at once; each judged once all are done and quiet."""
    running, _ = stack
    inspector = Inspector(running)
    tickets = {}
    for scenario in ALL:
        owner = f"user_rel_{scenario.slug}_{secrets.token_hex(3)}"
        inspector.make_user(owner)
        ticket = request_upload(running, owner, sample, OPTIONS)
        scenario.arm(rules, ticket.job_id)  # before the upload: its finalize starts the flow
        tickets[scenario] = (owner, ticket)
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda t: upload(t, sample), [ticket for _, ticket in tickets.values()]))
    deadline = time.monotonic() + DEADLINE
    inspector.wait_terminal([t.job_id for _, t in tickets.values()], deadline)
    while rules.quiet_for() < QUIET and time.monotonic() < deadline:
        time.sleep(0.5)  # late redeliveries must find nothing left to charge
    failures = permanent_failures(running.log_dir)
    results = {
        scenario: _judge(scenario, inspector.outcome(ticket.job_id, owner), rules, failures)
        for scenario, (owner, ticket) in tickets.items()
    }
    for result in results.values():
        summary.add(result.row)
    return results


def _judge(scenario: Scenario, outcome: Outcome, rules: Rules, failures: Counter[str]) -> Result:
    job_id = outcome.job_id
    spurious = failures[job_id] if outcome.status == "completed" else 0
    row = _row(scenario.name, outcome, rules.forwarded[job_id], spurious)
    return Result(scenario, outcome, rules.forwarded[job_id], rules.injected[job_id], row)


def _row(name: str, outcome: Outcome, forwarded: int, spurious: int) -> Row:
    status = outcome.status
    lost, double, stuck = (int(outcome.counts(k)) for k in ("lost", "double-charged", "stuck"))
    done, failed = int(status == "completed"), int(status == "failed")
    return Row(name, 1, forwarded, done, failed, lost, double, stuck, spurious)


def _assert_sound(result: Result) -> None:
    outcome = result.outcome
    assert result.row.clean, (outcome.problems, f"{result.row.spurious} spurious failures")
    assert outcome.status == "completed", outcome  # one fault, then the platform's retry


def test_deliveries_reach_functions_through_their_proxies(
    stack: tuple[LocalStack, dict[str, FaultProxy]],
) -> None:
    running, proxies = stack
    assert running.env["KLAIR_INGEST_URL"] == proxies["ingest"].url + "/"
    with SubscriberClient() as subscriber:
        for spec in running.options.topology.subscriptions:
            path = subscriber.subscription_path(running.project, spec.name)
            endpoint = subscriber.get_subscription(subscription=path).push_config.push_endpoint
            expected = proxies[spec.function].url if spec.function in proxies else ""
            assert endpoint.startswith(expected), (spec.name, endpoint)


def test_a_clean_run_completes(batch: dict[Scenario, Result]) -> None:
    _assert_sound(batch[CLEAN])


@pytest.mark.parametrize("scenario", DUPLICATES, ids=lambda s: s.slug)
def test_every_delivery_three_times_changes_nothing(
    batch: dict[Scenario, Result], scenario: Scenario
) -> None:
    result, clean = batch[scenario], batch[CLEAN].outcome
    _assert_sound(result)
    assert result.forwarded >= 2 * batch[CLEAN].forwarded  # tripled, give or take retries
    assert result.outcome.clips == clean.clips  # same ids and edges
    assert result.outcome.objects == clean.objects  # same files, none twice


@pytest.mark.parametrize("scenario", CRASHES, ids=lambda s: s.slug)
def test_a_crash_at_a_stage_boundary_is_retried(
    batch: dict[Scenario, Result], rules: Rules, scenario: Scenario
) -> None:
    result, (stage,) = batch[scenario], {fault.function for fault in scenario.faults}
    outcome = result.outcome
    assert result.injected == 2, f"both faults fired (job {outcome.status}, {outcome.problems})"
    fanout = {"analyze": outcome.chunks, "export": len(outcome.clips)}.get(stage, 1)
    assert rules.inputs(stage, outcome.job_id) >= fanout + 2, "each crashed delivery came again"
    _assert_sound(result)
    assert result.outcome.clips == batch[CLEAN].outcome.clips


def test_a_function_killed_mid_request_restarts_and_the_job_completes(
    batch: dict[Scenario, Result], restarter: Restarter, rules: Rules
) -> None:
    result = batch[KILLED]
    assert restarter.errors == []
    assert ("analyze", result.outcome.job_id) in restarter.kills
    assert rules.refused[(result.outcome.job_id, "analyze", 502)] >= 1, "died under the request"
    _assert_sound(result)
    assert result.outcome.clips == batch[CLEAN].outcome.clips


def test_a_stage_that_always_crashes_fails_the_job_with_a_refund(
    batch: dict[Scenario, Result], rules: Rules
) -> None:
    result = batch[EXHAUSTED]
    assert result.row.clean, result.outcome.problems  # refunded, nothing held, not stuck
    assert result.outcome.status == "failed"
    assert result.outcome.error_code == "delivery_exhausted"
    assert rules.inputs("select", result.outcome.job_id) >= 5  # max_delivery_attempts
