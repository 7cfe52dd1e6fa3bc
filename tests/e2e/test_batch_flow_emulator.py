"""A batch and a job's archive on the whole emulator stack (real functions, Pub/Sub push, the
dispatcher, Firestore, fake-gcs-server, ffmpeg): a batch of three sources (two URLs and an
upload that joins it) completes, and the receiver gets exactly one `batch.completed`, after
every item's `job.completed`; then a job's archive is built by the export function (202,
then 200), holds each clip with its sidecars and edit lists, is not rebuilt by a second
request (the object's generation is unchanged), and is not found by another user."""

from __future__ import annotations

import io
import shutil
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud.storage import Client as StorageClient

from klair.cli.dev import store_tier
from klair.cli.sample import make_sample_video
from klair.devstack import emulators as emu
from klair.devstack.clients import api_client
from klair.devstack.stack import LocalStack
from tests.conftest import local_stack, served_folder
from tests.unit.notify_world import Receiver

pytestmark = [pytest.mark.e2e, pytest.mark.emulator, pytest.mark.media]

USER = "user_batch_flow"
FUNCTIONS = ("api", "ingest", "admit", "transcode", "analyze", "select", "export", "fail", "notify")
OPTIONS = {"clip_count": 2, "min_clip_seconds": 8, "max_clip_seconds": 15, "captions": True}


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("media")
    make_sample_video(folder / "talk.mp4", seconds=40)
    for copy in ("talk-2.mp4", "talk-3.mp4"):
        shutil.copy(folder / "talk.mp4", folder / copy)
    return folder


@pytest.fixture(scope="module")
def media_server(media: Path) -> Iterator[str]:
    with served_folder(media) as url:
        yield url


@pytest.fixture(scope="module")
def stack(
    emulator_stack: emu.Emulators, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalStack]:
    with local_stack(emulator_stack, tmp_path_factory, FUNCTIONS) as running:
        store_tier(USER, "pro", emulator_stack.firestore, emulator_stack.project)
        yield running


def client(stack: LocalStack, user: str = USER) -> httpx.Client:
    return api_client(stack, user)


@pytest.fixture(scope="module")
def api(stack: LocalStack) -> Iterator[httpx.Client]:
    with client(stack) as made:
        yield made


@pytest.fixture(scope="module")
def receiver(api: httpx.Client) -> Iterator[Receiver]:
    target = Receiver()
    registered = api.put("/api/klair/user/webhook", json={"url": target.url()})
    assert registered.status_code in (200, 201), registered.text
    target.secret = registered.json()["secret"]
    yield target
    target.close()


@pytest.fixture(scope="module")
def batch(api: httpx.Client, media: Path, media_server: str, receiver: Receiver) -> dict[str, Any]:
    """The batch, run to its end: two URLs and an upload that joins it before its file."""
    upload = media / "talk.mp4"
    ticket = api.post("/api/upload-url", json={
        "filename": upload.name, "size_bytes": upload.stat().st_size, "options": OPTIONS,
    })  # fmt: skip
    assert ticket.status_code == 201, ticket.text
    urls = [{"url": f"{media_server}/talk-{n}.mp4"} for n in (2, 3)]
    items = [{"upload_id": ticket.json()["upload_id"]}, *urls]
    accepted = api.post("/api/klair/batch", json={"items": items, "options": OPTIONS})
    assert accepted.status_code == 202, accepted.text
    put = httpx.put(ticket.json()["upload_url"], content=upload.read_bytes(),
                    headers=ticket.json()["upload_headers"], timeout=60)  # fmt: skip
    assert put.status_code == 200, put.text
    return poll(api, accepted.json()["status_url"], lambda b: b["status"] == "completed", 600)


def poll(api: httpx.Client, path: str, done: Any, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = api.get(path)
        if response.status_code == 429:
            time.sleep(float(response.headers.get("Retry-After", "1")))
            continue
        body: dict[str, Any] = response.json()
        if response.status_code < 300 and done(body):
            return body
        time.sleep(1)
    raise AssertionError(f"{path}: timed out")


def test_a_batch_of_three_ends_with_one_batch_completed(
    batch: dict[str, Any], receiver: Receiver
) -> None:
    assert [item["status"] for item in batch["items"]] == ["completed"] * 3, batch
    jobs = {item["job_id"] for item in batch["items"]}
    deadline = time.monotonic() + 120
    while "batch.completed" not in [h.event for h in receiver.hits]:
        assert time.monotonic() < deadline, [h.event for h in receiver.hits]
        time.sleep(0.5)
    time.sleep(5)  # long enough for a duplicate to show
    hits = list(receiver.hits)
    assert all(h.verified and 200 <= h.answered < 300 for h in hits)
    finals = [h for h in hits if h.event == "batch.completed"]
    assert len(finals) == 1 and finals[0].body["data"]["batch_id"] == batch["batch_id"]
    assert finals[0].body["data"]["counts"] == {"completed": 3}
    ended = [n for n, h in enumerate(hits) if h.event == "job.completed"]
    assert {hits[n].body["data"]["job_id"] for n in ended} == jobs
    assert max(ended) < hits.index(finals[0])


def test_an_archive_is_built_once_with_every_file(
    api: httpx.Client, stack: LocalStack, batch: dict[str, Any], emulator_stack: emu.Emulators
) -> None:
    job_id = batch["items"][1]["job_id"]
    path = f"/api/klair/results/{job_id}/archive"
    first = api.get(path)
    assert first.status_code == 202, first.text
    assert first.json()["code"] == "archive_building" and first.headers["Retry-After"]
    ready = poll(api, path, lambda b: b["state"] == "ready", 120)
    zipped = zipfile.ZipFile(io.BytesIO(httpx.get(ready["url"], timeout=60).content))
    assert zipped.testzip() is None
    clips = api.get(f"/api/klair/results/{job_id}").json()["clips"]
    assert clips
    for clip in clips:
        folder = f"{clip['rank']:02d}-{clip['id']}/"
        names = {PurePosixPath(unquote(urlsplit(u).path)).name for u in clip["urls"].values()}
        assert {n.removeprefix(folder) for n in zipped.namelist() if n.startswith(folder)} == names
        assert any(n.endswith(".mp4") for n in names) and any("edit_list" in n for n in names)
        video = next(u for u in clip["urls"].values() if urlsplit(u).path.endswith(".mp4"))
        arc = folder + PurePosixPath(unquote(urlsplit(video).path)).name
        assert zipped.read(arc) == httpx.get(video, timeout=60).content
    name = f"clips/{job_id}/archives/{ready['key']}.zip"
    blob = storage(emulator_stack).bucket(stack.options.topology.bucket).get_blob(name)
    assert blob is not None
    again = api.get(path)
    assert again.status_code == 200 and again.json()["key"] == ready["key"]
    time.sleep(3)  # a rebuild, had one been asked for, would have written by now
    later = storage(emulator_stack).bucket(stack.options.topology.bucket).get_blob(name)
    assert later is not None and later.generation == blob.generation
    with client(stack, "user_batch_flow_other") as other:
        refused = other.get(path)
        assert (refused.status_code, refused.json()["error"]["code"]) == (404, "job_not_found")
        hidden = other.get(batch["status_url"])
        assert (hidden.status_code, hidden.json()["error"]["code"]) == (404, "batch_not_found")


def storage(emulators: emu.Emulators) -> StorageClient:
    return StorageClient(
        emulators.project,
        AnonymousCredentials(),  # type: ignore[no-untyped-call]
        client_options={"api_endpoint": emulators.gcs},
    )
