"""Sieve autocrop with the in-memory Reframer: what submit refuses, what the export stage
sends, and how `POST /webhooks/sieve/autocrop` finishes the export exactly once."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from werkzeug.test import Client, EnvironBuilder
from werkzeug.wrappers import Request, Response

from klair.adapters.memory.reframer import MemoryReframer
from klair.config import Settings
from klair.domain.clip import Clip
from klair.domain.events import ClipSelected
from klair.domain.export_options import ExportRequest, RenderSpec
from klair.domain.ids import ClipId, JobId
from klair.domain.status import JobStatus as S
from klair.handlers.deps import Deps
from klair.handlers.pipeline.export_clip import export_clip
from klair.http.api_routes import build_api
from klair.http.cors import CorsPolicy
from klair.http.router import Router
from klair.http.webhook_routes import build_webhooks
from klair.ports.reframe import ReframeJob
from tests.unit.api_world import ALICE, ROOMY_TIERS, HeaderVerifier, make_world

SECRET = "callback-secret"
SIEVE: dict[str, Any] = {"sieve_api_key": "k", "sieve_callback_secret": SECRET,
         "webhooks_url": "https://hooks.klair.example"}  # fmt: skip
PIPELINE = (S.DOWNLOADING, S.TRANSCODING, S.ANALYZING, S.SELECTING, S.EXPORTING)
CLIP = Clip(id=ClipId("clip_01"), rank=1, start=10.0, end=18.0, score=50)


class LabelRenderer:
    """Writes one file per variant holding the media it read and the reframe it was asked."""

    def render(
        self, source: Path, clip: Clip, out_dir: Path, spec: RenderSpec | None = None
    ) -> dict[str, Path]:
        spec = spec or RenderSpec()
        out_dir.mkdir(parents=True, exist_ok=True)
        files = {}
        for key in spec.variants:
            path = out_dir / f"{key.replace(':', 'x')}.mp4"
            label = f"{source.read_bytes().decode()}|{spec.reframe}|{clip.start}-{clip.end}"
            path.write_text(label)
            files[key] = path
        return files


@dataclass
class Sieve:
    deps: Deps
    reframer: MemoryReframer
    router: Router

    def callback(self, sieve_job: str, url: str | None = None, body: Any = None) -> Response:
        url = url or self.reframer.callback_url(sieve_job)
        parsed = urlparse(url)
        payload = {"type": "job.complete", "body": {"job_id": sieve_job}} if body is None else body
        request = EnvironBuilder(
            method="POST", path=parsed.path, query_string=parsed.query,
            data=json.dumps(payload), content_type="application/json",
        ).get_request()  # fmt: skip
        return self.router.dispatch(request)

    def clip(self, job_id: str) -> Clip:
        return self.deps.store.clips(JobId(job_id))[0]


@pytest.fixture
def sieve() -> tuple[Sieve, Any]:
    world = make_world(settings=Settings(tiers=ROOMY_TIERS, **SIEVE))
    reframer = MemoryReframer()
    deps = replace(world.deps, reframer=reframer, renderer=LabelRenderer())
    api = build_api(lambda: deps, HeaderVerifier(), "demo-klair", CorsPolicy.of(()))

    def app(environ: Any, start_response: Any) -> Any:
        return api.dispatch(Request(environ))(environ, start_response)

    world = replace(world, deps=deps, router=api, client=Client(app))
    world.set_tier(ALICE, "pro")
    return Sieve(deps, reframer, build_webhooks(lambda: deps, deps.settings)), world


def start(sieve: Sieve, world: Any, reframe: str = "sieve") -> str:
    job_id: str = world.submit(ALICE, options={"aspect_ratios": ["9:16"], "reframe": reframe})
    source = f"sources/{job_id}/source.mp4"
    sieve.deps.blobs.put_bytes(source, b"SOURCE")
    world.move(job_id, *PIPELINE, source_object=source)
    sieve.deps.store.put_clips(JobId(job_id), [CLIP])
    sieve.deps.store.update(JobId(job_id), clips_total=1)
    assert export_clip(sieve.deps, ClipSelected(job_id=JobId(job_id), clip_id=CLIP.id, total=1))
    return job_id


def only_job(sieve: Sieve) -> str:
    (job_id,) = sieve.reframer.submitted
    return job_id


def test_sieve_without_configuration_is_a_400_at_submit_and_export() -> None:
    world = make_world()
    response = world.call("POST", "/api/klair/analyze", json={
        "url": "https://videos.example/talk.mp4",
        "options": {"aspect_ratios": ["9:16"], "reframe": "sieve"}})  # fmt: skip
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "sieve_not_configured"


def test_sieve_takes_exactly_one_cropped_aspect(sieve: tuple[Sieve, Any]) -> None:
    _, world = sieve
    response = world.call("POST", "/api/klair/analyze", json={
        "url": "https://videos.example/talk.mp4",
        "options": {"aspect_ratios": ["9:16", "1:1"], "reframe": "sieve"}})  # fmt: skip
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert (error["code"], error["details"]["allowed"]) == ("sieve_aspect_ratios", ["9:16", "1:1"])


def test_the_export_stage_sends_the_uncropped_cut_and_waits(sieve: tuple[Sieve, Any]) -> None:
    s, world = sieve
    job_id = start(s, world)
    video_url, aspect, hook = s.reframer.submitted[only_job(s)]
    assert aspect == "9:16"
    cut = f"clips/{job_id}/clip_01/sieve-input.mp4"
    assert s.deps.blobs.read_bytes(cut) == b"SOURCE|center|10.0-18.0"  # uncropped, no captions
    assert cut in video_url
    prefix = f"https://hooks.klair.example/webhooks/sieve/autocrop/{job_id}/clip_01/"
    assert hook.startswith(prefix) and "?" not in hook  # the token is in the path, not a query
    job = world.job(job_id)
    assert (job.status, job.clips_exported) == (S.EXPORTING, 0)
    task = s.clip(job_id).sieve
    assert task is not None and (task.state, task.sieve_job_id) == ("pending", only_job(s))


def test_the_callback_finishes_the_export_once_from_sieves_video(sieve: tuple[Sieve, Any]) -> None:
    s, world = sieve
    job_id = start(s, world)
    sieve_job = only_job(s)
    s.reframer.finish(sieve_job, b"SIEVE")

    first, again = s.callback(sieve_job), s.callback(sieve_job)

    assert (first.status_code, first.get_json()["outcome"]) == (200, "exported")
    assert (again.status_code, again.get_json()["outcome"]) == (200, "duplicate")
    job = world.job(job_id)
    assert (job.status, job.clips_exported) == (S.COMPLETED, 1)
    clip = s.clip(job_id)
    assert s.deps.blobs.read_bytes(clip.exports["9:16"]) == b"SIEVE|center|0.0-8.0"
    assert clip.sieve is not None and clip.sieve.state == "done"


def test_a_callback_before_the_push_is_recorded_asks_for_a_retry(
    sieve: tuple[Sieve, Any],
) -> None:
    s, world = sieve
    answers: list[Response] = []

    class Eager(MemoryReframer):
        """Sieve calling back before its push answer reached Klair."""

        def submit(self, video_url: str, aspect: str, callback_url: str) -> ReframeJob:
            job = super().submit(video_url, aspect, callback_url)
            self.finish(job.id, b"SIEVE")
            answers.append(s.callback(job.id, callback_url))
            return job

    eager = Eager()
    s.deps = replace(s.deps, reframer=eager)
    s.reframer = eager
    s.router = build_webhooks(lambda: s.deps, s.deps.settings)
    job_id = start(s, world)
    assert (answers[0].status_code, answers[0].get_json()["error"]["code"]) == (
        409, "sieve_job_not_recorded",
    )  # fmt: skip
    assert world.job(job_id).clips_exported == 0
    retried = s.callback(only_job(s))  # Sieve retries until a 200
    assert retried.get_json()["outcome"] == "exported"
    assert world.job(job_id).status is S.COMPLETED


def test_forged_stale_and_early_callbacks_are_refused(sieve: tuple[Sieve, Any]) -> None:
    s, world = sieve
    start(s, world)
    sieve_job = only_job(s)
    hook = urlparse(s.reframer.callback_url(sieve_job))
    base, job, clip, nonce, token = hook.path.rsplit("/", 4)
    parts = {"job": job, "clip": clip, "n": nonce, "token": token}

    def with_(**changes: str) -> str:
        path = "/".join([base, *{**parts, **changes}.values()])
        return f"{hook.scheme}://{hook.netloc}{path}"

    forged = s.callback(sieve_job, with_(token="0" * 64))
    assert (forged.status_code, forged.get_json()["error"]["code"]) == (
        401, "invalid_callback_token",
    )  # fmt: skip
    assert s.callback(sieve_job, with_(clip="clip_02")).status_code == 401  # token covers clip
    other = s.callback(sieve_job, body={"job_id": "someone-elses-job"})
    assert (other.status_code, other.get_json()["error"]["code"]) == (404, "sieve_job_unknown")
    early = s.callback(sieve_job)  # Sieve's API says it is still queued
    assert (early.status_code, early.get_json()["error"]["code"]) == (409, "sieve_job_running")


def test_a_replaced_submission_is_stale(sieve: tuple[Sieve, Any]) -> None:
    s, world = sieve
    job_id = start(s, world)
    old = only_job(s)
    old_url = s.reframer.callback_url(old)
    clip = s.clip(job_id)
    assert clip.sieve is not None
    s.deps.store.put_clips(
        JobId(job_id),
        [clip.model_copy(update={"sieve": clip.sieve.model_copy(update={"nonce": "new"})})],
    )
    s.reframer.finish(old, b"SIEVE")
    stale = s.callback(old, old_url)
    assert (stale.status_code, stale.get_json()["error"]["code"]) == (404, "sieve_job_unknown")


def test_a_failed_sieve_job_falls_back_to_local_tracking(sieve: tuple[Sieve, Any]) -> None:
    s, world = sieve
    job_id = start(s, world)
    s.reframer.fail(only_job(s), "no subject found")
    answer = s.callback(only_job(s)).get_json()
    assert (answer["outcome"], answer["error"]) == ("fell_back", "no subject found")
    clip = s.clip(job_id)
    assert s.deps.blobs.read_bytes(clip.exports["9:16"]) == b"SOURCE|auto|10.0-18.0"
    assert clip.sieve is not None and clip.sieve.error == "no subject found"
    assert world.job(job_id).status is S.COMPLETED


def test_a_redelivered_export_event_does_not_submit_again(sieve: tuple[Sieve, Any]) -> None:
    s, world = sieve
    job_id = start(s, world)
    event = ClipSelected(job_id=JobId(job_id), clip_id=CLIP.id, total=1)
    assert export_clip(s.deps, event)
    assert len(s.reframer.submitted) == 1


def test_a_sieve_reexport_adds_its_variant_and_leaves_the_job_alone(
    sieve: tuple[Sieve, Any],
) -> None:
    s, world = sieve
    job_id = start(s, world, reframe="auto")  # the job's own export: local, counted
    assert world.job(job_id).status is S.COMPLETED and not s.reframer.submitted
    request = ExportRequest(aspect_ratios=("1:1",), reframe="sieve")
    event = ClipSelected(job_id=JobId(job_id), clip_id=CLIP.id, total=1, export=request)
    assert export_clip(s.deps, event)
    s.reframer.finish(only_job(s), b"SQUARE")
    assert s.callback(only_job(s)).get_json()["outcome"] == "exported"
    clip = s.clip(job_id)
    assert set(clip.exports) == {"9:16", "1:1"}
    assert s.deps.blobs.read_bytes(clip.exports["1:1"]) == b"SQUARE|center|0.0-8.0"
    job = world.job(job_id)
    assert (job.status, job.clips_exported) == (S.COMPLETED, 1)


def test_a_lost_callback_is_recovered_when_the_sweeper_re_drives_the_export(
    sieve: tuple[Sieve, Any],
) -> None:
    s, world = sieve
    job_id = start(s, world)
    event = ClipSelected(job_id=JobId(job_id), clip_id=CLIP.id, total=1)
    assert export_clip(s.deps, event)  # Sieve still working: the clip keeps waiting
    assert world.job(job_id).clips_exported == 0
    s.reframer.finish(only_job(s), b"SIEVE")  # ... and its callback never arrives
    assert export_clip(s.deps, event)  # the re-drive asks Sieve itself
    job = world.job(job_id)
    assert (job.status, job.clips_exported, len(s.reframer.submitted)) == (S.COMPLETED, 1, 1)
    assert s.deps.blobs.read_bytes(s.clip(job_id).exports["9:16"]) == b"SIEVE|center|0.0-8.0"
    late = s.callback(only_job(s))
    assert (late.status_code, late.get_json()["outcome"]) == (200, "duplicate")
