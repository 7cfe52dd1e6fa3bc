"""The whole flow on the emulator stack: real functions over HTTP, Pub/Sub push, GCS
finalize notifications, the tier-queue dispatcher, Firestore and real ffmpeg."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore
from google.cloud.storage import Client as StorageClient

from klair.adapters.ffmpeg_probe import FfprobeMediaProbe
from klair.cli.sample import make_sample_video
from klair.devstack import emulators as emu
from klair.devstack.clients import api_client
from klair.devstack.stack import LocalStack
from klair.domain import naming
from klair.domain.ids import JobId
from tests.conftest import local_stack, served_folder

pytestmark = [pytest.mark.e2e, pytest.mark.emulator, pytest.mark.media]

USER = "user_e2e"
PIPELINE = ("api", "ingest", "admit", "transcode", "analyze", "select", "export", "fail")
OPTIONS = {"clip_count": 2, "min_clip_seconds": 8, "max_clip_seconds": 20}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("media") / "talk.mp4"
    make_sample_video(path, seconds=40)
    return path


@pytest.fixture(scope="module")
def stack(
    emulator_stack: emu.Emulators, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalStack]:
    with local_stack(emulator_stack, tmp_path_factory, PIPELINE) as running:
        yield running


@pytest.fixture(scope="module")
def api(stack: LocalStack) -> Iterator[httpx.Client]:
    with api_client(stack, USER) as client:
        yield client


@pytest.fixture(scope="module")
def media_server(sample: Path) -> Iterator[str]:
    with served_folder(sample.parent) as url:
        yield url


def _wait(api: httpx.Client, job_id: str, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status: dict[str, Any] = api.get(f"/api/klair/status/{job_id}").json()
        if status["status"] in ("completed", "failed", "cancelled"):
            return status
        time.sleep(1)
    raise AssertionError(f"{job_id} did not finish: {status}")


def _upload(api: httpx.Client, path: Path, options: dict[str, Any] | None = None) -> str:
    ticket = api.post(
        "/api/upload-url",
        json={
            "filename": path.name,
            "size_bytes": path.stat().st_size,
            "content_type": "video/mp4",
            "options": options or OPTIONS,
        },
    )
    assert ticket.status_code == 201, ticket.text
    body = ticket.json()
    assert body["status"] == "awaiting_upload"
    put = httpx.put(
        body["upload_url"], content=path.read_bytes(), headers=body["upload_headers"], timeout=60
    )
    assert put.status_code == 200, put.text
    return str(body["job_id"])


def _assert_clips(api: httpx.Client, job_id: str, tmp_path: Path) -> None:
    results = api.get(f"/api/klair/results/{job_id}")
    assert results.status_code == 200, results.text
    clips = results.json()["clips"]
    assert 1 <= len(clips) <= 2
    probe = FfprobeMediaProbe()
    for clip in clips:
        assert clip["reason"] and 0 <= clip["score"] <= 100
        video = httpx.get(clip["urls"]["source"], timeout=60)  # a signed GET, plain client
        assert video.status_code == 200
        local = tmp_path / f"{clip['id']}.mp4"
        local.write_bytes(video.content)
        media = probe.probe(local)
        assert media.has_video and media.has_audio
        assert abs(media.duration - (clip["end"] - clip["start"])) < 0.15


def test_an_uploaded_video_becomes_clips(
    api: httpx.Client, sample: Path, tmp_path: Path, emulator_stack: emu.Emulators
) -> None:
    job_id = _upload(api, sample)
    status = _wait(api, job_id)
    assert status["status"] == "completed", status
    assert status["progress"] == 100
    assert {"downloading", "transcoding", "analyzing", "exporting"} <= set(status["timings"])
    _assert_clips(api, job_id, tmp_path)
    doc = firestore.Client(project=emulator_stack.project).collection("jobs").document(job_id)
    stored = doc.get().to_dict()
    assert stored is not None and stored["owner"] == USER
    assert stored["clips_exported"] == stored["clips_total"] >= 1
    usage = (
        firestore.Client(project=emulator_stack.project)
        .collection("users")
        .document(USER)
        .collection("usage")
        .list_documents()
    )
    assert any((u.get().to_dict() or {}).get("minutes_used", 0) > 0.6 for u in usage)


def test_a_video_url_becomes_clips(
    api: httpx.Client, media_server: str, sample: Path, tmp_path: Path
) -> None:
    accepted = api.post(
        "/api/klair/analyze", json={"url": f"{media_server}/{sample.name}", "options": OPTIONS}
    )
    assert accepted.status_code == 202, accepted.text
    job_id = accepted.json()["job_id"]
    status = _wait(api, job_id)
    assert status["status"] == "completed", status
    _assert_clips(api, job_id, tmp_path)


def test_a_file_that_is_not_media_fails_with_its_code(api: httpx.Client, tmp_path: Path) -> None:
    bogus = tmp_path / "holiday.mp4"
    bogus.write_text("definitely not a video\n" * 100)
    job_id = _upload(api, bogus)
    status = _wait(api, job_id, timeout=120)
    assert status["status"] == "failed"
    assert status["error"]["code"] == "unsupported_media"
    assert api.get(f"/api/klair/results/{job_id}").status_code == 409


def test_bad_requests_get_json_errors(api: httpx.Client) -> None:
    missing = api.get("/api/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    broken = api.post(
        "/api/klair/analyze", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "invalid_json"
    anonymous = httpx.get(f"{api.base_url}/api/klair/status/job_0", timeout=10)
    assert anonymous.status_code == 401
    other = api.get("/api/klair/status/job_00000000000000000000")
    assert other.status_code == 404
    health = httpx.get(f"{api.base_url}/api/health", timeout=30)
    assert health.status_code == 200
    assert all(dep["ok"] for dep in health.json()["dependencies"].values())


def _job_objects(stack: LocalStack, job_id: str) -> list[str]:
    anonymous = AnonymousCredentials()  # type: ignore[no-untyped-call]
    client = StorageClient(
        stack.project, anonymous, client_options={"api_endpoint": stack.emulators.gcs}
    )
    bucket = stack.options.topology.bucket
    return [
        blob.name
        for prefix in naming.job_prefixes(JobId(job_id))
        for blob in client.list_blobs(bucket, prefix=prefix)
    ]


def _status(api: httpx.Client, job_id: str) -> str:
    """The job's status, waiting out the plan's rate limit (429 with Retry-After)."""
    while (response := api.get(f"/api/klair/status/{job_id}")).status_code == 429:
        time.sleep(float(response.headers.get("Retry-After", "1")))
    assert response.status_code == 200, response.text
    return str(response.json()["status"])


def _wait_for(api: httpx.Client, job_id: str, wanted: set[str], timeout: float = 300) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _status(api, job_id)
        if status in wanted or status in ("completed", "failed", "cancelled"):
            return status
        time.sleep(0.5)
    raise AssertionError(f"{job_id} never reached {wanted}")


def _kept(api: httpx.Client, job_id: str) -> list[str]:
    """The objects the partial results point at, each fetched: never a dead link."""
    results = api.get(f"/api/klair/results/{job_id}", params={"partial": "true"})
    assert results.status_code == 200, results.text
    named = []
    for clip in results.json()["clips"]:
        for url in clip["urls"].values():
            assert httpx.get(url, timeout=60).status_code == 200, url
            named.append(url.split(f"/{job_id}/", 1)[1].split("?", 1)[0])
    return sorted(f"clips/{job_id}/{name}" for name in named)


def test_a_job_cancelled_while_its_stages_run_keeps_only_its_exported_clips(
    api: httpx.Client, stack: LocalStack, sample: Path
) -> None:
    job_id = _upload(api, sample)
    reached = _wait_for(api, job_id, {"analyzing", "selecting", "exporting"})
    assert reached in ("analyzing", "selecting", "exporting"), reached
    cancelled = api.post(f"/api/klair/jobs/{job_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    # Stages already running finish their work, find the job cancelled and clean after
    # themselves; wait for the pipeline to go quiet: what is left is exactly the files of
    # the clips exported before the cancel, which the partial results list.
    deadline = time.monotonic() + 120
    while (left := sorted(_job_objects(stack, job_id))) != _kept(api, job_id):
        assert time.monotonic() < deadline, left
        time.sleep(1)
    assert _status(api, job_id) == "cancelled"
