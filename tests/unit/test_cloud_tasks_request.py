"""The Cloud Tasks request the adapter builds, and how it answers duplicates and outages."""

from __future__ import annotations

import pytest
from google.api_core import exceptions as gexc
from google.cloud import tasks_v2

from klair.adapters.cloud_tasks import CloudTasksQueue
from klair.devstack.topology import load_topology
from klair.domain.errors import Transient
from klair.domain.events import StartIngest
from klair.domain.ids import JobId
from klair.entry import wire

URL = "https://ingest-abc123-uc.a.run.app/"
SA = "klair-tasks@demo-klair.iam.gserviceaccount.com"
COMMAND = StartIngest(job_id=JobId("job_0a1b2c"))


class FakeTasksClient:
    """Keeps created tasks by name and refuses a repeat, like Cloud Tasks does."""

    def __init__(self, fail_with: Exception | None = None) -> None:
        self.tasks: dict[str, tasks_v2.Task] = {}
        self._fail_with = fail_with

    def create_task(self, request: tasks_v2.CreateTaskRequest, *, timeout: float) -> object:
        if self._fail_with is not None:
            raise self._fail_with
        if request.task.name in self.tasks:
            raise gexc.AlreadyExists("Requested entity already exists")
        self.tasks[request.task.name] = request.task
        return request.task


def queue_with(client: FakeTasksClient) -> CloudTasksQueue:
    return CloudTasksQueue("demo-klair", "us-central1", SA, client_factory=lambda: client)


@pytest.mark.parametrize("tier", ["free", "creator", "pro", "enterprise"])
def test_each_tier_has_its_own_queue(tier: str) -> None:
    queue = load_topology().queue_for_tier(tier).name
    request = queue_with(FakeTasksClient()).build_request(queue, "job_0a1b2c", URL, COMMAND)
    parent = f"projects/demo-klair/locations/us-central1/queues/klair-{tier}"
    assert request.parent == parent
    assert request.task.name == f"{parent}/tasks/job_0a1b2c"


def test_the_task_posts_the_message_to_the_target_with_an_oidc_token() -> None:
    request = queue_with(FakeTasksClient()).build_request("klair-pro", "job_0a1b2c", URL, COMMAND)
    http = request.task.http_request
    assert http.url == URL
    assert http.http_method == tasks_v2.HttpMethod.POST
    assert http.oidc_token.service_account_email == SA
    assert http.oidc_token.audience == URL
    assert dict(http.headers) == {
        "Content-Type": "application/json",
        "X-Klair-Message-Type": "StartIngest",
        "X-Klair-Message-Version": "1",
    }
    assert wire.decode_task(http.body, dict(http.headers), StartIngest) == COMMAND


def test_the_task_name_is_deterministic_and_safe() -> None:
    queue = queue_with(FakeTasksClient())
    first = queue.build_request("klair-free", "ingest/job.0a1b2c", URL, COMMAND).task.name
    again = queue.build_request("klair-free", "ingest/job.0a1b2c", URL, COMMAND).task.name
    assert first == again
    task_id = first.rsplit("/tasks/", 1)[1]
    assert "/" not in task_id and "." not in task_id
    assert task_id.startswith("ingest-job-0a1b2c")


def test_a_repeat_of_the_same_name_is_not_created_twice() -> None:
    client = FakeTasksClient()
    queue = queue_with(client)
    assert queue.enqueue("klair-free", "job_0a1b2c", URL, COMMAND) is True
    assert queue.enqueue("klair-free", "job_0a1b2c", URL, COMMAND) is False
    assert queue.enqueue("klair-free", "job_ffff", URL, COMMAND) is True
    assert len(client.tasks) == 2


@pytest.mark.parametrize(
    "error",
    [gexc.ServiceUnavailable("down"), gexc.DeadlineExceeded("slow"), gexc.RetryError("x", None)],
)
def test_an_outage_is_transient(error: Exception) -> None:
    queue = queue_with(FakeTasksClient(fail_with=error))
    with pytest.raises(Transient):
        queue.enqueue("klair-free", "job_0a1b2c", URL, COMMAND)


def test_no_client_is_made_until_the_first_task() -> None:
    made: list[FakeTasksClient] = []

    def factory() -> FakeTasksClient:
        made.append(FakeTasksClient())
        return made[-1]

    queue = CloudTasksQueue("demo-klair", "us-central1", SA, client_factory=factory)
    queue.build_request("klair-free", "job_1", URL, COMMAND)
    assert made == []
    queue.enqueue("klair-free", "job_1", URL, COMMAND)
    queue.enqueue("klair-free", "job_2", URL, COMMAND)
    assert len(made) == 1
