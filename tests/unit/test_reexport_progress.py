"""A re-export's progress on the job's status (`export`: queued → exporting → completed or
failed, clips done of total) and its `export.completed` webhook, on in-memory fakes; only a
completed job's clips can be exported again."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from klair.domain.errors import UnsupportedMedia
from klair.domain.events import ClipSelected, ExportFinished
from klair.domain.status import JobStatus as S
from klair.handlers.api.reexport import ExportBody, request_export
from klair.handlers.outbound.notify import run_notice
from klair.handlers.pipeline.export_clip import export_clip
from klair.handlers.steps.delivery import deliver
from tests.unit.api_world import ALICE, World, make_world
from tests.unit.notify_world import OWNER, Receiver
from tests.unit.notify_world import make_world as notify_world
from tests.unit.test_reexport_api import finished_job
from tests.unit.test_reexport_outcome import StubRenderer

# The re-exports each world queued, in order, kept for the test to render.
QUEUED: dict[int, list[ClipSelected]] = {}


@pytest.fixture
def world() -> World:
    world = make_world()
    world.set_tier(ALICE, "pro")
    QUEUED[id(world)] = []
    world.bus.subscribe(ClipSelected, QUEUED[id(world)].append, name="export")
    return world


def _status(world: World, job_id: str) -> dict[str, Any]:
    body: dict[str, Any] = world.call("GET", f"/api/klair/status/{job_id}").get_json()
    return body


def _request(world: World, job_id: str, **body: Any) -> dict[str, Any]:
    response = world.call("POST", "/api/klair/export", json={"job_id": job_id, **body})
    assert response.status_code == 202, response.get_json()
    accepted: dict[str, Any] = response.get_json()
    return accepted


def _queued(world: World) -> list[ClipSelected]:
    """The re-exports queued since the last call."""
    world.bus.drain()
    events = list(QUEUED[id(world)])
    QUEUED[id(world)].clear()
    return events


def _exports(world: World, renderer: StubRenderer) -> list[ClipSelected]:
    """Every queued re-export rendered by `renderer`, through the delivery rules."""
    events = _queued(world)
    for event in events:
        _render(world, renderer, event)
    return events


def _render(world: World, renderer: StubRenderer, event: ClipSelected) -> None:
    deliver(replace(world.deps, renderer=renderer), export_clip, event, "export")


def _finished(world: World) -> str:
    job_id = finished_job(world, clips=2)
    world.deps.blobs.put_bytes(f"sources/{job_id}/source.mp4", b"media")
    return job_id


def test_the_status_follows_a_reexport_to_its_end(world: World) -> None:
    announced: list[ExportFinished] = []
    job_id = _finished(world)
    assert _status(world, job_id)["export"] is None
    accepted = _request(world, job_id, aspect_ratios=["1:1"])
    queued = _status(world, job_id)["export"]
    assert queued["export_id"] == accepted["export_id"]
    assert (queued["state"], queued["clips_done"], queued["clips_total"]) == ("queued", 0, 2)
    assert queued["variants"] == ["1:1"] and queued["started_at"] is None
    world.bus.subscribe(ExportFinished, announced.append)
    events = _exports(world, StubRenderer())
    world.bus.drain()
    status = _status(world, job_id)
    done = status["export"]
    assert (done["state"], done["clips_done"], done["progress"]) == ("completed", 2, 100.0)
    assert done["started_at"] and done["finished_at"]
    assert (status["status"], status["progress"]) == ("completed", 100.0)  # the job's own
    _render(world, StubRenderer(), events[0])
    world.bus.drain()
    assert _status(world, job_id)["export"]["clips_done"] == 2  # a redelivery counts nothing
    # announced by the clip that ended the run, and again by its redelivery: one event id
    assert [(a.export_id, a.state) for a in announced] == [(accepted["export_id"], "completed")] * 2


def test_a_clip_that_cannot_be_rendered_ends_the_run_failed(world: World) -> None:
    job_id = _finished(world)
    _request(world, job_id, aspect_ratios=["1:1"], clip_ids=["clip_02"])
    _exports(world, StubRenderer(UnsupportedMedia("cannot render")))
    run = _status(world, job_id)["export"]
    assert (run["state"], run["clips_failed"], run["clips_total"]) == ("failed", 1, 1)


def test_a_new_request_replaces_the_run_and_the_old_ones_clips_do_not_count(
    world: World,
) -> None:
    job_id = _finished(world)
    _request(world, job_id, aspect_ratios=["1:1"])
    old = _queued(world)
    latest = _request(world, job_id, aspect_ratios=["9:16"], clip_ids=["clip_01"])
    for event in old:
        _render(world, StubRenderer(), event)
    run = _status(world, job_id)["export"]
    assert (run["export_id"], run["state"], run["clips_done"]) == (
        latest["export_id"], "queued", 0,
    )  # fmt: skip


@pytest.mark.parametrize("ended", [S.CANCELLED, S.FAILED])
def test_a_job_that_did_not_complete_cannot_be_exported_again(world: World, ended: S) -> None:
    job_id = world.submit()
    world.move(job_id, S.DOWNLOADING, ended, source_object=f"sources/{job_id}/source.mp4",
               clips_total=2)  # fmt: skip
    response = world.call("POST", "/api/klair/export", json={"job_id": job_id})
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == f"job_{ended.value}"
    assert world.bus.pending() == []


def test_the_end_of_a_reexport_is_sent_as_export_completed() -> None:
    world, receiver = notify_world(), Receiver()
    world.bus.subscribe(ExportFinished, lambda message: run_notice(world.deps, message) and None)
    try:
        world.register(receiver)
        job = world.with_clips(world.job(), 2)
        world.export_all(job)
        world.deps.store.update(job.id, source_object=f"sources/{job.id}/source.mp4")
        assert world.deps.store.get(job.id).status is S.COMPLETED
        accepted = request_export(world.deps, OWNER, ExportBody(job_id=job.id))
        world.bus.drain()
    finally:
        receiver.close()
    [hit] = [h for h in receiver.hits if h.event == "export.completed"]
    assert hit.verified and hit.body["data"]["export_id"] == accepted.export_id
    assert hit.body["data"]["state"] == "completed" and hit.body["data"]["clips_done"] == 2
    assert hit.body["data"]["job_id"] == job.id
