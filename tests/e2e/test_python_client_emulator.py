"""The generated Python client (clients/python) against the running stack on the emulators:
a key made with a dev Clerk session submits a video URL, the client polls the job to
completion and reads its clips; an error answer is raised as `KlairApiError` with its code."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from klair.cli.sample import make_sample_video
from klair.devstack import emulators as emu
from klair.devstack.clients import LIMITS
from klair.devstack.stack import LocalStack
from klair_client import AuthenticatedClient, KlairApiError, unwrap, wait_for_job
from klair_client.generated.api.jobs import analyze, results, status
from klair_client.generated.api.user import create_api_key
from klair_client.generated.models import ApiKeyRequest, JobOptions, SubmitRequest
from tests.conftest import local_stack, served_folder

pytestmark = [pytest.mark.e2e, pytest.mark.emulator, pytest.mark.media]

USER = "user_sdk"
PIPELINE = ("api", "ingest", "admit", "transcode", "analyze", "select", "export", "fail")
KEEPALIVE = {"limits": LIMITS}  # idle connections dropped before gunicorn closes them
OPTIONS = JobOptions(clip_count=2, min_clip_seconds=8, max_clip_seconds=20)


@pytest.fixture(scope="module")
def stack(
    emulator_stack: emu.Emulators, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LocalStack]:
    with local_stack(emulator_stack, tmp_path_factory, PIPELINE) as running:
        yield running


@pytest.fixture(scope="module")
def media_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A 40 s talking video on a local web server (the local stack trusts 127.0.0.1)."""
    folder = tmp_path_factory.mktemp("media")
    make_sample_video(folder / "talk.mp4", seconds=40)
    with served_folder(folder) as url:
        yield f"{url}/talk.mp4"


@pytest.fixture(scope="module")
def klair(stack: LocalStack) -> Iterator[AuthenticatedClient]:
    """The client as a backend uses it: with an API key, made once from a session."""
    assert stack.urls.api is not None
    session = AuthenticatedClient(
        base_url=stack.urls.api, token=stack.issuer.mint(USER), httpx_args=KEEPALIVE
    )
    with session:
        body = ApiKeyRequest(name="sdk", scopes=["write"])
        key = unwrap(create_api_key.sync_detailed(client=session, body=body))
    assert key.secret.startswith("klair_sk_")
    timeout = httpx.Timeout(30)
    with AuthenticatedClient(
        base_url=stack.urls.api, token=key.secret, timeout=timeout, httpx_args=KEEPALIVE
    ) as client:
        yield client


def test_a_submitted_url_is_polled_to_completion_and_its_clips_read(
    klair: AuthenticatedClient, media_url: str
) -> None:
    body = SubmitRequest(url=media_url, options=OPTIONS)
    job = unwrap(analyze.sync_detailed(client=klair, body=body))
    seen: list[str] = []
    done = wait_for_job(klair, job.job_id, timeout=300, interval=1,
                        on_status=lambda view: seen.append(view.status))  # fmt: skip
    assert done.status == "completed", done.error
    assert done.progress == 100 and seen[-1] == "completed"
    view = unwrap(results.sync_detailed(job.job_id, client=klair))
    assert view.job_id == job.job_id and not view.partial
    assert 1 <= len(view.clips) <= 2
    for clip in view.clips:
        assert clip.reason and 0 <= clip.score <= 100
        assert 8 - 0.5 <= clip.end - clip.start <= 20 + 0.5
        video = httpx.get(clip.urls["source"], timeout=60)  # a signed GET, any HTTP client
        assert video.status_code == 200 and len(video.content) > 10_000


def test_an_error_answer_is_raised_with_the_api_code(
    klair: AuthenticatedClient, stack: LocalStack
) -> None:
    with pytest.raises(KlairApiError) as missing:
        unwrap(status.sync_detailed("job_00000000000000000000", client=klair))
    assert (missing.value.status, missing.value.code) == (404, "job_not_found")
    # Neither `url` nor `upload_id`: a rule the server holds, the typed model cannot.
    with pytest.raises(KlairApiError) as empty:
        unwrap(analyze.sync_detailed(client=klair, body=SubmitRequest(options=OPTIONS)))
    assert (empty.value.status, empty.value.code) == (400, "invalid_input")
    assert "give exactly one of url or upload_id" in str(empty.value.details["errors"])
    assert stack.urls.api is not None
    stranger = AuthenticatedClient(
        base_url=stack.urls.api, token="klair_sk_" + "x" * 40, httpx_args=KEEPALIVE
    )
    with stranger, pytest.raises(KlairApiError) as refused:
        unwrap(status.sync_detailed("job_00000000000000000000", client=stranger))
    assert (refused.value.status, refused.value.code) == (401, "invalid_api_key")
