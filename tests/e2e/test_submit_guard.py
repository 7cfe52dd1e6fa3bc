"""SSRF at the door, on the deployed shape (the `api` function on Firestore and fake-gcs-
server): an unsafe URL is a 400 with the guard's `url_*` code before any job, slot, task or
minute exists; an upload over the plan's size cap is refused before any state, and an
upload session resumes after a cut."""

from __future__ import annotations

import os

import httpx
import pytest
from google.auth.credentials import AnonymousCredentials
from google.cloud import firestore, storage

from klair.adapters.firestore.usage import FirestoreUsageLedger
from klair.domain.ids import UserId
from tests.contract.resumable_client import FakeGcsResumableGaps, cut, kept, send
from tests.e2e.api_app import ORIGIN, ApiApp, api_app

__all__ = ["api_app"]
pytestmark = [pytest.mark.e2e, pytest.mark.emulator]
CHUNK = 256 * 1024

# Every form the SSRF policy refuses, with the code a client gets back.
UNSAFE = {
    "http://127.0.0.1/v.mp4": "url_address_not_allowed",
    "http://10.0.0.8/v.mp4": "url_address_not_allowed",
    "http://192.168.1.1/v.mp4": "url_address_not_allowed",
    "http://169.254.169.254/computeMetadata/v1/": "url_address_not_allowed",
    "http://100.64.0.1/v.mp4": "url_address_not_allowed",
    "http://[::1]/v.mp4": "url_address_not_allowed",
    "http://[::ffff:127.0.0.1]/v.mp4": "url_address_not_allowed",
    "http://[fe80::1]/v.mp4": "url_address_not_allowed",
    "http://0177.0.0.1/v.mp4": "url_address_not_allowed",  # octal
    "http://0x7f.0.0.1/v.mp4": "url_address_not_allowed",  # hex
    "http://2130706433/v.mp4": "url_address_not_allowed",  # decimal
    "http://localhost./v.mp4": "url_host_not_allowed",
    "http://metadata.google.internal/v.mp4": "url_host_not_allowed",
    "http://user:pw@videos.example/v.mp4": "url_credentials_not_allowed",
    "https://videos.example@127.0.0.1/v.mp4": "url_credentials_not_allowed",
    "https://203.0.113.9:8443/v.mp4": "url_address_not_allowed",
    "https://8.8.8.8:22/v.mp4": "url_port_not_allowed",
    "https://no-such-host.klair.invalid/v.mp4": "url_host_not_found",
}


def _refused(api: ApiApp, user: str, url: str, path: str = "/api/klair/analyze") -> str:
    response = api.client.post(path, json={"url": url}, headers=api.headers(user))
    body = response.get_json()
    assert response.status_code == 400, (url, body)
    return str(body["error"]["code"])


def test_unsafe_urls_are_400_with_the_guards_code_and_leave_nothing(api_app: ApiApp) -> None:
    user = "user_ssrf"
    codes = {url: _refused(api_app, user, url) for url in UNSAFE}
    assert codes == UNSAFE
    audio = _refused(api_app, user, "http://169.254.169.254/a.m4a", "/api/klair/analyze/audio")
    assert audio == "url_address_not_allowed"

    # No job, no slot, no minutes, no task: as if nothing had been asked.
    assert (
        api_app.client.get("/api/klair/jobs", headers=api_app.headers(user)).get_json()["jobs"]
        == []
    )
    ledger = FirestoreUsageLedger(firestore.Client(project=api_app.emulators.project))
    assert ledger.active_jobs(UserId(user)) == 0
    usage = api_app.client.get("/api/klair/user/usage", headers=api_app.headers(user))
    assert usage.get_json()["minutes_reserved"] == 0
    tasks_before = set(api_app.dispatcher.tasks)
    accepted = api_app.client.post(
        "/api/klair/analyze",
        json={"url": "https://videos.example/talk.mp4"},
        headers=api_app.headers(user),
    )
    assert accepted.status_code == 202, accepted.get_json()
    assert set(api_app.dispatcher.tasks) - tasks_before == {
        f"ingest-{accepted.get_json()['job_id']}"
    }


def test_uploads_are_capped_by_the_plan_and_resume_after_a_cut(api_app: ApiApp) -> None:
    headers = api_app.headers("user_uploads")  # a user Klair has not heard of: the free plan
    free_cap = 1 * 1024**3
    over = api_app.client.post(
        "/api/upload-url",
        json={"filename": "talk.mp4", "size_bytes": free_cap + 1},
        headers=headers,
    )
    assert over.status_code == 400
    assert over.get_json()["error"]["code"] == "upload_too_large"
    assert over.get_json()["error"]["details"]["max_bytes"] == free_cap
    assert api_app.client.get("/api/klair/jobs", headers=headers).get_json()["jobs"] == []

    data = os.urandom(CHUNK + 1000)
    browser = {**headers, "Origin": ORIGIN}
    body = {"filename": "talk.mp4", "size_bytes": len(data)}
    ticket = api_app.client.post("/api/upload-url", json=body, headers=browser).get_json()
    assert ticket["upload_protocol"] == "gcs-resumable"
    assert ticket["upload_size_bytes"] == len(data)
    url, total = ticket["upload_url"], len(data)
    assert url.startswith(api_app.emulators.gcs) and "uploadType=resumable" in url

    with httpx.Client(transport=FakeGcsResumableGaps(), timeout=10) as client:
        assert send(client, url, data[:CHUNK], 0, total).status_code == 308
        cut(client, url, data[CHUNK:], CHUNK, total, after=500)
        offset = kept(client, url, total)
        assert offset == CHUNK
        assert send(client, url, data[offset:], offset, total).status_code == 200
    bucket = storage.Client(
        api_app.emulators.project,
        AnonymousCredentials(),  # type: ignore[no-untyped-call]
        client_options={"api_endpoint": api_app.emulators.gcs},
    ).bucket(api_app.bucket)
    assert bucket.blob(ticket["object_name"]).download_as_bytes() == data
