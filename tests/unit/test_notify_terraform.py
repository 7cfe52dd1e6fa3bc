"""The webhook wiring in terraform comes from the topology: the webhook queue with its retry
backoff, the notify function as its only enqueuer and its task target, and job-finished /
clip-exported publish grants for every function that ends a job or exports a clip."""

from __future__ import annotations

from klair.config import Settings
from klair.devstack.topology import Topology
from tests.unit.terraform_config import KLAIR, config, expr, module_call, resources

ENDS_JOBS = {"api", "webhooks", "ingest", "admit", "transcode", "analyze", "select", "export",
             "fail", "sweeper"}  # fmt: skip


def test_the_webhook_queue_is_the_topologys(topology: Topology) -> None:
    queue = resources(KLAIR, "google_cloud_tasks_queue")["webhooks"]
    spec = "local.topology.webhook_queue"
    assert expr(queue["name"]) == f"{spec}.name"
    retry = queue["retry_config"][0]
    for field in ("max_attempts", "min_backoff", "max_backoff", "max_doublings"):
        assert expr(retry[field]) == f"{spec}.{field}", field
    limits = queue["rate_limits"][0]
    assert expr(limits["max_concurrent_dispatches"]) == f"{spec}.max_concurrent_dispatches"
    assert topology.webhook_queue is not None
    assert topology.webhook_queue.name == Settings().webhook_queue
    assert topology.webhook_queue.max_attempts == Settings().webhook_max_attempts
    assert topology.webhook_queue in topology.task_queues()


def test_notify_alone_enqueues_deliveries_and_receives_them() -> None:
    locals_ = config(KLAIR)["locals"]
    assert locals_["webhook_target"] == "notify"
    grant = resources(KLAIR, "google_cloud_tasks_queue_iam_member")["webhook_enqueuer"]
    assert "local.webhook_target" in expr(grant["member"])
    assert "contains([local.task_target, local.webhook_target], name)" in expr(locals_["invokers"])
    _, tier_queues = module_call(KLAIR, "tier_queues")
    assert "name != local.webhook_target" in expr(tier_queues["enqueuers"])
    env = locals_["env"]
    assert expr(env["KLAIR_NOTIFY_URL"]) == "local.notify_url"
    assert "google_cloud_tasks_queue.webhooks.name" in expr(env["KLAIR_WEBHOOK_QUEUE"])


def test_every_function_that_ends_a_job_announces_it(topology: Topology) -> None:
    access = config(KLAIR)["locals"]["access"]
    announcing = {name for name, a in access.items() if "job-finished" in a.get("publishes", [])}
    assert announcing == ENDS_JOBS
    assert "clip-exported" in access["export"]["publishes"]
    notify = {s.topic for s in topology.subscriptions if s.function == "notify"}
    assert notify == {"job-finished", "clip-exported"}
    assert topology.functions["notify"].trigger == "http"
