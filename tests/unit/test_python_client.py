"""The Python client kept in clients/python is what `klair client generate` makes of the
OpenAPI document the `api` function serves today: a route or model changed without
regenerating fails here, with the command to run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from functions_framework import _function_registry as registry

import klair_client
from klair.cli.client import CLIENT_DIR, SPEC_FILE, for_generator, served_spec, stale_files
from klair.domain.job import JobOptions as DomainOptions


def test_the_tests_use_the_repository_copy_of_the_client() -> None:
    assert Path(klair_client.__file__).resolve().is_relative_to(CLIENT_DIR.resolve())


def test_the_kept_client_matches_the_spec_the_api_serves() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "klair.cli.main", "client", "generate", "--check"],
        capture_output=True, text=True, check=False, env=os.environ.copy(),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr  # names the command: `klair client generate`


def test_a_route_added_without_regenerating_is_reported_with_the_command() -> None:
    document = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    health = document["paths"]["/api/health"]["get"]
    document["paths"]["/api/klair/ping"] = {"get": {**health, "operationId": "ping"}}
    stale = stale_files(document)
    assert "openapi.json" in stale
    assert "klair_client/generated/api/ops/ping.py" in stale


def test_a_body_that_requires_one_of_two_fields_keeps_its_typed_model() -> None:
    """`url` or `upload_id`: a rule only the server can hold; the model keeps both fields."""
    document = json.loads(SPEC_FILE.read_text(encoding="utf-8"))
    assert "oneOf" in document["components"]["schemas"]["SubmitRequest"]
    typed = for_generator(document)["components"]["schemas"]["SubmitRequest"]
    assert "oneOf" not in typed and {"url", "upload_id"} <= set(typed["properties"])
    from klair_client.generated.models import SubmitRequest

    body = SubmitRequest(url="https://videos.example/talk.mp4").to_dict()
    assert body == {"url": "https://videos.example/talk.mp4"}


def test_an_option_left_out_is_left_to_the_server() -> None:
    """A preset sets the clip length the caller did not: the client sends only what was set,
    not the schema's defaults (which would override the preset's 90 s with 60 s)."""
    from klair_client.generated.models import JobOptions

    sent = JobOptions(preset="reels", clip_count=3).to_dict()
    assert sent == {"preset": "reels", "clip_count": 3}
    server = DomainOptions.model_validate(sent)
    assert server == DomainOptions.model_validate({"preset": "reels", "clip_count": 3})
    assert server.max_clip_seconds > DomainOptions().max_clip_seconds


def test_the_spec_is_read_from_an_async_function_as_well(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """functions-framework serves an `aio` function on Starlette: the dump follows it. Its
    registry remembers `api` as async for the process, so it is restored after the test
    (the e2e tests make the real `api` app in the same process)."""
    monkeypatch.setattr(registry, "ASGI_FUNCTIONS", set(registry.ASGI_FUNCTIONS))
    source = tmp_path / "main.py"
    source.write_text(
        "import functions_framework.aio\n"
        "from starlette.responses import JSONResponse\n\n"
        "@functions_framework.aio.http\n"
        "async def api(request):\n"
        "    return JSONResponse({'openapi': '3.1.0', 'path': request.url.path})\n"
    )
    assert served_spec(source) == {"openapi": "3.1.0", "path": "/api/openapi.json"}


def _status(state: str) -> dict[str, object]:
    return {
        "job_id": "job_00000000000000000001", "status": state, "kind": "video", "tier": "free",
        "stage": None, "progress": 100 if state == "completed" else 10, "stalled": False,
        "clips_ready": 0, "clips_total": 0, "chunks": {}, "timings": {}, "notifications": [],
        "error": None, "export": None, "language": None, "results_url": "/api/klair/results/x",
        "created_at": "2026-12-07T10:00:00Z", "updated_at": "2026-12-07T10:00:01Z",
    }  # fmt: skip


def test_waiting_for_a_job_sleeps_out_a_rate_limit_and_raises_other_errors() -> None:
    from klair_client import AuthenticatedClient, KlairApiError, wait_for_job

    answers = [
        httpx.Response(429, headers={"Retry-After": "0"}, json={"error": {
            "code": "rate_limited", "message": "slow down", "details": {"limit": 60}}}),
        httpx.Response(200, json=_status("transcoding")),
        httpx.Response(200, json=_status("completed")),
        httpx.Response(404, json={"error": {"code": "job_not_found", "message": "no such job"}}),
    ]  # fmt: skip
    seen: list[str] = []
    transport = httpx.MockTransport(lambda request: answers.pop(0))
    client = AuthenticatedClient(base_url="https://klair.example", token="klair_sk_x")
    client.set_httpx_client(httpx.Client(base_url="https://klair.example", transport=transport))
    done = wait_for_job(client, "job_00000000000000000001", interval=0,
                        on_status=lambda view: seen.append(view.status))  # fmt: skip
    assert (done.status, seen) == ("completed", ["transcoding", "completed"])
    with pytest.raises(KlairApiError) as missing:
        wait_for_job(client, "job_00000000000000000001", interval=0)
    assert (missing.value.status, missing.value.code, missing.value.details) == (
        404, "job_not_found", {})  # fmt: skip


def test_waiting_for_a_job_polls_through_a_dropped_connection_and_a_proxys_error_page() -> None:
    from klair_client import AuthenticatedClient, wait_for_job

    def dropped(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadError("connection reset by peer", request=request)

    answers: list[Callable[[httpx.Request], httpx.Response]] = [
        dropped,
        lambda request: httpx.Response(502, html="<html>Bad Gateway</html>"),
        lambda request: httpx.Response(200, json=_status("completed")),
    ]
    transport = httpx.MockTransport(lambda request: answers.pop(0)(request))
    client = AuthenticatedClient(base_url="https://klair.example", token="klair_sk_x")
    client.set_httpx_client(httpx.Client(base_url="https://klair.example", transport=transport))
    assert wait_for_job(client, "job_00000000000000000001", interval=0).status == "completed"
    answers[:] = [dropped] * 1000
    with pytest.raises(TimeoutError) as late:
        wait_for_job(client, "job_00000000000000000001", timeout=0.2, interval=0.01)
    assert isinstance(late.value.__cause__, httpx.ReadError)
